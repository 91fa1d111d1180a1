import Fluent
import RenkeiCore

/// Requests stored before a private offer's text moved to its TLP:RED conversation alone kept
/// the text in the request's own document and search text. Every read already leaves it out
/// (`SharedItem.withoutPrivateOfferText`); this removes it from the stored request and its
/// search index too, so a search cannot find the request by the offer's words. The text
/// itself is kept: it is the body of the conversation the offer opened.
struct WithholdPrivateOfferText: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for model in try await SharedItemModel.query(on: database).filter(\.$document ~~ "private-offer").all() {
            let item = try model.item()
            let withheld = item.withoutPrivateOfferText()
            guard withheld != item else { continue }
            model.document = try SharedItemModel.encode(withheld)
            model.searchText = SharedItemModel.searchText(withheld)
            model.version += 1
            try await model.save(on: database)
            try await SharedItemSearch.index(model, on: database)
        }
    }

    /// The text removed is still in the conversations; nothing to restore.
    func revert(on database: any Database) async throws {}
}
