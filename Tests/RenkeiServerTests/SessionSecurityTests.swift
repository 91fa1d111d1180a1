import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Whether `cookie` (a `renkei-session=...` pair) is signed in: the account page answers.
private func isSignedIn(_ app: Application, _ cookie: String) async throws -> Bool {
    var status: HTTPStatus = .internalServerError
    try await app.testing().test(.GET, "/account", headers: ["Cookie": cookie]) { status = $0.status }
    return status == .ok
}

private func hasControlCharacter(_ headers: HTTPHeaders) -> Bool {
    headers.contains { $0.value.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 } }
}

/// Signs in as `email` with the session a page gave `planted` (an attacker's id, planted in the
/// victim's browser), and returns the session the browser holds afterwards.
private func signIn(_ app: Application, _ email: String, planted: BrowserSession) async throws -> BrowserSession {
    var session = planted
    var secondStep = false
    try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                 body: formBody([("_csrf", session.csrf), ("email", email), ("password", Fixture.passwords[email]!)])) { response in
        #expect(response.status == .seeOther)
        session.cookie = sessionCookie(from: response) ?? session.cookie
        secondStep = response.headers.first(name: .location) == "/sign-in/two-factor"
    }
    if secondStep {
        let code = try await nextTOTPCode(app, email)
        try await app.testing().test(.POST, "/sign-in/two-factor", headers: session.formHeaders(),
                                     body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
            #expect(response.status == .seeOther)
            session.cookie = sessionCookie(from: response) ?? session.cookie
        }
    }
    return session
}

private func trustLoopbackProxies(_ settings: inout Settings) {
    settings.trustedProxies = [try! IPPrefix(parsing: "127.0.0.0/8"), try! IPPrefix(parsing: "::1")]
}

extension ServerTests {
    // MARK: next at sign-in (issue 12, item 1)

