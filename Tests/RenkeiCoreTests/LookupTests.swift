import Foundation
import Testing
@testable import RenkeiCore

func fixtureText(_ path: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/\(path)")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite struct IndicatorTests {
    @Test(arguments: [
        ("203.0.113.7", "ipv4", "203.0.113.7"), ("2001:DB8::1", "ipv6", "2001:db8::1"),
        ("203.0.113.0/24", "prefix", "203.0.113.0/24"), ("AS64500", "asn", "AS64500"), ("64500", "asn", "AS64500"),
        ("Example.JP", "domain", "example.jp"), (".jp", "domain", "jp"), ("jp", "country", "JP"), ("DE", "country", "DE"),
        ("https://www.example.jp:8443/login?x=1", "domain", "www.example.jp"), ("http://[2001:db8::1]:80/", "ipv6", "2001:db8::1"),
        ("http://203.0.113.9/phish", "ipv4", "203.0.113.9"), ("abuse@mail.example.jp", "domain", "mail.example.jp"),
    ])
    func indicatorsAreRecognised(input: String, kind: String, normal: String) throws {
        let indicator = try Indicator(parsing: input)
        #expect(indicator.kind == kind)
        #expect(indicator.description == normal)
    }

    @Test(arguments: [("203.0.113.1/24", "203.0.113.0/24"), ("999.1.1.1", "IPv4"), ("hello world", "not an address"),
                      ("", "empty"), ("XX", "country"), ("https:///path", "host"), ("AS99999999999", "AS number"), ("a@b", "e-mail")])
    func unparseableIndicatorsSayWhy(input: String, mention: String) {
        #expect { try Indicator(parsing: input) } throws: { ($0 as? Indicator.ParseError)?.reason.contains(mention) == true }
    }
}

@Suite struct RegistryFormatTests {
    @Test func rirDelegatedExtendedFilesAreReadWithTheirOddRanges() throws {
        let data = RIRDelegated.parse(try fixtureText("registry/delegated-extended-sample.txt"))
        let prefixes = data.prefixes.items.map { "\($0.prefix) \(CountryCode.unpack($0.value))" }
        #expect(prefixes.contains("203.0.113.0/24 JP"))
        #expect(prefixes.contains("198.18.224.0/23 JP"))
        // 96 addresses from 198.51.100.0 are not one CIDR block: a /26 and a /27.
        #expect(prefixes.contains("198.51.100.0/26 AU") && prefixes.contains("198.51.100.64/27 AU"))
        #expect(prefixes.contains("2001:db8:80::/48 JP") && prefixes.contains("198.18.0.0/22 DE"))
        #expect(data.asns.map { "\($0.first)+\($0.count) \($0.country)" } == ["64500+2 JP", "64510+1 AU", "65536+4 DE"])
        #expect(data.unused == 2, "available and reserved space")
        #expect(data.skipped.map(\.line) == [16, 17, 18])
        #expect(data.skipped[0].reason.contains("203.0.113.999"))
        #expect(data.skipped[1].reason.contains("XX"))
    }

    @Test func prefixToASFilesHandleMultiOriginAndSets() throws {
        let data = PrefixToAS.parse(try fixtureText("registry/routeviews-pfx2as-sample.txt"))
        let table = Dictionary(uniqueKeysWithValues: data.prefixes.items.map { ($0.prefix.description, data.origins(at: $0.value).map(\.value)) })
        #expect(table["198.51.100.0/24"] == [64510, 64511])
        #expect(table["198.18.0.0/22"] == [65536, 65537])
        #expect(table["198.18.0.0/24"] == [65538, 65539, 65540])
        #expect(table["2001:db8:80::/48"] == [64500])
        #expect(data.skipped.map(\.line) == [8, 9, 10])
        #expect(data.skipped[1].reason.contains("192.0.2.0/24"), "host bits: the message names the network")
    }

    @Test func constituencyCSVWithWindowsLineEnds() {
        let (entries, skipped) = ConstituencyCSV.parse("indicator,team\r\n203.0.113.0/24,hoshi-isp\r\nAS64999,hoshi-isp\r\n", knownTeams: ["hoshi-isp"])
        #expect(entries.map(\.indicator.description) == ["203.0.113.0/24", "AS64999"] && skipped.isEmpty)
    }

