import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// What machine readers page by (`TAXIIIndex`): each item's grants again, keyed by when the
/// item last changed rather than when it was shared, and kept when the item is withdrawn (a
/// TAXII reader must learn of the withdrawal: `revoked`); the STIX ids an item's objects have,
/// to find an object by id; and the status of each TAXII post. Existing items are indexed in
/// batches, so a large table is never loaded at once.
struct IndexItemsForMachineReaders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TAXIIIndex.grantsTable)
            .field("item_id", .uuid, .required, .references(SharedItemModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("member_id", .uuid, .required)
            .field("tlp", .string, .required)
            .field("changed_ms", .int64, .required)
            .create()
        try await database.schema(TAXIIIndex.objectsTable)
            .field("object_id", .string, .required)
            .field("item_id", .uuid, .required, .references(SharedItemModel.schema, "id", onDelete: .cascade))
            .create()
        try await database.schema(TAXIIStatusModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("document", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        var last: UUID?
        while true {
            var query = SharedItemModel.query(on: database).sort(\.$id).limit(500)
            if let last { query = query.filter(\.$id > last) }
            let models = try await query.all()
            guard let end = models.last else { break }
            try await TAXIIIndex.write(try models.map { try $0.item() }, replacing: false, on: sql)
            last = try end.requireID()
        }
        // One range per grantee in the order collections are read (oldest change first), the
        // label checked in the index, as for the item lists (migration 019).
        try await sql.raw("CREATE INDEX taxii_grants_reader ON taxii_grants (kind, member_id, changed_ms, item_id, tlp)").run()
        try await sql.raw("CREATE INDEX taxii_grants_item ON taxii_grants (item_id)").run()
        try await sql.raw("CREATE INDEX stix_object_items_object ON stix_object_items (object_id)").run()
        try await sql.raw("CREATE INDEX stix_object_items_item ON stix_object_items (item_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TAXIIStatusModel.schema).delete()
        try await database.schema(TAXIIIndex.objectsTable).delete()
        try await database.schema(TAXIIIndex.grantsTable).delete()
    }
}
