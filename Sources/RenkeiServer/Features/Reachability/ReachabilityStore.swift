import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Reachability campaigns on the database: starting one (a challenge mail per team through
/// the outbox), taking answers, reminders, closing (flags and the teams' representatives
/// told), and the results.
enum ReachabilityStore {
    /// Starts a campaign for the current teams of `scope` (resigned and terminated members
    /// are not asked), queuing each team's challenge in the same transaction.
    @discardableResult
    static func start(scope: ReachabilityScope, repeatsMonthly: Bool, by name: String, now: Date, mail: MailAddressing,
                      on database: any Database) async throws -> (campaign: ReachabilityCampaignModel, teams: Int) {
        try await database.writeTransaction { database in
            let campaign = ReachabilityCampaignModel()
            campaign.scope = scope.code
            campaign.repeatsMonthly = repeatsMonthly
            campaign.startedAt = now
            campaign.closesAt = now.addingTimeInterval(ReachabilityRules.answerWindow)
            campaign.startedBy = name
            try await campaign.create(on: database)
            let ended = Set(try await MembershipStatusModel.query(on: database).all()
                .filter { [.resigned, .terminated].contains(MembershipStatus(recorded: $0.status)) }.compactMap(\.id))
            var count = 0
            for team in try await TeamModel.query(on: database).sort(\.$slug).all() {
                guard let teamID = team.id, !ended.contains(teamID),
                      scope.includes(country: team.record.countryCode.uppercased(), memberType: team.record.memberType),
                      !addresses(of: team.record).isEmpty else { continue }
                try await challenge(team, in: campaign, now: now, mail: mail, on: database)
                count += 1
            }
            guard count > 0 else { throw AppError.invalid([FieldError(field: "scope", message: "No current team is in \(scope.label): there is nobody to test.")]) }
            return (campaign, count)
        }
    }

    /// The team's published e-mail and, when it is an address, its emergency contact.
    static func addresses(of record: TeamRecord) -> [String] {
        var addresses = [record.email.trimmingCharacters(in: .whitespaces)]
        let emergency = record.emergencyContact.trimmingCharacters(in: .whitespaces)
        if emergency.contains("@"), !emergency.contains(" ") { addresses.append(emergency) }
        return Array(Set(addresses.filter { $0.contains("@") }.map { $0.lowercased() })).sorted()
    }

    /// The team's first key that can still encrypt.
    static func encryptionKey(of record: TeamRecord, at now: Date) -> String? {
        record.pgpKeys.first { $0.canEncrypt != false && ($0.expires.map { $0 > now } ?? true) }?.armored
    }

    private static func challenge(_ team: TeamModel, in campaign: ReachabilityCampaignModel, now: Date, mail: MailAddressing,
                                  on database: any Database) async throws {
        let challenge = ReachabilityChallengeModel()
        challenge.$campaign.id = try campaign.requireID()
        challenge.teamID = try team.requireID()
        challenge.addresses = addresses(of: team.record).joined(separator: ",")
        challenge.sentAt = now
        challenge.reminders = 0
        challenge.missesInARow = 0
        try await challenge.create(on: database)
        try await send(challenge, team: team, campaign: campaign, reminder: nil, now: now, mail: mail, on: database)
    }

    /// Queues the challenge (or a reminder) with a new token: a reminder's token answers as
    /// well as the first one, since only hashes are kept and the first cannot be repeated.
    private static func send(_ challenge: ReachabilityChallengeModel, team: TeamModel, campaign: ReachabilityCampaignModel, reminder: Int?,
                             now: Date, mail: MailAddressing, on database: any Database) async throws {
        let token = ReachabilityRules.newToken()
        try await ReachabilityTokenModel(challengeID: try challenge.requireID(), token: token, at: now).create(on: database)
        let key = encryptionKey(of: team.record, at: now)
        let text = ReachabilityRules.challengeText(team: team.shortName, token: token, link: mail.publicURL + SiteURL.reachabilityAnswer(.value(token)).path,
                                                   closesAt: TeamView.minute(campaign.closesAt), reminder: reminder)
        let subject = (reminder == nil ? "" : "Reminder: ") + "Reachability test for \(team.shortName)"
        let id = try challenge.requireID()
        // Each mail has its own Message-ID; bounces and automatic replies name it.
        let messageID = ReachabilityRules.messageID(challenge: id, mail: reminder ?? 0, domain: mail.domain)
        try await Outbox.enqueue(from: ("Renkei reachability test", mail.reachabilityAddress), subject: subject, content: .text(text),
                                 extraHeaders: [("Reply-To", mail.reachabilityAddress)], messageID: messageID,
                                 to: challenge.addresses.split(separator: ",").map {
                                     Outbox.Recipient(address: String($0), userID: nil, key: key, form: key == nil ? .signed : .encrypted)
                                 }, at: now, on: database)
    }

    enum Answer: Equatable {
        case accepted(team: String)
        case alreadyAnswered(team: String)
        case closed
        case unknown
    }

    /// The challenge a token answers, while its campaign is open.
    static func challenge(token: String, on database: any Database) async throws -> (ReachabilityChallengeModel, TeamModel)? {
        guard ReachabilityRules.isToken(token),
              let row = try await ReachabilityTokenModel.query(on: database).filter(\.$tokenHash == ReachabilityRules.hash(token)).first(),
              let challenge = try await ReachabilityChallengeModel.query(on: database).filter(\.$id == row.challengeID).with(\.$campaign).first(),
              let team = try await TeamModel.find(challenge.teamID, on: database) else { return nil }
        return (challenge, team)
    }

    /// Records an answer once: the first answer stands, a second (by the other channel, or
    /// a replay) changes nothing. After the campaign closed, the token has expired.
    static func answer(token: String, via channel: String, text: String?, now: Date, on database: any Database) async throws -> Answer {
        guard let (challenge, team) = try await challenge(token: token, on: database) else { return .unknown }
        guard now < challenge.campaign.closesAt, challenge.closedAt == nil else { return .closed }
        // A conditional update: of two answers at once, one sets it.
        let set = try await database.sql.update(ReachabilityChallengeModel.schema)
            .set("answered_at", to: SQLBind(now)).set("answer_seconds", to: SQLBind(Int(max(0, now.timeIntervalSince(challenge.sentAt)).rounded())))
            .set("answered_via", to: SQLBind(channel))
            .set("answer_text", to: SQLBind(text.map { String($0.prefix(4_000)) }))
            .where("id", .equal, SQLBind(try challenge.requireID())).where("answered_at", .is, SQLLiteral.null)
            .returning("id").all()
        return set.isEmpty ? .alreadyAnswered(team: team.shortName) : .accepted(team: team.shortName)
    }

    /// A bounce or an automatic reply to one of the challenge's mails (`mail`: 0 the challenge,
    /// then the reminders sent), while it waits for an answer: once answered or closed, what
    /// machines say of it changes nothing.
    static func record(machineReplyTo challengeID: UUID, mail: Int, bounce: Bool, text: String, now: Date, on database: any Database) async throws -> Bool {
        guard let challenge = try await ReachabilityChallengeModel.query(on: database).filter(\.$id == challengeID).with(\.$campaign).first(),
              mail <= challenge.reminders, challenge.answeredAt == nil, challenge.closedAt == nil, now < challenge.campaign.closesAt else { return false }
        if bounce {
            challenge.bouncedAt = challenge.bouncedAt ?? now
            challenge.bounceText = String(text.prefix(2_000))
        } else {
            challenge.autoRepliedAt = challenge.autoRepliedAt ?? now
        }
        try await challenge.save(on: database)
        return true
    }

    /// The round the server runs every 10 minutes: due reminders, closing campaigns whose week is over,
    /// and the next month's campaign of each repeating scope.
    static func round(now: Date, mail: MailAddressing, on database: any Database) async throws {
        // In closing order, so that each team's misses in a row count up in the order the tests ended.
        let open = try await ReachabilityCampaignModel.query(on: database).filter(\.$closedAt == nil).sort(\.$closesAt).all()
        for campaign in open {
            if now >= campaign.closesAt {
                try await close(campaign, now: now, mail: mail, on: database)
            } else {
                try await remind(campaign, now: now, mail: mail, on: database)
            }
        }
        try await startMonthly(now: now, mail: mail, on: database)
    }

    private static func remind(_ campaign: ReachabilityCampaignModel, now: Date, mail: MailAddressing, on database: any Database) async throws {
        let waiting = try await ReachabilityChallengeModel.query(on: database).filter(\.$campaign.$id == campaign.requireID())
            .filter(\.$answeredAt == nil).filter(\.$reminders < ReachabilityRules.reminderDelays.count).all()
        for challenge in waiting {
            guard let number = ReachabilityRules.reminderDue(sentAt: challenge.sentAt, remindersSent: challenge.reminders, answered: false,
                                                              closesAt: campaign.closesAt, now: now),
                  let team = try await TeamModel.find(challenge.teamID, on: database) else { continue }
            try await database.writeTransaction { database in
                // Claimed by a conditional update, so two servers never send the same reminder.
                let claimed = try await database.sql.update(ReachabilityChallengeModel.schema)
                    .set("reminders", to: SQLBind(number))
                    .where("id", .equal, SQLBind(try challenge.requireID())).where("reminders", .equal, SQLBind(number - 1))
                    .where("answered_at", .is, SQLLiteral.null).returning("id").all()
                guard !claimed.isEmpty else { return }
                try await send(challenge, team: team, campaign: campaign, reminder: number, now: now, mail: mail, on: database)
            }
        }
    }

    /// Closes a campaign: each unanswered team's misses in a row are counted, its
    /// representatives are told, and the campaign is marked closed, in one transaction.
    private static func close(_ campaign: ReachabilityCampaignModel, now: Date, mail: MailAddressing, on database: any Database) async throws {
        try await database.writeTransaction { database in
            guard let fresh = try await ReachabilityCampaignModel.find(campaign.id, on: database), fresh.closedAt == nil else { return }
            let campaignID = try campaign.requireID()
            for challenge in try await ReachabilityChallengeModel.query(on: database).filter(\.$campaign.$id == campaignID).all() {
                challenge.closedAt = campaign.closesAt
                if challenge.answeredAt == nil {
                    let earlier = try await ReachabilityChallengeModel.query(on: database).filter(\.$teamID == challenge.teamID)
                        .filter(\.$closedAt != nil).filter(\.$sentAt < challenge.sentAt).sort(\.$sentAt, .descending).first()
                    challenge.missesInARow = 1 + (earlier.map { $0.answeredAt == nil ? $0.missesInARow : 0 } ?? 0)
                    if let team = try await TeamModel.find(challenge.teamID, on: database) {
                        let representatives = try await UserModel.query(on: database).filter(\.$team.$id == challenge.teamID).all()
                            .filter { $0.roleSet.contains(.teamRepresentative) }.compactMap(\.id)
                        try await Notify.people(representatives, text: "\(team.shortName) did not answer the reachability test of \(TeamView.day(campaign.startedAt)) within a week (\(challenge.missesInARow) in a row). Check that the team's e-mail address is read.",
                                                link: SiteURL.teamReachability(.value(team.slug)).path, at: now, mail: mail, on: database)
                    }
                }
                try await challenge.save(on: database)
            }
            fresh.closedAt = now
            try await fresh.save(on: database)
        }
    }

    /// A repeating scope starts again in a month in which no campaign of its scope has started.
    private static func startMonthly(now: Date, mail: MailAddressing, on database: any Database) async throws {
        let month = { (date: Date) in TeamView.day(date).prefix(7) }
        let repeating = Set(try await ReachabilityCampaignModel.query(on: database).filter(\.$repeatsMonthly == true).all().map(\.scope))
        for code in repeating.sorted() {
            guard let scope = ReachabilityScope(code: code),
                  let latest = try await ReachabilityCampaignModel.query(on: database).filter(\.$scope == code).sort(\.$startedAt, .descending).first(),
                  month(latest.startedAt) < month(now) else { continue }
            do {
                try await start(scope: scope, repeatsMonthly: true, by: "monthly schedule", now: now, mail: mail, on: database)
            } catch AppError.invalid {
                continue
            }
        }
    }

    /// Stops a scope's monthly tests: no campaign of it repeats any more.
    static func stopRepeating(scope code: String, on database: any Database) async throws {
        try await ReachabilityCampaignModel.query(on: database).filter(\.$scope == code).set(\.$repeatsMonthly, to: false).update()
    }

    /// A challenged team as the results name and group it, from the directory snapshot.
    struct Team: Sendable {
        var slug: String
        var name: String
        var country: String
        var memberType: MemberType?
    }

    /// The teams of the directory by id, from its snapshot (kept in memory), not the database.
    static func teams(in snapshot: DirectorySnapshot) -> [UUID: Team] {
        var teams: [UUID: Team] = [:]
        for (id, names) in snapshot.teamNames {
            let record = snapshot.members.view.entry(slug: names.slug)?.record
            teams[id] = Team(slug: names.slug, name: names.name, country: record?.countryCode.uppercased() ?? "", memberType: record?.memberType)
        }
        return teams
    }

    /// A challenge with its team and the delivery of its first mail, as pages and the CSV show it.
    struct Row {
        var challenge: ReachabilityChallengeModel
        var team: Team
        /// When the relay took the challenge for the team's first address; nil while it waits or after it failed.
        var deliveredAt: Date?
        var deliveryFailed: Bool

        var outcome: ReachabilityOutcome {
            ReachabilityOutcome(team: team.name, country: team.country, memberType: team.memberType,
                                sentAt: challenge.sentAt, answeredAt: challenge.answeredAt, bounced: challenge.bouncedAt != nil,
                                autoReplied: challenge.autoRepliedAt != nil)
        }
    }

    /// The campaign's challenges with their teams; `deliveries` (the secretariat's) adds how each mail left.
    static func rows(of campaignID: UUID, teams: [UUID: Team], deliveries domain: String?, on database: any Database) async throws -> [Row] {
        let challenges = try await ReachabilityChallengeModel.query(on: database).filter(\.$campaign.$id == campaignID).all()
        var delivered: [UUID: Date] = [:], failed: Set<UUID> = []
        if let domain {
            // The first mail of each challenge, found by its Message-ID, and its deliveries.
            var challengeOfMessage: [UUID: UUID] = [:]
            for chunk in stride(from: 0, to: challenges.count, by: 500).map({ challenges[$0..<min($0 + 500, challenges.count)] }) {
                let ids = try chunk.map { ReachabilityRules.messageID(challenge: try $0.requireID(), mail: 0, domain: domain) }
                for message in try await MailMessageModel.query(on: database).filter(\.$messageID ~~ ids).all() {
                    if let challenge = ReachabilityRules.challenge(in: message.messageID, domain: domain)?.id { challengeOfMessage[try message.requireID()] = challenge }
                }
            }
            let messages = Array(challengeOfMessage.keys)
            for chunk in stride(from: 0, to: messages.count, by: 500).map({ messages[$0..<min($0 + 500, messages.count)] }) {
                for delivery in try await MailDeliveryModel.query(on: database).filter(\.$message.$id ~~ Array(chunk)).all() {
                    guard let challenge = challengeOfMessage[delivery.$message.id] else { continue }
                    if let sent = delivery.sentAt { delivered[challenge] = min(delivered[challenge] ?? sent, sent) }
                    if delivery.state == MailDeliveryModel.State.failed.rawValue { failed.insert(challenge) }
                }
            }
        }
        return challenges.compactMap { challenge in
            teams[challenge.teamID].map { Row(challenge: challenge, team: $0, deliveredAt: challenge.id.flatMap { delivered[$0] },
                                               deliveryFailed: challenge.id.map(failed.contains) ?? false) }
        }.sorted { $0.team.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) < $1.team.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
    }

    /// Each campaign's figures in total, counted in SQL from the stored waits.
    static func totals(of campaignIDs: [UUID], on database: any Database) async throws -> [UUID: ReachabilityFigures] {
        guard !campaignIDs.isEmpty else { return [:] }
        let rows = try await database.sql.raw("""
            SELECT campaign_id, COUNT(*) AS challenged,
            SUM(CASE WHEN answer_seconds <= 3600 THEN 1 ELSE 0 END) AS hour, SUM(CASE WHEN answer_seconds <= 86400 THEN 1 ELSE 0 END) AS day,
            SUM(CASE WHEN answer_seconds <= \(literal: Int(ReachabilityRules.answerWindow)) THEN 1 ELSE 0 END) AS week,
            SUM(CASE WHEN bounced_at IS NULL THEN 0 ELSE 1 END) AS bounced, SUM(CASE WHEN auto_replied_at IS NULL THEN 0 ELSE 1 END) AS auto
            FROM reachability_challenges WHERE campaign_id IN (\(binds: campaignIDs)) GROUP BY campaign_id
            """).all()
        var totals: [UUID: ReachabilityFigures] = [:]
        for row in rows {
            var figures = ReachabilityFigures()
            figures.challenged = try row.decode(column: "challenged", as: Int.self)
            figures.withinHour = try row.decode(column: "hour", as: Int?.self) ?? 0
            figures.withinDay = try row.decode(column: "day", as: Int?.self) ?? 0
            figures.withinWeek = try row.decode(column: "week", as: Int?.self) ?? 0
            figures.bounced = try row.decode(column: "bounced", as: Int?.self) ?? 0
            figures.autoReplied = try row.decode(column: "auto", as: Int?.self) ?? 0
            totals[try row.decode(column: "campaign_id", as: UUID.self)] = figures
        }
        return totals
    }

    /// The team's challenges, newest first, with their campaigns.
    static func history(of teamID: UUID, limit: Int, on database: any Database) async throws -> [ReachabilityChallengeModel] {
        try await ReachabilityChallengeModel.query(on: database).filter(\.$teamID == teamID).with(\.$campaign)
            .sort(\.$sentAt, .descending).limit(limit).all()
    }

    /// The team's latest closed challenge when it went unanswered: the flag on its page.
    static func missed(by teamID: UUID, on database: any Database) async throws -> ReachabilityChallengeModel? {
        let latest = try await ReachabilityChallengeModel.query(on: database).filter(\.$teamID == teamID).filter(\.$closedAt != nil)
            .sort(\.$sentAt, .descending).with(\.$campaign).first()
        return latest?.answeredAt == nil ? latest : nil
    }

    /// Teams whose latest closed challenge is their third (or later) miss in a row.
    static func unreachable(on database: any Database) async throws -> [(team: TeamModel, misses: Int, since: Date)] {
        let rows = try await database.sql.raw("""
            SELECT c.team_id, c.misses_in_a_row, c.sent_at FROM reachability_challenges c
            WHERE c.closed_at IS NOT NULL AND c.answered_at IS NULL AND c.misses_in_a_row >= \(literal: ReachabilityRules.missesForList)
            AND NOT EXISTS (SELECT 1 FROM reachability_challenges later WHERE later.team_id = c.team_id
                            AND later.closed_at IS NOT NULL AND later.sent_at > c.sent_at)
            """).all()
        var found: [(UUID, Int, Date)] = []
        for row in rows {
            found.append((try row.decode(column: "team_id", as: UUID.self), try row.decode(column: "misses_in_a_row", as: Int.self),
                          try row.decode(column: "sent_at", as: Date.self)))
        }
        let teams = try await TeamModel.query(on: database).filter(\.$id ~~ found.map(\.0)).all()
        return found.compactMap { id, misses, date in teams.first { $0.id == id }.map { ($0, misses, date) } }
            .sorted { $0.team.shortName.lowercased() < $1.team.shortName.lowercased() }
    }
}
