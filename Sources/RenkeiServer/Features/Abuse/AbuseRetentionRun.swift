import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Deletes each feed's events last seen longer ago than the feed keeps them
/// (`AbuseRetention`), 10,000 rows a statement, with an audit line per feed that lost any:
/// `renkei abuse expire` and the server's hourly round.
enum AbuseRetentionRun {
    struct Expired: Codable, Sendable, Equatable {
        var feed: String
        var deleted: Int
        var before: Date
    }

    static func run(now: Date = Date(), on database: any Database) async throws -> [Expired] {
        guard let sql = database as? any SQLDatabase else { return [] }
        var expired: [Expired] = []
        for feed in try await AbuseFeeds.all(on: database) {
            let cutoff = AbuseRetention.cutoff(now: Int64(now.timeIntervalSince1970), days: feed.retentionDays)
            var deleted = 0
            while true {
                let rows = try await sql.raw("""
                    DELETE FROM abuse_events WHERE id IN (SELECT id FROM abuse_events WHERE feed = \(bind: feed.name) AND last_seen < \(literal: cutoff) LIMIT 10000)
                    RETURNING id
                    """).all()
                deleted += rows.count
                if rows.count < 10_000 { break }
            }
            guard deleted > 0 else { continue }
            let before = Date(timeIntervalSince1970: TimeInterval(cutoff))
            try await AuditLog.record("abuse.expire", subject: "feed:\(feed.name)",
                                      detail: "\(deleted) events last seen before \(AbuseNotice.isoTime(cutoff)) deleted (kept \(feed.retentionDays) days)",
                                      actor: nil, address: nil, at: now, on: database)
            expired.append(Expired(feed: feed.name, deleted: deleted, before: before))
        }
        return expired
    }
}
