import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// The abuse pipeline's tables, and the `generic-csv` feed every installation has. An event is
/// one incident after deduplication: `count` says how often it was seen, `dedup_key` finds its
/// repeats (`AbuseDedupKey.digest`), `team_id` is where it was routed (none: the secretariat's
/// queue), `notice_id` the batch notice that carried it.
struct CreateAbuseHandling: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AbuseFeedModel.schema)
            .id()
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("format", .string, .required)
            .field("tlp", .string, .required)
            .field("retention_days", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema(AbuseIngestModel.schema)
            .id()
            .field("feed", .string, .required)
            .field("file_name", .string, .required)
            .field("digest", .string, .required)
            .field("idempotency_key", .string)
            .field("user_id", .uuid, .references(UserModel.schema, "id", onDelete: .setNull))
            .field("summary", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "feed", "digest")
            .create()
        try await database.schema(AbuseNoticeModel.schema)
            .id()
            .field("ticket", .string, .required)
            .field("team_id", .uuid, .required, .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("tlp", .string, .required)
            .field("events", .int, .required)
            .field("created_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid, .references(UserModel.schema, "id", onDelete: .setNull))
            .unique(on: "ticket")
            .create()
        try await database.schema(AbusePreferenceModel.schema)
            .field("team_id", .uuid, .identifier(auto: false), .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("schedule", .string, .required)
            .field("types", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(AbuseEventTable.name)
            .field("id", .int64, .identifier(auto: true))
            .field("ingest_id", .uuid, .required)
            .field("feed", .string, .required)
            .field("type", .string, .required)
            .field("dedup_key", .int64, .required)
            .field("ip", .string)
            .field("port", .int)
            .field("asn", .int64)
            .field("country", .string)
            .field("fqdn", .string)
            .field("url", .string)
            .field("first_seen", .int64, .required)
            .field("last_seen", .int64, .required)
            .field("count", .int64, .required)
            .field("team_id", .uuid, .references(TeamModel.schema, "id", onDelete: .setNull))
            .field("notice_id", .uuid, .references(AbuseNoticeModel.schema, "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("raw", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // Repeats are looked up by key within the window; a team's waiting events by team;
        // a notice's events by notice; retention and the monitoring views by feed and time.
        try await sql.raw("CREATE INDEX abuse_events_repeats ON abuse_events (dedup_key, first_seen)").run()
        try await sql.raw("CREATE INDEX abuse_events_waiting ON abuse_events (team_id, notice_id, id)").run()
        try await sql.raw("CREATE INDEX abuse_events_notice ON abuse_events (notice_id, id)").run()
        try await sql.raw("CREATE INDEX abuse_events_feed_time ON abuse_events (feed, last_seen)").run()
        try await sql.raw("CREATE INDEX abuse_notices_team ON abuse_notices (team_id, created_at)").run()
        try await sql.raw("CREATE UNIQUE INDEX abuse_ingests_idempotency ON abuse_ingests (user_id, idempotency_key)").run()
        try await AbuseFeedModel(name: AbuseFeedName.generic, description: "CSV with a header naming time, ip, port and type (optional fqdn, url).",
                                 format: .csv, tlp: .amber, retentionDays: 90, createdAt: Date()).create(on: database)
    }

    func revert(on database: any Database) async throws {
        for table in [AbuseEventTable.name, AbusePreferenceModel.schema, AbuseNoticeModel.schema, AbuseIngestModel.schema, AbuseFeedModel.schema] {
            try await database.schema(table).delete()
        }
    }
}
