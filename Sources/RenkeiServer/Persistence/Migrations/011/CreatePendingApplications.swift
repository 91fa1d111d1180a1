import Fluent

/// A visitor's application waiting for its e-mail address to be confirmed: nothing of it is
/// an account or an application yet, so applying does not tell whether an address has one.
struct CreatePendingApplications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PendingApplicationModel.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("form", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PendingApplicationModel.schema).delete()
    }
}
