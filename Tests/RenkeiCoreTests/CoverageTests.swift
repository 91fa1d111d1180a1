import Foundation
import Testing
@testable import RenkeiCore

/// Coverage: countries' standings, region totals, growth, the map, and address space with a
/// responsible team as members and as anonymous readers may know it. Expected values are
/// written out by hand from the small community below.
@Suite struct CoverageTests {
    static func team(_ slug: String, _ country: String, also: [String] = [], national: Bool = false, _ type: MemberType?, since: String = "",
                     public fields: Set<TeamField> = TeamField.publicByDefault, constituency: Constituency = Constituency()) throws -> TeamRecord {
        try TeamRecord(slug: slug, shortName: slug.uppercased(), officialName: slug, countryCode: country, additionalCountryCodes: also,
                       email: "cert@\(slug).example", constituency: constituency, teamTypes: national ? [.national] : [.commercial],
                       memberType: type, memberSince: since, publicFields: fields).validated()
    }

    /// DE: a national team and an associate; FR: a liaison; BR: a team listed without
    /// membership; US: a member that resigned in 2020; AT (and CH): a member since 2020; SG (and
    /// AU): a member since 2021, based in Asia.
    static func community() throws -> [CoverageTeam] {
        let utc2020 = Date(timeIntervalSince1970: 1_590_000_000) // 2020-05-20
        return [
            CoverageTeam(record: try team("de-national", "DE", national: true, .fullMember, since: "2010-05-01"), status: nil, statusChangedAt: nil),
            CoverageTeam(record: try team("de-isp", "DE", .associate, since: "2012-02-02"), status: .active, statusChangedAt: nil),
            CoverageTeam(record: try team("fr-team", "FR", .liaison, since: "2015-01-01"), status: nil, statusChangedAt: nil),
            CoverageTeam(record: try team("br-team", "BR", nil), status: nil, statusChangedAt: nil),
            CoverageTeam(record: try team("us-team", "US", .fullMember, since: "2011-07-07"), status: .resigned, statusChangedAt: utc2020),
            CoverageTeam(record: try team("at-team", "AT", also: ["CH"], .fullMember, since: "2020-09-09"), status: .suspended, statusChangedAt: utc2020),
            CoverageTeam(record: try team("sg-team", "SG", also: ["AU"], .fullMember, since: "2021-01-01"), status: nil, statusChangedAt: nil),
        ]
    }

    @Test func eachCountryIsShadedByTheBestItHas() throws {
        let coverage = CommunityCoverage(teams: try Self.community(), year: 2021)
        let standing = Dictionary(uniqueKeysWithValues: coverage.countries.map { ($0.code, $0.standing) })
        #expect(standing["DE"] == .national && standing["FR"] == .liaisons && standing["BR"] == .listed)
        #expect(standing["AT"] == .members && standing["CH"] == .members, "a suspended member still counts; so does its second country")
        #expect(standing["US"] == CountryStanding.none, "a team that resigned no longer covers its country")
        let germany = try #require(coverage.countries.first { $0.code == "DE" })
        #expect(germany.nationalTeams == 1 && germany.memberTeams == 2 && germany.liaisons == 0 && germany.listedTeams == 0)
        #expect(coverage.countries.count == Country.all.count, "every ISO 3166 country has a row")
        #expect(coverage.teams == 6 && coverage.memberTeams == 5 && coverage.countriesWithTeam == 7 && coverage.countriesWithMember == 6)
        #expect(coverage.summary == "6 teams in 7 countries; members in 6 countries. Teams by region: 0 in Africa, 1 in Americas, 1 in Asia, 4 in Europe, 1 in Oceania.")
        #expect(coverage.uncovered.contains { $0.code == "US" } && !coverage.uncovered.contains { $0.code == "BR" })
        #expect(coverage.uncovered.first?.region == "Africa" && coverage.uncovered.last?.region == nil, "region order; Antarctica and the like last")
    }

