import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// A page number past the end shows the last page; one near Int.max stopped the server.
    @Test func aPageNumberPastTheEndShowsTheLastPage() async throws {
        try await withRenkei { app, _ in
            for page in ["9223372036854775807", "184467440737095517", "99"] {
                try await app.testing().test(.GET, "/teams?page=\(page)") { response in
                    #expect(response.status == .ok, "page \(page)")
                    #expect(response.body.string.contains("Page 1 of 1"), "page \(page)")
                }
            }
        }
    }

    @Test func anonymousVisitorsSeeOnlyPublicFieldsInEveryChannel() async throws {
        try await withRenkei { app, _ in
            let secrets = [Fixture.alphaInternal, Fixture.alphaEmergency]
            for path in ["/teams", "/teams/alpha-cert", "/teams/alpha-cert/rfc2350.txt", "/api/v1/teams", "/api/v1/teams/alpha-cert",
                         "/global-irt/v1/teams", "/global-irt/v1/teams.csv", "/global-irt/v1/teams?q=alpha&envelope=true",
                         "/lookup?q=192.0.2.9", "/lookup?q=alpha.example", "/api/v1/lookup?q=192.0.2.9", "/api/v1/lookup?q=DE",
                         "/membership", "/api/v1/teams/alpha-cert/membership", "/.well-known/jwks.json"] {
                try await app.testing().test(.GET, path) { response in
                    #expect(response.status == .ok, "\(path)")
                    for secret in secrets { #expect(!response.body.string.contains(secret), "\(path) leaks \(secret)") }
                }
            }
            try await app.testing().test(.GET, "/teams/alpha-cert") { response in
                #expect(response.body.string.contains("members-only-notice"))
                #expect(response.body.string.contains("cert@alpha.example"), "public e-mail is shown")
            }
        }
    }

    @Test func membersSeeMembersOnlyFieldsAfterSigningIn() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.GET, "/teams/alpha-cert", headers: session.headers) { response in
                #expect(response.body.string.contains(Fixture.alphaInternal))
                #expect(response.body.string.contains(Fixture.alphaEmergency))
                #expect(!response.body.string.contains("members-only-notice"))
                #expect(!response.body.string.contains("id=\"edit-team\""), "a plain member cannot edit")
            }
            try await app.testing().test(.GET, "/teams/alpha-cert/rfc2350.txt", headers: session.headers) { response in
                #expect(response.body.string.contains(Fixture.alphaInternal))
            }
        }
    }

    @Test func signInChecksPasswordCSRFAndCookieFlags() async throws {
        try await withRenkei { app, _ in
            var cookie = "", csrf = ""
            try await app.testing().test(.GET, "/sign-in") { response in
                let setCookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("renkei-session=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Secure"))
                cookie = try #require(sessionCookie(from: response))
                csrf = try #require(csrfToken(in: response.body.string))
            }
            let headers: HTTPHeaders = ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"]
            try await app.testing().test(.POST, "/sign-in", headers: headers,
                                         body: formBody([("email", "rep-alpha@test.example"), ("password", "rep-alpha-pass")])) { response in
                #expect(response.status == .forbidden, "no CSRF token")
            }
            try await app.testing().test(.POST, "/sign-in", headers: headers,
                                         body: formBody([("_csrf", csrf), ("email", "rep-alpha@test.example"), ("password", "wrong")])) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.string.contains("sign-in-error"))
            }
            try await app.testing().test(.POST, "/sign-in", headers: headers,
                                         body: formBody([("_csrf", csrf), ("email", "MEMBER-ALPHA@test.example"), ("password", "member-alpha-pass"),
                                                         ("next", "https://evil.example/")])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/", "no open redirect")
                let renewed = try #require(sessionCookie(from: response))
                #expect(renewed != cookie, "signing in gives a new session id")
            }
        }
    }

    @Test func failedSignInsAreRateLimitedPerAccount() async throws {
        try await withRenkei { app, _ in
            for _ in 0..<5 {
                let session = try await openSignInPage(app)
                try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                             body: formBody([("_csrf", session.csrf), ("email", "rep-beta@test.example"), ("password", "guess")])) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            let session = try await openSignInPage(app)
            try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("email", "rep-beta@test.example"), ("password", "rep-beta-pass")])) { response in
                #expect(response.status == .tooManyRequests, "even the right password is refused while locked")
                #expect(Int(response.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            }
            _ = try await signIn(app, "rep-alpha@test.example")   // other accounts are unaffected
        }
    }

    @Test func representativeEditsOwnTeamAndTheChangeIsRecorded() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            var form: [(String, String)] = []
            try await app.testing().test(.GET, "/teams/alpha-cert/edit", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(!response.body.string.contains("name=\"memberType\""), "membership is the secretariat's")
                form = editableFields(in: response.body.string)
            }
            form = form.map { $0.0 == "emergencyContact" ? ($0.0, "+49 30 5555 0200 (new duty phone)") : $0 }
            form.append(("_csrf", session.csrf))
            try await app.testing().test(.POST, "/teams/alpha-cert/edit", headers: session.formHeaders(), body: formBody(form)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/teams/alpha-cert")
            }
            try await app.testing().test(.GET, "/teams/alpha-cert", headers: session.headers) { response in
                let html = response.body.string
                #expect(html.contains("+49 30 5555 0200 (new duty phone)"))
                #expect(html.contains("by Rita Rep"))
                #expect(html.contains("emergencyContact"), "the change log names the field")
                #expect(html.contains(Fixture.alphaInternal), "fields the form carried are kept")
            }
            let changes = try await TeamChangeModel.query(on: app.db).filter(\.$channel == "web").all()
            #expect(changes.map(\.fields) == [["emergencyContact"]])
            #expect(changes.first?.actorName == "Rita Rep")
        }
    }

    @Test func representativesCannotEditOtherTeams() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            try await app.testing().test(.GET, "/teams/beta-csirt/edit", headers: session.headers) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers.contentType?.subType == "html")
            }
            try await app.testing().test(.POST, "/teams/beta-csirt/edit", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("shortName", "Hijacked")])) { response in
                #expect(response.status == .forbidden)
            }
            try await app.testing().test(.GET, "/teams/beta-csirt/edit") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location)?.hasPrefix("/sign-in?next=") == true)
            }
            let beta = try await TeamModel.find(slug: "beta-csirt", on: app.db)
            #expect(beta?.shortName == "Beta-CSIRT")
        }
    }

    @Test func invalidEditsShowErrorsBesideTheFieldsAndSaveNothing() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            var form: [(String, String)] = []
            try await app.testing().test(.GET, "/teams/alpha-cert/edit", headers: session.headers) { response in
                form = editableFields(in: response.body.string)
            }
            form = form.map { field in
                switch field.0 {
                case "constituency_prefixes": (field.0, "192.0.2.1/24")
                case "email": (field.0, "nobody")
                default: field
                }
            }
            form.append(("_csrf", session.csrf))
            try await app.testing().test(.POST, "/teams/alpha-cert/edit", headers: session.formHeaders(), body: formBody(form)) { response in
                #expect(response.status == .unprocessableEntity)
                let html = response.body.string
                #expect(html.contains("id=\"error-constituency_prefixes\""))
                #expect(html.contains("the network is 192.0.2.0/24"))
                #expect(html.contains("id=\"error-email\""))
                #expect(html.contains("value=\"nobody\""), "what the user typed is kept")
            }
            let alpha = try await TeamModel.find(slug: "alpha-cert", on: app.db)
            #expect(alpha?.record.email == "cert@alpha.example")
        }
    }

    @Test func secretariatAddsATeamThroughTheForm() async throws {
        try await withRenkei { app, _ in
            let rep = try await signIn(app, "rep-alpha@test.example")
            try await app.testing().test(.GET, "/teams/new", headers: rep.headers) { response in
                #expect(response.status == .forbidden)
            }
            let session = try await signIn(app, "secretariat@test.example")
            try await app.testing().test(.POST, "/teams/new", headers: session.formHeaders(), body: formBody([
                ("_csrf", session.csrf), ("shortName", "Gamma CERT"), ("officialName", "Gamma National CERT"), ("countryCode", "ng"),
                ("email", "cert@gamma.example"), ("operatingHours_timeZone", "Africa/Lagos"), ("operatingHours_mon", "08:00-16:00"),
                ("memberType", "Associate"), ("teamTypes[]", "national"), ("teamTypes[]", "government"), ("publicFields[]", "email"),
            ])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/teams/gamma-cert")
            }
            let gamma = try #require(try await TeamModel.find(slug: "gamma-cert", on: app.db))
            #expect(gamma.record.memberType == .associate)
            #expect(gamma.record.teamTypes == [.national, .government])
            #expect(gamma.record.publicFields == [.email])
            #expect(gamma.countryCode == "NG")
        }
    }

    @Test func directoryListFilters() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/teams?region=Eastern%20Asia") { response in
                #expect(response.body.string.contains("Beta-CSIRT") && !response.body.string.contains("Alpha-CERT"))
                #expect(response.body.string.contains(">1 team<"))
            }
            try await app.testing().test(.GET, "/teams?q=alpha&type=national") { response in
                #expect(response.body.string.contains("Alpha-CERT") && !response.body.string.contains("Beta-CSIRT"))
            }
            try await app.testing().test(.GET, "/teams?q=5555%200199") { response in
                #expect(!response.body.string.contains("Alpha-CERT"), "free text never matches a field the reader cannot see")
            }
            try await app.testing().test(.GET, "/teams?region=Atlantis") { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func signOutNeedsTheFormToken() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.POST, "/sign-out", headers: session.formHeaders(), body: formBody([])) { response in
                #expect(response.status == .forbidden)
            }
            try await app.testing().test(.POST, "/sign-out", headers: session.formHeaders(), body: formBody([("_csrf", session.csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            try await app.testing().test(.GET, "/teams/alpha-cert", headers: session.headers) { response in
                #expect(!response.body.string.contains(Fixture.alphaInternal))
            }
        }
    }

    @Test func errorsArePagesForBrowsers() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/teams/no-such-team") { response in
                #expect(response.status == .notFound)
                #expect(response.headers.contentType?.subType == "html")
                #expect(response.body.string.contains("no-such-team"))
            }
        }
    }

    @Test func healthAndMetrics() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/healthz") { #expect($0.status == .ok) }
            try await app.testing().test(.GET, "/teams") { _ in }
            // Metrics answer loopback peers only (or a token): a real connection, not the in-process one.
            try await app.testing(method: .running(port: 0)).test(.GET, "/metrics") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("http_requests_total"))
            }
        }
    }
}

