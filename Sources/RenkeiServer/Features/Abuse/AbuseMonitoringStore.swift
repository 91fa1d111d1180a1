import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// The monitoring views' numbers for a scope (`AbuseAccess.scope`) and a period: per day and
/// type, AS and country from the kept counts (a period's rows, whatever the total); prefixes and
/// sources from the newest raw events of the period, which retention may have deleted. Sums
/// are cast to BIGINT: PostgreSQL sums BIGINT as NUMERIC.
enum AbuseMonitoringStore {
    /// The raw events the prefix and source rankings read: the newest of the period, at most this many.
    static let sampledEvents = 20_000

    struct Handling: Codable, Sendable, Equatable {
        var name: String
        var handling: AbuseHandling
    }

    struct Report: Content, Equatable {
        var from: String
        var to: String
        var team: String?
        var perDay: [PerDay]
        var types: [AbuseMonitoring.Ranked]
        var asns: [AbuseMonitoring.Ranked]
        var countries: [AbuseMonitoring.Ranked]
        var prefixes: [AbuseMonitoring.Ranked]
        var sources: [AbuseMonitoring.Ranked]
        /// How many raw events the prefix and source rankings were counted from.
        var sampled: Int
        var feeds: [Handling]
        /// Per team, for the whole community only.
        var teams: [Handling]?
    }

    struct PerDay: Codable, Sendable, Equatable {
        var day: String
        var taxonomy: String
        var type: String
        var events: Int64
        var reports: Int64
    }

    /// `team` is the team's slug for the report (nil for the community).
    static func report(_ scope: AbuseScope, team: String?, days period: ClosedRange<Int64>, resolver: Resolver,
                       on database: any Database) async throws -> (report: Report, counts: [AbuseDayCount]) {
        guard let sql = database as? any SQLDatabase else { throw AppError.badRequest("abuse handling needs an SQL database") }
        let inScope: SQLQueryString = switch scope {
        case .community: "day BETWEEN \(literal: period.lowerBound) AND \(literal: period.upperBound)"
        case .team(let id): "team = \(bind: id.uuidString) AND day BETWEEN \(literal: period.lowerBound) AND \(literal: period.upperBound)"
        }
        let counts = try await sql.raw("""
            SELECT day, type, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(reports) AS BIGINT) AS reports FROM abuse_counts WHERE \(inScope) GROUP BY day, type ORDER BY day, type
            """).all().compactMap { row -> AbuseDayCount? in
            guard let type = AbuseType(rawValue: try row.decode(column: "type", as: String.self)) else { return nil }
            return AbuseDayCount(day: try row.decode(column: "day", as: Int64.self), type: type, events: try row.decode(column: "events", as: Int64.self),
                                 reports: try row.decode(column: "reports", as: Int64.self))
        }
        var byType: [String: Int64] = [:]
        for count in counts { byType[count.type.rawValue, default: 0] += count.events }
        func ranked(_ column: String, name: (any SQLRow) throws -> String) async throws -> [AbuseMonitoring.Ranked] {
            try await sql.raw("""
                SELECT \(unsafeRaw: column) AS name, CAST(SUM(events) AS BIGINT) AS events FROM abuse_counts WHERE \(inScope)
                GROUP BY \(unsafeRaw: column) ORDER BY SUM(events) DESC, \(unsafeRaw: column) LIMIT 10
                """).all().map { row in AbuseMonitoring.Ranked(name: try name(row), events: try row.decode(column: "events", as: Int64.self)) }
        }
        // The kept counts write 0 and "" for what was not known.
        let asns = try await ranked("asn") { row in
            let asn = try row.decode(column: "name", as: Int64.self)
            return asn == 0 ? "unknown" : "AS\(asn)"
        }
        let countries = try await ranked("country") { row in
            let country = try row.decode(column: "name", as: String.self)
            return country.isEmpty ? "unknown" : country
        }
        let (prefixes, sources, sampled) = try await sample(scope, since: period.lowerBound * 86_400, resolver: resolver, on: sql)
        let report = Report(from: AbuseMonitoring.date(period.lowerBound), to: AbuseMonitoring.date(period.upperBound), team: team,
                            perDay: counts.map { PerDay(day: AbuseMonitoring.date($0.day), taxonomy: $0.type.taxonomy.rawValue, type: $0.type.rawValue,
                                                        events: $0.events, reports: $0.reports) },
                            types: AbuseMonitoring.top(byType, limit: AbuseType.allCases.count), asns: asns, countries: countries,
                            prefixes: prefixes, sources: sources, sampled: sampled,
                            feeds: try await handling(scope, period: period, by: .feed, on: database, sql: sql),
                            teams: scope == .community ? try await handling(scope, period: period, by: .team, on: database, sql: sql) : nil)
        return (report, counts)
    }

