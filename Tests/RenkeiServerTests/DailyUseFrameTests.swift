import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

// Issue 13, "Daily use": the page frame (flash messages, the error summary), the home page,
// and the sign-in asked of a signed-out reader who follows a link to an item.
extension ServerTests {
    private func page(_ app: Application, _ path: String, _ session: BrowserSession?) async throws -> (HTTPStatus, String, String?) {
        var result: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        try await app.testing().test(.GET, path, headers: session?.headers ?? [:]) { response in
            result = (response.status, response.body.string, response.headers.first(name: .location))
        }
        return result
    }

    /// The share form as a browser posts it (multipart, with the form's CSRF token).
    private func shareForm(_ app: Application, _ session: BrowserSession, _ fields: [(String, String)]) async throws -> (HTTPStatus, String, String?) {
        let boundary = "renkei-frame-boundary"
        let body = ([("_csrf", session.csrf)] + fields).map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0.0)\"\r\n\r\n\($0.1)\r\n" }.joined()
            + "--\(boundary)--\r\n"
        var result: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        try await app.testing().test(.POST, "/items", headers: ["Cookie": session.cookie, "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                     body: ByteBuffer(string: body)) { response in
            result = (response.status, response.body.string, response.headers.first(name: .location))
        }
        return result
    }

    private func shareByAPI(_ app: Application, _ token: String, _ body: [String: Any]) async throws -> String {
        var id = ""
        try await app.testing().test(.POST, "/api/v1/items", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                     body: try jsonBody(body)) { response in
            #expect(response.status == .created, "\(response.body.string)")
            id = try #require(try jsonObject(response)["id"] as? String)
        }
        return id
    }

    @Test func dailyFlashSaysWhatHappenedOnceAfterTheRedirect() async throws {
        try await withRenkei { app, _ in
            let rita = try await signIn(app, "rep-alpha@test.example")
            let (status, _, location) = try await shareForm(app, rita, [("kind", "announcement"), ("title", "Scanner wave from 203.0.113.0/24"),
                                                                         ("body", "Seen since Monday."), ("tlp", "TLP:AMBER"), ("audience", "teams"),
                                                                         ("teams", "alpha-cert, beta-csirt")])
            #expect(status == .seeOther)
            let itemPath = try #require(location)
            let (_, first, _) = try await page(app, itemPath, rita)
            #expect(first.contains(#"<p class="flash" role="status" id="flash">Shared with 2 teams</p>"#), "\(first.prefix(3000))")
            let (_, second, _) = try await page(app, itemPath, rita)
            #expect(!second.contains(#"id="flash""#), "the message is shown once")

            // Another action, another sentence: marking notifications read.
            try await app.testing().test(.POST, "/notifications", headers: rita.formHeaders(), body: formBody([("_csrf", rita.csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            let (_, notices, _) = try await page(app, "/notifications", rita)
            #expect(notices.contains(#"role="status" id="flash">All notifications marked read<"#))
        }
    }

    @Test func dailyErrorSummaryLinksToEachFailingField() async throws {
        try await withRenkei { app, _ in
            let rita = try await signIn(app, "rep-alpha@test.example")
            let (status, body, _) = try await shareForm(app, rita, [("kind", "announcement"), ("title", ""), ("body", "Text."), ("tlp", "TLP:AMBER"),
                                                                     ("audience", "teams"), ("teams", "alpha-cert")])
            #expect(status == .unprocessableEntity)
            let summary = try #require(body.range(of: #"<div class="error-summary" role="alert" id="error-summary">"#), "\(body.prefix(4000))")
            let form = try #require(body.range(of: #"id="item-form""#))
            #expect(summary.lowerBound < form.lowerBound, "the summary comes before the form")
            #expect(body.contains(##"<a href="#title">"##) && body.contains(#"id="title""#))
            let (_, unknownTeam, _) = try await shareForm(app, rita, [("kind", "announcement"), ("title", "A title"), ("body", "Text."), ("tlp", "TLP:AMBER"),
                                                                      ("audience", "teams"), ("teams", "no-such-team")])
            #expect(unknownTeam.contains(##"<li><a href="#teams">There is no team “no-such-team” in the directory.</a></li>"##))
            #expect(unknownTeam.contains(#"id="teams""#))

            // The team form, which renders through the same summary.
            try await app.testing().test(.POST, "/teams/alpha-cert/edit", headers: rita.formHeaders(),
                                         body: formBody([("_csrf", rita.csrf), ("shortName", "Alpha-CERT"), ("countryCode", "DE"), ("email", "not an address")])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains(#"id="error-summary""#) && response.body.string.contains(##"<a href="#email">"##))
            }
        }
    }

    @Test func dailyHomePageShowsAVisitorTheCommunityAndTheLookup() async throws {
        try await withRenkei { app, _ in
            let (status, body, _) = try await page(app, "/", nil)
            #expect(status == .ok)
            #expect(body.contains(#"id="home-lookup""#) && body.contains(#"action="/lookup""#))
            #expect(body.contains("The directory lists 2 teams."))
            #expect(!body.contains(#"id="shared-lately""#))
        }
    }

    @Test func dailyHomePageShowsAMemberOnlyWhatTheyMayRead() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let max = try await apiToken(app, "member-alpha@test.example")
            _ = try await shareByAPI(app, rita, ["title": "Red note for Ben alone", "body": "Only Ben.", "tlp": "TLP:RED",
                                                 "audience": ["kind": "individuals", "people": ["rep-beta@test.example"]]])
            _ = try await shareByAPI(app, rita, ["title": "Amber note for Alpha", "body": "Alpha only.", "tlp": "TLP:AMBER",
                                                 "audience": ["kind": "teams", "teams": ["alpha-cert"]]])
            _ = try await shareByAPI(app, rita, ["title": "Green note for everyone", "body": "All members.", "tlp": "TLP:GREEN",
                                                 "audience": ["kind": "community"]])
            _ = try await shareByAPI(app, max, ["kind": "request", "title": "Alpha asks about a loader", "body": "Anyone?", "tlp": "TLP:GREEN",
                                                "audience": ["kind": "community"], "request": ["kind": "information"]])
            let titles = ["Red note for Ben alone", "Amber note for Alpha", "Green note for everyone", "Alpha asks about a loader"]
            func shown(_ body: String) -> Set<String> { Set(titles.filter { body.contains($0) }) }
            func openRequests(_ body: String) -> String {
                guard let start = body.range(of: #"id="open-requests""#), let end = body.range(of: "</section>", range: start.upperBound..<body.endIndex) else { return "" }
                return String(body[start.upperBound..<end.lowerBound])
            }

            let (_, anonymous, _) = try await page(app, "/", nil)
            #expect(shown(anonymous).isEmpty)

            let (status, alpha, _) = try await page(app, "/", try await signIn(app, "rep-alpha@test.example"))
            #expect(status == .ok)
            #expect(shown(alpha) == ["Red note for Ben alone", "Amber note for Alpha", "Green note for everyone", "Alpha asks about a loader"],
                    "the author reads what she shared")
            #expect(openRequests(alpha).contains("Alpha asks about a loader"), "a colleague's open request is the team's")
            #expect(alpha.contains(#"id="notices""#) && alpha.contains(#"id="deadlines""#))

            let (_, colleague, _) = try await page(app, "/", try await signIn(app, "member-alpha@test.example"))
            #expect(shown(colleague) == ["Amber note for Alpha", "Green note for everyone", "Alpha asks about a loader"],
                    "the author's colleague is not named on the TLP:RED note")

            let (_, beta, _) = try await page(app, "/", try await signIn(app, "rep-beta@test.example"))
            #expect(shown(beta) == ["Red note for Ben alone", "Green note for everyone", "Alpha asks about a loader"])
            #expect(!openRequests(beta).contains("Alpha asks about a loader"), "another team's request is not Beta's")

            let (_, secretariat, _) = try await page(app, "/", try await signIn(app, "secretariat@test.example"))
            #expect(shown(secretariat) == ["Green note for everyone", "Alpha asks about a loader"],
                    "TLP:RED reaches only the people named, TLP:AMBER only the teams")
        }
    }

    @Test func dailyASignedOutReaderOfAnItemLinkIsAskedToSignInWhetherItExistsOrNot() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let red = try await shareByAPI(app, rita, ["title": "Red note for Max", "body": "Only Max.", "tlp": "TLP:RED",
                                                       "audience": ["kind": "individuals", "people": ["member-alpha@test.example"]]])
            let random = UUID().uuidString
            let (redStatus, redBody, redLocation) = try await page(app, "/items/\(red)", nil)
            let (randomStatus, randomBody, randomLocation) = try await page(app, "/items/\(random)", nil)
            #expect(redStatus == .seeOther && randomStatus == .seeOther)
            #expect(redLocation == "/sign-in?next=/items/\(red)")
            #expect(randomLocation == "/sign-in?next=/items/\(random)")
            #expect(redBody.replacingOccurrences(of: red, with: "ID") == randomBody.replacingOccurrences(of: random, with: "ID"))
            #expect(!redBody.contains("Red note"))

            // Signing in from there leads back to the item.
            var session = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, "/sign-in?next=/items/\(red)") { response in
                session.cookie = try #require(sessionCookie(from: response))
                session.csrf = try #require(csrfToken(in: response.body.string))
                #expect(response.body.string.contains(#"value="/items/\#(red)""#))
            }
            try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("email", "member-alpha@test.example"),
                                                         ("password", Fixture.passwords["member-alpha@test.example"]!), ("next", "/items/\(red)")])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/items/\(red)")
                if let renewed = sessionCookie(from: response) { session.cookie = renewed }
            }
            let (status, body, _) = try await page(app, "/items/\(red)", session)
            #expect(status == .ok && body.contains("Red note for Max"))
            // Signed in, an item one may not read is still a plain 404.
            let (other, _, _) = try await page(app, "/items/\(random)", session)
            #expect(other == .notFound)
        }
    }

    @Test func dailyTheFrameHasAFaviconAndASkipLink() async throws {
        try await withRenkei { app, _ in
            let (_, body, _) = try await page(app, "/teams", nil)
            #expect(body.contains(#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#))
            let skip = try #require(body.range(of: ##"<a class="skip-link" href="#content">Skip to content</a>"##))
            #expect(!body[body.startIndex..<skip.lowerBound].contains("<a ") && !body[body.startIndex..<skip.lowerBound].contains("<input"),
                    "the skip link is the first thing to focus")
            #expect(body.contains(#"<main id="content" tabindex="-1">"#))
            try await app.testing().test(.GET, "/favicon.ico") { response in
                #expect(response.status == .ok)
                #expect(response.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
                #expect(response.body.string.hasPrefix("<svg"))
            }
        }
    }
}