func openSignInPage(_ app: Application) async throws -> BrowserSession {
    var session = BrowserSession(cookie: "", csrf: "")
    try await app.testing().test(.GET, "/sign-in") { response in
        session.cookie = try #require(sessionCookie(from: response))
        session.csrf = try #require(csrfToken(in: response.body.string))
    }
    return session
}

/// The current values of a rendered edit form, as a browser would submit them unchanged.
func editableFields(in html: String) -> [(String, String)] {
    var fields: [(String, String)] = []
    func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
    let inputPattern = #"<input id="[^"]*" name="([^"]+)"[^>]*?value="([^"]*)""#
    let textareaPattern = #"<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>"#
    let selectedPattern = #"<select id="([^"]+)" name="[^"]+">(?:(?!</select>)[\s\S])*?<option value="([^"]*)" selected>"#
    let checkedPattern = #"<input type="checkbox" name="([^"]+)" value="([^"]*)" checked>"#
    for pattern in [inputPattern, textareaPattern, selectedPattern, checkedPattern] {
        let regex = try! NSRegularExpression(pattern: pattern)
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let name = String(html[Range(match.range(at: 1), in: html)!])
            let value = String(html[Range(match.range(at: 2), in: html)!])
            if name != "_csrf" { fields.append((name, unescape(value))) }
        }
    }
    return fields
}
