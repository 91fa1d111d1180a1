import Foundation
import NIOConcurrencyHelpers

/// What is made from a stored item's row at one version (the item decoded from its JSON
/// document, its API document encoded), by item id: decoding and encoding were the largest
/// part of a page of items, and the newest items are read by everyone again and again. Every
/// write of a document raises the row's `version`, so an entry serves only the very text it
/// was made from; the access check still runs on every item that leaves
/// (`SharedItemStore.readable`). Two generations bound the memory: when the newer one is
/// full it becomes the older one, and what was not used since is dropped.
final class VersionedItemCache<Value: Sendable>: Sendable {
    private struct Entry {
        var version: Int
        var value: Value
    }
    private struct Generations {
        var current: [UUID: Entry] = [:]
        var previous: [UUID: Entry] = [:]

        mutating func keep(_ entry: Entry, for id: UUID, capacity: Int) {
            if current.count >= capacity {
                previous = current
                current = [:]
            }
            current[id] = entry
        }
    }

    let capacity: Int
    private let generations = NIOLockedValueBox(Generations())

    /// At most `2 × capacity` values are kept.
    init(capacity: Int = 4_096) {
        self.capacity = capacity
    }

    /// The value made for `id` at `version` if there is one and `isCurrent` accepts it (a
    /// value that also depends on something else checks that here); otherwise `make`'s, kept.
    func value(for id: UUID, version: Int, where isCurrent: (Value) -> Bool = { _ in true }, make: () throws -> Value) rethrows -> Value {
        let kept = generations.withLockedValue { generations -> Value? in
            if let entry = generations.current[id], entry.version == version, isCurrent(entry.value) { return entry.value }
            guard let entry = generations.previous[id], entry.version == version, isCurrent(entry.value) else { return nil }
            generations.keep(entry, for: id, capacity: capacity)
            return entry.value
        }
        if let kept { return kept }
        let value = try make()
        generations.withLockedValue { $0.keep(Entry(version: version, value: value), for: id, capacity: capacity) }
        return value
    }
}
