import Foundation
import NIOConcurrencyHelpers

/// What is made from a stored item's row at one version (the item decoded from its JSON
/// document, its API document encoded), by item id: decoding and encoding were the largest
/// part of a page of items, and the newest items are read by everyone again and again. Every
/// write of a document raises the row's `version` (`SharedItemStore.writeNextVersion`), so an
/// entry serves only the very text it was made from; the access check still runs on every
/// item that leaves (`SharedItemStore.readable`). Two generations bound the memory, by count
/// and by bytes: when the newer one is full it becomes the older one, and what was not used
/// since is dropped.
final class VersionedItemCache<Value: Sendable>: Sendable {
    private struct Entry {
        var version: Int
        var value: Value
        var bytes: Int
    }
    private struct Generation {
        var entries: [UUID: Entry] = [:]
        var bytes = 0
    }
    private struct Generations {
        var current = Generation()
        var previous = Generation()
    }

    /// Entries and bytes of one generation; both together keep at most twice as much.
    let capacity: Int
    let bytes: Int
    private let generations = NIOLockedValueBox(Generations())

    init(capacity: Int = 4_096, bytes: Int = 16 << 20) {
        self.capacity = capacity
        self.bytes = bytes
    }

    /// The value made for `id` at `version` if there is one and `isCurrent` accepts it (a
    /// value that also depends on something else checks that here).
    func cached(for id: UUID, version: Int, where isCurrent: (Value) -> Bool = { _ in true }) -> Value? {
        generations.withLockedValue { generations -> Value? in
            if let entry = generations.current.entries[id], entry.version == version, isCurrent(entry.value) { return entry.value }
            guard let entry = generations.previous.entries[id], entry.version == version, isCurrent(entry.value) else { return nil }
            keep(entry, for: id, in: &generations)
            return entry.value
        }
    }

    /// `cached(for:version:where:)`, or else `make`'s value, kept unless its size alone is
    /// more than a generation holds.
    func value(for id: UUID, version: Int, where isCurrent: (Value) -> Bool = { _ in true },
               make: () throws -> (value: Value, bytes: Int)) rethrows -> Value {
        if let kept = cached(for: id, version: version, where: isCurrent) { return kept }
        let made = try make()
        if made.bytes <= bytes {
            generations.withLockedValue { keep(Entry(version: version, value: made.value, bytes: made.bytes), for: id, in: &$0) }
        }
        return made.value
    }

    private func keep(_ entry: Entry, for id: UUID, in generations: inout Generations) {
        if let replaced = generations.current.entries.removeValue(forKey: id) { generations.current.bytes -= replaced.bytes }
        if generations.current.entries.count >= capacity || generations.current.bytes + entry.bytes > bytes {
            generations.previous = generations.current
            generations.current = Generation()
        }
        generations.current.entries[id] = entry
        generations.current.bytes += entry.bytes
    }
}
