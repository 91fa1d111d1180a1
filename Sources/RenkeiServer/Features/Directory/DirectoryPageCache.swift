import NIOConcurrencyHelpers
import Vapor

/// Directory pages as rendered for visitors without a session, by query string, kept with the
/// `DirectorySnapshot` they were rendered from (a new snapshot starts empty). Such a page
/// depends only on its query, the snapshot and the minute ("open now"), so one rendering serves
/// every such visitor in that minute; signed-in readers and visitors with a session (a message
/// to show, a form's token) are always rendered for themselves.
final class DirectoryPageCache: Sendable {
    /// Enough for the common filters; a flood of distinct query strings only empties it.
    static let capacity = 256

    private let pages = NIOLockedValueBox<[String: (minute: Int64, page: ByteBuffer)]>([:])

    static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    func page(for query: String, minute: Int64) -> ByteBuffer? {
        pages.withLockedValue { pages in pages[query].flatMap { $0.minute == minute ? $0.page : nil } }
    }

    func store(_ page: ByteBuffer, for query: String, minute: Int64) {
        pages.withLockedValue { pages in
            if pages.count >= Self.capacity { pages = pages.filter { $0.value.minute == minute } }
            if pages.count >= Self.capacity { pages.removeAll() }
            pages[query] = (minute, page)
        }
    }
}

extension Request {
    /// Whether this request sees the page every visitor without a session sees.
    var seesAnonymousPage: Bool {
        !hasSession && auth.get(UserModel.self) == nil
    }
}
