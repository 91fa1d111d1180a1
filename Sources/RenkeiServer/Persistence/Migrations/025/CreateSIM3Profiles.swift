import Fluent
import SQLKit

/// Teams' SIM3 profiles: the current one per team, and every saved version, so a team (and the
/// secretariat) sees how its maturity moved.
struct CreateSIM3Profiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SIM3ProfileModel.schema)
            .field("team_id", .uuid, .identifier(auto: false), .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("assessment", .json, .required)
            .field("visibility", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .create()
        try await database.schema(SIM3ProfileVersionModel.schema)
            .id()
            .field("team_id", .uuid, .required, .references(TeamModel.schema, "id", onDelete: .cascade))
            .field("assessment", .json, .required)
            .field("visibility", .string, .required)
            .field("saved_at", .datetime, .required)
            .field("saved_by", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX sim3_profile_versions_team ON sim3_profile_versions (team_id, saved_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SIM3ProfileVersionModel.schema).delete()
        try await database.schema(SIM3ProfileModel.schema).delete()
    }
}
