import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13: cursor pagination on the artifact registry, list archives, notifications, the
/// audit log and membership applications; the audit page names people, teams and items.
extension ServerTests {
    /// A fixed moment with sub-millisecond digits, so rows close in time are told apart exactly.
    private static let pagingBase = Date(timeIntervalSince1970: 1_780_000_000.123456)

    private func id(_ n: Int) -> UUID {
        UUID(uuidString: "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(n).count) + String(n))!
    }

    /// Follows `next` from `path` to the last page: each page's rows named by `key`. Checks that
    /// the `Link` header says what `next` says.
    private func walkAPI(_ app: Application, _ path: String, _ headers: HTTPHeaders, key: String) async throws -> [[String]] {
        var pages: [[String]] = []
        var current: String? = path
        while let path = current, pages.count < 20 {
            current = nil
            try await app.testing().test(.GET, path, headers: headers) { response in
                #expect(response.status == .ok, "\(path): \(response.body.string)")
                let object = try jsonObject(response)
                let items = try #require(object["items"] as? [[String: Any]])
                pages.append(items.map { "\($0[key] ?? "")" })
                let next = object["next"] as? String
                #expect(object.keys.contains("next"), "\(path): the last page says `next: null`, as the description requires")
                #expect(response.headers.first(name: .link) == next.map { "<\($0)>; rel=\"next\"" }, "\(path)")
                current = next
            }
        }
        #expect(current == nil, "paging ends")
        return pages
    }

    /// The href of a page's "Older" link, unescaped, or nil.
    private func olderLink(_ html: String) -> String? {
        guard let range = html.range(of: #"id="older" rel="next" href="[^"]+""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"id="older" rel="next" href=""#.count).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Follows the "Older" links of an HTML list from `path`: each page's body.
    private func walkPages(_ app: Application, _ path: String, _ headers: HTTPHeaders) async throws -> [String] {
        var pages: [String] = []
        var current: String? = path
        while let path = current, pages.count < 20 {
            current = nil
            try await app.testing().test(.GET, path, headers: headers) { response in
                #expect(response.status == .ok, "\(path)")
                pages.append(response.body.string)
                current = olderLink(response.body.string)
            }
        }
        #expect(current == nil, "paging ends")
        return pages
    }

    /// The marks (`pgx-…` words) a page shows, in order.
    private func marks(_ html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let range = rest.range(of: #"pgx-[a-z0-9]+"#, options: .regularExpression) {
            found.append(String(rest[range]))
            rest = rest[range.upperBound...]
        }
        return found
    }

    @Test func theArtifactRegistryPagesThroughTheAccessPolicy() async throws {
        try await withRenkei { app, fixture in
            let rita = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-alpha@test.example").first())
            let holder = Actor(userID: try rita.requireID(), roles: [.member, .teamRepresentative], teamID: fixture.alphaID, teamStatus: .active)
            // Newest first: RED entries only Rita reads, among CLEAR ones everyone reads; six RED
            // in a row outnumber a first batch, two CLEAR share a time (the id decides).
            let rows: [(String, TLPLabel, TimeInterval, Int)] = [
                ("r1", .red, 100, 1), ("c1", .clear, 90, 2), ("r2", .red, 80, 3), ("r3", .red, 70, 4), ("r4", .red, 60, 5),
                ("r5", .red, 50, 6), ("r6", .red, 40, 7), ("r7", .red, 30.0004, 8), ("c2", .clear, 30.0002, 9), ("c3", .clear, 20, 11),
                ("c4", .clear, 20, 10), ("r8", .red, 10, 12), ("c5", .clear, 0, 13),
            ]
            var names: [String: String] = [:]
            for (name, tlp, offset, n) in rows {
                let audience: Audience = tlp == .red ? .individuals([try rita.requireID()]) : .community
                let artifact = try Artifact.hashesOnly(sha256: String(repeating: String(n + 16, radix: 16), count: 32), sha1: nil, md5: nil, names: [name],
                                                       id: id(n), tlp: tlp, audience: audience, by: holder, at: Self.pagingBase.addingTimeInterval(offset))
                try await ArtifactModel(artifact).create(on: app.db)
                names[id(n).uuidString] = name
            }
            let max = bearer(try await apiToken(app, "member-alpha@test.example"))
            let maxPages = try await walkAPI(app, "/api/v1/artifacts?limit=2", max, key: "id").map { $0.compactMap { names[$0.uppercased()] } }
            #expect(maxPages == [["c1", "c2"], ["c3", "c4"], ["c5"]])
            let ritaPages = try await walkAPI(app, "/api/v1/artifacts?limit=5", bearer(try await apiToken(app, "rep-alpha@test.example")), key: "id")
                .map { $0.compactMap { names[$0.uppercased()] } }
            #expect(ritaPages == [["r1", "c1", "r2", "r3", "r4"], ["r5", "r6", "r7", "c2", "c3"], ["c4", "r8", "c5"]])

            // The page pages the same way, with "Older" links.
            let session = try await signIn(app, "member-alpha@test.example")
            let pages = try await walkPages(app, "/artifacts?limit=2", session.headers)
            #expect(pages.map { page in ["c1", "c2", "c3", "c4", "c5"].filter { page.contains(">\($0)<") } } == [["c1", "c2"], ["c3", "c4"], ["c5"]])
        }
    }

    @Test func aListArchivePagesNewestFirst() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            for n in 1...5 {
                try await app.testing().test(.POST, "/api/v1/lists/members/posts", headers: bearer(rita),
                                             body: try jsonBody(["title": "pgx-post\(n)", "body": "Post \(n).", "tlp": "TLP:GREEN"])) { response in
                    #expect(response.status == .created, "\(response.body.string)")
                }
                app.renkei.clock.advance(by: 1)
            }
            let max = bearer(try await apiToken(app, "member-alpha@test.example"))
            #expect(try await walkAPI(app, "/api/v1/lists/members/posts?limit=2", max, key: "title")
                == [["pgx-post5", "pgx-post4"], ["pgx-post3", "pgx-post2"], ["pgx-post1"]])
            #expect(try await walkAPI(app, "/api/v1/lists/members/posts?limit=2&q=post", max, key: "title")
                == [["pgx-post5", "pgx-post4"], ["pgx-post3", "pgx-post2"], ["pgx-post1"]])

            let session = try await signIn(app, "member-alpha@test.example")
            let pages = try await walkPages(app, "/lists/members?limit=2", session.headers)
            #expect(pages.map(marks) == [["pgx-post5", "pgx-post4"], ["pgx-post3", "pgx-post2"], ["pgx-post1"]])
        }
    }

    @Test func notificationsPageNewestFirstAndOnlyTheReaders() async throws {
        try await withRenkei { app, _ in
            let max = try #require(try await UserModel.query(on: app.db).filter(\.$email == "member-alpha@test.example").first()).requireID()
            let rita = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-alpha@test.example").first()).requireID()
            let rows: [(String, UUID, TimeInterval, Int)] = [
                ("pgx-a", max, 10, 1), ("pgx-b", max, 5, 3), ("pgx-c", max, 5, 2), ("pgx-rita", rita, 4.9999, 9),
                ("pgx-d", max, 4.9998, 4), ("pgx-e", max, 4.9996, 5), ("pgx-f", max, 0, 7), ("pgx-g", max, 0, 6),
            ]
            for (text, user, offset, n) in rows {
                let notice = NotificationModel(userID: user, text: text, link: "/items", createdAt: Self.pagingBase.addingTimeInterval(offset))
                notice.id = id(n)
                try await notice.create(on: app.db)
            }
            let session = try await signIn(app, "member-alpha@test.example")
            let pages = try await walkPages(app, "/notifications?limit=2", session.headers)
            #expect(pages.map(marks) == [["pgx-a", "pgx-b"], ["pgx-c", "pgx-d"], ["pgx-e", "pgx-f"], ["pgx-g"]])
            let whole = try await walkPages(app, "/notifications", session.headers)
            #expect(whole.map(marks) == [["pgx-a", "pgx-b", "pgx-c", "pgx-d", "pgx-e", "pgx-f", "pgx-g"]])
        }
    }

    @Test func theAuditLogPagesWithItsFilters() async throws {
        try await withRenkei { app, _ in
            for (subject, action, offset, n) in [("pgx-one", "test.paging", 50.0, 1), ("pgx-other", "test.other", 45, 2), ("pgx-two", "test.paging", 40, 3),
                                                 ("pgx-three", "test.paging", 40, 4), ("pgx-four", "test.paging", 30, 5), ("pgx-five", "test.paging", 20, 6)] {
                let event = AuditEventModel(at: Self.pagingBase.addingTimeInterval(offset), actorUserID: nil, actor: "system", action: action,
                                            subject: subject, detail: "", address: "")
                event.id = id(n)
                try await event.create(on: app.db)
            }
            let officer = bearer(try await apiToken(app, "secretariat@test.example"))
            #expect(try await walkAPI(app, "/api/v1/audit?action=test.paging&limit=2", officer, key: "subject")
                == [["pgx-one", "pgx-three"], ["pgx-two", "pgx-four"], ["pgx-five"]])
            #expect(try await walkAPI(app, "/api/v1/audit?action=test.&subject=pgx-t&limit=1", officer, key: "subject")
                == [["pgx-three"], ["pgx-two"]])

            let session = try await signIn(app, "secretariat@test.example")
            let pages = try await walkPages(app, "/admin/audit?action=test.paging&limit=2", session.headers)
            #expect(pages.map(marks) == [["pgx-one", "pgx-three"], ["pgx-two", "pgx-four"], ["pgx-five"]])
            // The filter form still shows the filters on a later page.
            #expect(pages.dropFirst().allSatisfy { $0.contains(#"name="action" value="test.paging""#) })
        }
    }

    @Test func applicationsPageThroughWhatEachReaderMayRead() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            let first = try #require(UUID(uuidString: try await submitApplication(app, candidate)))
            let model = try #require(try await ApplicationModel.find(first, on: app.db))
            let ben = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first()).requireID()
            // Copies of the candidate's application and of others', older than the first.
            for (n, own, offset) in [(1, true, -10.0), (2, false, -20), (3, true, -30), (4, false, -30), (5, true, -40)] {
                var copy = try model.application()
                copy.id = id(n)
                copy.submittedAt = app.renkei.clock.now.addingTimeInterval(offset)
                if !own { copy.applicantUserID = ben }
                try await ApplicationModel(copy).create(on: app.db)
            }
            func path(_ id: UUID) -> String { "/membership/applications/\(id.uuidString)".lowercased() }
            let mine = try await walkAPI(app, "/api/v1/membership/applications?limit=2", bearer(candidate), key: "url")
            #expect(mine.map { $0.map { $0.lowercased() } } == [[path(first), path(id(1))], [path(id(3)), path(id(5))]],
                    "the candidate reads its own applications only")
            let board = try await walkAPI(app, "/api/v1/membership/applications?limit=4", bearer(try await apiToken(app, MembershipCast.boardMembers[0])), key: "url")
            #expect(board.map { $0.map { $0.lowercased() } } == [[path(first), path(id(1)), path(id(2)), path(id(4))], [path(id(3)), path(id(5))]])
        }
    }

    @Test func aBadLimitOrCursorIsA422Problem() async throws {
        try await withRenkei { app, _ in
            let officer = bearer(try await apiToken(app, "secretariat@test.example"))
            let foreign = PageCursor(key: "not-a-time", id: "not-an-id").encoded
            for path in ["/api/v1/artifacts", "/api/v1/lists/members/posts", "/api/v1/audit", "/api/v1/membership/applications"] {
                for query in ["limit=0", "limit=501", "limit=ten", "cursor=%21%21", "cursor=\(foreign)"] {
                    try await app.testing().test(.GET, "\(path)?\(query)", headers: officer) { response in
                        #expect(response.status == .unprocessableEntity, "\(path)?\(query)")
                        #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true, "\(path)?\(query)")
                    }
                }
            }
            let session = try await signIn(app, "secretariat@test.example")
            for path in ["/artifacts", "/lists/members", "/notifications", "/membership"] {
                try await app.testing().test(.GET, "\(path)?limit=0", headers: session.headers) { response in
                    #expect(response.status == .unprocessableEntity, "\(path)")
                }
            }
        }
    }

    @Test func theAuditPageNamesPeopleTeamsAndOnlyReadableItems() async throws {
        try await withRenkei { app, _ in
            let rita = try await apiToken(app, "rep-alpha@test.example")
            var ids: [String: String] = [:]
            for (title, tlp, audience) in [("Open advisory on quokka loaders", "TLP:CLEAR", ["kind": "community"] as [String: Any]),
                                           ("Secret takedown of the quokka botnet", "TLP:RED", ["kind": "individuals", "people": ["rep-alpha@test.example"]])] {
                try await app.testing().test(.POST, "/api/v1/items", headers: bearer(rita),
                                             body: try jsonBody(["kind": "announcement", "title": title, "body": "Details.", "tlp": tlp, "audience": audience])) { response in
                    #expect(response.status == .created, "\(response.body.string)")
                    ids[tlp] = try #require(try jsonObject(response)["id"] as? String)
                }
            }
            try await AuditLog.record("membership.suspend", subject: "team alpha-cert", detail: "test", actor: nil, address: nil, at: Date(), on: app.db)

            let session = try await signIn(app, "secretariat@test.example")
            var html = ""
            try await app.testing().test(.GET, "/admin/audit?action=item.create", headers: session.headers) { response in
                #expect(response.status == .ok)
                html = response.body.string
            }
            #expect(html.contains("“Open advisory on quokka loaders”"), "the secretariat reads the CLEAR item: its title is shown")
            #expect(!html.contains("Secret takedown") && !html.contains("quokka botnet"), "the RED item's title never reaches the secretariat")
            #expect(html.contains(">an item<"), "the RED item is named without its title")
            #expect(html.contains("Rita Rep (rep-alpha@test.example)"), "the actor is named")
            #expect(!html.contains(">item \(try #require(ids["TLP:RED"]))"), "no bare id as the subject")

            try await app.testing().test(.GET, "/admin/audit?subject=alpha-cert", headers: session.headers) { response in
                #expect(response.body.string.contains("team Alpha-CERT"), "the team is named")
                #expect(!response.body.string.contains(">team alpha-cert<"))
            }
        }
    }
}

