import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The one way a person becomes signed in to a browser session, and the ways it ends.
///
/// Signing in always moves the session to a new id, so an id an attacker planted before it
/// (session fixation) is worthless; the session is then tracked in `signed_in_sessions` so it
/// expires (`SessionLifetime`), can be listed on the account page and ended from elsewhere.
/// Nothing the session held before is carried over: not the forms' CSRF token (one read before
/// sign-in, by a page an attacker could see or set, does not sign the signed-in person's forms)
/// and not a half-done step such as a two-factor secret offered for enrolment.
enum SignInSession {
    /// Signs `user` in on a fresh session id, deleting the session the request came with.
    static func begin(_ user: UserModel, request: Request) async throws {
        let driver = request.application.sessions.driver
        if let old = request.session.id {
            request.session.id = nil
            try await driver.deleteSession(old, for: request).get()
            try await SignedInSessionModel.query(on: request.db).filter(\.$sessionKey == old.string).delete()
        }
        request.session.data = SessionData()
        // The new record is made now rather than when the response is written, so its id is known here.
        let id = try await driver.createSession(request.session.data, for: request).get()
        request.session.id = id
        request.auth.login(user)
        try await SignedInSessionModel(sessionKey: id.string, userID: user.requireID(), signedInAt: request.application.renkei.clock.now,
                                       clientAddress: request.clientAddress).create(on: request.db)
    }

    /// Signs out: the session ends on the server, not only in the browser.
    static func end(request: Request) async throws {
        if let id = request.session.id {
            try await SignedInSessionModel.query(on: request.db).filter(\.$sessionKey == id.string).delete()
        }
        request.auth.logout(UserModel.self)
        request.session.destroy()
    }

    /// Ends every session of `user` except the request's own; returns how many ended.
    @discardableResult
    static func endOthers(of user: UserModel, request: Request) async throws -> Int {
        let current = request.session.id?.string ?? ""
        let others = try await SignedInSessionModel.query(on: request.db).filter(\.$user.$id == user.requireID())
            .filter(\.$sessionKey != current).all()
        let driver = request.application.sessions.driver
        for session in others {
            try await driver.deleteSession(SessionID(string: session.sessionKey), for: request).get()
            try await session.delete(on: request.db)
        }
        return others.count
    }

    /// The live sessions of `user`, most recently used first.
    static func active(of user: UserModel, request: Request) async throws -> [SignedInSessionModel] {
        let now = request.application.renkei.clock.now
        return try await SignedInSessionModel.query(on: request.db).filter(\.$user.$id == user.requireID())
            .sort(\.$lastSeenAt, .descending).all()
            .filter { !SessionLifetime.standard.isExpired(signedInAt: $0.signedInAt, lastSeenAt: $0.lastSeenAt, now: now) }
    }
}

/// Treats a signed-in session as signed out once it has expired or was ended elsewhere, and
/// notes when a live one was last used. Runs inside the sessions middleware, before any
/// route's session authenticator reads the session.
struct SessionLifetimeMiddleware: AsyncMiddleware {
    /// How stale `last_seen_at` may get before it is written again: not one write per request.
    static let lastSeenResolution: TimeInterval = 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.hasSession, let id = request.session.id, request.session.authenticated(UserModel.self) != nil {
            let now = request.application.renkei.clock.now
            let tracked = try await SignedInSessionModel.query(on: request.db).filter(\.$sessionKey == id.string).first()
            if let tracked, !SessionLifetime.standard.isExpired(signedInAt: tracked.signedInAt, lastSeenAt: tracked.lastSeenAt, now: now) {
                if now.timeIntervalSince(tracked.lastSeenAt) >= Self.lastSeenResolution {
                    tracked.lastSeenAt = now
                    tracked.clientAddress = request.clientAddress
                    try await tracked.save(on: request.db)
                }
            } else {
                try await tracked?.delete(on: request.db)
                try await request.application.sessions.driver.deleteSession(id, for: request).get()
                // Whatever the request stores in the session now goes to a new, anonymous one.
                request.session.id = nil
                request.session.data = SessionData()
            }
        }
        return try await next.respond(to: request)
    }
}
