import Fluent

/// One row per signed-in browser session (`SignInSession`): Fluent's `_fluent_sessions` holds
/// the session data as JSON, which cannot be queried by person or age portably.
struct CreateSignedInSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SignedInSessionModel.schema)
            .id()
            .field("session_key", .string, .required)
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("signed_in_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("client_address", .string)
            .unique(on: "session_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SignedInSessionModel.schema).delete()
    }
}
