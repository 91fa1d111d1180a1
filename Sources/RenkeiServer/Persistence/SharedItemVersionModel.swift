import Fluent
import Foundation
import RenkeiCore

/// A text a shared item had before a correction (`ItemVersion`); read only after the item
/// itself was found readable (`SharedItemStore.versions`).
final class SharedItemVersionModel: Model, @unchecked Sendable {
    static let schema = "shared_item_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: SharedItemModel
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "tags") var tags: [String]
    @Field(key: "written_at") var writtenAt: Date
    @Field(key: "replaced_at") var replacedAt: Date

    init() {}

    init(itemID: UUID, _ version: ItemVersion) {
        $item.id = itemID
        number = version.number
        title = version.title
        body = version.body
        tags = version.tags
        writtenAt = version.writtenAt
        replacedAt = version.replacedAt
    }

    var version: ItemVersion {
        ItemVersion(number: number, title: title, body: body, tags: tags, writtenAt: writtenAt, replacedAt: replacedAt)
    }
}
