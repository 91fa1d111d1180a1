import Foundation
import Testing
@testable import RenkeiCore

/// Issue 12, item 9: the arithmetic of the per-client rate limits.
@Suite struct TokenBucketTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFullBucketAllowsItsCapacityThenSaysHowLongToWait() {
        var bucket = TokenBucket(limit: .perMinute(3), at: start)
        #expect(bucket.take(at: start) == .allowed)
        #expect(bucket.take(at: start) == .allowed)
        #expect(bucket.take(at: start) == .allowed)
        // 3 a minute: one comes back every 20 seconds.
        #expect(bucket.take(at: start) == .refused(retryAfter: 20))
        #expect(bucket.take(at: start.addingTimeInterval(15)) == .refused(retryAfter: 5))
        #expect(bucket.take(at: start.addingTimeInterval(20)) == .allowed)
        #expect(bucket.take(at: start.addingTimeInterval(20)) == .refused(retryAfter: 20))
    }

    @Test func refillStopsAtTheCapacity() {
        var bucket = TokenBucket(limit: .perMinute(2), at: start)
        #expect(bucket.take(2, at: start) == .allowed)
        #expect(bucket.isFull(at: start.addingTimeInterval(59)) == false)
        #expect(bucket.isFull(at: start.addingTimeInterval(60)))
        // An idle hour still gives only the capacity.
        let later = start.addingTimeInterval(3600)
        #expect(bucket.take(2, at: later) == .allowed)
        #expect(bucket.take(1, at: later) == .refused(retryAfter: 30))
    }

    @Test func costsAreWeighed() {
        var bucket = TokenBucket(limit: .perHour(1500), at: start)
        #expect(bucket.take(1000, at: start) == .allowed)
        // 500 left; 500 more come in 1,200 seconds (1,500 an hour).
        #expect(bucket.take(1000, at: start) == .refused(retryAfter: 1200))
        #expect(bucket.take(500, at: start) == .allowed)
        // More than the capacity never fits: wait for a full bucket.
        #expect(bucket.take(2000, at: start) == .refused(retryAfter: 3600))
    }

    @Test func aClockSetBackGivesNothing() {
        var bucket = TokenBucket(limit: .perMinute(1), at: start)
        #expect(bucket.take(at: start) == .allowed)
        #expect(bucket.take(at: start.addingTimeInterval(-600)) == .refused(retryAfter: 60))
        #expect(bucket.take(at: start.addingTimeInterval(60)) == .allowed)
    }
}
