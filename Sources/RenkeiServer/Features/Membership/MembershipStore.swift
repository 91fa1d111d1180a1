import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Loads what the membership rules need and stores what they decide: each step, its audit
/// line, its notifications and (on approval) the new member in one transaction.
enum MembershipStore {
    static func standing(of team: TeamModel, on database: any Database) async throws -> TeamStanding {
        let status = try await MembershipStatusModel.find(team.requireID(), on: database)
        return try standing(of: team, status: status)
    }

    static func standing(of team: TeamModel, status: MembershipStatusModel?) throws -> TeamStanding {
        let record = team.record
        let membership = record.memberType.map { type in
            TeamMembership(type: type, since: record.memberSince, status: MembershipStatus(recorded: status?.status),
                           reason: status?.reason ?? "", changedAt: status?.changedAt ?? team.modifiedAt)
        }
        return TeamStanding(id: try team.requireID(), slug: record.slug, name: record.shortName, host: record.host, membership: membership)
    }

    /// The statuses recorded apart from "active", by team id, for the directory snapshot.
    static func recordedStatuses(on database: any Database) async throws -> [UUID: String] {
        struct Row: Decodable { var team_id: UUID; var status: String }
        let rows = try await database.sql.select().columns("team_id", "status").from(MembershipStatusModel.schema).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.team_id, $0.status) }, uniquingKeysWith: { first, _ in first })
    }

    static func standing(teamID: UUID?, on database: any Database) async throws -> TeamStanding? {
        guard let teamID, let team = try await TeamModel.find(teamID, on: database) else { return nil }
        return try await standing(of: team, on: database)
    }

    static func standing(slug: String, on database: any Database) async throws -> TeamStanding? {
        guard let team = try await TeamModel.find(slug: slug, on: database) else { return nil }
        return try await standing(of: team, on: database)
    }

    static func boardSize(on database: any Database) async throws -> Int {
        try await UserModel.query(on: database).all().count { $0.roleSet.contains(.board) }
    }

    static func context(for actor: Actor, rules: MembershipRules, on database: any Database) async throws -> MembershipContext {
        MembershipContext(rules: rules, boardSize: try await boardSize(on: database),
                          actorTeam: try await standing(teamID: actor.teamID, on: database))
    }

    static func require(_ id: UUID, on database: any Database) async throws -> ApplicationModel {
        guard let model = try await ApplicationModel.find(id, on: database) else { throw AppError.notFound("There is no such application.") }
        return model
    }

    /// One page of the applications `actor` may read, newest first, each as they may read it
    /// (`MembershipApplication.readable`, row by row over keyset batches: `KeysetScan`).
    static func readable(by actor: Actor?, page request: PageRequest, on database: any Database) async throws -> Page<MembershipApplication> {
        guard let actor else { return Page(items: [], next: nil) }
        let actorTeam = try await standing(teamID: actor.teamID, on: database)
        return try await KeysetScan.page(request, query: { ApplicationModel.query(on: database) }, by: \.$submittedAt) {
            try $0.application().readable(by: actor, actorTeam: actorTeam)
        }
    }

    /// Every reading of an application's TLP:RED parts goes to the audit log, as every access
    /// to a RED item does; the candidate reading what it wrote itself is not recorded.
    static func recordRedReads(_ applications: [MembershipApplication], by user: UserModel, request: Request) async throws {
        for application in applications where application.applicantUserID != user.id
            && !(application.confidentialNote.isEmpty && (application.siteVisit?.confidentialFindings ?? "").isEmpty) {
            try await AuditLog.record("application.read-red", subject: "application \(application.id.uuidString) (\(application.team.slug))", request: request)
        }
    }

    // MARK: - Writes

    /// Submits `draft` for `applicant`, creating the applicant's account in the same transaction
    /// when it is new. `accountErrors` (problems with a new account's fields) are reported
    /// together with the application's own, so the form shows every problem at once. With
    /// `storing: false` the same checks run and nothing is written (a visitor's application
    /// before its address is confirmed, `ApplicationConfirmation`).
    static func submit(_ draft: ApplicationDraft, applicant: UserModel, accountErrors: [FieldError] = [], storing: Bool = true,
                       request: Request) async throws -> MembershipApplication {
        let now = request.application.renkei.clock.now
        return try await request.db.transaction { database in
            if storing, !applicant.$id.exists, accountErrors.isEmpty {
                try await applicant.create(on: database)
                try await AuditLog.record("account.create", subject: applicant.email, detail: "applicant", actor: applicant,
                                          address: request.clientAddress, at: now, on: database)
            }
            let actor = applicant.actor
            let applicantTeam = try await standing(teamID: actor.teamID, on: database)
            var sponsors: [TeamStanding?] = []
            for slug in draft.sponsorSlugs { sponsors.append(try await standing(slug: slug, on: database)) }
            let open = try await ApplicationModel.query(on: database).filter(\.$isOpen == true).all()
                .contains { $0.applicantUserID == actor.userID || $0.teamSlug == (applicantTeam?.slug ?? draft.team.slug) }
            let outcome = Result { () throws(MembershipRefusal) in
                try MembershipApplication.submit(draft, id: UUID(), by: actor, applicantTeam: applicantTeam, sponsors: sponsors, hasOpenApplication: open, at: now)
            }
            if !accountErrors.isEmpty {
                guard case .failure(let refusal) = outcome, refusal.reason == .invalid else { throw AppError.invalid(accountErrors) }
                throw AppError.invalid(accountErrors + refusal.fieldErrors)
            }
            let (application, event) = try outcome.get()
            if applicantTeam == nil, try await TeamModel.find(slug: application.team.slug, on: database) != nil {
                throw AppError.invalid([FieldError(field: "slug", message: "The slug “\(application.team.slug)” is taken by a team in the directory.")])
            }
            guard storing else { return application }
            try await ApplicationModel(application).create(on: database)
            try await record(event, for: application, actor: applicant, address: request.clientAddress, at: now,
                             mail: request.application.renkei.mail, on: database)
            return application
        }
    }

    /// Performs `step` on the application for the signed-in user, retrying when someone else
    /// changed the application at the same moment.
    static func perform(_ step: MembershipStep, on id: UUID, by user: UserModel, request: Request) async throws -> MembershipApplication {
        let rules = request.application.renkei.settings.membershipRules
        for _ in 0..<3 {
            let now = request.application.renkei.clock.now
            let result: MembershipApplication? = try await request.db.writeTransaction { database in
                let model = try await require(id, on: database)
                var application = try model.application()
                let actor = user.actor
                let context = try await context(for: actor, rules: rules, on: database)
                guard application.readable(by: actor, actorTeam: context.actorTeam) != nil else {
                    throw AppError.notFound("There is no such application.")
                }
                let event = try application.perform(step, by: actor, at: now, context: context)
                guard try await saveIfUnchanged(application, expectedVersion: model.version, on: database) else { return nil }
                if application.decision?.outcome == .approved {
                    try await admit(application, at: now, mail: request.application.renkei.mail, on: database)
                }
                try await record(event, for: application, actor: user, address: request.clientAddress, at: now,
                                 mail: request.application.renkei.mail, on: database)
                return application
            }
            if let result { return result }
        }
        throw AppError.conflict("The application kept changing while this step was recorded; reload it and try again.")
    }

    /// Writes the application only if nobody wrote it since it was read (optimistic locking).
    private static func saveIfUnchanged(_ application: MembershipApplication, expectedVersion: Int, on database: any Database) async throws -> Bool {
        let sql = try database.sql
        let rows = try await sql.raw("""
            UPDATE membership_applications SET document = \(bind: try ApplicationModel.encode(application)),
            is_open = \(bind: application.isOpen), version = version + 1
            WHERE id = \(bind: application.id) AND version = \(bind: expectedVersion) RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// An approved candidate becomes a member: the team enters (or is updated in) the directory
    /// with its type and member-since date, and the applicant becomes its representative (a
    /// role that needs the second factor: their API tokens made before are revoked).
    private static func admit(_ application: MembershipApplication, at now: Date, mail: MailAddressing?, on database: any Database) async throws {
        let existing = try await application.existingTeamID.asyncFlatMap { try await TeamModel.find($0, on: database) }
        let wasMember = try await existing.asyncFlatMap { try await standing(of: $0, on: database).membership }
        let record = application.admittedRecord(current: existing?.record, wasActiveMember: wasMember?.status == .active, at: now)
        let team = try await TeamWrites.save(record, existing: existing, author: ChangeAuthor(userID: nil, name: "Membership decision", channel: "web"),
                                             on: database, now: now)
        try await MembershipStatusModel.find(team.requireID(), on: database)?.delete(on: database)
        try await DataVersions.bump(DataVersions.directory, on: database)
        guard let applicant = try await UserModel.find(application.applicantUserID, on: database) else { return }
        applicant.$team.id = try team.requireID()
        try await SecondFactorChanges.setRoles(MembershipApplication.admittedRoles(applicant.roleSet), of: applicant, at: now, mail: mail, on: database)
        try await AuditLog.record("user.roles", subject: applicant.email, detail: "team \(record.slug); roles \(applicant.roles)",
                                  actor: nil, address: nil, at: now, on: database)
    }

    /// The audit line and the notifications (in the app and by mail) of one step; `actor` is nil
    /// for what the platform does by itself (a deadline passing).
    private static func record(_ event: MembershipEvent, for application: MembershipApplication, actor: UserModel?, address: String?,
                               at now: Date, mail: MailAddressing?, on database: any Database) async throws {
        try await AuditLog.record(event.action, subject: "application \(application.id.uuidString) (\(application.team.slug))",
                                  detail: event.summary, actor: actor, address: address, at: now, on: database)
        let recipients = try await users(for: event.notify, application: application, on: database)
        let link = SiteURL.membershipApplication(.value(application.id.uuidString)).path
        try await Notify.people(recipients.filter { $0 != actor?.id }, text: event.summary, link: link, at: now, mail: mail, on: database)
    }

    /// Announces every deadline that has passed since the last call (see
    /// `MembershipApplication.announceDeadline`); run every minute by the server (`usePeriodicWork`).
    static func announceDeadlines(at now: Date, mail: MailAddressing?, on database: any Database) async throws {
        for model in try await ApplicationModel.query(on: database).filter(\.$isOpen == true).all() {
            try await database.writeTransaction { database in
                var application = try model.application()
                guard let event = application.announceDeadline(at: now),
                      try await saveIfUnchanged(application, expectedVersion: model.version, on: database) else { return }
                try await record(event, for: application, actor: nil, address: nil, at: now, mail: mail, on: database)
            }
        }
    }

    private static func users(for recipients: [MembershipRecipient], application: MembershipApplication, on database: any Database) async throws -> Set<UUID> {
        guard !recipients.isEmpty else { return [] }
        let users = try await UserModel.query(on: database).all()
        var fullMemberTeams: Set<UUID> = []
        if recipients.contains(.fullMembers) {
            let statuses = Dictionary(uniqueKeysWithValues: try await MembershipStatusModel.query(on: database).all().compactMap { model in model.id.map { ($0, model) } })
            for team in try await TeamModel.query(on: database).all() {
                let standing = try standing(of: team, status: statuses[try team.requireID()])
                if standing.isActiveFullMember, standing.id != application.existingTeamID { fullMemberTeams.insert(standing.id) }
            }
        }
        var ids: Set<UUID> = []
        for user in users {
            guard let id = user.id else { continue }
            let roles = user.roleSet
            for recipient in recipients {
                let match = switch recipient {
                case .applicant: id == application.applicantUserID
                case .sponsorTeam(let teamID): user.$team.id == teamID && roles.contains(.teamRepresentative)
                case .fullMembers: user.$team.id.map(fullMemberTeams.contains) ?? false
                case .board: roles.contains(.board)
                case .secretariat: roles.contains(.secretariat)
                }
                if match { ids.insert(id) }
            }
        }
        return ids
    }

    /// Records a later membership change of a team (suspension, reinstatement, resignation,
    /// termination) with its audit line.
    static func change(_ change: TeamMembership.Change, team: TeamModel, by user: UserModel, request: Request) async throws -> TeamMembership {
        let now = request.application.renkei.clock.now
        return try await request.db.writeTransaction { database in
            guard let current = try await standing(of: team, on: database).membership else {
                throw AppError.conflict("\(team.shortName) is not a member.")
            }
            let next = try current.applying(change, teamID: try team.requireID(), by: user.actor, at: now)
            try await MembershipStatusModel.find(team.requireID(), on: database)?.delete(on: database)
            if next.status != .active {
                try await MembershipStatusModel(teamID: team.requireID(), membership: next).create(on: database)
            }
            // The directory snapshot holds each member team's status (`TeamStatusMiddleware`).
            try await DataVersions.bump(DataVersions.directory, on: database)
            try await AuditLog.record("membership.\(change.name)", subject: "team \(team.slug)", detail: next.reason,
                                      actor: user, address: request.clientAddress, at: now, on: database)
            return next
        }
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
