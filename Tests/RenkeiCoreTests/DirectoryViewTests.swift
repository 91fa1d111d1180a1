import Foundation
@testable import RenkeiCore
import Testing

/// Issue 13: the directory prepared once per change (`DirectoryView`) answers as the records did.
struct DirectoryViewTests {
    static let modified = Date(timeIntervalSince1970: 1_700_000_000)

    static func team(_ slug: String, _ name: String, country: String = "DE", internals: [String] = [], days: Double = 0) -> DirectoryView.Team {
        DirectoryView.Team(record: TeamRecord(slug: slug, shortName: name, officialName: "\(name) Response Team", countryCode: country,
                                              email: "cert@\(slug).example", internalEmails: internals, emergencyContact: "+1 555 \(slug)"),
                           lastModified: modified.addingTimeInterval(days * 86_400), lastModifiedBy: "Editor of \(slug)")
    }

    static let teams = [
        team("zulu", "Zulu"), team("cert10", "CERT10", country: "FR"), team("alpha", "alpha", internals: ["duty@alpha.example"], days: 3),
        team("cert9", "CERT9", country: "JP"), team("bravo-2", "Bravo"), team("bravo-1", "Bravo", days: 1),
    ]

    @Test func entriesAreInNameOrderWithSlugsBreakingTiesAndCutToTheAudience() {
        let everyone = DirectoryView(teams: Self.teams, audience: .everyone)
        #expect(everyone.entries.map(\.record.slug) == ["alpha", "bravo-1", "bravo-2", "cert10", "cert9", "zulu"])
        #expect(everyone.entries.allSatisfy { $0.record.internalEmails.isEmpty && $0.record.emergencyContact.isEmpty && $0.lastModifiedBy.isEmpty })
        #expect(!everyone.entries.contains { $0.searchableText.contains("duty@alpha") || $0.globalIRT.compact.contains("duty@alpha") })
        let members = DirectoryView(teams: Self.teams, audience: .members)
        #expect(members.entry(slug: "alpha")?.record.internalEmails == ["duty@alpha.example"])
        #expect(members.entry(slug: "alpha")?.lastModifiedBy == "Editor of alpha")
        #expect(members.entry(slug: "alpha")?.globalIRT.compact.contains("duty@alpha.example") == true)
        // Global IRT's own order compares numbers in names as numbers.
        #expect(members.globalIRT.map { $0.object["-renkei-slug"]?.stringValue } == ["alpha", "bravo-1", "bravo-2", "cert9", "cert10", "zulu"])
    }

    @Test func filtersMatchWhatTheRecordFilterKeeps() throws {
        let view = DirectoryView(teams: Self.teams, audience: .everyone)
        for query in [DirectoryQuery(), DirectoryQuery(countries: ["fr", "jp"]), DirectoryQuery(region: "Europe"), DirectoryQuery(text: "bravo response"),
                      DirectoryQuery(text: "duty"), DirectoryQuery(region: "Eastern Asia", text: "cert9")] {
            #expect(try view.matching(query).map(\.record) == query.filter(view.entries.map(\.record)), "\(query)")
        }
        #expect(try view.matching(DirectoryQuery(text: "duty")).isEmpty, "free text never finds a field the audience cannot see")
        #expect(throws: DirectoryQuery.Problem.unknownRegion("Atlantis")) { try view.matching(DirectoryQuery(region: "Atlantis")) }
    }

    @Test func cursorPagesWalkEveryTeamOnceEvenWhenTeamsComeAndGo() throws {
        let view = DirectoryView(teams: Self.teams, audience: .everyone)
        for limit in 1...7 {
            var seen: [String] = []
            var request = PageRequest(limit: limit)
            while true {
                let page = DirectoryView.page(view.entries, request)
                #expect(page.items.count <= limit)
                seen += page.items.map(\.record.slug)
                guard let next = page.next else { break }
                request.after = try #require(PageCursor(encoded: next.encoded))
            }
            #expect(seen == ["alpha", "bravo-1", "bravo-2", "cert10", "cert9", "zulu"], "limit \(limit)")
        }
        let first = DirectoryView.page(view.entries, PageRequest(limit: 2))
        #expect(first.next == PageCursor(key: "Bravo", id: "bravo-1"))
        // The team the cursor names is gone and another was added before it: the next page
        // starts after the cursor's place, repeating and skipping nothing.
        let changed = DirectoryView(teams: Self.teams.filter { $0.record.slug != "bravo-1" } + [Self.team("aaa", "AAA")], audience: .everyone)
        let second = DirectoryView.page(changed.entries, PageRequest(limit: 2, after: first.next))
        #expect(second.items.map(\.record.slug) == ["bravo-2", "cert10"])
        #expect(DirectoryView.page(view.entries, PageRequest(limit: 2, after: PageCursor(key: "Zulu", id: "zulu"))).items.isEmpty)
    }

    @Test func preparedGlobalIRTAnswersAreTheRecordAnswers() {
        let view = DirectoryView(teams: Self.teams, audience: .members)
        // The records as the endpoint read them before: cut to the audience, in name order.
        let plain = view.entries.map { ($0.record, $0.lastModified) }
        let queries: [[(name: String, value: String)]] = [
            [], [("limit", "2")], [("limit", "2"), ("offset", "3")], [("country", "DE")], [("team", "bravo")], [("q", "cert10 response")],
            [("sort", "-short-team-name")], [("sort", "country-code,-short-team-name")], [("email", "CERT@ZULU.EXAMPLE")],
            [("region", "Eastern Asia")], [("fields", "short-team-name,email")], [("limit", "0")],
        ]
        for parameters in queries {
            let query = try! GlobalIRT.Query(parameters: parameters)
            let expected = GlobalIRT.answer(query, teams: plain)
            let prepared = GlobalIRT.answer(query, prepared: view.globalIRT, inDefaultOrder: true)
            let page = prepared.page(query)
            #expect(page.total == expected.total && page.lastModified == expected.lastModified, "\(parameters)")
            #expect(JSONValue.array(page.items).serialized(pretty: false) == JSONValue.array(expected.items).serialized(pretty: false), "\(parameters)")
            if query.fields == nil {
                for pretty in [true, false] {
                    #expect(GlobalIRT.arrayBody(prepared, pretty: pretty) == JSONValue.array(expected.items).serialized(pretty: pretty), "\(parameters)")
                }
            }
        }
        #expect(GlobalIRT.answer(try! GlobalIRT.Query(parameters: []), prepared: view.globalIRT, inDefaultOrder: true).lastModified
                == Self.modified.addingTimeInterval(3 * 86_400))
    }
}