    @Test func regionsAndSubRegionsFollowM49() throws {
        let regions = CommunityCoverage(teams: try Self.community(), year: 2021).regions
        let europe = try #require(regions.first { $0.name == "Europe" })
        #expect(europe.depth == 0 && europe.countriesWithTeam == 4 && europe.countriesWithNationalTeam == 1 && europe.teams == 4 && europe.memberTeams == 4)
        let western = try #require(regions.first { $0.name == "Western Europe" })
        #expect(western.depth == 1 && western.countries == 9 && western.countriesWithTeam == 4 && western.teams == 4)
        let americas = try #require(regions.first { $0.name == "Americas" })
        #expect(americas.countriesWithTeam == 1 && americas.countriesWithMember == 0 && americas.teams == 1 && americas.memberTeams == 0)
        let northernAmerica = try #require(regions.first { $0.name == "Northern America" })
        #expect(northernAmerica.countriesWithTeam == 0 && northernAmerica.teams == 0)
        #expect(regions.filter { $0.depth == 0 }.map(\.name) == ["Africa", "Americas", "Asia", "Europe", "Oceania"])
    }

    @Test func growthCountsMembersAtEachYearsEnd() throws {
        let growth = CommunityCoverage(teams: try Self.community(), year: 2021).growth
        #expect(growth.map(\.year) == Array(2010...2021))
        #expect(growth.map(\.members) == [1, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5])
        #expect(growth.map(\.joined) == [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1])
        #expect(growth.map(\.departed) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
        #expect(growth[1].membersByRegion == ["Europe": 1, "Americas": 1] && growth[10].membersByRegion == ["Europe": 4])
        #expect(growth[11].membersByRegion == ["Europe": 4, "Asia": 1], "SG-based, though AU comes first in the alphabet")
        #expect(CommunityCoverage(teams: [], year: 2021).growth.isEmpty)
    }

    @Test func anonymousFiguresComeFromPublicFieldsOnly() throws {
        let hidden = try Self.team("quiet", "NO", national: true, .fullMember, since: "2019-01-01", public: [],
                                   constituency: Constituency(countries: ["SE"], asns: ["AS64501"], prefixes: ["198.51.100.0/24"]))
        let full = CommunityCoverage(teams: [CoverageTeam(record: hidden, status: nil, statusChangedAt: nil)], year: 2021)
        let shown = CommunityCoverage(teams: [CoverageTeam(record: hidden.visible(to: .everyone), status: nil, statusChangedAt: nil)], year: 2021)
        #expect(full == shown, "the same figures from the record as the public sees it")
        #expect(full.countries.first { $0.code == "SE" }?.standing == CountryStanding.none, "a constituency's countries are not where a team is based")
    }

