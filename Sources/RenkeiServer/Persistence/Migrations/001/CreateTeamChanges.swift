import Fluent

struct CreateTeamChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TeamChangeModel.schema)
            .id()
            .field("team_id", .uuid, .required, .references(TeamModel.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("actor_name", .string, .required)
            .field("channel", .string, .required)
            .field("fields", .array(of: .string), .required)
            .field("changed_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TeamChangeModel.schema).delete()
    }
}
