import Fluent
import SQLKit

/// Corrections and withdrawals of shared items: `withdrawn_at` marks a withdrawn item (lists
/// and feeds leave it out), and `shared_item_versions` keeps each text a correction replaced.
struct AddItemCorrections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SharedItemModel.schema)
            .field("withdrawn_at", .datetime)
            .update()
        try await database.schema(SharedItemVersionModel.schema)
            .id()
            .field("item_id", .uuid, .required, .references(SharedItemModel.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .sql(unsafeRaw: "TEXT"), .required)
            .field("body", .sql(unsafeRaw: "TEXT"), .required)
            .field("tags", .array(of: .string), .required)
            .field("written_at", .datetime, .required)
            .field("replaced_at", .datetime, .required)
            .unique(on: "item_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SharedItemVersionModel.schema).delete()
        try await database.schema(SharedItemModel.schema).deleteField("withdrawn_at").update()
    }
}
