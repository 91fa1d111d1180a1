import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Lists of shared items filtered and paged in the database (`ItemReadIndex`): each item's
/// grants as rows of `item_audiences`, and the page key `created_ms` on `shared_items`. Every
/// index ends in (created_ms DESC, id DESC), the order lists are read in. Existing items are
/// indexed in batches, so a large table is never loaded at once.
struct IndexItemReaders: AsyncMigration {
    static let batchSize = 500

    func prepare(on database: any Database) async throws {
        try await database.schema(SharedItemModel.schema).field("created_ms", .int64, .required, .sql(.default(0))).update()
        try await database.schema(ItemReadIndex.table)
            .field("item_id", .uuid, .required, .references(SharedItemModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("member_id", .uuid, .required)
            .field("tlp", .string, .required)
            .field("created_ms", .int64, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        var last: UUID?
        while true {
            var query = SharedItemModel.query(on: database).sort(\.$id).limit(Self.batchSize)
            if let last { query = query.filter(\.$id > last) }
            let models = try await query.all()
            guard let end = models.last else { break }
            var items: [(id: UUID, access: SharedItemAccess, createdMs: Int64)] = []
            for model in models {
                let id = try model.requireID(), createdMs = SharedItemModel.milliseconds(model.createdAt)
                try await sql.update(SharedItemModel.schema).set("created_ms", to: createdMs).where("id", .equal, id).run()
                items.append((id, try model.item().access, createdMs))
            }
            try await ItemReadIndex.write(items, replacing: false, on: sql)
            last = try end.requireID()
        }
        try await sql.raw("CREATE INDEX item_audiences_keyset ON item_audiences (kind, member_id, tlp, created_ms DESC, item_id DESC)").run()
        // The whole grant after the item: "may this reader read this item" (ItemReadIndex.opens)
        // is one seek. With item_id alone SQLite chose the keyset index instead and read every
        // row of the grant for each candidate (minutes for an anonymous search at 1 M items).
        try await sql.raw("CREATE INDEX item_audiences_item ON item_audiences (item_id, kind, member_id, tlp)").run()
        try await sql.raw("CREATE INDEX shared_items_keyset ON shared_items (created_ms DESC, id DESC)").run()
        try await sql.raw("CREATE INDEX shared_items_list_keyset ON shared_items (list_id, created_ms DESC, id DESC)").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX shared_items_list_keyset").run()
            try await sql.raw("DROP INDEX shared_items_keyset").run()
        }
        try await database.schema(ItemReadIndex.table).delete()
        try await database.schema(SharedItemModel.schema).deleteField("created_ms").update()
    }
}
