import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Appends to the audit log: every membership step, role change and sign-in.
enum AuditLog {
    static func record(_ action: String, subject: String, detail: String = "", actor: UserModel?, address: String?,
                       at now: Date, on database: any Database) async throws {
        try await AuditEventModel(at: now, actorUserID: actor?.id, actor: actor?.email ?? "system", action: action,
                                  subject: subject, detail: detail, address: address ?? "").create(on: database)
    }

    static func record(_ action: String, subject: String, detail: String = "", request: Request, on database: (any Database)? = nil) async throws {
        try await record(action, subject: subject, detail: detail, actor: request.currentUser, address: request.clientAddress,
                         at: request.application.renkei.clock.now, on: database ?? request.db)
    }

    /// What the secretariat filters the log by; every part is optional.
    struct Filter {
        var action: String?
        var actor: String?
        var subject: String?
        var since: Date?
        var until: Date?
        var limit: Int?

        /// Reads the query of the page and the API alike: times as YYYY-MM-DD or ISO 8601.
        init(query: [String: String]) throws {
            action = query["action"]
            actor = query["actor"]
            subject = query["subject"]
            limit = try query["limit"].map { text in
                guard let value = Int(text) else { throw AppError.invalid([FieldError(field: "limit", message: "The limit is a number of entries.")]) }
                return value
            }
            since = try Self.moment(query["since"], field: "since")
            until = try Self.moment(query["until"], field: "until")
        }

        private static func moment(_ text: String?, field: String) throws -> Date? {
            guard let text = text?.nonBlank else { return nil }
            guard let date = MembershipStepInput.parseMoment(text) ?? ISODay.parse(text) else {
                throw AppError.invalid([FieldError(field: field, message: "“\(text)” is not a date; use YYYY-MM-DD or an ISO 8601 date and time.")])
            }
            return date
        }
    }

    static func events(matching filter: Filter, on database: any Database) async throws -> [AuditEventModel] {
        var query = AuditEventModel.query(on: database)
        if let action = filter.action?.nonBlank { query = query.filter(\.$action ~~ action) }
        if let actor = filter.actor?.nonBlank { query = query.filter(\.$actor ~~ actor.lowercased()) }
        if let subject = filter.subject?.nonBlank { query = query.filter(\.$subject ~~ subject) }
        if let since = filter.since { query = query.filter(\.$at >= since) }
        if let until = filter.until { query = query.filter(\.$at < until) }
        return try await shown(try await query.sort(\.$at, .descending).limit(min(max(filter.limit ?? 200, 1), 1000)).all(), on: database)
    }

    /// The lines as the log shows them: lines written before artifacts were named by id name
    /// them by a hash, shown as the entry's id instead (`AuditPolicy.shownSubject`). The rows
    /// themselves stay as written.
    private static func shown(_ events: [AuditEventModel], on database: any Database) async throws -> [AuditEventModel] {
        let hashes = Set(events.compactMap { AuditPolicy.hashInSubject($0.subject) })
        guard !hashes.isEmpty else { return events }
        var ids: [String: UUID] = [:]
        for model in try await ArtifactModel.query(on: database).group(.or, { group in
            group.filter(\.$sha256 ~~ Array(hashes)).filter(\.$sha1 ~~ Array(hashes)).filter(\.$md5 ~~ Array(hashes))
        }).all() {
            for hash in [model.sha256, model.sha1, model.md5].compactMap({ $0 }) where ids[hash] == nil { ids[hash] = model.id }
        }
        for event in events { event.subject = AuditPolicy.shownSubject(event.subject, entry: { ids[$0] }) }
        return events
    }
}

extension String {
    /// The trimmed text, or nil when nothing is left.
    var nonBlank: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
