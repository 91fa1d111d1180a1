import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13: a page of items is put together from documents encoded once per row version, and
/// reads exactly as the encoder writes the whole page.
extension ServerTests {
    /// The page as `PageDocument` encodes it with the API's encoder, from the same store reads.
    private func encodedPage(_ app: Application, reader email: String, limit: Int, cursor: PageCursor?, path: String) async throws -> String {
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        var actor = user.actor
        if let team = try await user.$team.get(on: app.db) {
            actor.teamStatus = try await MembershipStore.standing(of: team, on: app.db).membership?.status
        }
        let page = try await SharedItemStore.readable(by: actor, page: PageRequest(limit: limit, after: cursor), on: app.db)
        let names = try await DisplayNames.load(on: app.db)
        let request = Request(application: app, method: .GET, url: URI(string: path), on: app.eventLoopGroup.next())
        let document = PageDocument(items: page.items.map { SharedItemDocument($0, names: names) }, next: page.next.map(request.nextPagePath))
        var body = ByteBuffer()
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(document, to: &body, headers: &headers)
        return String(buffer: body)
    }

    @Test func aPageOfItemsReadsExactlyAsTheEncoderWritesIt() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            let items: [[String: Any]] = [
                ["title": "For Beta", "body": "Seen at 198.51.100.7.\nTwo lines, a \"quote\" and a / slash.", "tags": ["loader", "c2"],
                 "tlp": "TLP:AMBER", "audience": ["kind": "teams", "teams": ["beta-csirt"]]],
                ["title": "For Ben alone", "body": "Red.", "tlp": "TLP:RED", "audience": ["kind": "individuals", "people": ["rep-beta@test.example"]]],
                ["kind": "request", "title": "Who hosts 203.0.113.9?", "body": "Anyone?", "tlp": "TLP:GREEN", "audience": ["kind": "community"],
                 "request": ["kind": "information", "urgency": "high"],
                 "attachments": [["name": "sample.txt", "content": Data("hello".utf8).base64EncodedString()]]],
            ]
            for item in items {
                try await app.testing().test(.POST, "/api/v1/items", headers: bearer(rita), body: try jsonBody(item)) { #expect($0.status == .created) }
            }
            let ben = try await apiToken(app, "rep-beta@test.example")
            func served(_ path: String, _ token: String) async throws -> (body: String, next: String?) {
                var answer = ("", String?.none)
                try await app.testing().test(.GET, path, headers: bearer(token)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers.contentType == .json)
                    answer = (response.body.string, try jsonObject(response)["next"] as? String)
                }
                return answer
            }
            // Twice each: encoded the first time, put together from what was kept the second.
            for _ in 1...2 {
                let first = try await served("/api/v1/items?limit=2", ben)
                #expect(first.body == (try await encodedPage(app, reader: "rep-beta@test.example", limit: 2, cursor: nil, path: "/api/v1/items?limit=2")))
                let next = try #require(first.next)
                let cursor = try #require(URLComponents(string: next)?.queryItems?.first { $0.name == "cursor" }?.value.flatMap(PageCursor.init(encoded:)))
                let second = try await served(next, ben)
                #expect(second.body == (try await encodedPage(app, reader: "rep-beta@test.example", limit: 2, cursor: cursor, path: next)))
                #expect(second.next == nil)
            }
            // A reader with nothing to read gets the empty page, as the encoder writes it.
            let nobody = try await apiToken(app, "member-alpha@test.example")
            let empty = try await served("/api/v1/items?q=nothing-matches-this", nobody)
            #expect(empty.body == "{\n  \"items\" : [\n\n  ],\n  \"next\" : null\n}")
        }
    }

    @Test func aPersonRenamedAfterAPageWasReadIsNamedAnewInIt() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(rita), body: try jsonBody([
                "title": "For Ben alone", "body": "Red.", "tlp": "TLP:RED", "audience": ["kind": "individuals", "people": ["rep-beta@test.example"]],
            ])) { #expect($0.status == .created) }
            func people() async throws -> [String]? {
                var names: [String]?
                try await app.testing().test(.GET, "/api/v1/items", headers: bearer(rita)) { response in
                    let item = try #require((try jsonObject(response)["items"] as? [[String: Any]])?.first)
                    names = (item["audience"] as? [String: Any])?["people"] as? [String]
                }
                return names
            }
            let before = try #require(try await people())
            let ben = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first())
            #expect(before == [ben.displayName])
            ben.displayName = "Benedikt Renamed"
            try await ben.save(on: app.db)
            #expect(try await people() == ["Benedikt Renamed"])
        }
    }
}
