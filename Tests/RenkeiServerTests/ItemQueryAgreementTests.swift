import Fluent
import Foundation
import RenkeiCore
import SQLKit
@testable import RenkeiServer
import Testing
import VaporTesting

/// SplitMix64: the random cases are the same on every run, so a failure can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private enum ItemQuery {
    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    /// An item with exactly the label, audience and author team given, even pairs the forms
    /// refuse (RED to a team): the SQL filter must agree with the policy on whatever is stored.
    static func item(_ title: String, tlp: TLPLabel, audience: Audience, author: UUID, authorTeam: UUID?, at date: Date,
                     body: String = "Seen near 198.51.100.7.") throws -> SharedItem {
        var item = try SharedItem.compose(SharedItemDraft(title: title, body: body, tlp: .green, audience: .community), id: UUID(),
                                          by: Actor(userID: author, roles: [.member, .secretariat], teamID: nil), authorName: "Author",
                                          authorTeam: nil, at: date)
        item.tlp = tlp
        item.audience = audience
        item.authorTeamID = authorTeam
        return item
    }

    /// Every page of what `reader` reads, walked by cursor.
    static func walk(_ reader: Actor?, limit: Int, search: String? = nil, inList listID: UUID? = nil,
                     notBefore: Date? = nil, on database: any Database) async throws -> [SharedItem] {
        var all: [SharedItem] = []
        var page = PageRequest(limit: limit)
        repeat {
            let found = try await SharedItemStore.readable(by: reader, search: search, inList: listID, notBefore: notBefore,
                                                           page: page, on: database)
            #expect(found.items.count == limit || found.next == nil, "only the last page is short")
            all += found.items
            page.after = found.next
        } while page.after != nil
        return all
    }

    /// What the policy allows, newest first (by millisecond, then id): the order lists promise.
    static func expected(_ items: [SharedItem], _ reader: Actor?) -> [UUID] {
        items.filter { AccessPolicy.canRead($0.access, reader: reader) }
            .sorted { (SharedItemModel.milliseconds($0.createdAt), $0.id.uuidString) > (SharedItemModel.milliseconds($1.createdAt), $1.id.uuidString) }
            .map(\.id)
    }

    static func user(_ app: Application, _ email: String) async throws -> UUID {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first()).requireID()
    }

    static func titles(_ response: TestingHTTPResponse) throws -> [String] {
        try #require(try jsonObject(response)["items"] as? [[String: Any]]).compactMap { $0["title"] as? String }
    }
}

