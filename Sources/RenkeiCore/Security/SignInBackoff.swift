import Foundation

/// How long a client waits before its next sign-in attempt, from its recent failures.
///
/// A few mistakes cost nothing; after that every failure doubles the wait, up to a cap. Failures
/// are forgotten after `memory`. The server keeps one history per (account, client address) pair
/// and one per address (`SignInThrottle`), never one per account alone: a failure history an
/// attacker elsewhere can fill must not lock the account's owner out.
public struct SignInBackoff: Sendable, Equatable {
    /// Failures allowed before the first wait.
    public var freeFailures: Int
    public var firstDelay: TimeInterval
    public var maximumDelay: TimeInterval
    /// How long a failure counts.
    public var memory: TimeInterval

    public init(freeFailures: Int, firstDelay: TimeInterval, maximumDelay: TimeInterval, memory: TimeInterval) {
        self.freeFailures = freeFailures
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.memory = memory
    }

    /// One account from one address: a person who mistyped a few times is hardly slowed.
    public static let perAccountAndAddress = SignInBackoff(freeFailures: 5, firstDelay: 1, maximumDelay: 15 * 60, memory: 24 * 3600)
    /// One address over all accounts: a larger budget for offices behind one NAT.
    public static let perAddress = SignInBackoff(freeFailures: 20, firstDelay: 1, maximumDelay: 15 * 60, memory: 24 * 3600)

    /// The wait after the `count`-th failure: none within the free ones, then 1, 2, 4… times `firstDelay`.
    public func delay(afterFailures count: Int) -> TimeInterval {
        guard count >= freeFailures else { return 0 }
        let doublings = count - freeFailures
        // Past 2^30 the cap has long been reached; stop before the power overflows.
        return doublings >= 30 ? maximumDelay : min(maximumDelay, firstDelay * Double(1 << doublings))
    }

    /// Seconds from `now` until the next attempt is allowed; 0 when it is allowed now.
    public func wait(failures: [Date], now: Date) -> TimeInterval {
        let counted = remembered(failures, now: now)
        guard let last = counted.max() else { return 0 }
        return max(0, last.addingTimeInterval(delay(afterFailures: counted.count)).timeIntervalSince(now))
    }

    /// The failures that still count at `now`, at most as many as can still change the wait.
    public func remembered(_ failures: [Date], now: Date) -> [Date] {
        let recent = failures.filter { now.timeIntervalSince($0) < memory }
        return Array(recent.suffix(freeFailures + 32))
    }
}
