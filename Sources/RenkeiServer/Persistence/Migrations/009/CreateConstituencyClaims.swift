import Fluent

/// Claims waiting for the secretariat, kept apart from the team record so the lookup (which
/// reads only `teams.record`) never uses them.
struct CreateConstituencyClaims: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PendingClaimModel.schema)
            .id()
            .field("team_id", .uuid, .required, .references(TeamModel.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("reasons", .array(of: .string), .required)
            .field("requested_by_id", .uuid, .references(UserModel.schema, .id, onDelete: .setNull))
            .field("requested_by", .string, .required)
            .field("requested_at", .datetime, .required)
            .unique(on: "team_id", "kind", "value")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PendingClaimModel.schema).delete()
    }
}
