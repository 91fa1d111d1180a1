import Fluent
import SQLKit

/// Shared items (announcements first): the core's `SharedItem` as JSON plus the columns that
/// order and pre-filter it, and a full-text index (FTS5 on SQLite, a GIN index on PostgreSQL).
struct CreateSharedItems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SharedItemModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("tlp", .string, .required)
            .field("author_user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("document", .sql(unsafeRaw: "TEXT"), .required)
            .field("search_text", .sql(unsafeRaw: "TEXT"), .required)
            .field("version", .int, .required)
            .create()
        try await database.schema(AttachmentModel.schema)
            .field("id", .uuid, .identifier(auto: false))
            .field("item_id", .uuid, .required, .references(SharedItemModel.schema, "id"))
            .field("content", .data, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE INDEX shared_items_search ON shared_items USING GIN (to_tsvector('simple', search_text))").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE shared_items_fts USING fts5(search_text, item_id UNINDEXED)").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" {
            try await sql.raw("DROP TABLE shared_items_fts").run()
        }
        try await database.schema(AttachmentModel.schema).delete()
        try await database.schema(SharedItemModel.schema).delete()
    }
}
