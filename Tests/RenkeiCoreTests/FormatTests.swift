import Foundation
import Testing
@testable import RenkeiCore

@Suite struct JSONValueTests {
    @Test func parsesAndKeepsKeyOrder() throws {
        let text = #"{"z": 1, "a": [true, false, null, "x\u00e9\n\ud83d\ude00"], "m": {"k": -1.5e2}}"#
        let value = try JSONValue.parse(Data(text.utf8))
        guard case .object(let pairs) = value else { Issue.record("not an object"); return }
        #expect(pairs.map(\.key) == ["z", "a", "m"])
        #expect(value["a"] == .array([.bool(true), .bool(false), .null, .string("xé\n😀")]))
        #expect(value["m"]?["k"] == .number(-150))
        #expect(try JSONValue.parse(Data(value.serialized(pretty: false).utf8)) == value)
        #expect(try JSONValue.parse(Data(value.serialized(pretty: true).utf8)) == value)
        #expect(!value.serialized(pretty: false).contains("\n"))
    }

    /// A megabyte string (an X-ARF report's evidence) with escapes and multi-byte characters
    /// among its plain runs: read in one pass (a copy per character took a minute).
    @Test func aLongStringKeepsItsEscapesAndCharacters() throws {
        let plain = String(repeating: "A", count: 1 << 20)
        let value = try JSONValue.parse(Data(("{\"s\": \"" + plain + #"\n\u00e9é\ud83d\ude00"# + plain + "\"}").utf8))
        #expect(value["s"]?.stringValue == plain + "\néé😀" + plain)
        #expect(try JSONValue.parse(Data(#"{"s": "\ud83dx"}"#.utf8))["s"]?.stringValue == "x", "a lone high surrogate is dropped")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "{} x", "[\"\u{01}\"]"])
    func malformedJSONIsRefused(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test func parsesWhatFoundationWrites() throws {
        let object: [String: Any] = ["name": "Tëam \"quoted\"", "list": [1, 2.5, "three"], "nested": ["ok": true]]
        let data = try JSONSerialization.data(withJSONObject: object)
        let value = try JSONValue.parse(data)
        #expect(value["name"] == .string("Tëam \"quoted\""))
        #expect(value["list"] == .array([.number(1), .number(2.5), .string("three")]))
        #expect(value["nested"]?["ok"] == .bool(true))
    }
}

@Suite struct GlobalIRTTests {
    let team = try! sampleTeam().validated()
    let modified = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func objectUsesGlobalIRTPropertyNamesAndOmitsEmptyValues() {
        var record = team
        record.postalAddress = ""
        let object = GlobalIRT.object(for: record, lastModified: modified)
        #expect(object["short-team-name"] == .string("Example-CERT"))
        #expect(object["country-code"] == .string("DE"))
        #expect(object["additional-country-code"] == .array([.string("AT")]))
        #expect(object["website"] == .array([.string("https://cert.example")]))
        #expect(object["phone-numbers"] == .array([.string("+49 30 5555 0100")]))
        #expect(object["postal-address"] == nil)
        #expect(object["enckeys"] == nil)
        #expect(object["source-name"] == .string("Renkei"))
        #expect(object["last-modified"] == .string("2023-11-14T22:13:20Z"))
        guard case .object(let pairs) = object else { return }
        let standard = pairs.map(\.key).filter { !$0.hasPrefix("-") }
        #expect(standard.allSatisfy(GlobalIRT.allProperties.contains))
        #expect(pairs.allSatisfy { $0.value != .string("") && $0.value != .array([]) })
    }

    @Test func exportedObjectsImportWithoutLoss() throws {
        var record = team
        record.pgpKeys = []
        record.publicFields = [.email, .pgpKeys]
        let object = GlobalIRT.object(for: record, lastModified: modified)
        let data = Data(JSONValue.array([object]).serialized(pretty: true).utf8)
        let imported = try GlobalIRT.parseDocument(data)
        #expect(imported.count == 1)
        #expect(try imported[0].record.validated() == record)
    }

    @Test func readsTheRepositoryExampleLayout() throws {
        // Shape of FIRSTdotorg/global-irt examples/singleTeam.json: country-code as a list,
        // operating hours as mon_1_open/close pairs, closed days as 00:00-00:00.
        let text = #"""
        [{"short-team-name": "CIRCL-like", "official-team-name": "Example Luxembourg Team", "country-code": ["LU"],
          "email": "info@team.example", "establishment": "2008-01-05", "enckeys": ["0xCA572205C0024E06BA70BE89EAADCFFC22BD4CD5"],
          "operating-hours": {"mon_1_open": "09:00", "mon_1_close": "12:00", "mon_2_open": "14:00", "mon_2_close": "17:00",
                              "sat_1_open": "00:00", "sat_1_close": "00:00"},
          "-first-member-type": "Full Member"}]
        """#
        let imported = try GlobalIRT.parseDocument(Data(text.utf8))
        let record = imported[0].record
        #expect(record.countryCode == "LU")
        #expect(record.operatingHours.mon == ["09:00-12:00", "14:00-17:00"])
        #expect(record.operatingHours.sat.isEmpty)
        #expect(record.memberType == .fullMember)
        #expect(imported[0].declaredFingerprints == ["CA572205C0024E06BA70BE89EAADCFFC22BD4CD5"])
    }

    @Test func malformedDocumentsAreRefused() {
        #expect(throws: GlobalIRT.FormatError.self) { try GlobalIRT.parseDocument(Data("[1, 2]".utf8)) }
        #expect(throws: GlobalIRT.FormatError.self) { try GlobalIRT.parseDocument(Data("not json".utf8)) }
        #expect(throws: GlobalIRT.FormatError.self) { try GlobalIRT.parseDocument(Data(#"{"data": 3}"#.utf8)) }
    }

    func teams() -> [(record: TeamRecord, lastModified: Date)] {
        ["Delta", "alpha", "Charlie", "bravo"].enumerated().map { index, name in
            var record = team
            record.shortName = name
            record.slug = name.lowercased()
            record.countryCode = ["DE", "JP", "NG", "DE"][index]
            record.additionalCountryCodes = index == 2 ? ["GH"] : []
            return (record, modified.addingTimeInterval(Double(index)))
        }
    }

    @Test func queryParametersPageSortProjectAndFilter() throws {
        let all = try GlobalIRT.Query(parameters: [])
        let page = GlobalIRT.answer(all, teams: teams())
        #expect(page.total == 4)
        #expect(page.items.compactMap { $0["short-team-name"]?.stringValue } == ["alpha", "bravo", "Charlie", "Delta"])
        #expect(page.lastModified == modified.addingTimeInterval(3))

        let query = try GlobalIRT.Query(parameters: [("sort", "-short-team-name"), ("limit", "2"), ("offset", "1"), ("fields", "short-team-name,email")])
        let second = GlobalIRT.answer(query, teams: teams())
        #expect(second.total == 4)
        #expect(second.items == [.object([("short-team-name", .string("Charlie")), ("email", .string("cert@cert.example"))]),
                                 .object([("short-team-name", .string("bravo")), ("email", .string("cert@cert.example"))])])

        let country = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("country", "jp,gh")]), teams: teams())
        #expect(country.items.compactMap { $0["short-team-name"]?.stringValue } == ["alpha", "Charlie"])
        let region = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("region", "Western Europe")]), teams: teams())
        #expect(region.total == 2)
        let exact = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("country-code", "ng")]), teams: teams())
        #expect(exact.items.compactMap { $0["short-team-name"]?.stringValue } == ["Charlie"])
        let listExact = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("additional-country-code", "GH")]), teams: teams())
        #expect(listExact.total == 1)
        let team = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("team", "ELT")]), teams: teams())
        #expect(team.items.compactMap { $0["short-team-name"]?.stringValue } == ["Delta"])
        let words = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("q", "charlie 5555")]), teams: teams())
        #expect(words.total == 1)
        let none = GlobalIRT.answer(try GlobalIRT.Query(parameters: [("limit", "0")]), teams: teams())
        #expect(none.total == 4 && none.items.isEmpty)
    }

    @Test(arguments: [("limit", "101"), ("limit", "x"), ("offset", "-1"), ("fields", "email,colour"), ("sort", "colour"),
                      ("envelope", "maybe"), ("region", "Atlantis"), ("callback", "f"), ("colour", "red")])
    func badParametersNameTheParameter(name: String, value: String) {
        #expect { try GlobalIRT.Query(parameters: [(name, value)]) } throws: { ($0 as? FieldError)?.field == name }
    }

    @Test func envelopeAndCSV() throws {
        let query = try GlobalIRT.Query(parameters: [("fields", "short-team-name,postal-address"), ("limit", "2")])
        let page = GlobalIRT.answer(query, teams: teams())
        let envelope = GlobalIRT.envelope(page, query: query)
        #expect(envelope["status"] == .string("OK") && envelope["total"] == .number(4) && envelope["limit"] == .number(2))
        let csv = GlobalIRT.csv(page, query: query)
        #expect(csv == "short-team-name,postal-address\r\nalpha,\"1 Example Street\nBerlin\"\r\nbravo,\"1 Example Street\nBerlin\"\r\n")
    }

    @Test func httpDates() {
        #expect(GlobalIRT.httpDate(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")   // RFC 9110's example
    }
}

@Suite struct OtherFormatTests {
    @Test func rfc2350HasTheRFCsSectionsInOrder() throws {
        let text = RFC2350.document(for: try sampleTeam().validated(), lastModified: Date(timeIntervalSince1970: 1_700_000_000),
                                    url: "https://renkei.example/teams/example-cert/rfc2350.txt")
        let headings = ["1. Document Information", "1.1 Date of Last Update", "1.3 Locations where this Document May Be Found",
                        "2. Contact Information", "2.1 Name of the Team", "2.2 Address", "2.3 Time Zone", "2.4 Telephone Number",
                        "2.7 Electronic Mail Address", "2.8 Public Keys and Encryption Information", "2.11 Points of Customer Contact",
                        "3. Charter", "3.2 Constituency", "4. Policies", "5. Services", "6. Incident Reporting Forms", "7. Disclaimers"]
        var cursor = text.startIndex
        for heading in headings {
            let found = try #require(text.range(of: heading, range: cursor..<text.endIndex), "\(heading) missing or out of order")
            cursor = found.upperBound
        }
        #expect(text.contains("Europe/Berlin (UTC+01:00"))
        #expect(text.contains("Networks: 192.0.2.0/24, 2001:db8::/32"))
        #expect(text.contains("duty@cert.example"))
        #expect(!RFC2350.document(for: try sampleTeam().validated().visible(to: .everyone), lastModified: Date(), url: "")
            .contains("duty@cert.example"))
    }

    @Test func trustedIntroducerTeamsAreRead() throws {
        let text = #"""
        [{"short_name": "TI-Team", "official_name": "TI Example Team", "country": "nl", "established": "1999-09-09T00:00:00",
          "constituency": {"asns": ["AS64500", 64501], "domains": ["ti.example"], "ipranges": ["192.0.2.5-192.0.2.20", "2001:db8::/48"], "countries": ["NL"]}}]
        """#
        let records = try TrustedIntroducer.parseDocument(Data(text.utf8))
        #expect(records.count == 1)
        let record = records[0]
        #expect(record.establishment == "1999-09-09")
        #expect(record.constituency.asns == ["AS64500", "64501"])
        #expect(record.constituency.prefixes == ["192.0.2.5/32", "192.0.2.6/31", "192.0.2.8/29", "192.0.2.16/30", "192.0.2.20/32", "2001:db8::/48"])
        #expect(throws: GlobalIRT.FormatError.self) {
            try TrustedIntroducer.parseDocument(Data(#"[{"short_name": "x", "constituency": {"ipranges": ["192.0.2.9-192.0.2.1"]}}]"#.utf8))
        }
    }
}

@Suite struct DemoNetworkTests {
    let teams = DemoNetwork.teams()

    @Test func sizeSpreadAndSkew() {
        #expect(teams.count >= 150)
        let countries = Set(teams.map(\.countryCode))
        #expect(countries.count >= 60)
        let byRegion = Dictionary(grouping: teams, by: { Country.named($0.countryCode)?.region })
        for region in Region.allCases { #expect((byRegion[region]?.count ?? 0) > 0, "\(region) has teams") }
        #expect(byRegion[.europe]!.count > 3 * byRegion[.africa]!.count, "skew: many in Europe, few in Africa")
        let national = Set(teams.filter { $0.teamTypes.contains(.national) }.map(\.countryCode))
        #expect(Double(national.count) >= 0.8 * Double(countries.count), "national teams for most countries")
    }

    @Test func everyRecordIsValidAndInNormalForm() throws {
        for team in teams { #expect(try team.validated() == team, "\(team.slug)") }
        #expect(Set(teams.map(\.slug)).count == teams.count)
        for account in DemoNetwork.accounts where account.teamSlug != nil {
            #expect(teams.contains { $0.slug == account.teamSlug }, "\(account.email)'s team exists")
        }
        #expect(Set(DemoNetwork.accounts.flatMap(\.roles)) == Set(Role.allCases), "one account per role")
    }

    @Test func constituenciesDoNotOverlapByAccident() throws {
        var owner: [String: String] = [:]
        for team in teams {
            for key in team.constituency.asns + team.constituency.domains {
                #expect(owner[key] == nil, "\(key) claimed by \(owner[key] ?? "") and \(team.slug)")
                owner[key] = team.slug
            }
        }
        let prefixes = try teams.flatMap { team in try team.constituency.prefixes.map { (team.slug, try IPPrefix(parsing: $0)) } }
        let sorted = prefixes.sorted { $0.1 < $1.1 }
        for (left, right) in zip(sorted, sorted.dropFirst()) where left.0 != right.0 {
            #expect(!left.1.overlaps(right.1), "\(left.1) (\(left.0)) overlaps \(right.1) (\(right.0))")
        }
    }
}