extension ServerTests {
    /// The leak matrix's items (every label to the community, the author's team, another team
    /// and a named person; Tests/RenkeiServerTests/SharingServerTests.swift), stored the way
    /// every existing writer stores them, read by each of its readers through each SQL path.
    @Test func theSQLFilterSelectsWhatTheAccessPolicyAllowsOnEveryLeakMatrixCell() async throws {
        try await withRenkei { app, fixture in
            let author = try await ItemQuery.user(app, "rep-alpha@test.example")
            let gamma = UUID(), named = UUID()
            let list = try await ListStore.require(slug: "members", on: app.db)
            let audiences: [Audience] = [.community, .teams([fixture.alphaID]), .teams([fixture.betaID]), .individuals([named])]
            var items: [SharedItem] = []
            for tlp in TLPLabel.allCases {
                for audience in audiences where tlp != .red || audience.kind == "individuals" {
                    var item = try ItemQuery.item("\(tlp.rawValue) to \(audience)", tlp: tlp, audience: audience, author: author,
                                                  authorTeam: fixture.alphaID, at: ItemQuery.base.addingTimeInterval(Double(items.count)),
                                                  body: "Seen a wombat near 198.51.100.7.")
                    item.listID = list.id
                    let model = try SharedItemModel(item)
                    try await model.create(on: app.db)
                    try await SharedItemSearch.index(model, on: app.db)
                    items.append(item)
                }
            }
            #expect(items.count == 17)
            // Counts by hand: 4 CLEAR items; GREEN, AMBER and AMBER+STRICT each to the
            // community, Alpha (the author's team), Beta (which Alpha reads too) and the named
            // person; one RED item to the named person.
            let readers: [(String, Actor?, Int)] = [
                ("anonymous", nil, 4),
                ("author", Actor(userID: author, roles: [.member, .teamRepresentative], teamID: fixture.alphaID, teamStatus: .active), 17),
                ("member of the author's team", Actor(userID: UUID(), roles: [.member], teamID: fixture.alphaID, teamStatus: .active), 4 + 3 * 3),
                ("member of a suspended author's team", Actor(userID: UUID(), roles: [.member], teamID: fixture.alphaID, teamStatus: .suspended), 13),
                ("member of a terminated author's team", Actor(userID: UUID(), roles: [.member], teamID: fixture.alphaID, teamStatus: .terminated), 4),
                ("liaison of the audience team", Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: fixture.betaID, teamStatus: .active), 4 + 3 * 2),
                ("member of a non-audience team", Actor(userID: UUID(), roles: [.member], teamID: gamma, teamStatus: .active), 4 + 3),
                ("named recipient", Actor(userID: named, roles: [.member], teamID: gamma, teamStatus: .active), 4 + 3 * 2 + 1),
                ("board", Actor(userID: UUID(), roles: [.member, .board], teamID: nil), 4 + 1),
                ("secretariat", Actor(userID: UUID(), roles: [.member, .secretariat], teamID: nil), 4 + 1),
                ("candidate", Actor(userID: UUID(), roles: [], teamID: nil), 4),
            ]
            for (name, reader, count) in readers {
                let expected = ItemQuery.expected(items, reader)
                #expect(expected.count == count, "the policy · \(name)")
                #expect(try await ItemQuery.walk(reader, limit: 4, on: app.db).map(\.id) == expected, "list · \(name)")
                #expect(try await ItemQuery.walk(reader, limit: 500, inList: list.id, on: app.db).map(\.id) == expected, "list posts · \(name)")
                #expect(try await ItemQuery.walk(reader, limit: 3, search: "wombat", on: app.db).map(\.id) == expected, "search · \(name)")
            }
            // The RED item by hand: its author and the named person, nobody else.
            let red = try #require(items.first { $0.tlp == .red })
            for (name, reader, _) in readers {
                let shown = try await ItemQuery.walk(reader, limit: 500, on: app.db).contains { $0.id == red.id }
                #expect(shown == (name == "author" || name == "named recipient"), "RED · \(name)")
            }
        }
    }

    /// Thousands of random items (any label with any audience, author teams or none) and
    /// sixty random readers (roles, teams, statuses, SIGs): every SQL path returns exactly
    /// what `AccessPolicy.canRead` allows, newest first, each item once.
    @Test func theSQLFilterAgreesWithTheAccessPolicyOnRandomItemsAndReaders() async throws {
        try await withRenkei { app, fixture in
            var random = SeededGenerator(state: 13)
            var authors: [UUID] = []
            for email in ["secretariat@test.example", "rep-alpha@test.example", "member-alpha@test.example", "rep-beta@test.example"] {
                authors.append(try await ItemQuery.user(app, email))
            }
            let teams = [fixture.alphaID, fixture.betaID, UUID(), UUID(), UUID()]
            let people = authors + (0..<6).map { _ in UUID() }
            let sigs = [UUID(), UUID(), UUID()]
            func some(_ pool: [UUID]) -> [UUID] { Array(pool.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random))) }
            var items: [SharedItem] = []
            for batch in 0..<2 {
                var made: [SharedItem] = []
                for index in 0..<1_000 {
                    let audience: Audience = switch Int.random(in: 0..<4, using: &random) {
                    case 0: .community
                    case 1: .sig(sigs.randomElement(using: &random)!)
                    case 2: .teams(some(teams))
                    default: .individuals(some(people))
                    }
                    // Whole seconds and fractions of one millisecond: many items share a page key.
                    let at = ItemQuery.base.addingTimeInterval(Double(Int.random(in: 0..<400, using: &random)) + Double(Int.random(in: 0..<3, using: &random)) * 0.0003)
                    made.append(try ItemQuery.item("Random \(batch)-\(index)", tlp: TLPLabel.allCases.randomElement(using: &random)!, audience: audience,
                                                   author: authors.randomElement(using: &random)!, authorTeam: Bool.random(using: &random) ? teams.randomElement(using: &random) : nil,
                                                   at: at, body: index % 2 == 0 ? "A wombat loader." : "A quokka dropper."))
                }
                try await SharedItemStore.insert(batch: made, on: app.db)
                items += made
            }
            for round in 0..<60 {
                let roles = Set([Role.member, .board, .secretariat, .teamRepresentative].filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
                let team = Bool.random(using: &random) ? teams.randomElement(using: &random) : nil
                // Seats as members (for this team or another), as guests, or none.
                let seats = sigs.filter { _ in Bool.random(using: &random) }.map { sig in
                    SIGSeat(sigID: sig, teamID: [team, nil, teams.randomElement(using: &random)].randomElement(using: &random)!)
                }
                let reader: Actor? = round == 0 ? nil : Actor(userID: people.randomElement(using: &random)!, roles: roles, teamID: team,
                                                              teamStatus: Int.random(in: 0..<5, using: &random) == 0 ? nil : MembershipStatus.allCases.randomElement(using: &random),
                                                              sigSeats: seats)
                let limit = [13, 50, 500].randomElement(using: &random)!
                let expected = ItemQuery.expected(items, reader)
                #expect(try await ItemQuery.walk(reader, limit: limit, on: app.db).map(\.id) == expected, "list · reader \(round)")
                if round % 4 == 0 {
                    #expect(try await ItemQuery.walk(reader, limit: limit, notBefore: ItemQuery.base, on: app.db).map(\.id) == expected,
                            "filtered list · reader \(round)")
                    let wombats = Set(items.filter { $0.body.contains("wombat") }.map(\.id))
                    #expect(try await ItemQuery.walk(reader, limit: limit, search: "wombat", on: app.db).map(\.id) == expected.filter(wombats.contains),
                            "search · reader \(round)")
                }
            }
        }
    }

    /// `GET /api/v1/items` pages by cursor: each readable item once, newest first, an item
    /// shared while someone pages is not shown twice, and bad paging input is a 422.
    @Test func theItemAPIPagesByCursorAndRefusesBadPagingInput() async throws {
        try await withRenkei { app, fixture in
            let author = try await ItemQuery.user(app, "rep-alpha@test.example")
            let token = try await apiToken(app, "member-alpha@test.example")
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            var items: [SharedItem] = []
            for number in 1...7 {
                items.append(try ItemQuery.item("Item \(number)", tlp: .amber, audience: .teams([fixture.alphaID]), author: author, authorTeam: fixture.alphaID,
                                                at: ItemQuery.base.addingTimeInterval(Double(number))))
            }
            // Beta's item is not Alpha's to read.
            items.append(try ItemQuery.item("Beta only", tlp: .amber, audience: .teams([fixture.betaID]), author: try await ItemQuery.user(app, "rep-beta@test.example"),
                                            authorTeam: fixture.betaID, at: ItemQuery.base.addingTimeInterval(20)))
            try await SharedItemStore.insert(batch: items, on: app.db)

            var pages: [[String]] = []
            var path: String? = "/api/v1/items?limit=3"
            while let current = path {
                try await app.testing().test(.GET, current, headers: headers) { response in
                    #expect(response.status == .ok)
                    pages.append(try ItemQuery.titles(response))
                    path = try jsonObject(response)["next"] as? String
                    if let path {
                        #expect(response.headers.first(name: .link) == "<\(path)>; rel=\"next\"")
                        #expect(path.hasPrefix("/api/v1/items?") && path.contains("limit=3") && path.contains("cursor="))
                    } else {
                        #expect(response.headers.first(name: .link) == nil)
                    }
                }
                if pages.count == 1 {
                    try await SharedItemStore.insert(batch: [try ItemQuery.item("Item 8", tlp: .amber, audience: .teams([fixture.alphaID]), author: author,
                                                                                  authorTeam: fixture.alphaID, at: ItemQuery.base.addingTimeInterval(8))], on: app.db)
                }
            }
            #expect(pages == [["Item 7", "Item 6", "Item 5"], ["Item 4", "Item 3", "Item 2"], ["Item 1"]])
            var all: TestingHTTPResponse?
            try await app.testing().test(.GET, "/api/v1/items", headers: headers) { all = $0 }
            let first = try #require(all)
            #expect(try ItemQuery.titles(first) == ["Item 8", "Item 7", "Item 6", "Item 5", "Item 4", "Item 3", "Item 2", "Item 1"])
            #expect(!(try jsonObject(first)["next"] is String), "the last page has no next")
            let notOurs = PageCursor(key: "soon", id: UUID().uuidString).encoded
            for query in ["limit=0", "limit=501", "limit=many", "cursor=%25%25", "cursor=\(notOurs)", "cursor=\(PageCursor(key: "1", id: "x").encoded)"] {
                try await app.testing().test(.GET, "/api/v1/items?\(query)", headers: headers) { response in
                    #expect(response.status == .unprocessableEntity, "\(query)")
                    #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true, "\(query)")
                }
            }
            // A `limit` that is not a plain value counts as absent; the cursor beside it still holds.
            var cursor: String?
            try await app.testing().test(.GET, "/api/v1/items?limit=3", headers: headers) { response in
                let next = try #require(try jsonObject(response)["next"] as? String)
                cursor = URLComponents(string: next)?.queryItems?.first { $0.name == "cursor" }?.value
            }
            var afterCursor: [String] = []
            try await app.testing().test(.GET, "/api/v1/items?limit%5B%5D=5&cursor=\(try #require(cursor))", headers: headers) { response in
                #expect(response.status == .ok)
                afterCursor = try ItemQuery.titles(response)
            }
            #expect(afterCursor == ["Item 5", "Item 4", "Item 3", "Item 2", "Item 1"])
        }
    }

    /// The items page pages too: its "Older" link keeps the search and the page size.
    @Test func theItemsPageLinksToOlderItemsKeepingTheSearch() async throws {
        try await withRenkei { app, _ in
            let author = try await ItemQuery.user(app, "rep-alpha@test.example")
            var items: [SharedItem] = []
            for number in 1...3 {
                items.append(try ItemQuery.item("Wombat \(number)", tlp: .clear, audience: .community, author: author, authorTeam: nil,
                                                at: ItemQuery.base.addingTimeInterval(Double(number)), body: "A wombat loader."))
            }
            items.append(try ItemQuery.item("Quokka", tlp: .clear, audience: .community, author: author, authorTeam: nil,
                                            at: ItemQuery.base.addingTimeInterval(10), body: "A quokka dropper."))
            try await SharedItemStore.insert(batch: items, on: app.db)
            var older: String?
            try await app.testing().test(.GET, "/items?q=wombat&limit=2") { response in
                let html = response.body.string
                #expect(html.contains("Wombat 3") && html.contains("Wombat 2") && !html.contains("Wombat 1") && !html.contains("Quokka"))
                older = html.firstMatch(of: /id="older" rel="next" href="([^"]+)"/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
            }
            let next = try #require(older)
            #expect(next.hasPrefix("/items?") && next.contains("q=wombat") && next.contains("limit=2") && next.contains("cursor="))
            try await app.testing().test(.GET, next) { response in
                let html = response.body.string
                #expect(html.contains("Wombat 1") && !html.contains("Wombat 2") && !html.contains("Quokka"))
                #expect(!html.contains("id=\"older\""), "the last page links nowhere older")
            }
        }
    }

    /// A search of a common word costs what the newest `SharedItemSearch.window` matches cost,
    /// not what all of them cost: it finds those, newest first, and pages through them (here
    /// with a window of 10 instead of 5,000).
    @Test func aSearchLooksAtTheNewestMatchesOnly() async throws {
        try await withRenkei { app, _ in
            let author = try await ItemQuery.user(app, "rep-alpha@test.example")
            let items = try (1...13).map { number in
                try ItemQuery.item("Wombat \(number)", tlp: .clear, audience: .community, author: author, authorTeam: nil,
                                   at: ItemQuery.base.addingTimeInterval(Double(number)), body: "A wombat loader.")
            }
            try await SharedItemStore.insert(batch: items, on: app.db)
            var titles: [String] = []
            var page = PageRequest(limit: 4)
            while true {
                let found = try await SharedItemStore.readable(by: nil, search: "wombat", page: page, searchWindow: 10, on: app.db)
                titles += found.items.map(\.title)
                guard let next = found.next else { break }
                page.after = next
            }
            #expect(titles == (4...13).reversed().map { "Wombat \($0)" })
        }
    }

    /// "May this reader read this item" is one index seek per candidate on SQLite: with an
    /// index on item_id alone, SQLite read every row of the reader's grant for each candidate
    /// instead (an anonymous search at 1 M items took two minutes).
    @Test func checkingOneCandidateIsOneIndexSeek() async throws {
        try await withRenkei { app, _ in
            let sql = try #require(app.db as? any SQLDatabase)
            guard sql.dialect.name == "sqlite" else { return }
            for scope in [AccessPolicy.readableScope(for: nil), AccessPolicy.readableScope(for: Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active))] {
                let plan = try await sql.raw("EXPLAIN QUERY PLAN SELECT s.id FROM shared_items s WHERE " + ItemReadIndex.opens(to: scope)).all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("INDEX item_audiences_item (item_id=?") && !plan.contains("item_audiences_keyset"), "\(plan)")
            }
        }
    }

    /// A member's page reads one index range per grantee (the author, the person, the team, the
    /// community, anyone), each already in page order: five ranges for fifteen grants, none
    /// sorted before its limit (migration 019).
    @Test func aPageReadsOneOrderedRangePerGrantee() async throws {
        try await withRenkei { app, _ in
            let sql = try #require(app.db as? any SQLDatabase)
            guard sql.dialect.name == "sqlite" else { return }
            let member = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active)
            #expect(AccessPolicy.readableScope(for: member).grants.count == 15)
            let plan = try await sql.raw("EXPLAIN QUERY PLAN " + ItemReadIndex.newest(51, in: AccessPolicy.readableScope(for: member), olderThan: nil)).all()
                .map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.count { $0.contains("USING COVERING INDEX item_audiences_reader (kind=? AND member_id=?)") } == 5, "\(plan)")
            // A range that needed sorting would show the sort inside its subquery, before the
            // subquery's rows are scanned; sorting the few rows of each for the union is fine.
            let ranges = plan.indices.filter { plan[$0].hasPrefix("SEARCH item_audiences") }
            #expect(ranges.allSatisfy { $0 + 1 < plan.count && plan[$0 + 1].hasPrefix("SCAN g") }, "\(plan)")
        }
    }

    /// A page of AMBER items is one audit line, naming each item shown and no other.
    @Test func aPageOfItemsIsAuditedInOneLine() async throws {
        try await withRenkei { app, fixture in
            let author = try await ItemQuery.user(app, "rep-alpha@test.example")
            var items: [SharedItem] = []
            for number in 1...4 {
                items.append(try ItemQuery.item("Item \(number)", tlp: number == 1 ? .green : .amber, audience: .teams([fixture.alphaID]), author: author,
                                                authorTeam: fixture.alphaID, at: ItemQuery.base.addingTimeInterval(Double(number))))
            }
            try await SharedItemStore.insert(batch: items, on: app.db)
            let before = try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read").count()
            try await app.testing().test(.GET, "/api/v1/items?limit=2", headers: ["Authorization": "Bearer \(try await apiToken(app, "member-alpha@test.example"))"]) {
                #expect($0.status == .ok)
            }
            let lines = try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read").all()
            #expect(lines.count == before + 1)
            let line = try #require(lines.last)
            #expect(line.subject == "2 items")
            #expect(line.detail.contains(items[3].id.uuidString) && line.detail.contains(items[2].id.uuidString))
            #expect(!line.detail.contains(items[1].id.uuidString) && !line.detail.contains(items[0].id.uuidString))
        }
    }
}
