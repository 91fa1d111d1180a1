import Fluent

struct CreateTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TeamModel.schema)
            .id()
            .field("slug", .string, .required)
            .field("short_name", .string, .required)
            .field("country_code", .string, .required)
            .field("record", .json, .required)
            .field("modified_at", .datetime, .required)
            .field("modified_by", .string, .required)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TeamModel.schema).delete()
    }
}