    @Test func theMapHasEachDrawnCountryOnceShadedByItsStanding() throws {
        let coverage = CommunityCoverage(teams: try Self.community(), year: 2021)
        let svg = WorldMap.svg(coverage.countries, title: "Teams & <friends>")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 487\""))
        #expect(svg.contains("<title id=\"map-title\">Teams &amp; &lt;friends&gt;</title>"))
        for code in WorldMap.drawnCountries {
            #expect(svg.components(separatedBy: "id=\"country-\(code)\"").count == 2, "\(code) once")
        }
        #expect(WorldMap.drawnCountries.count >= 170 && WorldMap.drawnCountries.isSubset(of: Set(Country.all.map(\.code))))
        #expect(svg.contains("id=\"country-DE\" data-standing=\"national\" fill=\"#08306b\""))
        #expect(svg.contains("id=\"country-US\" data-standing=\"none\" fill=\"#d4d4d4\""))
        #expect(svg.contains("<title>Germany: National team (1 national, 2 member)</title>"))
        #expect(svg.contains("<title>France: Liaisons only (1 liaison)</title>"))
    }

    @Test func theGrowthChartStacksRegions() throws {
        let growth = CommunityCoverage(teams: try Self.community(), year: 2021).growth
        let svg = WorldMap.growthSVG(growth, title: "Members")
        #expect(svg.contains("<title>2011: Americas 1</title>") && svg.contains("<title>2011: Europe 1</title>"))
        #expect(svg.contains(">2010</text>") && svg.contains(">2021</text>"))
        #expect(!svg.contains("Africa"), "a region without members is not drawn")
    }

    // MARK: - Address space

    static let registration = """
        2.3|test|20261201|5|19700101|20261201|+0000
        test|DE|ipv4|10.0.0.0|1024|20100101|allocated
        test|FR|ipv4|10.0.4.0|512|20100101|allocated
        test|BR|ipv4|10.0.8.0|256|20100101|allocated
        test|DE|ipv6|2001:db8::|32|20100101|allocated
        test|BR|asn|64510|1|20100101|allocated
        """
    static let routing = "10.0.2.0\t24\t64500\n10.0.4.0\t23\t64511\n10.0.8.0\t24\t64510\n"

    /// DE's national team declares 10.0.0.0/24 in public; an ISP there declares 10.0.1.128/25
    /// and AS64500 (which announces 10.0.2.0/24) but shows its constituency only to members.
    static func resolver() throws -> Resolver {
        let teams = [
            try team("de-national", "DE", national: true, .fullMember, constituency: Constituency(countries: ["DE"], prefixes: ["10.0.0.0/24"])),
            try team("de-isp", "DE", .fullMember, public: [.email], constituency: Constituency(asns: ["AS64500"], prefixes: ["10.0.1.128/25"])),
            try team("fr-team", "FR", .fullMember),
        ]
        return Resolver(teams: teams, registry: RegistryTables(registration: RegistrationTables(RIRDelegated.parse(registration)),
                                                              routing: RoutingTables(PrefixToAS.parse(routing))))
    }

    @Test func membersCountEveryConstituencyAndAnonymousReadersThePublicOnes() throws {
        let resolver = try Self.resolver()
        let members = resolver.addressCoverage(audience: .members)
        let germany = try #require(members.countries.first { $0.code == "DE" })
        #expect(germany.ipv4 == AddressCoverage.Space(registered: 1024, constituency: 256 + 128 + 256, nationalOnly: 384, none: 0))
        #expect(germany.ipv6 == AddressCoverage.Space(registered: 65_536, constituency: 0, nationalOnly: 65_536, none: 0), "a /32 is 65,536 /48s")
        #expect(members.countries.first { $0.code == "FR" }?.ipv4 == AddressCoverage.Space(registered: 512, none: 512),
                "a member team based there is no national team")
        #expect(members.ipv4 == AddressCoverage.Space(registered: 1792, constituency: 640, nationalOnly: 384, none: 768))
        #expect(members.largestUncoveredIPv4Blocks?.map(\.prefix) == ["10.0.4.0/23", "10.0.8.0/24"] && members.largestUncoveredIPv6Blocks == [])
        #expect(members.largestUncoveredASes?.map(\.asn) == ["AS64511", "AS64510"] && members.largestUncoveredASes?.map(\.country) == ["FR", "BR"],
                "AS64510 is registered to BR; AS64511 is not registered, and is placed where the space it announces is")

        let anonymous = resolver.addressCoverage(audience: .everyone)
        #expect(anonymous.countries.first { $0.code == "DE" }?.ipv4 == AddressCoverage.Space(registered: 1024, constituency: 256, nationalOnly: 768),
                "the ISP's hidden prefix and AS do not count for anonymous readers")
        #expect(germany.ipv4.percent(germany.ipv4.constituency) == 62.5 && AddressCoverage.Space().percent(0) == 0)
    }

    @Test func onlyTheSecretariatSeesTheUncoveredNetworks() throws {
        let coverage = try Self.resolver().addressCoverage(audience: .members)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        let member = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: UUID())
        #expect(coverage.shown(to: secretariat) == coverage)
        for reader in [member, nil] {
            let shown = coverage.shown(to: reader)
            #expect(shown.largestUncoveredIPv4Blocks == nil && shown.largestUncoveredIPv6Blocks == nil && shown.largestUncoveredASes == nil)
            #expect(shown.countries == coverage.countries)
        }
    }
}
