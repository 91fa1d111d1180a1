import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A claim waiting for the secretariat, as pages and the API show it, with the other teams'
/// approved claims it overlaps as they stand now.
struct PendingClaimDocument: Content, Equatable {
    struct Overlap: Content, Equatable {
        var team: String
        var teamName: String
        var kind: String
        var value: String
        var claim: String
    }

    var id: UUID
    var team: String
    var teamName: String
    var kind: String
    var value: String
    /// The claim in words ("network 0.0.0.0/0").
    var claim: String
    /// `waiting-for-approval` while pending; `approved` or `rejected` in a decision's answer.
    var status: String
    /// `ClaimReason` values: why the claim waits.
    var reasons: [String]
    var overlaps: [Overlap]
    var requestedBy: String
    var requestedAt: Date
}

/// Where representatives' edits meet the claims rule (`ConstituencyClaims`), and where the
/// secretariat decides. The team's stored record (all the lookup reads) holds approved claims
/// only; waiting ones are rows of `PendingClaimModel`.
enum ClaimStore {
    static let waitingStatus = "waiting-for-approval"

    /// Stores an edit of an existing team: new claims that need approval are held back (unless
    /// the secretariat, who approves them, made the edit) and recorded as waiting; the rest is
    /// saved at once. Claims the secretariat applies that would have waited are audited with
    /// their overlaps, so an overlap it accepted stays traceable.
    static func save(_ record: TeamRecord, existing: TeamModel, request: Request) async throws -> TeamModel {
        let approver = DirectoryPolicy.canDecideClaims(actor: request.currentActor)
        let author = request.changeAuthor
        let requesterID = request.currentUser?.id
        let now = request.application.renkei.clock.now
        return try await request.db.transaction { database in
            let teamID = try existing.requireID()
            let others = try await TeamModel.query(on: database).filter(\.$id != teamID).all().map(\.record)
            let review = ConstituencyClaims.review(old: existing.record, new: record, others: others, approver: approver)
            let saved = try await TeamWrites.save(review.record, existing: existing, author: author, on: database, now: now)
            let inRecord = Set(ConstituencyClaims.claims(of: saved.record))
            var waiting: Set<ConstituencyClaim> = []
            for row in try await PendingClaimModel.query(on: database).filter(\.$team.$id == teamID).all() {
                guard let claim = row.claim, !inRecord.contains(claim) else {
                    try await row.delete(on: database)
                    continue
                }
                waiting.insert(claim)
            }
            for assessment in review.waiting where !waiting.contains(assessment.claim) {
                try await PendingClaimModel(teamID: teamID, assessment: assessment, requesterID: requesterID,
                                            requestedBy: author.name, at: now).create(on: database)
                try await AuditLog.record("claim.request", subject: "team \(saved.slug)",
                                          detail: summary(assessment), request: request, on: database)
            }
            for assessment in review.applied where assessment.needsApproval {
                try await AuditLog.record("claim.apply", subject: "team \(saved.slug)",
                                          detail: summary(assessment), request: request, on: database)
            }
            return saved
        }
    }

    /// One line for the audit log: the claim, why it needs approval, what it overlaps.
    static func summary(_ assessment: ClaimAssessment) -> String {
        var text = "\(assessment.claim): " + assessment.reasons.map(\.label).joined(separator: "; ")
        if !assessment.overlaps.isEmpty {
            text += " (" + assessment.overlaps.map { "\($0.team) \($0.claim)" }.joined(separator: ", ") + ")"
        }
        return text
    }

    /// Every waiting claim, oldest first, with the team ids it concerns (its own team's and
    /// those of the teams it overlaps).
    static func all(on database: any Database) async throws -> [(document: PendingClaimDocument, teams: Set<UUID>)] {
        let rows = try await PendingClaimModel.query(on: database).sort(\.$requestedAt).all()
        guard !rows.isEmpty else { return [] }
        let teams = try await TeamModel.query(on: database).all()
        return rows.compactMap { row in
            guard let team = teams.first(where: { $0.id == row.$team.id }) else { return nil }
            return document(row, team: team, teams: teams)
        }
    }