    /// The top prefixes and source addresses among the newest raw events first seen in the
    /// period, counted as events like every other ranking (an event's repeats are one event).
    private static func sample(_ scope: AbuseScope, since: Int64, resolver: Resolver,
                               on sql: any SQLDatabase) async throws -> (prefixes: [AbuseMonitoring.Ranked], sources: [AbuseMonitoring.Ranked], sampled: Int) {
        let team: SQLQueryString = switch scope {
        case .community: ""
        case .team(let id): "team_id = \(bind: id) AND "
        }
        let rows = try await sql.raw("""
            SELECT ip FROM abuse_events WHERE \(team)first_seen >= \(literal: since) AND ip IS NOT NULL ORDER BY id DESC LIMIT \(literal: sampledEvents)
            """).all()
        var byPrefix: [String: Int64] = [:], bySource: [String: Int64] = [:]
        for row in rows {
            guard let text = try row.decode(column: "ip", as: String?.self), let address = IPAddress(text) else { continue }
            bySource[text, default: 0] += 1
            byPrefix[resolver.monitoringPrefix(of: address), default: 0] += 1
        }
        return (AbuseMonitoring.top(byPrefix), AbuseMonitoring.top(bySource), rows.count)
    }

    private enum Grouping { case feed, team }

    /// Received (events routed, from the kept counts), notified and acknowledged (from the
    /// notices of the period), per feed or per team.
    private static func handling(_ scope: AbuseScope, period: ClosedRange<Int64>, by grouping: Grouping, on database: any Database,
                                 sql: any SQLDatabase) async throws -> [Handling] {
        let routed: SQLQueryString = switch scope {
        case .community: "team <> ''"
        case .team(let id): "team = \(bind: id.uuidString)"
        }
        let column = grouping == .feed ? "feed" : "team"
        var received: [String: Int64] = [:]
        for row in try await sql.raw("""
            SELECT \(unsafeRaw: column) AS name, CAST(SUM(events) AS BIGINT) AS events FROM abuse_counts
            WHERE \(routed) AND day BETWEEN \(literal: period.lowerBound) AND \(literal: period.upperBound) GROUP BY \(unsafeRaw: column)
            """).all() {
            received[try row.decode(column: "name", as: String.self)] = try row.decode(column: "events", as: Int64.self)
        }
        let since = Date(timeIntervalSince1970: TimeInterval(period.lowerBound * 86_400))
        let ofTeam: SQLQueryString = switch scope {
        case .community: ""
        case .team(let id): " AND n.team_id = \(bind: id)"
        }
        let notices: SQLQueryString = grouping == .feed
            ? "SELECT f.feed AS name, f.events AS events, n.created_at, n.acknowledged_at FROM abuse_notices n JOIN abuse_notice_feeds f ON f.notice_id = n.id WHERE n.created_at >= \(bind: since)\(ofTeam)"
            : "SELECT n.team_id AS team_id, n.events AS events, n.created_at, n.acknowledged_at FROM abuse_notices n WHERE n.created_at >= \(bind: since)\(ofTeam)"
        var sent: [String: (notified: Int64, notices: [(sent: Int64, acknowledged: Int64?)])] = [:]
        for row in try await sql.raw(notices).all() {
            let name = grouping == .feed ? try row.decode(column: "name", as: String.self) : try row.decode(column: "team_id", as: UUID.self).uuidString
            // The wait is rounded as a whole: PostgreSQL keeps microseconds, so truncating each
            // end to seconds could make a two-hour wait 7,199 s.
            let createdAt = try row.decode(column: "created_at", as: Date.self)
            let created = Int64(createdAt.timeIntervalSince1970.rounded(.down))
            let acknowledged = try row.decode(column: "acknowledged_at", as: Date?.self)
                .map { created + Int64($0.timeIntervalSince(createdAt).rounded()) }
            var entry = sent[name] ?? (0, [])
            entry.notified += try row.decode(column: "events", as: Int64.self)
            entry.notices.append((created, acknowledged))
            sent[name] = entry
        }
        let keys = Set(received.keys).union(sent.keys).sorted()
        func row(_ key: String, name: String) -> Handling {
            Handling(name: name, handling: AbuseHandling(received: received[key] ?? 0, notified: sent[key]?.notified ?? 0, notices: sent[key]?.notices ?? []))
        }
        guard grouping == .team else { return keys.map { row($0, name: $0) } }
        let teams = try await DisplayNames.load(users: [], teams: Set(keys.compactMap(UUID.init(uuidString:))), on: database)
        return keys.compactMap { key in UUID(uuidString: key).map { row(key, name: teams.team($0)) } }.sorted { $0.name < $1.name }
    }

    /// The pipeline's counters for `/metrics` (`AbuseMetrics`).
    static func metrics(on database: any Database) async throws -> String {
        guard let sql = database as? any SQLDatabase else { return "" }
        let feeds = try await sql.raw("SELECT feed, reports, events, rejected, unrouted FROM abuse_feed_totals").all().map { row in
            AbuseMetrics.FeedTotals(feed: try row.decode(column: "feed", as: String.self), reports: try row.decode(column: "reports", as: Int64.self),
                                    events: try row.decode(column: "events", as: Int64.self), rejected: try row.decode(column: "rejected", as: Int64.self),
                                    unrouted: try row.decode(column: "unrouted", as: Int64.self))
        }
        let notices = try await AbuseNoticeModel.query(on: database).count()
        let acknowledged = try await AbuseNoticeModel.query(on: database).filter(\.$acknowledgedAt != nil).count()
        return AbuseMetrics.exposition(feeds, notices: Int64(notices), acknowledged: Int64(acknowledged))
    }
}