    @Test func signInNextCannotAddHeadersOrLeaveTheSite() async throws {
        try await withRenkei { app, _ in
            let cases = [("/\r\nSet-Cookie: x=1", "/"), ("/%0D%0ASet-Cookie:%20x=1", "/"), ("/%09/evil.example", "/"), ("/\t/evil.example", "/"),
                         ("//evil.example", "/"), ("/\\evil.example", "/"), ("/%5Cevil.example", "/"), ("https://evil.example/", "/"),
                         ("/teams/alpha-cert", "/teams/alpha-cert"), ("", "/")]
            for (next, expected) in cases {
                let session = try await openSignInPage(app)
                try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                             body: formBody([("_csrf", session.csrf), ("email", "member-alpha@test.example"),
                                                             ("password", "member-alpha-pass"), ("next", next)])) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers.first(name: .location) == expected, "next \(next.debugDescription)")
                    #expect(!hasControlCharacter(response.headers), "next \(next.debugDescription)")
                    #expect(!response.headers[.setCookie].contains { $0.hasPrefix("x=") })
                }
            }
            try await app.testing().test(.GET, "/sign-in?next=%2F%250D%250ASet-Cookie:%2520x%3D1") { response in
                #expect(response.body.string.contains(#"name="next" value="/""#), "the form carries only a safe next")
            }
        }
    }

    @Test func theSecondFactorStepRedirectsOnlyToASafeNext() async throws {
        try await withRenkei { app, _ in
            for (next, expected) in [("/%09/evil.example", "/"), ("/lists", "/lists")] {
                let session = try await openSignInPage(app)
                var cookie = session.cookie
                try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                             body: formBody([("_csrf", session.csrf), ("email", "rep-alpha@test.example"),
                                                             ("password", "rep-alpha-pass"), ("next", next)])) { response in
                    #expect(response.headers.first(name: .location) == "/sign-in/two-factor")
                    cookie = sessionCookie(from: response) ?? cookie
                }
                let code = try await nextTOTPCode(app, "rep-alpha@test.example")
                try await app.testing().test(.POST, "/sign-in/two-factor", headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                             body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers.first(name: .location) == expected, "next \(next)")
                }
            }
        }
    }

    @Test func aProtectedPageSendsToSignInWithOnlyASafeWayBack() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/account") { response in
                #expect(response.headers.first(name: .location) == "/sign-in?next=/account")
            }
            try await app.testing().test(.GET, "/teams/alpha-cert/edit?x=1") { response in
                #expect(response.headers.first(name: .location) == "/sign-in?next=/teams/alpha-cert/edit%3Fx%3D1")
            }
            try await app.testing().test(.GET, "/account?x=%0D%0Ay") { response in
                #expect(response.headers.first(name: .location) == "/sign-in")
            }
        }
    }

    // MARK: session fixation (item 3): every way of signing in moves to a new session id

    @Test func signingInWithAPasswordOrASecondFactorLeavesThePlantedSessionBehind() async throws {
        try await withRenkei { app, _ in
            for email in ["member-alpha@test.example", "rep-alpha@test.example"] {
                let planted = try await openSignInPage(app)
                let session = try await signIn(app, email, planted: planted)
                #expect(session.cookie != planted.cookie)
                #expect(try await isSignedIn(app, session.cookie))
                #expect(try await !isSignedIn(app, planted.cookie), "the planted id of \(email) is not signed in")
            }
        }
    }

    @Test func theFormTokenFromBeforeSignInDoesNotSignFormsAfterIt() async throws {
        try await withRenkei { app, _ in
            for email in ["member-alpha@test.example", "rep-alpha@test.example"] {
                let planted = try await openSignInPage(app)
                let session = try await signIn(app, email, planted: planted)
                try await app.testing().test(.POST, "/account/sessions", headers: session.formHeaders(),
                                             body: formBody([("_csrf", planted.csrf)])) { response in
                    #expect(response.status == .forbidden, "the sign-in page's token of \(email) is refused once signed in")
                }
                var fresh = ""
                try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
                    fresh = try #require(csrfToken(in: response.body.string))
                }
                #expect(fresh != planted.csrf)
                try await app.testing().test(.POST, "/account/sessions", headers: session.formHeaders(), body: formBody([("_csrf", fresh)])) { response in
                    #expect(response.status == .seeOther)
                }
            }
        }
    }

    /// A two-factor secret offered to whoever held the session before sign-in is not the one
    /// offered after it: the person signing in on a planted session gets a session of their own.
    @Test func nothingTheSessionHeldBeforeSignInIsCarriedOver() async throws {
        try await withRenkei { app, _ in
            func offeredSecret(_ session: BrowserSession) async throws -> (secret: String, csrf: String) {
                var answer = ("", "")
                try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
                    let html = response.body.string
                    answer = (try #require(html.firstMatch(of: /id="totp-secret">([A-Z2-7]+)</).map { String($0.1) }), try #require(csrfToken(in: html)))
                }
                return answer
            }
            var planted = try await signIn(app, "member-alpha@test.example")
            let before = try await offeredSecret(planted)
            planted.csrf = before.csrf
            let after = try await offeredSecret(try await signIn(app, "member-alpha@test.example", planted: planted))
            #expect(after.secret != before.secret)
        }
    }

    @Test func acceptingAnInvitationLeavesThePlantedSessionBehind() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-alpha@test.example")
            var link = ""
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations",
                                         headers: ["Authorization": "Bearer \(rep)", "Content-Type": "application/json"],
                                         body: try jsonBody(["email": "new-member@alpha.example"])) { response in
                #expect(response.status == .created)
                link = try #require(try jsonObject(response)["link"] as? String)
            }
            let path = String(link.dropFirst("https://renkei.test".count))
            var planted = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, path) { response in
                planted.cookie = try #require(sessionCookie(from: response))
                planted.csrf = try #require(csrfToken(in: response.body.string))
            }
            var renewed: String?
            try await app.testing().test(.POST, path, headers: planted.formHeaders(),
                                         body: formBody([("_csrf", planted.csrf), ("displayName", "Nina New"), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .seeOther)
                renewed = sessionCookie(from: response)
            }
            let cookie = try #require(renewed)
            #expect(cookie != planted.cookie, "a new session id")
            #expect(try await isSignedIn(app, cookie))
            #expect(try await !isSignedIn(app, planted.cookie), "the planted id is not signed in")
        }
    }

    @Test func applyingForMembershipLeavesThePlantedSessionBehind() async throws {
        try await withRenkei { app, _ in
            var planted = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, "/membership/apply") { response in
                planted.cookie = try #require(sessionCookie(from: response))
                planted.csrf = try #require(csrfToken(in: response.body.string))
            }
            var fields = [("_csrf", planted.csrf), ("accountEmail", "ada@epsilon.example"), ("accountName", "Ada Applicant"),
                          ("shortName", "Epsilon-CERT"), ("officialName", "Epsilon CERT"),
                          ("countryCode", "FR"), ("email", "cert@epsilon.example"), ("membershipType", "Liaison"),
                          ("hostOrganisation", "Epsilon Group"), ("services", "Incident handling."), ("sponsors", "alpha-cert")]
            fields += SIM3.parameters.map { ("level[\($0.id)]", "2") }
            try await app.testing().test(.POST, "/membership/apply", headers: planted.formHeaders(), body: formBody(fields)) { response in
                #expect(response.status == .accepted, "\(response.body.string)")
            }
            let confirmation = try #require(try await confirmationPath(to: "ada@epsilon.example", app))
            var renewed: String?
            try await app.testing().test(.POST, confirmation, headers: planted.formHeaders(),
                                         body: formBody([("_csrf", planted.csrf), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .seeOther, "\(response.body.string)")
                renewed = sessionCookie(from: response)
            }
            let cookie = try #require(renewed)
            #expect(cookie != planted.cookie, "a new session id")
            #expect(try await isSignedIn(app, cookie))
            #expect(try await !isSignedIn(app, planted.cookie), "the planted id is not signed in")
        }
    }

    // MARK: sessions expire, are listed, and end (item 16)

    @Test func aSessionEndsAfterTwelveHoursIdle() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            app.renkei.clock.advance(by: 11 * 3600)
            #expect(try await isSignedIn(app, session.cookie), "11 hours idle")
            app.renkei.clock.advance(by: 12 * 3600 + 60)
            #expect(try await !isSignedIn(app, session.cookie), "12 hours idle")
            #expect(try await SignedInSessionModel.query(on: app.db).count() == 0)
        }
    }

    @Test func aSessionInUseEndsSevenDaysAfterSigningIn() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            for _ in 0..<15 {   // 165 hours, never 12 idle
                app.renkei.clock.advance(by: 11 * 3600)
                #expect(try await isSignedIn(app, session.cookie))
            }
            app.renkei.clock.advance(by: 3 * 3600)
            #expect(try await !isSignedIn(app, session.cookie), "168 hours after signing in")
        }
    }

    @Test func theAccountPageListsSessionsAndSignsOutTheOthers() async throws {
        try await withRenkei { app, _ in
            let here = try await signIn(app, "member-alpha@test.example")
            let elsewhere = try await signIn(app, "member-alpha@test.example")
            _ = try await signIn(app, "rep-beta@test.example")
            try await app.testing().test(.GET, "/account", headers: here.headers) { response in
                let html = response.body.string
                #expect(html.components(separatedBy: "<td class=\"mono\">unknown</td>").count - 1 == 2, "two sessions of this person")
                #expect(html.components(separatedBy: "this session").count - 1 == 1)
                #expect(html.contains("id=\"end-other-sessions\""))
            }
            try await app.testing().test(.POST, "/account/sessions", headers: here.formHeaders(), body: formBody([])) { response in
                #expect(response.status == .forbidden, "the form is CSRF-protected")
            }
            try await app.testing().test(.POST, "/account/sessions", headers: here.formHeaders(), body: formBody([("_csrf", here.csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await !isSignedIn(app, elsewhere.cookie), "the other session ended")
            #expect(try await isSignedIn(app, here.cookie), "this one goes on")
            #expect(try await SignedInSessionModel.query(on: app.db).count() == 2, "rep-beta's session is not touched")
        }
    }

    @Test func signingOutEndsTheSessionOnTheServer() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.POST, "/sign-out", headers: session.formHeaders(), body: formBody([("_csrf", session.csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await !isSignedIn(app, session.cookie), "the old cookie, replayed, is signed out")
            #expect(try await SignedInSessionModel.query(on: app.db).count() == 0)
        }
    }

    // MARK: lockout as a weapon (item 15)

    @Test func failuresFromOneAddressDoNotSlowTheOwnerElsewhere() async throws {
        let throttle = SignInThrottle()
        let now = Date()
        for _ in 0..<10 { await throttle.recordFailure(account: "board@test.example", address: "198.51.100.7", now: now) }
        #expect(await throttle.retryAfter(account: "board@test.example", address: "203.0.113.9", now: now) == nil, "the owner, elsewhere")
        #expect(await throttle.retryAfter(account: "board@test.example", address: "198.51.100.7", now: now) == 32, "the guesser: 2^5 s after 10")
        #expect(await throttle.retryAfter(account: "BOARD@test.example", address: "198.51.100.7", now: now.addingTimeInterval(31)) == 1)
        #expect(await throttle.retryAfter(account: "other@test.example", address: "198.51.100.7", now: now) == nil, "under the address budget")
        for index in 0..<10 { await throttle.recordFailure(account: "guess\(index)@test.example", address: "198.51.100.7", now: now) }
        #expect(await throttle.retryAfter(account: "other@test.example", address: "198.51.100.7", now: now) == 1, "20 failures from one address")
        await throttle.recordSuccess(account: "board@test.example", address: "198.51.100.7")
        #expect(await throttle.retryAfter(account: "board@test.example", address: "198.51.100.7", now: now) == 1, "a right password clears the pair, not the address")
    }

    @Test func aGuesserBehindTheProxyDoesNotLockTheBoardOut() async throws {
        try await withRenkei(adjust: trustLoopbackProxies) { app, _ in
            let live = try app.testing(method: .running(port: 0))
            func attempt(from address: String, password: String) async throws -> HTTPStatus {
                var session = BrowserSession(cookie: "", csrf: "")
                try await live.test(.GET, "/sign-in", headers: ["X-Forwarded-For": address]) { response in
                    session.cookie = try #require(sessionCookie(from: response))
                    session.csrf = try #require(csrfToken(in: response.body.string))
                }
                var status: HTTPStatus = .internalServerError
                var headers = session.formHeaders()
                headers.add(name: "X-Forwarded-For", value: "192.0.2.250, \(address)")
                try await live.test(.POST, "/sign-in", headers: headers,
                                    body: formBody([("_csrf", session.csrf), ("email", "rep-beta@test.example"), ("password", password)])) { status = $0.status }
                return status
            }
            // Past five, each failure doubles the wait; ten leave one far longer than a request takes.
            for _ in 0..<10 { _ = try await attempt(from: "198.51.100.7", password: "guess") }
            #expect(try await attempt(from: "198.51.100.7", password: "rep-beta-pass") == .tooManyRequests, "the guesser waits")
            // The live client follows the redirect after a right password, so success reads as 200, not 303.
            let owner = try await attempt(from: "203.0.113.9", password: "rep-beta-pass")
            #expect(owner != .tooManyRequests && owner != .unauthorized, "the owner, elsewhere, signs in (got \(owner))")
            let failed = try await AuditEventModel.query(on: app.db).filter(\.$action == "sign-in.failed").all()
            #expect(!failed.isEmpty && failed.allSatisfy { $0.address == "198.51.100.7" }, "the client address, not the proxy's or the forged one")
        }
    }

    @Test func badTrustedProxiesStopTheServerNamingTheSetting() throws {
        #expect(throws: Settings.Problem.self) { try Settings.fromEnvironment(["RENKEI_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"]) }
        do {
            _ = try Settings.fromEnvironment(["RENKEI_TRUSTED_PROXIES": "10.0.0.1/8"])
            Issue.record("host bits set were accepted")
        } catch {
            #expect(error.description.contains("RENKEI_TRUSTED_PROXIES"))
        }
        let settings = try Settings.fromEnvironment(["RENKEI_TRUSTED_PROXIES": "10.0.0.0/8, ::1", "RENKEI_METRICS_TOKEN": "scrape-me"])
        #expect(settings.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(settings.metricsToken == "scrape-me")
    }

    // MARK: /metrics (item 16)

    @Test func metricsAreForLoopbackOnlyWithoutAToken() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/metrics") { #expect($0.status == .forbidden, "no peer address: not loopback") }
            let live = try app.testing(method: .running(port: 0))
            try await live.test(.GET, "/metrics") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("http_requests_total"))
            }
            try await live.test(.GET, "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"]) {
                #expect($0.status == .forbidden, "forwarded by a proxy on this machine")
            }
        }
    }

    @Test func metricsWantTheTokenWhenOneIsSet() async throws {
        try await withRenkei(adjust: { $0.metricsToken = "scrape-me-please" }) { app, _ in
            for headers: HTTPHeaders in [[:], ["Authorization": "Bearer scrape-me-pleasf"], ["Authorization": "Bearer scrape-me"]] {
                try await app.testing().test(.GET, "/metrics", headers: headers) { #expect($0.status == .unauthorized) }
            }
            try await try app.testing(method: .running(port: 0)).test(.GET, "/metrics") {
                #expect($0.status == .unauthorized, "loopback is not enough once a token is set")
            }
            try await app.testing().test(.GET, "/metrics", headers: ["Authorization": "Bearer scrape-me-please"]) { #expect($0.status == .ok) }
        }
    }
}