    private static func document(_ row: PendingClaimModel, team: TeamModel, teams: [TeamModel]) -> (document: PendingClaimDocument, teams: Set<UUID>)? {
        guard let id = row.id, let claim = row.claim else { return nil }
        // Assessed as if applied to the team's current record, against the others as they are now.
        let candidate = ConstituencyClaims.adding(claim, to: team.record)
        let overlaps = ConstituencyClaims.assess(claim, by: candidate, others: teams.filter { $0.id != team.id }.map(\.record)).overlaps
        let bySlug = Dictionary(teams.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        let document = PendingClaimDocument(
            id: id, team: team.slug, teamName: team.shortName, kind: claim.kind.rawValue, value: claim.value,
            claim: claim.description, status: waitingStatus, reasons: row.reasons,
            overlaps: overlaps.map { .init(team: $0.team, teamName: bySlug[$0.team]?.shortName ?? $0.team, kind: $0.claim.kind.rawValue,
                                           value: $0.claim.value, claim: $0.claim.description) },
            requestedBy: row.requestedBy, requestedAt: row.requestedAt)
        let concerned = Set([row.$team.id] + overlaps.compactMap { bySlug[$0.team]?.id })
        return (document, concerned)
    }

    /// The waiting claims `actor` may see: all for the secretariat; for anyone else, those of
    /// their own team and those that overlap their team's claims.
    static func visible(to actor: Actor?, on database: any Database) async throws -> [PendingClaimDocument] {
        let all = try await all(on: database)
        if DirectoryPolicy.canDecideClaims(actor: actor) { return all.map(\.document) }
        guard let teamID = actor?.teamID else { return [] }
        return all.filter { $0.teams.contains(teamID) }.map(\.document)
    }

    /// The secretariat's decision: an approved claim joins the team's record (and so the
    /// lookup); a rejected one is dropped. Either way the request is gone and the decision is
    /// audited with its reason.
    static func decide(_ id: UUID, approve: Bool, reason: String, request: Request) async throws -> PendingClaimDocument {
        guard DirectoryPolicy.canDecideClaims(actor: request.currentActor) else {
            throw AppError.forbidden("Only the secretariat approves or rejects constituency claims.")
        }
        let author = request.changeAuthor
        let now = request.application.renkei.clock.now
        return try await request.db.writeTransaction { database in
            guard let row = try await PendingClaimModel.find(id, on: database), let claim = row.claim,
                  let team = try await TeamModel.find(row.$team.id, on: database) else {
                throw AppError.notFound("There is no waiting claim \(id.uuidString); it may have been decided already.")
            }
            let teams = try await TeamModel.query(on: database).all()
            guard var decided = document(row, team: team, teams: teams)?.document else {
                throw AppError.notFound("There is no waiting claim \(id.uuidString).")
            }
            try await row.delete(on: database)
            if approve {
                let record: TeamRecord
                do { record = try ConstituencyClaims.adding(claim, to: team.record).validated(now: now) } catch let failure as ValidationFailure {
                    throw AppError.invalid(failure.errors)
                }
                try await TeamWrites.save(record, existing: team, author: author, on: database, now: now)
            }
            decided.status = approve ? "approved" : "rejected"
            var detail = "\(claim)"
            if !decided.overlaps.isEmpty { detail += "; overlaps " + decided.overlaps.map { "\($0.team) \($0.claim)" }.joined(separator: ", ") }
            if let reason = reason.nonBlank { detail += "; reason: \(reason)" }
            try await AuditLog.record(approve ? "claim.approve" : "claim.reject", subject: "team \(team.slug)", detail: detail,
                                      request: request, on: database)
            return decided
        }
    }

    /// What a team's page shows its own people and the secretariat about claims.
    struct Panel: Encodable {
        var waiting: [PendingClaimDocument]?
        /// Other teams' waiting claims that overlap this team's.
        var othersWaiting: [PendingClaimDocument]?
        /// This team's approved claims that overlap other teams' approved claims.
        var overlaps: [ApprovedOverlap]?
        var decideURL: String?

        var isEmpty: Bool { waiting == nil && othersWaiting == nil && overlaps == nil }
    }

    struct ApprovedOverlap: Encodable {
        var claim: String
        var team: String
        var teamName: String
        var teamURL: String
        var theirs: String
    }

    static func panel(for team: TeamModel, actor: Actor?, on database: any Database) async throws -> Panel? {
        let teamID = try team.requireID()
        guard DirectoryPolicy.canSeeClaims(of: teamID, actor: actor) else { return nil }
        let all = try await all(on: database)
        let others = try await TeamModel.query(on: database).filter(\.$id != teamID).all()
        let names = Dictionary(others.map { ($0.slug, $0.shortName) }, uniquingKeysWith: { first, _ in first })
        let overlaps = ConstituencyClaims.overlaps(of: team.record, others: others.map(\.record)).flatMap { assessment in
            assessment.overlaps.map {
                ApprovedOverlap(claim: assessment.claim.description, team: $0.team, teamName: names[$0.team] ?? $0.team,
                                teamURL: SiteURL.team(.value($0.team)).path, theirs: $0.claim.description)
            }
        }
        let panel = Panel(
            waiting: all.filter { $0.document.team == team.slug }.map(\.document).nonEmpty,
            othersWaiting: all.filter { $0.document.team != team.slug && $0.teams.contains(teamID) }.map(\.document).nonEmpty,
            overlaps: overlaps.nonEmpty,
            decideURL: DirectoryPolicy.canDecideClaims(actor: actor) ? SiteURL.adminClaims.path : nil)
        return panel.isEmpty ? nil : panel
    }
}
