import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing

/// What the lists keep of stored items: an entry serves only the row version it was made from
/// (and what else its maker checks), and the memory stays bounded.
@Suite struct VersionedItemCacheTests {
    private let population = ScaleData.Population(
        teamIDs: [UUID(), UUID()],
        authors: [.init(userID: UUID(), name: "Ana", teamID: UUID(), teamName: "Alpha-CERT"),
                  .init(userID: UUID(), name: "Ben", teamID: UUID(), teamName: "Beta-CSIRT")],
        demoAuthors: 1)

    private func item(_ index: Int) -> SharedItem {
        ScaleData.item(index, of: 100, seed: 7, in: population)
    }

    private func decoded(_ cache: VersionedItemCache<SharedItem>, _ id: UUID, version: Int, _ document: String) throws -> SharedItem {
        try cache.value(for: id, version: version) { (try SharedItemModel.decode(document), document.utf8.count) }
    }

    @Test func anEntryServesOnlyTheVersionItWasMadeFrom() throws {
        let cache = VersionedItemCache<SharedItem>(capacity: 8)
        let first = item(0), second = item(1)
        try #require(first.title != second.title)
        #expect(try decoded(cache, first.id, version: 1, SharedItemModel.encode(first)).title == first.title)
        // The same version is not made again: the document given is not even read.
        #expect(try decoded(cache, first.id, version: 1, "not JSON").title == first.title)
        // A new version is made from its own document.
        #expect(try decoded(cache, first.id, version: 2, SharedItemModel.encode(second)).title == second.title)
        #expect(throws: (any Error).self) { try decoded(cache, first.id, version: 3, "not JSON") }
    }

    @Test func anEntryTheCheckRefusesIsMadeAgain() {
        let cache = VersionedItemCache<String>(capacity: 8)
        let id = UUID()
        #expect(cache.value(for: id, version: 1) { ("made for Alpha-CERT", 19) } == "made for Alpha-CERT")
        #expect(cache.value(for: id, version: 1, where: { $0.hasSuffix("Alpha-CERT") }) { ("unused", 6) } == "made for Alpha-CERT")
        #expect(cache.value(for: id, version: 1, where: { $0.hasSuffix("Alpha National CSIRT") }) { ("made for Alpha National CSIRT", 29) }
                == "made for Alpha National CSIRT")
    }

    @Test func itemsNotUsedForTwoGenerationsAreDropped() throws {
        let cache = VersionedItemCache<SharedItem>(capacity: 2)
        let kept = item(0)
        _ = try decoded(cache, kept.id, version: 1, SharedItemModel.encode(kept))
        for index in 1...4 {
            let other = item(index)
            _ = try decoded(cache, other.id, version: 1, SharedItemModel.encode(other))
        }
        #expect(throws: (any Error).self) { try decoded(cache, kept.id, version: 1, "not JSON") }
    }

    @Test func theBytesKeptStayWithinTwoGenerations() {
        let cache = VersionedItemCache<String>(capacity: 1_000, bytes: 100)
        let ids = (0..<10).map { _ in UUID() }
        for id in ids { _ = cache.value(for: id, version: 1) { ("large", 40) } }
        // 40 bytes each, 100 a generation: two a generation, so four at most are kept. Looking
        // up keeps nothing new: what is made then is more than a generation holds.
        let kept = ids.filter { cache.value(for: $0, version: 1) { ("made again", 101) } == "large" }
        #expect(kept.count <= 4 && kept.contains(ids[9]))
        let huge = UUID()
        _ = cache.value(for: huge, version: 1) { ("huge", 101) }
        #expect(cache.value(for: huge, version: 1) { ("made again", 101) } == "made again", "more than a generation holds is not kept")
    }
}
