import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// The index machine readers page by (migration 022): each item's grants with when it last
/// changed (`SharedItem.lastChangedAt`, a collection's `date_added`), and the ids of the STIX
/// objects it becomes. Written with the item's read index (`ItemReadIndex`) on every write,
/// but kept when the item is withdrawn: its objects are then served revoked. Like the read
/// index it only picks candidates; every item is checked again with `AccessPolicy`.
enum TAXIIIndex {
    static let grantsTable = "taxii_grants"
    static let objectsTable = "stix_object_items"

    static func write(_ items: [SharedItem], replacing: Bool, on sql: any SQLDatabase) async throws {
        guard !items.isEmpty else { return }
        if replacing {
            for start in stride(from: 0, to: items.count, by: 1_000) {
                let ids = items[start..<min(start + 1_000, items.count)].map(\.id)
                try await sql.delete(from: grantsTable).where("item_id", .in, ids).run()
                try await sql.delete(from: objectsTable).where("item_id", .in, ids).run()
            }
        }
        let grants = items.flatMap { item in item.access.grants.map { (item.id, $0, SharedItemModel.milliseconds(item.lastChangedAt)) } }
        for start in stride(from: 0, to: grants.count, by: 2_000) {
            let insert = sql.insert(into: grantsTable).columns("item_id", "kind", "member_id", "tlp", "changed_ms")
            for (id, grant, changed) in grants[start..<min(start + 2_000, grants.count)] {
                _ = insert.values(SQLBind(id), SQLBind(grant.kind.rawValue), SQLBind(grant.memberID), SQLBind(grant.tlp.rawValue), SQLBind(changed))
            }
            try await insert.run()
        }
        let objects = items.flatMap { item in Set(STIX21.objects(for: item.withoutPrivateOfferText(), url: nil).compactMap { $0["id"]?.stringValue }).map { ($0, item.id) } }
        for start in stride(from: 0, to: objects.count, by: 5_000) {
            let insert = sql.insert(into: objectsTable).columns("object_id", "item_id")
            for (object, item) in objects[start..<min(start + 5_000, objects.count)] { _ = insert.values(SQLBind(object), SQLBind(item)) }
            try await insert.run()
        }
    }
}

/// The status of one TAXII post, kept for its poster to read back.
final class TAXIIStatusModel: Model, @unchecked Sendable {
    static let schema = "taxii_statuses"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "document") var document: String

    init() {}

    init(id: UUID, userID: UUID, createdAt: Date, document: String) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.document = document
    }
}
