import Foundation
import NIOCore
@testable import RenkeiServer
import Testing

/// The answers kept in memory stay within their bytes, whatever a stranger asks for.
@Suite struct DirectoryPageCacheTests {
    private typealias Pages = DirectoryPageCache<ByteBuffer>
    private let minute7 = Date(timeIntervalSince1970: 7 * 60 + 30)

    private func page(bytes: Int) -> ByteBuffer {
        ByteBuffer(repeating: UInt8(ascii: "x"), count: bytes)
    }

    @Test func aPageIsKeptForItsQueryAndMinuteOnly() {
        let cache = Pages()
        cache.store(page(bytes: 10), bytes: 10, for: "q=alpha", at: minute7)
        #expect(cache.page(for: "q=alpha", at: minute7.addingTimeInterval(29))?.readableBytes == 10)
        #expect(cache.page(for: "q=alpha", at: minute7.addingTimeInterval(30)) == nil)
        #expect(cache.page(for: "q=beta", at: minute7) == nil)
    }

    @Test func longQueriesAndTooManyBytesAreNotKept() {
        let cache = Pages()
        let long = "q=" + String(repeating: "%22", count: Pages.longestQuery)
        cache.store(page(bytes: 10), bytes: 10, for: long, at: minute7)
        #expect(cache.page(for: long, at: minute7) == nil, "a long search text is rendered every time")
        let share = Pages.capacity / 16
        for index in 0...16 { cache.store(page(bytes: share), bytes: share, for: "q=\(index)", at: minute7) }
        let kept = (0...16).filter { cache.page(for: "q=\($0)", at: minute7) != nil }
        #expect(kept.count * share <= Pages.capacity)
        #expect(kept.contains(16), "the newest page is kept")
    }
}
