import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// The per-client limits of the APIs (README, "Security"); nil means no limit.
public struct RateLimits: Sendable, Hashable {
    /// API requests per API token (`RENKEI_API_RATE_LIMIT`, per minute).
    public var perToken: RateLimit? = .perMinute(1200)
    /// API requests per client address without a token (`RENKEI_API_RATE_LIMIT_ANONYMOUS`, per minute).
    public var anonymous: RateLimit? = .perMinute(300)
    /// Indicators in bulk lookups per API token (`RENKEI_LOOKUP_TOKEN_RATE_LIMIT`, per hour).
    public var lookupPerToken: RateLimit? = .perHour(1_000_000)
    /// Indicators in bulk lookups per client address without a token
    /// (`RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS`, per hour).
    public var lookupAnonymous: RateLimit? = .perHour(20_000)
    /// How many servers share the database behind one proxy (`RENKEI_INSTANCES`): each enforces
    /// its share of every limit (`RateLimit.share(of:)`), so the buckets stay in memory and an
    /// API read costs no database write; this holds while the proxy spreads a client's requests
    /// evenly (round robin), as README "Several servers" says.
    public var instances = 1

    public init() {}

    public static let unlimited: RateLimits = {
        var limits = RateLimits()
        limits.perToken = nil
        limits.anonymous = nil
        limits.lookupPerToken = nil
        limits.lookupAnonymous = nil
        return limits
    }()

    /// The defaults above, each replaced by its variable when set (a positive whole number).
    static func fromEnvironment(_ environment: [String: String]) throws(Settings.Problem) -> RateLimits {
        var limits = RateLimits()
        let variables: [(String, WritableKeyPath<RateLimits, RateLimit?>, (Int) -> RateLimit, String)] = [
            ("RENKEI_API_RATE_LIMIT", \.perToken, RateLimit.perMinute, "requests a minute"),
            ("RENKEI_API_RATE_LIMIT_ANONYMOUS", \.anonymous, RateLimit.perMinute, "requests a minute"),
            ("RENKEI_LOOKUP_TOKEN_RATE_LIMIT", \.lookupPerToken, RateLimit.perHour, "indicators an hour"),
            ("RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS", \.lookupAnonymous, RateLimit.perHour, "indicators an hour"),
        ]
        for (name, keyPath, limit, unit) in variables {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let count = Int(text), count > 0 else {
                throw Settings.Problem(description: "\(name) must be a positive whole number (\(unit)); got “\(text)”.")
            }
            limits[keyPath: keyPath] = limit(count)
        }
        if let text = environment["RENKEI_INSTANCES"], !text.isEmpty {
            guard let count = Int(text), count > 0 else {
                throw Settings.Problem(description: "RENKEI_INSTANCES must be the number of servers sharing the database (a positive whole number); got “\(text)”.")
            }
            limits.instances = count
        }
        return limits
    }
}

/// The buckets of every client seen recently, one set per kind of limit.
final class RateLimiter: Sendable {
    /// Above this many clients, those whose bucket is full again are forgotten.
    private static let pruneAbove = 10_000
    private let buckets = NIOLockedValueBox<[String: TokenBucket]>([:])

    func take(_ cost: Int, from key: String, limit: RateLimit, at now: Date) -> TokenBucket.Decision {
        buckets.withLockedValue { buckets in
            if buckets.count > Self.pruneAbove {
                buckets = buckets.filter { !$0.value.isFull(at: now) }
            }
            var bucket = buckets[key].flatMap { $0.limit == limit ? $0 : nil } ?? TokenBucket(limit: limit, at: now)
            let decision = bucket.take(cost, at: now)
            buckets[key] = bucket
            return decision
        }
    }
}

extension Request {
    /// Who a rate limit counts against: the API token (its hash) that authenticated the
    /// request, else the signed-in person (pages), else the client's address.
    var rateLimitClient: (key: String, identified: Bool) {
        if let user = currentUser {
            if let secret = headers.bearerAuthorization?.token ?? query[String.self, at: "token"] {
                return ("token:" + APITokens.hash(secret), true)
            }
            if let id = user.id { return ("user:" + id.uuidString, true) }
        }
        return ("address:" + (clientAddress ?? "unknown"), false)
    }

    /// Takes `cost` from the client's bucket of `kind` (the `identified` limit for a token or a
    /// signed-in person, else the `anonymous` one), or refuses with 429 and `Retry-After`.
    func chargeRateLimit(_ cost: Int = 1, kind: String, identified: RateLimit?, anonymous: RateLimit?, what: String) throws {
        let client = rateLimitClient
        guard let limit = client.identified ? identified : anonymous else { return }
        let now = application.renkei.clock.now
        let share = limit.share(of: application.renkei.settings.rateLimits.instances)
        if case .refused(let seconds) = application.renkei.rateLimiter.take(cost, from: kind + "|" + client.key, limit: share, at: now) {
            let allowance = "\(limit.capacity) \(what) per \(Int(limit.period)) seconds"
            throw AppError.tooManyRequests("Too many requests: this client may make \(allowance)\(client.identified ? "" : " without an API token")."
                                           + " Try again in \(seconds) s.", retryAfter: seconds)
        }
    }
}

/// Every API route (`/api/v1/*`, `/global-irt/*`, `/feeds/*`) is limited per client; it runs
/// after the token authenticators so a valid token counts as the client.
struct RateLimitMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let limits = request.application.renkei.settings.rateLimits
        try request.chargeRateLimit(kind: "api", identified: limits.perToken, anonymous: limits.anonymous, what: "requests")
        return try await next.respond(to: request)
    }
}
