import Fluent

/// Shared items (announcements first): the core's `SharedItem` as JSON plus the columns that
/// order and pre-filter it.
struct CreateSharedItems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SharedItemModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("tlp", .string, .required)
            .field("author_user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("document", .sql(unsafeRaw: "TEXT"), .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SharedItemModel.schema).delete()
    }
}
