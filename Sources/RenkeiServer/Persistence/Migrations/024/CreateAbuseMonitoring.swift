import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// What the abuse pipeline keeps after retention deletes raw events: per day, team, feed,
/// type, AS and country, the events first seen and the reports of them (`abuse_counts`, the
/// monitoring views); per feed, the totals since the start (`abuse_feed_totals`, the Prometheus
/// counters); per notice, how many events of each feed it carried (`abuse_notice_feeds`, the
/// statistics per feed). A notice gets the reply key its mails' Message-IDs carry
/// (`AbuseReply`), and says how it was acknowledged; a team's preference names its attachment. Counts of events taken in before this
/// migration are computed from them once. The feed `abuse-mail` takes reports received by mail.
struct CreateAbuseMonitoring: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AbuseCountTable.name)
            .field("day", .int64, .required)
            // The team's id as text, "" for the unrouted queue: a key column that is never NULL.
            .field("team", .string, .required)
            .field("feed", .string, .required)
            .field("type", .string, .required)
            .field("asn", .int64, .required)
            .field("country", .string, .required)
            .field("events", .int64, .required)
            .field("reports", .int64, .required)
            .unique(on: "day", "team", "feed", "type", "asn", "country", name: "abuse_counts_key")
            .create()
        try await database.schema(AbuseCountTable.totals)
            .field("feed", .string, .required)
            .field("reports", .int64, .required)
            .field("events", .int64, .required)
            .field("rejected", .int64, .required)
            .field("unrouted", .int64, .required)
            .unique(on: "feed", name: "abuse_feed_totals_feed")
            .create()
        try await database.schema(AbuseCountTable.noticeFeeds)
            .field("notice_id", .uuid, .required, .references(AbuseNoticeModel.schema, "id", onDelete: .cascade))
            .field("feed", .string, .required)
            .field("events", .int, .required)
            .create()
        // One column a statement: SQLite adds no more.
        try await database.schema(AbuseNoticeModel.schema).field("reply_key", .string).update()
        try await database.schema(AbuseNoticeModel.schema).field("acknowledged_via", .string).update()
        try await database.schema(AbusePreferenceModel.schema).field("attachment", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX abuse_counts_team_day ON abuse_counts (team, day)").run()
        try await sql.raw("CREATE INDEX abuse_counts_day ON abuse_counts (day)").run()
        try await sql.raw("CREATE INDEX abuse_notice_feeds_notice ON abuse_notice_feeds (notice_id)").run()
        try await sql.raw("CREATE UNIQUE INDEX abuse_notices_reply_key ON abuse_notices (reply_key)").run()
        try await sql.raw("CREATE INDEX abuse_notices_created ON abuse_notices (created_at)").run()
        try await countEarlierEvents(on: sql)
        try await AbuseFeedModel(name: AbuseFeedName.mail, description: "ARF (RFC 5965) and X-ARF reports received by mail (renkei abuse receive).",
                                 format: .xarf, tlp: .amber, retentionDays: 90, createdAt: Date()).create(on: database)
    }

    private func countEarlierEvents(on sql: any SQLDatabase) async throws {
        let rows = try await sql.raw("""
            SELECT first_seen / 86400 AS day, team_id, feed, type, asn, country, COUNT(*) AS events, CAST(SUM(count) AS BIGINT) AS reports
            FROM abuse_events GROUP BY first_seen / 86400, team_id, feed, type, asn, country
            """).all()
        var tally = AbuseTally()
        for row in rows {
            guard let type = AbuseType(rawValue: try row.decode(column: "type", as: String.self)) else { continue }
            let key = AbuseTally.Key(day: try row.decode(column: "day", as: Int64.self), team: try row.decode(column: "team_id", as: UUID?.self),
                                     feed: try row.decode(column: "feed", as: String.self), type: type,
                                     asn: try row.decode(column: "asn", as: Int64?.self).flatMap { UInt32(exactly: $0) },
                                     country: try row.decode(column: "country", as: String?.self))
            tally.add(key, events: try row.decode(column: "events", as: Int64.self), reports: try row.decode(column: "reports", as: Int64.self))
        }
        try await tally.write(on: sql)
    }

    func revert(on database: any Database) async throws {
        try await AbuseFeedModel.query(on: database).filter(\.$name == AbuseFeedName.mail).delete()
        try await database.schema(AbuseNoticeModel.schema).deleteField("reply_key").update()
        try await database.schema(AbuseNoticeModel.schema).deleteField("acknowledged_via").update()
        try await database.schema(AbusePreferenceModel.schema).deleteField("attachment").update()
        for table in [AbuseCountTable.noticeFeeds, AbuseCountTable.totals, AbuseCountTable.name] { try await database.schema(table).delete() }
    }
}
