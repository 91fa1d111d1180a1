import NIOConcurrencyHelpers
import Vapor

/// Directory pages as rendered for visitors without a session, by query string, kept with the
/// `DirectorySnapshot` they were rendered from (a new snapshot starts empty). Such a page
/// depends only on its query, the snapshot and the minute ("open now"), so one rendering serves
/// every such visitor in that minute; signed-in readers and visitors with a session (a message
/// to show, a form's token) are always rendered for themselves.
final class DirectoryPageCache: Sendable {
    /// The bytes kept at most: a stranger's flood of distinct queries only empties the cache.
    static let capacity = 16 << 20
    /// Longer query strings are rendered every time: the search text appears on the page many
    /// times, so a long one makes a page that is large to keep.
    static let longestQuery = 256

    private struct Pages {
        var byQuery: [String: (minute: Int64, page: ByteBuffer)] = [:]
        var bytes = 0
    }

    private let pages = NIOLockedValueBox(Pages())

    static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    func page(for query: String, minute: Int64) -> ByteBuffer? {
        pages.withLockedValue { pages in pages.byQuery[query].flatMap { $0.minute == minute ? $0.page : nil } }
    }

    func store(_ page: ByteBuffer, for query: String, minute: Int64) {
        guard query.utf8.count <= Self.longestQuery, page.readableBytes <= Self.capacity / 16 else { return }
        pages.withLockedValue { pages in
            if let replaced = pages.byQuery.removeValue(forKey: query) { pages.bytes -= replaced.page.readableBytes }
            if pages.bytes + page.readableBytes > Self.capacity {
                // Pages of an earlier minute go first; when they are not enough, all go.
                pages.byQuery = pages.byQuery.filter { $0.value.minute == minute }
                pages.bytes = pages.byQuery.values.reduce(0) { $0 + $1.page.readableBytes }
                if pages.bytes + page.readableBytes > Self.capacity { pages = Pages() }
            }
            pages.byQuery[query] = (minute, page)
            pages.bytes += page.readableBytes
        }
    }
}

extension Request {
    /// Whether this request sees the page every visitor without a session sees.
    var seesAnonymousPage: Bool {
        !hasSession && auth.get(UserModel.self) == nil
    }
}
