import Fluent
import Foundation
import RenkeiCore

final class SharedItemModel: Model, @unchecked Sendable {
    static let schema = "shared_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "tlp") var tlp: String
    @Field(key: "author_user_id") var authorUserID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "document") var document: String
    @Field(key: "search_text") var searchText: String
    /// Guards replies written at the same moment (optimistic locking).
    @Field(key: "version") var version: Int
    @OptionalField(key: "list_id") var listID: UUID?

    init() {}

    init(_ item: SharedItem) throws {
        id = item.id
        kind = item.kind.rawValue
        tlp = item.tlp.rawValue
        authorUserID = item.authorUserID
        createdAt = item.createdAt
        document = try Self.encode(item)
        searchText = Self.searchText(item)
        version = 1
        listID = item.listID
    }

    /// `createdAt` in whole milliseconds: the key lists page by (column `created_ms`, written
    /// with the item's read index, `ItemReadIndex`), exact in every database, where a stored
    /// date may keep more digits than a cursor carries. Not a field of the model, so that
    /// migrations older than the column still read the table through it.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Title, text, tags, indicators and replies: what full-text search looks in.
    static func searchText(_ item: SharedItem) -> String {
        ([item.title, item.body] + item.tags + item.indicators.map(\.value) + item.replies.map(\.text)).joined(separator: "\n")
    }

    static func encode(_ item: SharedItem) throws -> String {
        String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
    }

    static func decode(_ document: String) throws -> SharedItem {
        try JSONDecoder().decode(SharedItem.self, from: Data(document.utf8))
    }

    func item() throws -> SharedItem {
        try Self.decode(document)
    }
}

/// The bytes of a file attached to a shared item (described in the item's document).
final class AttachmentModel: Model, @unchecked Sendable {
    static let schema = "shared_item_attachments"

    @ID(custom: "id", generatedBy: .user) var id: UUID?
    @Parent(key: "item_id") var item: SharedItemModel
    @Field(key: "content") var content: Data

    init() {}

    init(id: UUID, itemID: UUID, content: Data) {
        self.id = id
        $item.id = itemID
        self.content = content
    }
}
