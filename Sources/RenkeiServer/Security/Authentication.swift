import Crypto
import Fluent
import Foundation
import FluentSQL
import RenkeiCore
import SQLKit
import Vapor

extension Request {
    /// The signed-in user as the core's `Actor`, with their team's membership status, or nil
    /// for an anonymous request.
    var currentActor: Actor? {
        guard var actor = currentUser?.actor else { return nil }
        actor.teamStatus = storage[TeamStatusMiddleware.Key.self]
        actor.sigSeats = storage[TeamStatusMiddleware.SeatsKey.self] ?? []
        return actor
    }

    var currentUser: UserModel? { auth.get(UserModel.self) }

    func requireUser() throws -> UserModel {
        guard let user = currentUser else { throw AppError.unauthorized("Sign in first.") }
        return user
    }
}

/// Looks up where the signed-in user's team stands, and their SIG seats, once per request in
/// the directory and SIG snapshots: what they read depends on both (`DirectoryPolicy.audience`,
/// `AccessPolicy.takesPart`).
struct TeamStatusMiddleware: AsyncMiddleware {
    enum Key: StorageKey { typealias Value = MembershipStatus }
    enum SeatsKey: StorageKey { typealias Value = [SIGSeat] }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let teamID = request.currentUser?.$team.id {
            request.storage[Key.self] = try await request.directorySnapshot().memberStatuses[teamID]
        }
        if let userID = request.currentUser?.id {
            request.storage[SeatsKey.self] = try await request.sigSnapshot().seatsByUser[userID]
        }
        return try await next.respond(to: request)
    }
}

/// API requests authenticate with `Authorization: Bearer <token>` only, never with the
/// session cookie, so a third-party page cannot make a signed-in browser write through the API.
struct APITokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        request.auth.login(try await APITokens.user(for: bearer.token, at: request.application.renkei.clock.now, on: request.db))
    }
}

/// Feed readers cannot send headers: a member's feed also takes the API token as `?token=`.
struct QueryTokenAuthenticator: AsyncRequestAuthenticator {
    func authenticate(request: Request) async throws {
        guard let token = request.query[String.self, at: "token"] else { return }
        request.auth.login(try await APITokens.user(for: token, at: request.application.renkei.clock.now, on: request.db))
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

    /// How often a token's `last_used_at` is written: a script calling many times a second
    /// should not make every request a write.
    static let lastUseResolution: TimeInterval = 60

    /// The user of a valid, unrevoked token that may act for them now (`APITokenPolicy`), or
    /// 401 saying why not; notes when the token was used, at most once a minute.
    static func user(for secret: String, at now: Date, on database: any Database) async throws -> UserModel {
        let sql = try database.sql
        // One statement for the token and its owner: this runs before every API request.
        guard let row = try await sql.raw("""
            SELECT u.*, t.id AS token_id, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at
            FROM \(ident: APITokenModel.schema) t JOIN \(ident: UserModel.schema) u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: hash(secret)) AND t.revoked_at IS NULL LIMIT 1
            """).first()
        else {
            throw AppError.unauthorized("The API token is not valid or was revoked.")
        }
        let user = try row.decode(fluentModel: UserModel.self)
        if let refusal = APITokenPolicy.refusal(tokenMadeAt: try row.decode(column: "token_created_at", as: Date.self), owner: user.tokenOwner) {
            throw AppError.unauthorized(refusal.message)
        }
        let lastUsed = try row.decode(column: "token_last_used_at", as: Date?.self)
        if lastUsed.map({ now.timeIntervalSince($0) >= lastUseResolution || now < $0 }) ?? true {
            try await APITokenModel.query(on: database).filter(\.$id == row.decode(column: "token_id", as: UUID.self)).set(\.$lastUsedAt, to: now).update()
        }
        return user
    }

    /// Makes a token for `user` and returns its secret (only the hash is stored); refused for
    /// someone whose roles need a second factor they have not set up.
    static func create(for user: UserModel, name: String, at now: Date, on database: any Database) async throws -> String {
        if let refusal = APITokenPolicy.creationRefusal(owner: user.tokenOwner) { throw AppError.forbidden(refusal.message) }
        let secret = generate()
        try await APITokenModel(userID: user.requireID(), name: name, tokenHash: hash(secret), hint: String(secret.prefix(prefix.count + 6)),
                                createdAt: now).create(on: database)
        return secret
    }

    /// Revokes every live token of `user`, in the caller's transaction, and tells them why in
    /// the app and by mail. Returns how many were revoked.
    @discardableResult
    static func revokeAll(of user: UserModel, because reason: String, at now: Date, mail: MailAddressing?, on database: any Database) async throws -> Int {
        let tokens = try await APITokenModel.query(on: database).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).all()
        for token in tokens {
            token.revokedAt = now
            try await token.save(on: database)
        }
        if !tokens.isEmpty {
            let names = tokens.map { "“\($0.name)”" }.sorted().joined(separator: ", ")
            try await Notify.people([try user.requireID()], text: "\(reason) Your API tokens (\(names)) were revoked; create new ones on your account page.",
                                    link: SiteURL.account.path, at: now, mail: mail, on: database)
        }
        return tokens.count
    }

