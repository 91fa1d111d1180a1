import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Appends to the audit log: every membership step, role change and sign-in.
enum AuditLog {
    static func record(_ action: String, subject: String, detail: String = "", actor: UserModel?, address: String?,
                       at now: Date, on database: any Database) async throws {
        try await AuditWriter.insert([event(action, subject: subject, detail: detail, actor: actor, address: address, at: now)], on: database.sql)
    }

    /// An event of `request`'s user and address. Without a `database` (a transaction to be
    /// part of) it is written in a group commit with those of concurrent requests.
    static func record(_ action: String, subject: String, detail: String = "", request: Request, on database: (any Database)? = nil) async throws {
        let event = event(action, subject: subject, detail: detail, actor: request.currentUser, address: request.clientAddress,
                          at: request.application.renkei.clock.now)
        if let database {
            try await AuditWriter.insert([event], on: database.sql)
        } else {
            try await request.application.renkei.auditWriter.write(event, on: request.application.db)
        }
    }

    private static func event(_ action: String, subject: String, detail: String, actor: UserModel?, address: String?, at now: Date) -> AuditWriter.Event {
        AuditWriter.Event(at: now, actorUserID: actor?.id, actor: actor?.email ?? "system", action: action, subject: subject, detail: detail,
                          address: address ?? "")
    }

    /// What the secretariat filters the log by; every part is optional. The page and the API
    /// take the same query, so a page's "Older" link keeps the filters.
    struct Filter {
        /// Part of the action, e.g. `sign-in` or `decision`.
        var action: String?
        /// Part of the e-mail address of the person who acted.
        var actor: String?
        /// Part of the subject, e.g. a team's slug, an item's id or an e-mail address.
        var subject: String?
        var since: Date?
        var until: Date?

        /// Reads the query of the page and the API alike: times as YYYY-MM-DD or ISO 8601;
        /// every problem found is reported.
        init(query: [String: String]) throws(ValidationFailure) {
            action = query["action"]?.nonBlank
            actor = query["actor"]?.nonBlank?.lowercased()
            subject = query["subject"]?.nonBlank
            var errors: [FieldError] = []
            since = Self.moment(query["since"], field: "since", errors: &errors)
            until = Self.moment(query["until"], field: "until", errors: &errors)
            guard errors.isEmpty else { throw ValidationFailure(errors) }
        }

        init() {}

        private static func moment(_ text: String?, field: String, errors: inout [FieldError]) -> Date? {
            guard let text = text?.nonBlank else { return nil }
            guard let date = MembershipStepInput.parseMoment(text) ?? ISODay.parse(text) else {
                errors.append(FieldError(field: field, message: "“\(text)” is not a date; use YYYY-MM-DD or an ISO 8601 date and time."))
                return nil
            }
            return date
        }
    }

    /// One page of the entries `filter` matches, newest first: filtered and paged in SQL
    /// (keyset on the time, index from migration 014), so a page costs the same however long
    /// the log has grown.
    static func events(matching filter: Filter, page request: PageRequest, on database: any Database) async throws -> Page<AuditEventModel> {
        var query = AuditEventModel.query(on: database)
        if let action = filter.action { query = query.filter(\.$action ~~ action) }
        if let actor = filter.actor { query = query.filter(\.$actor ~~ actor) }
        if let subject = filter.subject { query = query.filter(\.$subject ~~ subject) }
        if let since = filter.since { query = query.filter(\.$at >= since) }
        if let until = filter.until { query = query.filter(\.$at < until) }
        let rows = try await query.keyset(\.$at, after: request.after).limit(request.limit + 1).all()
        let page = try Page(probing: rows, limit: request.limit, by: \.$at)
        return Page(items: try await shown(page.items, on: database), next: page.next)
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
