import Fluent
import SQLKit

/// Reachability tests: campaigns, one challenge per team and campaign, the tokens that answer
/// it (hashed; a reminder adds one), and the team key a delivery is encrypted to. With them,
/// whom each team shows its response times.
struct CreateReachabilityTests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReachabilityCampaignModel.schema)
            .id()
            .field("scope", .string, .required)
            .field("repeats_monthly", .bool, .required)
            .field("started_at", .datetime, .required)
            .field("closes_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("started_by", .string, .required)
            .create()
        try await database.schema(ReachabilityChallengeModel.schema)
            .id()
            .field("campaign_id", .uuid, .required, .references(ReachabilityCampaignModel.schema, "id", onDelete: .cascade))
            .field("team_id", .uuid, .required, .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("addresses", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("reminders", .int, .required)
            .field("answered_at", .datetime)
            .field("answer_seconds", .int)
            .field("answered_via", .string)
            .field("answer_text", .string)
            .field("bounced_at", .datetime)
            .field("bounce_text", .string)
            .field("auto_replied_at", .datetime)
            .field("closed_at", .datetime)
            .field("misses_in_a_row", .int, .required)
            .unique(on: "campaign_id", "team_id")
            .create()
        try await database.schema(ReachabilityTokenModel.schema)
            .id()
            .field("challenge_id", .uuid, .required, .references(ReachabilityChallengeModel.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema(MailDeliveryModel.schema).field("recipient_key", .string).update()
        try await database.schema(ResponseTimesChoiceModel.schema)
            .field("team_id", .uuid, .identifier(auto: false), .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("visibility", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX reachability_challenges_team ON reachability_challenges (team_id, sent_at)").run()
        try await sql.raw("CREATE INDEX reachability_campaigns_started ON reachability_campaigns (started_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ResponseTimesChoiceModel.schema).delete()
        try await database.schema(MailDeliveryModel.schema).deleteField("recipient_key").update()
        try await database.schema(ReachabilityTokenModel.schema).delete()
        try await database.schema(ReachabilityChallengeModel.schema).delete()
        try await database.schema(ReachabilityCampaignModel.schema).delete()
    }
}
