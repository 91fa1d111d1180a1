import NIOCore
@testable import RenkeiServer
import Testing

/// The anonymous directory pages kept in memory stay within their bytes, whatever a stranger asks for.
@Suite struct DirectoryPageCacheTests {
    private func page(bytes: Int) -> ByteBuffer {
        ByteBuffer(repeating: UInt8(ascii: "x"), count: bytes)
    }

    @Test func aPageIsKeptForItsQueryAndMinuteOnly() {
        let cache = DirectoryPageCache()
        cache.store(page(bytes: 10), for: "q=alpha", minute: 7)
        #expect(cache.page(for: "q=alpha", minute: 7)?.readableBytes == 10)
        #expect(cache.page(for: "q=alpha", minute: 8) == nil)
        #expect(cache.page(for: "q=beta", minute: 7) == nil)
    }

    @Test func longQueriesAndTooManyBytesAreNotKept() {
        let cache = DirectoryPageCache()
        let long = "q=" + String(repeating: "%22", count: DirectoryPageCache.longestQuery)
        cache.store(page(bytes: 10), for: long, minute: 1)
        #expect(cache.page(for: long, minute: 1) == nil, "a long search text is rendered every time")
        let share = DirectoryPageCache.capacity / 16
        for index in 0...16 { cache.store(page(bytes: share), for: "q=\(index)", minute: 1) }
        let kept = (0...16).filter { cache.page(for: "q=\($0)", minute: 1) != nil }
        #expect(kept.count * share <= DirectoryPageCache.capacity)
        #expect(kept.contains(16), "the newest page is kept")
    }
}
