import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Reading and changing notices and their events, each step checked by `AbuseAccess`.
enum AbuseStore {
    /// One stored event as the pages and the API show it.
    struct EventRow: Codable, Sendable, Equatable {
        var id: Int64
        var firstSeen: String
        var lastSeen: String
        var count: Int
        var type: String
        var ip: String?
        var port: Int?
        var asn: Int64?
        var country: String?
        var fqdn: String?
        var url: String?
        var feed: String
        var status: String
    }

    /// Notices the reader may see, newest first: its team's, or every team's for the secretariat.
    static func notices(for actor: Actor?, page: PageRequest, on database: any Database) async throws -> Page<AbuseNoticeModel> {
        guard let scope = AbuseAccess.scope(actor) else { throw AppError.forbidden("Abuse notices go to teams; sign in as a team's member.") }
        let query = AbuseNoticeModel.query(on: database)
        if case .team(let team) = scope { query.filter(\.$teamID == team) }
        let rows = try await query.keyset(\.$createdAt, after: page.after).limit(page.limit + 1).all()
        return try Page(probing: rows, limit: page.limit, by: \.$createdAt)
    }

    /// The notice with this ticket if the reader may handle it; otherwise not found, so a
    /// stranger cannot learn which tickets exist.
    static func notice(_ ticket: String, for actor: Actor?, on database: any Database) async throws -> AbuseNoticeModel {
        guard let notice = try await AbuseNoticeModel.query(on: database).filter(\.$ticket == ticket).first(),
              AbuseAccess.mayHandle(eventsOf: notice.teamID, actor) else {
            throw AppError.notFound("There is no notice \(ticket.prefix(40)) for you.")
        }
        return notice
    }

    /// A notice's events in order (of one status, if named), `limit` after the event `after` (keyset on the id).
    static func events(of notice: AbuseNoticeModel, status: AbuseEventTable.Status? = nil, after: Int64?, limit: Int,
                       on database: any Database) async throws -> [EventRow] {
        guard let sql = database as? any SQLDatabase else { return [] }
        let only: SQLQueryString = status.map { " AND status = \(literal: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT id, first_seen, last_seen, count, type, ip, port, asn, country, fqdn, url, feed, status FROM abuse_events
            WHERE notice_id = \(bind: try notice.requireID())\(only) AND id > \(literal: after ?? 0) ORDER BY id LIMIT \(literal: limit)
            """).all().map(row)
    }

    /// All of a notice's events (at most `AbuseNotify.eventsPerNotice`) as its CSV lists them.
    static func noticeRows(_ notice: UUID, on sql: any SQLDatabase) async throws -> [AbuseNoticeRow] {
        try await sql.raw("""
            SELECT first_seen, last_seen, count, type, ip, port, asn, country, fqdn, url, feed FROM abuse_events WHERE notice_id = \(bind: notice) ORDER BY id
            """).all().map { row in
            AbuseNoticeRow(firstSeen: try row.decode(column: "first_seen", as: Int64.self), lastSeen: try row.decode(column: "last_seen", as: Int64.self),
                           count: try row.decode(column: "count", as: Int.self),
                           type: AbuseType(rawValue: try row.decode(column: "type", as: String.self)) ?? .other,
                           ip: try row.decode(column: "ip", as: String?.self) ?? "", port: try row.decode(column: "port", as: Int?.self),
                           asn: try row.decode(column: "asn", as: Int64?.self), country: try row.decode(column: "country", as: String?.self),
                           fqdn: try row.decode(column: "fqdn", as: String?.self), url: try row.decode(column: "url", as: String?.self),
                           feed: try row.decode(column: "feed", as: String.self))
        }
    }

    static func row(_ row: any SQLRow) throws -> EventRow {
        EventRow(id: try row.decode(column: "id", as: Int64.self), firstSeen: AbuseNotice.isoTime(try row.decode(column: "first_seen", as: Int64.self)),
                 lastSeen: AbuseNotice.isoTime(try row.decode(column: "last_seen", as: Int64.self)), count: try row.decode(column: "count", as: Int.self),
                 type: try row.decode(column: "type", as: String.self), ip: try row.decode(column: "ip", as: String?.self),
                 port: try row.decode(column: "port", as: Int?.self), asn: try row.decode(column: "asn", as: Int64?.self),
                 country: try row.decode(column: "country", as: String?.self), fqdn: try row.decode(column: "fqdn", as: String?.self),
                 url: try row.decode(column: "url", as: String?.self), feed: try row.decode(column: "feed", as: String.self),
                 status: try row.decode(column: "status", as: String.self))
    }

    /// How many of a notice's events are still open (a notice holds at most `AbuseNotify.eventsPerNotice`).
    static func openEvents(of notice: AbuseNoticeModel, on database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        let row = try await sql.raw("""
            SELECT COUNT(*) AS open FROM abuse_events WHERE notice_id = \(bind: try notice.requireID()) AND status = \(literal: AbuseEventTable.Status.open.rawValue)
            """).first()
        return try row?.decode(column: "open", as: Int.self) ?? 0
    }

    enum Acknowledgement: String {
        case web
        case reply
    }

    static func acknowledge(_ notice: AbuseNoticeModel, by user: UUID, via way: Acknowledgement, at now: Date, on database: any Database) async throws {
        guard notice.acknowledgedAt == nil else { return }
        notice.acknowledgedAt = now
        notice.acknowledgedBy = user
        notice.acknowledgedVia = way.rawValue
        try await notice.save(on: database)
    }

    /// Marks events of the notice resolved, false positive or open again; ids of other notices are ignored.
    static func mark(_ ids: [Int64], of notice: AbuseNoticeModel, as status: AbuseEventTable.Status, on database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase, !ids.isEmpty else { return 0 }
        let list = ids.prefix(1_000).map(String.init).joined(separator: ",")
        let changed = try await sql.raw("""
            UPDATE abuse_events SET status = \(literal: status.rawValue) WHERE notice_id = \(bind: try notice.requireID()) AND id IN (\(unsafeRaw: list)) RETURNING id
            """).all()
        return changed.count
    }

    /// Counts stop here: a page says "more than" rather than reading a million rows.
    static let countLimit = 10_000

    /// Events waiting for a notice, up to `countLimit + 1`: a team's, or (nil) the unrouted queue's.
    static func waiting(team: UUID?, on database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        let scope: SQLQueryString = team.map { "team_id = \(bind: $0)" } ?? "team_id IS NULL"
        let row = try await sql.raw("""
            SELECT COUNT(*) AS waiting FROM (SELECT 1 FROM abuse_events WHERE \(scope) AND notice_id IS NULL
            AND status = \(literal: AbuseEventTable.Status.open.rawValue) LIMIT \(literal: countLimit + 1)) AS capped
            """).first()
        return try row?.decode(column: "waiting", as: Int.self) ?? 0
    }

    /// The unrouted queue, newest first, `limit` before the event `before`.
    static func unrouted(before: Int64?, limit: Int, on database: any Database) async throws -> [EventRow] {
        guard let sql = database as? any SQLDatabase else { return [] }
        let below: SQLQueryString = before.map { " AND id < \(literal: $0)" } ?? ""
        return try await sql.raw("""
            SELECT id, first_seen, last_seen, count, type, ip, port, asn, country, fqdn, url, feed, status FROM abuse_events
            WHERE team_id IS NULL\(below) ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(row)
    }
}
