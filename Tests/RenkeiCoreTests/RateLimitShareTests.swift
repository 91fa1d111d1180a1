import Foundation
import Testing
@testable import RenkeiCore

/// Issue 13: each of several servers behind one proxy enforces its share of a limit.
@Suite struct RateLimitShareTests {
    @Test func twoServersEachAllowHalf() {
        #expect(RateLimit.perMinute(10).share(of: 2) == RateLimit(capacity: 5, period: 60))
        #expect(RateLimit.perHour(20_000).share(of: 3) == RateLimit(capacity: 6_666, period: 3600 * 19_998 / 20_000))
    }

    @Test func aShareIsNeverZeroButKeepsTheRate() {
        // One a minute over two servers: each allows one every two minutes.
        #expect(RateLimit.perMinute(1).share(of: 2) == RateLimit(capacity: 1, period: 120))
    }

    @Test func oneServerKeepsTheWholeLimit() {
        #expect(RateLimit.perMinute(1200).share(of: 1) == RateLimit.perMinute(1200))
    }
}
