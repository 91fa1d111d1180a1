import Foundation
import RenkeiCore
import Vapor

/// Where the community is thin: the world map, region totals, countries with no team, growth
/// year by year, and how much registered address space has a responsible team; as a page, as
/// CSV (a row per country) and as JSON. Open to everyone; every figure an anonymous reader
/// gets is built from public data (`CoverageStore`).
struct CoverageController {
    func register(pages: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.coverage, use: page)
        pages.get(.coverageCSV, use: csv)
        api.get(.apiCoverage, use: json)
    }

    struct Document: Content {
        var asOf: String
        var summary: String
        var teams: Int
        var memberTeams: Int
        var countriesWithTeam: Int
        var countriesWithMember: Int
        var countries: [CommunityCoverage.CountryRow]
        var regions: [CommunityCoverage.RegionRow]
        var growth: [CommunityCoverage.YearRow]
        /// IPv4 in addresses, IPv6 in /48 networks; the uncovered lists for the secretariat only.
        var addressSpace: AddressCoverage
        /// The imports the address figures come from.
        var datasets: [DatasetSource]

        init(community: CommunityCoverage, addresses: AddressCoverage, datasets: [DatasetSource], now: Date) {
            asOf = DateFormatter.fixed("yyyy-MM-dd").string(from: now)
            summary = community.summary
            (teams, memberTeams) = (community.teams, community.memberTeams)
            (countriesWithTeam, countriesWithMember) = (community.countriesWithTeam, community.countriesWithMember)
            (countries, regions, growth) = (community.countries, community.regions, community.growth)
            (addressSpace, self.datasets) = (addresses, datasets)
        }
    }

    static func document(for actor: Actor?, on request: Request) async throws -> Document {
        let now = request.application.renkei.clock.now
        let community = try await CoverageStore.community(snapshot: try await request.directorySnapshot(), now: now,
                                                          cache: request.application.renkei.communityCoverage, on: request.db)
        let (addresses, datasets) = try await CoverageStore.addresses(for: DirectoryPolicy.audience(for: actor), application: request.application, on: request.db)
        return Document(community: community, addresses: addresses.shown(to: actor), datasets: datasets, now: now)
    }

    func json(request: Request) async throws -> Document {
        try await Self.document(for: request.currentActor, on: request)
    }

    /// A row per country: its standing, its teams and the shares of its registered address space.
    func csv(request: Request) async throws -> Response {
        let document = try await Self.document(for: request.currentActor, on: request)
        let space = Dictionary(uniqueKeysWithValues: document.addressSpace.countries.map { ($0.code, $0) })
        var text = "country,name,region,sub_region,standing,national_teams,member_teams,liaisons,listed_teams,"
            + "ipv4_registered,ipv4_constituency_percent,ipv4_national_only_percent,ipv4_none_percent\r\n"
        for row in document.countries {
            let v4 = space[row.code]?.ipv4 ?? AddressCoverage.Space()
            let teams: [String] = [row.code, row.name, row.region ?? "", row.subRegion ?? "", row.standing.rawValue,
                                   String(row.nationalTeams), String(row.memberTeams), String(row.liaisons), String(row.listedTeams)]
            let shares: [String] = [String(v4.registered), String(v4.percent(v4.constituency)), String(v4.percent(v4.nationalOnly)), String(v4.percent(v4.none))]
            text += (teams + shares).map { CSV.cell($0) }.joined(separator: ",") + "\r\n"
        }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.setAttachment(named: "coverage-\(document.asOf).csv")
        return response
    }

    struct Page: Encodable {
        struct Legend: Encodable {
            var label: String
            var colour: String
            var countries: Int?
        }
        /// A network nobody answers for, with its country's name.
        struct Network: Encodable {
            var name: String
            var country: String
            var size: UInt64
        }
        struct SpaceRow: Encodable {
            var name: String
            var registered: String
            var constituency: Double
            var nationalOnly: Double
            var none: Double
        }
        struct SortLink: Encodable {
            var label: String
            var url: String
            var current: Bool
        }
        var chrome: Chrome
        var document: Document
        var map: String
        var legend: [Legend]
        var growthChart: String
        var growthLegend: [Legend]
        var hasGrowth: Bool
        var uncovered: [CommunityCoverage.CountryRow]
        var sorts: [SortLink]
        /// IPv4, then IPv6.
        var spaceTotals: [SpaceRow]
        /// The countries with the most registered IPv4 space first.
        var spaceByCountry: [SpaceRow]
        var hasSpaceByCountry: Bool
        var showsUncoveredNetworks: Bool
        var uncoveredIPv4: [Network]
        var uncoveredIPv6: [Network]
        var uncoveredASes: [Network]
        var csvURL: String
        var jsonURL: String
    }

    func page(request: Request) async throws -> View {
        let actor = request.currentActor
        let document = try await Self.document(for: actor, on: request)
        let byName = request.query[String.self, at: "sort"] == "name"
        let uncovered = CommunityCoverage.uncovered(document.countries)
        func named(_ code: String?) -> String { code.map { "\(Country.named($0)?.name ?? $0) (\($0))" } ?? "not registered" }
        func row(_ name: String, _ space: AddressCoverage.Space, unit: String) -> Page.SpaceRow {
            Page.SpaceRow(name: name, registered: "\(space.registered.formatted()) \(unit)", constituency: space.percent(space.constituency),
                          nationalOnly: space.percent(space.nationalOnly), none: space.percent(space.none))
        }
        let space = document.addressSpace
        let byCountry = space.countries.filter { $0.ipv4.registered > 0 }.sorted { $0.ipv4.registered == $1.ipv4.registered ? $0.code < $1.code : $0.ipv4.registered > $1.ipv4.registered }
        return try await Page(
            chrome: Chrome(request: request, title: "Coverage"), document: document,
            map: WorldMap.svg(document.countries, title: "The community's teams by country"),
            legend: CountryStanding.allCases.map { standing in
                Page.Legend(label: standing.label, colour: standing.colour, countries: document.countries.count { $0.standing == standing })
            },
            growthChart: WorldMap.growthSVG(document.growth, title: "Member teams at the end of each year, by region"),
            growthLegend: WorldMap.growthGroups(document.growth).map { Page.Legend(label: $0.region, colour: $0.colour, countries: nil) },
            hasGrowth: !document.growth.isEmpty,
            uncovered: byName ? uncovered.sorted { $0.name.compare($1.name, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedAscending } : uncovered,
            sorts: [Page.SortLink(label: "by region", url: SiteURL.coverage.path + "#uncovered", current: !byName),
                    Page.SortLink(label: "by name", url: SiteURL.coverage.path + "?sort=name#uncovered", current: byName)],
            spaceTotals: [row("IPv4", space.ipv4, unit: "addresses"), row("IPv6", space.ipv6, unit: "/48 networks")],
            spaceByCountry: byCountry.map { row("\($0.name) (\($0.code))", $0.ipv4, unit: "addresses") }, hasSpaceByCountry: !byCountry.isEmpty,
            showsUncoveredNetworks: space.largestUncoveredASes != nil,
            uncoveredIPv4: (space.largestUncoveredIPv4Blocks ?? []).map { Page.Network(name: $0.prefix, country: named($0.country), size: $0.size) },
            uncoveredIPv6: (space.largestUncoveredIPv6Blocks ?? []).map { Page.Network(name: $0.prefix, country: named($0.country), size: $0.size) },
            uncoveredASes: (space.largestUncoveredASes ?? []).map { Page.Network(name: $0.asn, country: named($0.country), size: $0.announcedIPv4) },
            csvURL: SiteURL.coverageCSV.path, jsonURL: SiteURL.apiCoverage.path
        ).render("coverage", on: request)
    }
}