    @Test func constituencyCSV() {
        let (entries, skipped) = ConstituencyCSV.parse("indicator,team\n203.0.113.128/25,hoshi-isp\nAS64999,jp-national\n192.0.2.1,nobody\nnot an indicator,jp-national\n",
                                                       knownTeams: ["hoshi-isp", "jp-national"])
        #expect(entries.map(\.indicator.description) == ["203.0.113.128/25", "AS64999"])
        #expect(skipped.map(\.line) == [4, 5])
        #expect(skipped[0].reason.contains("nobody"))
    }

    /// `nope` was taken as the whole top-level domain `nope`: only a country's may be claimed.
    @Test func constituencyCSVTakesASingleLabelOnlyForACountrysTopLevelDomain() {
        let (entries, skipped) = ConstituencyCSV.parse("nope,jp-national\n.jp,jp-national\ncom,jp-national\nexample.nope,jp-national\n.uk,jp-national\n",
                                                       knownTeams: ["jp-national"])
        #expect(entries.map(\.indicator.description) == ["jp", "example.nope", "uk"], "uk is the United Kingdom's, though its code is GB")
        #expect(skipped.map(\.line) == [1, 3])
        #expect(skipped[0].reason.contains("“nope” is a single label"))
    }
}

@Suite struct ResolverTests {
    static let teams: [TeamRecord] = [
        TeamRecord(slug: "jp-national", shortName: "JP-CSIRT", officialName: "Japan National CSIRT", countryCode: "JP", email: "csirt@jp.example",
                   emergencyContact: "+81 3 5555 0199", operatingHours: .weekdays("09:00-17:00", timeZone: "Asia/Tokyo"),
                   constituency: Constituency(countries: ["JP"], domains: ["jp"]), teamTypes: [.national]),
        TeamRecord(slug: "hoshi-isp", shortName: "Hoshi ISP CSIRT", officialName: "Hoshi ISP CSIRT", countryCode: "JP", email: "abuse@hoshi.example",
                   operatingHours: OperatingHours(timeZone: "UTC", mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"],
                                                  thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]),
                   constituency: Constituency(asns: ["AS64500"], prefixes: ["203.0.113.0/25"], domains: ["hoshi.example"]), teamTypes: [.commercial]),
        TeamRecord(slug: "apac-cc", shortName: "APAC-CC", officialName: "Asia Pacific Coordination Centre", countryCode: "AU", email: "cc@apac.example",
                   constituency: Constituency(countries: ["AU", "JP"]), teamTypes: [.regionalCoordinator]),
        TeamRecord(slug: "secret-bank", shortName: "Secret Bank CSIRT", officialName: "Secret Bank CSIRT", countryCode: "DE", email: "csirt@bank.example",
                   constituency: Constituency(prefixes: ["198.18.0.0/24"]), teamTypes: [.commercial], publicFields: [.email]),
        TeamRecord(slug: "de-national", shortName: "DE-CERT", officialName: "German National CERT", countryCode: "DE", email: "cert@de.example",
                   teamTypes: [.national, .government]),
    ]

    static func resolver() throws -> Resolver {
        let registration = RIRDelegated.parse(try fixtureText("registry/delegated-extended-sample.txt"))
        let routing = PrefixToAS.parse(try fixtureText("registry/routeviews-pfx2as-sample.txt"))
        let registry = RegistryTables(
            registration: RegistrationTables(registration, dataset: DatasetSource(kind: .rir, id: UUID(), source: "sample", importedAt: Date(), entries: 10)),
            routing: RoutingTables(routing, dataset: DatasetSource(kind: .pfx2as, id: UUID(), source: "sample", importedAt: Date(), entries: 7)))
        return Resolver(teams: teams.map { try! $0.validated() }, registry: registry,
                        extra: [.init(indicator: .prefix(try IPPrefix(parsing: "203.0.113.0/28")), team: "jp-national")])
    }

    // Friday 2026-11-27 12:00 UTC: 21:00 in Tokyo, outside JP-CSIRT's hours.
    let now = Date(timeIntervalSince1970: 1_795_780_800)

    @Test func anAddressIsAnsweredMostSpecificFirstWithReasons() throws {
        let resolution = try Self.resolver().resolve("203.0.113.7", audience: .members, now: now)
        #expect(resolution.candidates.map(\.team.slug) == ["jp-national", "hoshi-isp", "apac-cc"])
        #expect(resolution.candidates.map(\.kind) == [.constituencyPrefix, .constituencyPrefix, .regionalCoordinator])
        let national = resolution.candidates[0]
        #expect(national.reasons[0] == "203.0.113.7 is inside 203.0.113.0/28, listed for JP-CSIRT in the imported constituency data.")
        #expect(national.reasons.contains { $0.contains("JP-CSIRT is a national team for Japan (JP)") })
        #expect(national.team.openNow == false)
        #expect(national.team.emergencyContact == "+81 3 5555 0199", "given when the team is closed")
        let isp = resolution.candidates[1]
        #expect(isp.reasons == ["203.0.113.7 is inside 203.0.113.0/25, in Hoshi ISP CSIRT's declared constituency.",
                                "AS64500, which announces 203.0.113.0/24, is in Hoshi ISP CSIRT's declared constituency."])
        #expect(isp.team.openNow == true && isp.team.emergencyContact == nil)
        #expect(resolution.facts == ["203.0.113.0/24 is announced by AS64500 (routing data).", "203.0.113.0/24 is registered to Japan (JP) (RIR data)."])
        #expect(resolution.explanation == nil)
    }

    @Test func originASAndRegistrationRankBelowDeclaredPrefixes() throws {
        let resolver = try Self.resolver()
        let byOrigin = resolver.resolve(try Indicator(parsing: "203.0.113.200"), audience: .members, now: now)
        #expect(byOrigin.candidates.map(\.kind) == [.constituencyASN, .nationalTeam, .regionalCoordinator])
        #expect(byOrigin.candidates.map(\.team.slug) == ["hoshi-isp", "jp-national", "apac-cc"])
        let asn = resolver.resolve(try Indicator(parsing: "AS64501"), audience: .members, now: now)
        #expect(asn.candidates.map(\.team.slug) == ["jp-national", "apac-cc"])
        #expect(asn.facts == ["AS64501 is registered to Japan (JP) (RIR data)."])
    }

    @Test func domainsURLsAndMailUseTheClosestParentThenTheCountry() throws {
        let resolver = try Self.resolver()
        let url = try resolver.resolve("https://login.hoshi.example/x", audience: .members, now: now)
        #expect(url.candidates.map(\.team.slug) == ["hoshi-isp"])
        #expect(url.candidates[0].reasons == ["The parent domain hoshi.example is in Hoshi ISP CSIRT's declared constituency."])
        let jp = try resolver.resolve("abuse@mail.example.jp", audience: .members, now: now)
        #expect(jp.candidates.map(\.team.slug) == ["jp-national", "apac-cc"])
        #expect(jp.candidates[0].kind == .constituencyDomain)
        let country = try resolver.resolve("de", audience: .members, now: now)
        #expect(country.candidates.map(\.team.slug) == ["de-national"])
    }

    @Test func nothingMatchedIsExplained() throws {
        let resolution = try Self.resolver().resolve("192.0.2.55", audience: .members, now: now)
        #expect(resolution.candidates.isEmpty)
        let explanation = try #require(resolution.explanation)
        #expect(explanation.contains("no team's constituency contains 192.0.2.55"))
        #expect(explanation.contains("no announced route covers 192.0.2.55"))
        #expect(explanation.contains("not registered to a country in the RIR data"))
        let bare = Resolver(teams: [])
        #expect(bare.resolve(try Indicator(parsing: "192.0.2.55"), audience: .members).explanation?.contains("no RIR data is imported") == true)
    }

    @Test func anonymousReadersLearnOnlyWhatTeamsMadePublic() throws {
        let resolver = try Self.resolver()
        let members = try resolver.resolve("198.18.0.9", audience: .members, now: now)
        #expect(members.candidates.first?.team.slug == "secret-bank")
        let anonymous = try resolver.resolve("198.18.0.9", audience: .everyone, now: now)
        #expect(!anonymous.candidates.contains { $0.team.slug == "secret-bank" }, "its constituency is not public")
        #expect(anonymous.candidates.first?.team.slug == "de-national")
        let national = try resolver.resolve("203.0.113.7", audience: .everyone, now: now).candidates[0]
        #expect(national.team.emergencyContact == nil, "emergency contacts are members-only by default")
        #expect(national.team.email == "csirt@jp.example")
    }

    /// An imported country entry is part of the team's constituency, so it names the team to
    /// anonymous readers only when the team made its constituency public.
    @Test func importedCountryEntriesFollowTheTeamsConstituencyVisibility() throws {
        let teams = Self.teams.map { try! $0.validated() }
        let resolver = Resolver(teams: teams, extra: [.init(indicator: .country("NZ"), team: "secret-bank")])
        #expect(try resolver.resolve("NZ", audience: .members, now: now).candidates.first?.team.slug == "secret-bank")
        for query in ["NZ", "wellington.nz"] {
            let slugs = try resolver.resolve(query, audience: .everyone, now: now).candidates.map(\.team.slug)
            #expect(!slugs.contains("secret-bank") && slugs == ["apac-cc"], "only the region's coordinator")
        }
    }

    /// The countries a national team's or a coordinator's constituency lists named the team to
    /// anonymous readers even when its constituency was not public; its own country (public
    /// on every team) still does.
    @Test func declaredCountriesFollowTheTeamsConstituencyVisibility() throws {
        let teams = [
            TeamRecord(slug: "fj-national", shortName: "FJ-CERT", officialName: "Fiji National CERT", countryCode: "FJ", email: "cert@fj.example",
                       constituency: Constituency(countries: ["FJ", "TV"]), teamTypes: [.national], publicFields: [.email]),
            TeamRecord(slug: "pacific-cc", shortName: "Pacific-CC", officialName: "Pacific Coordination Centre", countryCode: "WS", email: "cc@pacific.example",
                       constituency: Constituency(countries: ["TO"]), teamTypes: [.regionalCoordinator], publicFields: [.email]),
        ].map { try! $0.validated() }
        let resolver = Resolver(teams: teams)
        func slugs(_ query: String, _ audience: DirectoryAudience) throws -> [String] {
            try resolver.resolve(query, audience: audience, now: now).candidates.map(\.team.slug)
        }
        #expect(try slugs("TV", .members) == ["fj-national", "pacific-cc"])
        #expect(try slugs("TV", .everyone) == ["pacific-cc"], "Tuvalu is listed only in FJ-CERT's hidden constituency; the coordinator is in its region")
        #expect(try slugs("FJ", .everyone) == ["fj-national", "pacific-cc"], "its own country is public")
        #expect(try slugs("TO", .members) == ["pacific-cc"])
        let tonga = try resolver.resolve("TO", audience: .everyone, now: now).candidates
        #expect(tonga.map(\.team.slug) == ["pacific-cc"] && tonga[0].reasons.allSatisfy { !$0.contains("coordinator for Tonga") },
                "to everyone Pacific-CC is a coordinator in Tonga's region, not the one its hidden constituency names")
    }

    @Test func aPrefixMatchesOnlyCoveringConstituencies() throws {
        let resolver = try Self.resolver()
        let wide = try resolver.resolve("203.0.113.0/24", audience: .members, now: now)
        #expect(!wide.candidates.contains { $0.kind == .constituencyPrefix }, "a /25 does not cover the /24")
        #expect(wide.candidates.first?.team.slug == "hoshi-isp", "but its origin AS is declared")
        let narrow = try resolver.resolve("203.0.113.0/26", audience: .members, now: now)
        #expect(narrow.candidates.first?.kind == .constituencyPrefix)
    }
}

extension ResolverTests {
    @Test func theFastPathAgreesWithTheFullAnswer() throws {
        let resolver = try Self.resolver()
        for text in ["203.0.113.7", "203.0.113.200", "198.51.100.7", "198.18.0.9", "198.18.2.1", "198.18.225.4", "192.0.2.55",
                     "2001:db8:80::1", "2001:db8:1::9", "2001:db8:99::1"] {
            let address = try #require(IPAddress(text))
            let full = resolver.resolve(.address(address), audience: .members, now: now)
            #expect(resolver.topTeam(for: address) == full.candidates.first?.team.slug, "\(text)")
        }
    }
}
