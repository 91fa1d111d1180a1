import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13, items in daily use: controls that fit the kind, corrections with their history,
/// withdrawals that leave the lists and tell the readers (and nobody else).
extension ServerTests {
    private func shareItem(_ app: Application, _ token: String, _ body: [String: Any]) async throws -> String {
        var id = ""
        try await app.testing().test(.POST, "/api/v1/items", headers: bearer(token), body: try jsonBody(body)) { response in
            #expect(response.status == .created)
            id = try #require(try jsonObject(response)["id"] as? String)
        }
        return id
    }

    private func notices(_ app: Application, _ email: String) async throws -> [String] {
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        return try await NotificationModel.query(on: app.db).filter(\.$userID == user.requireID()).all().map(\.text)
    }

    @Test func itemStatusControlsFitTheKindAndTheServerRefusesAStatusTheKindDoesNotHave() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let announcement = try await shareItem(app, rita, ["title": "Patch now", "body": "A fix is out.", "tlp": "TLP:GREEN", "audience": ["kind": "community"]])
            let request = try await shareItem(app, rita, ["kind": "request", "title": "Who saw this loader?", "body": "Anyone?", "tlp": "TLP:GREEN",
                                                          "audience": ["kind": "community"], "request": ["kind": "information"]])
            for status in ["answered", "closed", "open"] {
                try await app.testing().test(.POST, "/api/v1/items/\(announcement)/status", headers: bearer(rita), body: try jsonBody(["status": status])) { response in
                    #expect(response.status == .unprocessableEntity, "an announcement has no status \(status)")
                }
            }
            let session = try await signIn(app, "rep-alpha@test.example")
            try await app.testing().test(.POST, "/items/\(announcement)/status", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("status", "closed")])) { response in
                #expect(response.status == .unprocessableEntity)
            }
            try await app.testing().test(.GET, "/items/\(announcement)", headers: session.headers) { response in
                let html = response.body.string
                #expect(!html.contains("id=\"status-form\"") && !html.contains("Mark answered") && !html.contains(">Close<"))
            }
            try await app.testing().test(.GET, "/items/\(request)", headers: session.headers) { response in
                let html = response.body.string
                #expect(html.contains("id=\"status-answered\"") && html.contains("id=\"status-closed\""))
                #expect(!html.contains("id=\"status-open\""), "an open request is not reopened")
            }
            try await app.testing().test(.POST, "/api/v1/items/\(request)/status", headers: bearer(rita), body: try jsonBody(["status": "closed"])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/items/\(request)", headers: session.headers) { response in
                let html = response.body.string
                #expect(html.contains("id=\"status-open\"") && !html.contains("id=\"status-closed\""))
            }
        }
    }

    @Test func aCorrectionKeepsTheHistoryForTheItemsReadersOnly() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let ben = try await apiToken(app, "rep-beta@test.example")
            let sam = try await apiToken(app, "secretariat@test.example")
            let id = try await shareItem(app, rita, ["title": "Loader at 198.51.100.7", "body": "Seen from 198.51.100.7.", "tags": ["loader"],
                                                     "tlp": "TLP:AMBER", "audience": ["kind": "teams", "teams": ["beta-csirt"]]])
            func listedTitle() async throws -> String? {
                var title: String?
                try await app.testing().test(.GET, "/api/v1/items", headers: bearer(ben)) { response in
                    let items = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                    title = items.first { $0["id"] as? String == id }?["title"] as? String
                }
                return title
            }
            #expect(try await listedTitle() == "Loader at 198.51.100.7")
            try await app.testing().test(.POST, "/api/v1/items/\(id)/correction", headers: bearer(ben),
                                         body: try jsonBody(["title": "Ben's words", "body": "Not his to change."])) { response in
                #expect(response.status == .forbidden, "a reader who is not the author does not correct")
            }
            try await app.testing().test(.POST, "/api/v1/items/\(id)/correction", headers: bearer(rita),
                                         body: try jsonBody(["title": "Loader at 198.51.100.8", "body": "Seen from 198.51.100.8, not .7.", "tags": ["loader", "fix"]])) { response in
                #expect(response.status == .ok)
                let document = try jsonObject(response)
                #expect(document["title"] as? String == "Loader at 198.51.100.8" && document["versions"] as? Int == 2)
                #expect(document["tlp"] as? String == "TLP:AMBER", "the label stays")
            }
            #expect(try await listedTitle() == "Loader at 198.51.100.8", "a list read before the correction does not keep the old text")
            try await app.testing().test(.POST, "/api/v1/items/\(id)/correction", headers: bearer(rita),
                                         body: try jsonBody(["title": "", "body": "x"])) { response in
                #expect(response.status == .unprocessableEntity, "an empty title is refused")
            }
            try await app.testing().test(.GET, "/api/v1/items/\(id)/versions", headers: bearer(ben)) { response in
                #expect(response.status == .ok)
                let versions = try jsonArray(response)
                #expect(versions.count == 1)
                #expect(versions.first?["title"] as? String == "Loader at 198.51.100.7" && versions.first?["body"] as? String == "Seen from 198.51.100.7.")
                #expect(versions.first?["number"] as? Int == 1)
            }
            for (who, headers) in [("the secretariat, outside the audience", bearer(sam)), ("an anonymous caller", HTTPHeaders())] {
                try await app.testing().test(.GET, "/api/v1/items/\(id)/versions", headers: headers) { response in
                    #expect(response.status == .notFound, "\(who) reads no earlier version")
                    #expect(!response.body.string.contains("198.51.100.7"))
                }
            }
            try await app.testing().test(.GET, "/items/\(id)", headers: try await signIn(app, "rep-beta@test.example").headers) { response in
                let html = response.body.string
                #expect(html.contains("id=\"item-corrected\"") && html.contains("(2 versions)"))
                #expect(html.contains("Seen from 198.51.100.7.") && html.contains("Seen from 198.51.100.8, not .7."))
                #expect(!html.contains("id=\"correction-form\""), "only the author sees the correction form")
            }
            #expect(try await notices(app, "rep-beta@test.example").contains { $0.contains("corrected “Loader at 198.51.100.8”") })
            #expect(try await notices(app, "secretariat@test.example").isEmpty)
        }
    }

    @Test func aWriteMadeFromAnOlderReadOfTheRowIsRefused() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let id = try #require(UUID(uuidString: try await shareItem(app, rita, [
                "title": "Loader", "body": "Seen.", "tlp": "TLP:AMBER", "audience": ["kind": "teams", "teams": ["beta-csirt"]],
            ])))
            // Two writers read version 1 at the same moment (PostgreSQL's default isolation allows it).
            let first = try #require(try await SharedItemModel.find(id, on: app.db))
            let second = try #require(try await SharedItemModel.find(id, on: app.db))
            var firstText = try first.item(), secondText = try second.item()
            firstText.title = "First writer"
            secondText.title = "Second writer"
            #expect(try await SharedItemStore.writeNextVersion(firstText, of: first, on: app.db))
            #expect(try await SharedItemStore.writeNextVersion(secondText, of: second, on: app.db) == false, "version 2 names one text only")
            let stored = try #require(try await SharedItemModel.find(id, on: app.db))
            #expect(stored.version == 2)
            #expect(try stored.item().title == "First writer")
        }
    }

    @Test func aWithdrawalTellsTheReadersOnlyAndLeavesTheLists() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let ben = try await apiToken(app, "rep-beta@test.example")
            let red = try await shareItem(app, rita, ["title": "Red note for Ben", "body": "Only Ben reads this.", "tlp": "TLP:RED",
                                                      "audience": ["kind": "individuals", "people": ["rep-beta@test.example"]]])
            let session = try await signIn(app, "rep-alpha@test.example")
            try await app.testing().test(.GET, "/items/\(red)", headers: session.headers) { response in
                #expect(response.body.string.contains("id=\"withdrawal-form\""))
            }
            try await app.testing().test(.POST, "/items/\(red)/withdrawal", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("reason", "")])) { response in
                #expect(response.status == .unprocessableEntity, "a withdrawal says why")
                // The form sent back stays open, its problem linked from the summary and shown at its field.
                let page = response.body.string
                #expect(page.contains("<details id=\"withdraw-item\" open>"))
                #expect(page.contains("<a href=\"#withdraw-reason\">Say why the item is withdrawn"))
                #expect(page.contains("<div class=\"field invalid\"><label for=\"withdraw-reason\">"))
                #expect(page.contains("<details id=\"correct-item\"><summary>"), "the other form stays closed")
            }
            // A correction with a problem keeps what was typed.
            try await app.testing().test(.POST, "/items/\(red)/correction", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("title", ""), ("body", "Only Ben reads this, and a new line."),
                                                         ("tags", "draft")])) { response in
                #expect(response.status == .unprocessableEntity)
                let page = response.body.string
                #expect(page.contains("<details id=\"correct-item\" open>"))
                #expect(page.contains(">Only Ben reads this, and a new line.</textarea>"), "the text typed is kept")
                #expect(page.contains("id=\"correct-tags\" name=\"tags\" value=\"draft\""))
                #expect(page.contains("<a href=\"#correct-title\">"), "the summary links to the title")
                #expect(page.contains("The correction was not saved"))
            }
            try await app.testing().test(.POST, "/items/\(red)/withdrawal", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("reason", "Sent to the wrong person")])) { response in
                #expect(response.status == .seeOther)
            }
            // Hand-written: Ben, the one person named, is told; Max (the author's own team) and
            // the secretariat cannot read a RED item for Ben and hear nothing of it.
            #expect(try await notices(app, "rep-beta@test.example") == ["Rita Rep withdrew “Red note for Ben”: Sent to the wrong person"])
            #expect(try await notices(app, "member-alpha@test.example").isEmpty)
            #expect(try await notices(app, "secretariat@test.example").isEmpty)
            #expect(try await notices(app, "rep-alpha@test.example").isEmpty, "the author is not told of their own withdrawal")

            try await app.testing().test(.GET, "/items/\(red)", headers: try await signIn(app, "rep-beta@test.example").headers) { response in
                #expect(response.status == .ok)
                let html = response.body.string
                #expect(html.contains("id=\"item-withdrawn\"") && html.contains("Sent to the wrong person"))
                #expect(!html.contains("id=\"reply-form\""))
            }
            try await app.testing().test(.GET, "/api/v1/items/\(red)", headers: bearer(ben)) { response in
                let withdrawal = try #require(try jsonObject(response)["withdrawal"] as? [String: Any])
                #expect(withdrawal["reason"] as? String == "Sent to the wrong person")
            }
            try await app.testing().test(.GET, "/api/v1/items", headers: bearer(ben)) { response in
                #expect(!response.body.string.contains(red), "a withdrawn item leaves the list")
            }
            try await app.testing().test(.GET, "/items", headers: try await signIn(app, "rep-beta@test.example").headers) { response in
                #expect(!response.body.string.contains("Red note for Ben"))
            }
            try await app.testing().test(.POST, "/api/v1/items/\(red)/withdrawal", headers: bearer(rita), body: try jsonBody(["reason": "again"])) { response in
                #expect(response.status == .unprocessableEntity, "withdrawn once")
            }
            try await app.testing().test(.POST, "/api/v1/items/\(red)/correction", headers: bearer(rita),
                                         body: try jsonBody(["title": "Changed", "body": "Changed."])) { response in
                #expect(response.status == .unprocessableEntity, "a withdrawn item is not corrected")
            }
        }
    }

    /// The home page's open requests of the team leave out a withdrawn request, as every list does.
    @Test func aWithdrawnRequestLeavesTheTeamsHomePage() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            _ = try await shareItem(app, rita, ["kind": "request", "title": "Who saw this loader?", "body": "Anyone?", "tlp": "TLP:GREEN",
                                                "audience": ["kind": "community"], "request": ["kind": "information"]])
            let request = try await shareItem(app, rita, ["kind": "request", "title": "Sent too early", "body": "Oops.", "tlp": "TLP:GREEN",
                                                          "audience": ["kind": "community"], "request": ["kind": "information"]])
            try await app.testing().test(.POST, "/api/v1/items/\(request)/withdrawal", headers: bearer(rita), body: try jsonBody(["reason": "Too early"])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/", headers: try await signIn(app, "member-alpha@test.example").headers) { response in
                let html = response.body.string
                let openRequests = try #require(html.firstMatch(of: /id="open-requests"[\s\S]*?<\/section>/)).0
                #expect(openRequests.contains("Who saw this loader?"))
                #expect(!openRequests.contains("Sent too early"))
            }
        }
    }

    @Test func theSecretariatWithdrawsWhatItCanReadAndNothingElse() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let sam = try await apiToken(app, "secretariat@test.example")
            let green = try await shareItem(app, rita, ["title": "Spam by mistake", "body": "Oops.", "tlp": "TLP:GREEN", "audience": ["kind": "community"]])
            let amber = try await shareItem(app, rita, ["title": "Amber for Beta", "body": "Beta only.", "tlp": "TLP:AMBER",
                                                        "audience": ["kind": "teams", "teams": ["beta-csirt"]]])
            try await app.testing().test(.POST, "/api/v1/items/\(amber)/withdrawal", headers: bearer(sam), body: try jsonBody(["reason": "moderation"])) { response in
                #expect(response.status == .notFound, "the secretariat cannot read an AMBER item for Beta, so it cannot withdraw it")
            }
            try await app.testing().test(.POST, "/api/v1/items/\(green)/withdrawal", headers: bearer(sam), body: try jsonBody(["reason": "Off topic"])) { response in
                #expect(response.status == .ok)
                let withdrawal = try jsonObject(response)["withdrawal"] as? [String: Any]
                #expect(withdrawal?["reason"] as? String == "Off topic")
            }
            // Hand-written: every member of the community reads a GREEN community item and is told.
            for email in ["rep-alpha@test.example", "member-alpha@test.example", "rep-beta@test.example"] {
                #expect(try await notices(app, email) == ["Sam Secretariat withdrew “Spam by mistake”: Off topic"], "\(email)")
            }
            #expect(try await notices(app, "secretariat@test.example").isEmpty)
        }
    }
}

