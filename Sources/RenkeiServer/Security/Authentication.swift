import Crypto
import Fluent
import Foundation
import RenkeiCore
import Vapor

extension Request {
    /// The signed-in user as the core's `Actor`, with their team's membership status, or nil
    /// for an anonymous request.
    var currentActor: Actor? {
        guard var actor = currentUser?.actor else { return nil }
        actor.teamStatus = storage[TeamStatusMiddleware.Key.self]
        return actor
    }

    var currentUser: UserModel? { auth.get(UserModel.self) }

    func requireUser() throws -> UserModel {
        guard let user = currentUser else { throw AppError.unauthorized("Sign in first.") }
        return user
    }
}

/// Looks up where the signed-in user's team stands once per request: whether its people read
/// members-only data depends on it (`DirectoryPolicy.audience`).
struct TeamStatusMiddleware: AsyncMiddleware {
    enum Key: StorageKey { typealias Value = MembershipStatus }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let teamID = request.currentUser?.$team.id, let team = try await TeamModel.find(teamID, on: request.db) {
            request.storage[Key.self] = try await MembershipStore.standing(of: team, on: request.db).membership?.status
        }
        return try await next.respond(to: request)
    }
}

/// API requests authenticate with `Authorization: Bearer <token>` only, never with the
/// session cookie, so a third-party page cannot make a signed-in browser write through the API.
struct APITokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        request.auth.login(try await APITokens.user(for: bearer.token, on: request.db))
    }
}

/// Feed readers cannot send headers: a member's feed also takes the API token as `?token=`.
struct QueryTokenAuthenticator: AsyncRequestAuthenticator {
    func authenticate(request: Request) async throws {
        guard let token = request.query[String.self, at: "token"] else { return }
        request.auth.login(try await APITokens.user(for: token, on: request.db))
    }
}

enum APITokens {
    static let prefix = "rk_"

    /// A new secret: 32 random bytes, base64url, with a recognisable prefix for secret scanners.
    static func generate() -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The user of a valid, unrevoked token (noting when it was used), or 401.
    static func user(for secret: String, on database: any Database) async throws -> UserModel {
        guard let token = try await APITokenModel.query(on: database)
            .filter(\.$tokenHash == hash(secret)).filter(\.$revokedAt == nil).with(\.$user).first()
        else {
            throw AppError.unauthorized("The API token is not valid or was revoked.")
        }
        token.lastUsedAt = Date()
        try await token.save(on: database)
        return token.user
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Counts failed sign-ins per account and per client address over a sliding window; past the
/// limit, sign-in is refused without checking the password until the window has moved on.
actor SignInThrottle {
    private var failures: [String: [Date]] = [:]
    let window: TimeInterval
    let perAccount: Int
    let perAddress: Int

    init(window: TimeInterval = 15 * 60, perAccount: Int = 5, perAddress: Int = 20) {
        self.window = window
        self.perAccount = perAccount
        self.perAddress = perAddress
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    func retryAfter(account: String, address: String?, now: Date = Date()) -> Int? {
        var wait: TimeInterval = 0
        for (key, limit) in keys(account: account, address: address) {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent
            if recent.count >= limit, let oldest = recent.first {
                wait = max(wait, window - now.timeIntervalSince(oldest))
            }
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    /// Refuses with 429 and Retry-After while `account` or `address` is over its limit;
    /// `what` names what was attempted too often ("failed sign-ins").
    func requireAllowed(account: String, address: String?, what: String) throws {
        if let wait = retryAfter(account: account, address: address) {
            throw AppError.tooManyRequests("Too many \(what). Try again in \(max(1, wait / 60)) minute(s).", retryAfter: wait)
        }
    }

    func recordFailure(account: String, address: String?, now: Date = Date()) {
        for (key, _) in keys(account: account, address: address) { failures[key, default: []].append(now) }
    }

    func recordSuccess(account: String) {
        failures["account:" + account.lowercased()] = nil
    }

    private func keys(account: String, address: String?) -> [(String, Int)] {
        var keys = [("account:" + account.lowercased(), perAccount)]
        if let address { keys.append(("address:" + address, perAddress)) }
        return keys
    }
}
