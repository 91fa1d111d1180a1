import Foundation

/// How much a client may ask for: `capacity` units at once, refilled evenly over `period`
/// (so also `capacity` per `period` in the long run).
public struct RateLimit: Sendable, Hashable {
    public var capacity: Int
    public var period: TimeInterval

    public init(capacity: Int, period: TimeInterval) {
        precondition(capacity > 0 && period > 0)
        self.capacity = capacity
        self.period = period
    }

    public static func perMinute(_ count: Int) -> RateLimit { RateLimit(capacity: count, period: 60) }
    public static func perHour(_ count: Int) -> RateLimit { RateLimit(capacity: count, period: 3600) }

    /// What one of `servers` servers enforces when a proxy spreads each client's requests
    /// evenly over them: a `servers`-th of the capacity (at least 1) and of the long-run rate,
    /// so together they allow what one server would.
    public func share(of servers: Int) -> RateLimit {
        guard servers > 1 else { return self }
        let capacity = max(1, self.capacity / servers)
        return RateLimit(capacity: capacity, period: period * Double(capacity * servers) / Double(self.capacity))
    }
}

/// The token bucket of one client: each request takes its cost; the bucket refills at
/// `capacity / period` units a second up to `capacity`. Pure arithmetic on the times given.
public struct TokenBucket: Sendable, Hashable {
    public enum Decision: Sendable, Hashable {
        case allowed
        /// Whole seconds until the cost is available again (at least 1), for `Retry-After`.
        case refused(retryAfter: Int)
    }

    public let limit: RateLimit
    public private(set) var available: Double
    public private(set) var updated: Date

    /// A client seen for the first time starts with a full bucket.
    public init(limit: RateLimit, at now: Date) {
        self.limit = limit
        available = Double(limit.capacity)
        updated = now
    }

    public mutating func take(_ cost: Int = 1, at now: Date) -> Decision {
        refill(at: now)
        let wanted = Double(cost)
        if wanted <= available {
            available -= wanted
            return .allowed
        }
        // A cost above the capacity never fits: the client waits a whole period and is told so.
        let missing = min(wanted, Double(limit.capacity)) - available
        let seconds = (missing * limit.period / Double(limit.capacity)).rounded(.up)
        return .refused(retryAfter: max(1, Int(seconds)))
    }

    /// Full again, so forgetting the client changes nothing.
    public func isFull(at now: Date) -> Bool {
        var copy = self
        copy.refill(at: now)
        return copy.available >= Double(limit.capacity)
    }

    private mutating func refill(at now: Date) {
        // A clock set back adds nothing (and does not move `updated` back).
        let elapsed = now.timeIntervalSince(updated)
        guard elapsed > 0 else { return }
        available = min(Double(limit.capacity), available + elapsed * Double(limit.capacity) / limit.period)
        updated = now
    }
}
