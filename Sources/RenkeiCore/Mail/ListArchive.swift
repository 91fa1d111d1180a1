import Foundation

/// A list's archive as threads: each post that answers no other post (or one the reader may
/// not read) starts a thread, newest thread first; answers follow their post, oldest first.
public enum ListArchive {
    public struct Entry: Sendable, Hashable {
        public var item: SharedItem
        /// 0 for a thread's first post, 1 for an answer to it, and so on.
        public var depth: Int

        public init(item: SharedItem, depth: Int) {
            self.item = item
            self.depth = depth
        }
    }

    public static func threads(_ items: [SharedItem]) -> [Entry] {
        let present = Set(items.map(\.id))
        var children: [UUID: [SharedItem]] = [:]
        var roots: [SharedItem] = []
        for item in items {
            if let parent = item.parentID, parent != item.id, present.contains(parent) {
                children[parent, default: []].append(item)
            } else {
                roots.append(item)
            }
        }
        var entries: [Entry] = []
        var seen = Set<UUID>()
        func visit(_ item: SharedItem, depth: Int) {
            guard seen.insert(item.id).inserted else { return }
            entries.append(Entry(item: item, depth: depth))
            for child in (children[item.id] ?? []).sorted(by: { $0.createdAt < $1.createdAt }) { visit(child, depth: depth + 1) }
        }
        for root in roots.sorted(by: { $0.createdAt > $1.createdAt }) { visit(root, depth: 0) }
        return entries
    }
}
