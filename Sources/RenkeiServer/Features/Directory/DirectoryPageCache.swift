import NIOConcurrencyHelpers
import Vapor

/// Answers made from a `DirectorySnapshot`, by a key that holds everything they depend on
/// besides the snapshot and the minute, kept with the snapshot (a new snapshot starts empty):
/// the directory pages visitors without a session see, by query string ("open now" is why the
/// minute counts; signed-in readers and visitors with a session, who have a message or a form's
/// token on the page, are always rendered for themselves), and Global IRT answers, by audience,
/// format and query.
final class DirectoryPageCache<Page: Sendable>: Sendable {
    /// The bytes kept at most: a stranger's flood of distinct queries only empties the cache.
    static var capacity: Int { 16 << 20 }
    /// Longer query strings are rendered every time: the search text appears on the page many
    /// times, so a long one makes a page that is large to keep.
    static var longestQuery: Int { 256 }

    private struct Pages {
        var byQuery: [String: (minute: Int64, page: Page, bytes: Int)] = [:]
        var bytes = 0
    }

    private let pages = NIOLockedValueBox(Pages())

    private static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    func page(for query: String, at now: Date) -> Page? {
        let minute = Self.minute(of: now)
        return pages.withLockedValue { pages in pages.byQuery[query].flatMap { $0.minute == minute ? $0.page : nil } }
    }

    /// Keeps `page`, which takes `bytes` of memory.
    func store(_ page: Page, bytes: Int, for query: String, at now: Date) {
        guard query.utf8.count <= Self.longestQuery, bytes <= Self.capacity / 16 else { return }
        let minute = Self.minute(of: now)
        pages.withLockedValue { pages in
            if let replaced = pages.byQuery.removeValue(forKey: query) { pages.bytes -= replaced.bytes }
            if pages.bytes + bytes > Self.capacity {
                // Pages of an earlier minute go first; when they are not enough, all go.
                pages.byQuery = pages.byQuery.filter { $0.value.minute == minute }
                pages.bytes = pages.byQuery.values.reduce(0) { $0 + $1.bytes }
                if pages.bytes + bytes > Self.capacity { pages = Pages() }
            }
            pages.byQuery[query] = (minute, page, bytes)
            pages.bytes += bytes
        }
    }
}

extension Request {
    /// Whether this request sees the page every visitor without a session sees.
    var seesAnonymousPage: Bool {
        !hasSession && auth.get(UserModel.self) == nil
    }
}
