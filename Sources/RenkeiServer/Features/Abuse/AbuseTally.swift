import Foundation
import RenkeiCore
import SQLKit

/// The counts one ingest adds to what is kept (`abuse_counts`, `abuse_feed_totals`), summed in
/// memory while the report is read and written with it in its transaction: a report of a
/// million lines adds a few thousand rows, not a million.
struct AbuseTally: Sendable {
    struct Key: Hashable, Sendable {
        var day: Int64
        var team: UUID?
        var feed: String
        var type: AbuseType
        var asn: UInt32?
        var country: String?
    }

    private(set) var counts: [Key: (events: Int64, reports: Int64)] = [:]
    private(set) var rejected: [String: Int64] = [:]

    /// An event first seen (`events` 1) or seen again (`events` 0), `reports` times.
    mutating func add(_ key: Key, events: Int64, reports: Int64) {
        let counted = counts[key] ?? (0, 0)
        counts[key] = (counted.events + events, counted.reports + reports)
    }

    mutating func reject(_ lines: Int, feed: String) {
        guard lines > 0 else { return }
        rejected[feed, default: 0] += Int64(lines)
    }

    /// Rows per statement: six binds a row keeps each statement well under SQLite's limit.
    static let rowsPerStatement = 500

    func write(on sql: any SQLDatabase) async throws {
        let rows = Array(counts)
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            var insert = SQLQueryString("INSERT INTO abuse_counts (day, team, feed, type, asn, country, events, reports) VALUES")
            for (index, (key, value)) in rows[start..<min(start + Self.rowsPerStatement, rows.count)].enumerated() {
                insert += """
                    \(unsafeRaw: index == 0 ? " " : ", ")(\(literal: key.day), \(bind: key.team?.uuidString ?? ""), \(bind: key.feed), \
                    '\(unsafeRaw: key.type.rawValue)', \(literal: Int64(key.asn ?? 0)), \(bind: key.country ?? ""), \(literal: value.events), \(literal: value.reports))
                    """
            }
            insert += """
                 ON CONFLICT (day, team, feed, type, asn, country) DO UPDATE SET events = abuse_counts.events + excluded.events,
                reports = abuse_counts.reports + excluded.reports
                """
            try await sql.raw(insert).run()
        }
        var totals: [String: (reports: Int64, events: Int64, rejected: Int64, unrouted: Int64)] = [:]
        for (key, value) in counts {
            let total = totals[key.feed] ?? (0, 0, 0, 0)
            totals[key.feed] = (total.reports + value.reports, total.events + value.events, total.rejected, total.unrouted + (key.team == nil ? value.events : 0))
        }
        for (feed, lines) in rejected {
            let total = totals[feed] ?? (0, 0, 0, 0)
            totals[feed] = (total.reports, total.events, total.rejected + lines, total.unrouted)
        }
        for (feed, total) in totals {
            try await sql.raw("""
                INSERT INTO abuse_feed_totals (feed, reports, events, rejected, unrouted)
                VALUES (\(bind: feed), \(literal: total.reports), \(literal: total.events), \(literal: total.rejected), \(literal: total.unrouted))
                ON CONFLICT (feed) DO UPDATE SET reports = abuse_feed_totals.reports + excluded.reports, events = abuse_feed_totals.events + excluded.events,
                rejected = abuse_feed_totals.rejected + excluded.rejected, unrouted = abuse_feed_totals.unrouted + excluded.unrouted
                """).run()
        }
    }
}