    static func hash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }
}

/// Slows down password guessing without handing anyone a way to lock an account: failures are
/// counted per (account, client address) pair and per client address (`SignInBackoff`), never
/// per account alone, so failures from elsewhere do not delay the account's owner.
///
/// One server on SQLite keeps the histories in memory. Several servers share one PostgreSQL
/// database (README, "Several servers"), so there they live in `sign_in_failures`: a guesser
/// whose attempts the proxy spreads over the servers meets one history. Only failures write;
/// an attempt reads at most two short, indexed ranges.
actor SignInThrottle {
    private var failures: [String: [Date]] = [:]
    let pair: SignInBackoff
    let address: SignInBackoff
    let sharedInDatabase: Bool

    init(pair: SignInBackoff = .perAccountAndAddress, address: SignInBackoff = .perAddress, sharedInDatabase: Bool = false) {
        self.pair = pair
        self.address = address
        self.sharedInDatabase = sharedInDatabase
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    func retryAfter(account: String, address: String?, now: Date = Date()) -> Int? {
        var wait: TimeInterval = 0
        for (key, backoff) in keys(account: account, address: address) {
            let counted = backoff.remembered(failures[key] ?? [], now: now)
            failures[key] = counted.isEmpty ? nil : counted
            wait = max(wait, backoff.wait(failures: counted, now: now))
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    /// `retryAfter` from the histories in the database.
    func retryAfter(account: String, address: String?, now: Date = Date(), on database: any Database) async throws -> Int? {
        guard sharedInDatabase else { return retryAfter(account: account, address: address, now: now) }
        var wait: TimeInterval = 0
        for (key, backoff) in keys(account: account, address: address) {
            let recent = try await SignInFailureModel.query(on: database).filter(\.$key == key)
                .filter(\.$failedAt > now.addingTimeInterval(-backoff.memory)).sort(\.$failedAt, .descending)
                .limit(backoff.freeFailures + 32).all(\.$failedAt)
            wait = max(wait, backoff.wait(failures: backoff.remembered(recent.reversed(), now: now), now: now))
        }
        return wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    /// Refuses with 429 and Retry-After while `account` from `address`, or `address` itself,
    /// must wait; `what` names what was attempted too often ("failed sign-ins").
    func requireAllowed(account: String, address: String?, what: String, now: Date = Date(), on database: any Database) async throws {
        if let wait = try await retryAfter(account: account, address: address, now: now, on: database) {
            let when = wait < 120 ? "\(wait) seconds" : "\((wait + 59) / 60) minutes"
            throw AppError.tooManyRequests("Too many \(what). Try again in \(when).", retryAfter: wait)
        }
    }

    func recordFailure(account: String, address: String?, now: Date = Date()) {
        if failures.count > 100_000 { forgetOld(now: now) }
        for (key, backoff) in keys(account: account, address: address) {
            failures[key] = backoff.remembered(failures[key, default: []], now: now) + [now]
        }
    }

    func recordFailure(account: String, address: String?, now: Date = Date(), on database: any Database) async throws {
        guard sharedInDatabase else { return recordFailure(account: account, address: address, now: now) }
        let keys = keys(account: account, address: address)
        try await keys.map { SignInFailureModel(key: $0.0, failedAt: now) }.create(on: database)
    }

    /// A right password clears its own pair only: the address keeps its history, so one valid
    /// account does not buy an address new guesses at others.
    func recordSuccess(account: String, address: String?) {
        failures[Self.pairKey(account: account, address: address)] = nil
    }

    func recordSuccess(account: String, address: String?, on database: any Database) async throws {
        guard sharedInDatabase else { return recordSuccess(account: account, address: address) }
        try await SignInFailureModel.query(on: database).filter(\.$key == Self.pairKey(account: account, address: address)).delete()
    }

    /// Deletes the failures that no longer count anywhere; run hourly by the server (`usePeriodicWork`).
    func forgetOld(now: Date, on database: any Database) async throws {
        guard sharedInDatabase else { return forgetOld(now: now) }
        try await SignInFailureModel.query(on: database).filter(\.$failedAt <= now.addingTimeInterval(-max(pair.memory, address.memory))).delete()
    }

    private func forgetOld(now: Date) {
        failures = failures.filter { now.timeIntervalSince($0.value.last ?? .distantPast) < max(pair.memory, address.memory) }
    }

    private static func pairKey(account: String, address: String?) -> String {
        "pair:" + account.lowercased() + " " + (address ?? "-")
    }

    private func keys(account: String, address: String?) -> [(String, SignInBackoff)] {
        var keys = [(Self.pairKey(account: account, address: address), pair)]
        if let address { keys.append(("address:" + address, self.address)) }
        return keys
    }
}
