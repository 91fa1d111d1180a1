import Foundation

/// What a country has in the community, from the best down: the map's shading.
public enum CountryStanding: String, Sendable, Hashable, Codable, CaseIterable {
    /// A national team based there (member or not).
    case national
    /// Member teams (full or associate) based there, none of them national.
    case members
    /// Only liaisons.
    case liaisons
    /// Only teams listed in the directory without membership.
    case listed
    case none

    public var label: String {
        switch self {
        case .national: "National team"
        case .members: "Member teams"
        case .liaisons: "Liaisons only"
        case .listed: "Listed teams only"
        case .none: "No team"
        }
    }

    /// Darker blues for more membership, a pale orange for teams listed without it, grey for
    /// nothing; the legend and each country's title say it in words too.
    public var colour: String {
        switch self {
        case .national: "#08306b"
        case .members: "#2171b5"
        case .liaisons: "#6baed6"
        case .listed: "#fdd49e"
        case .none: "#d4d4d4"
        }
    }
}

/// A directory team as coverage counts it: where it is based, whether it is a national team,
/// its membership and when that began and (for a team that resigned or was terminated) ended.
/// Every field is one the public directory shows.
public struct CoverageTeam: Sendable, Hashable {
    public var slug: String
    /// The country the team is based in; its region is the team's in the growth figures.
    public var country: String
    /// Every country the team is based in: `country` and the record's additional countries.
    public var countryCodes: [String]
    public var isNational: Bool
    public var memberType: MemberType?
    /// The year the membership began, from the record's member-since date.
    public var joined: Int?
    /// The year a resigned or terminated membership ended.
    public var left: Int?

    public init(slug: String, country: String, countryCodes: [String], isNational: Bool, memberType: MemberType?, joined: Int?, left: Int?) {
        (self.slug, self.country, self.countryCodes, self.isNational) = (slug, country, countryCodes, isNational)
        (self.memberType, self.joined, self.left) = (memberType, joined, left)
    }

    /// From a record and its membership status: a resigned or terminated team is a former
    /// member and no longer counts where it is based.
    public init(record: TeamRecord, status: MembershipStatus?, statusChangedAt: Date?) {
        let ended = status == .resigned || status == .terminated
        self.init(slug: record.slug, country: record.countryCode.uppercased(), countryCodes: Array(Set(record.allCountryCodes.map { $0.uppercased() }).filter { Country.named($0) != nil }).sorted(),
                  isNational: record.teamTypes.contains(.national), memberType: record.memberType,
                  joined: record.memberType == nil ? nil : CoverageTeam.year(of: record.memberSince),
                  left: ended ? statusChangedAt.map(CoverageTeam.year(of:)) : nil)
    }

    public var isCurrent: Bool { left == nil }

    /// The year of a `YYYY-MM-DD` (or `YYYY`) date; nil for anything else.
    static func year(of date: String) -> Int? {
        let digits = date.prefix(4)
        guard digits.count == 4, digits.allSatisfy(\.isASCIIDigit), let year = Int(digits), year >= 1900 else { return nil }
        return year
    }

    public static func year(of date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.year, from: date)
    }
}

/// The community's reach: each country's standing, region and sub-region totals (UN M49), and
/// membership year by year.
public struct CommunityCoverage: Sendable, Hashable, Codable {
    public struct CountryRow: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
        public var region: String?
        public var subRegion: String?
        public var standing: CountryStanding
        /// Current teams based there: national teams, members (full and associate), liaisons, listed.
        public var nationalTeams: Int
        public var memberTeams: Int
        public var liaisons: Int
        public var listedTeams: Int
    }

    public struct RegionRow: Sendable, Hashable, Codable {
        public var name: String
        /// 0 for a region, 1 for a sub-region.
        public var depth: Int
        public var countries: Int
        public var countriesWithTeam: Int
        public var countriesWithNationalTeam: Int
        public var countriesWithMember: Int
        /// Current teams based in the region; a team based in two countries counts once.
        public var teams: Int
        public var memberTeams: Int
    }

    public struct YearRow: Sendable, Hashable, Codable {
        public var year: Int
        public var joined: Int
        public var departed: Int
        /// Members at the end of the year.
        public var members: Int
        /// Members at the end of the year by region (`Region` names, and "Other" for a team
        /// based nowhere in M49's regions).
        public var membersByRegion: [String: Int]
    }

    public var countries: [CountryRow]
    public var regions: [RegionRow]
    public var growth: [YearRow]
    public var teams: Int
    public var memberTeams: Int
    public var countriesWithTeam: Int
    public var countriesWithMember: Int

    public static let otherRegion = "Other"

    /// The figures for `teams` as of `year` (the last year of the growth table).
    public init(teams: [CoverageTeam], year: Int) {
        let current = teams.filter(\.isCurrent)
        var byCountry: [String: [CoverageTeam]] = [:]
        for team in current {
            for code in team.countryCodes { byCountry[code, default: []].append(team) }
        }
        countries = Country.all.map { country in
            let here = byCountry[country.code] ?? []
            let national = here.filter(\.isNational).count
            let members = here.filter { $0.memberType == .fullMember || $0.memberType == .associate }.count
            let liaisons = here.filter { $0.memberType == .liaison }.count
            let listed = here.filter { $0.memberType == nil }.count
            let standing: CountryStanding = national > 0 ? .national : members > 0 ? .members : liaisons > 0 ? .liaisons : listed > 0 ? .listed : .none
            return CountryRow(code: country.code, name: country.name, region: country.region?.rawValue, subRegion: country.subRegion,
                              standing: standing, nationalTeams: national, memberTeams: members, liaisons: liaisons, listedTeams: listed)
        }
        regions = Self.regions(countries, teams: current)
        growth = Self.growth(teams, through: year)
        self.teams = current.count
        memberTeams = current.filter { $0.memberType != nil }.count
        countriesWithTeam = countries.filter { $0.standing != .none }.count
        countriesWithMember = countries.filter { $0.memberTeams + $0.liaisons > 0 }.count
    }

    /// The countries with no team at all, in region, sub-region and name order.
    public var uncovered: [CountryRow] { Self.uncovered(countries) }

    public static func uncovered(_ countries: [CountryRow]) -> [CountryRow] {
        countries.filter { $0.standing == .none }.sorted {
            ($0.region ?? "~", $0.subRegion ?? "~", $0.name) < ($1.region ?? "~", $1.subRegion ?? "~", $1.name)
        }
    }

    /// The board's one line: how many teams in how many countries, and how many in each region.
    public var summary: String {
        let perRegion = regions.filter { $0.depth == 0 }.map { "\($0.teams) in \($0.name)" }.joined(separator: ", ")
        return "\(teams) \(teams == 1 ? "team" : "teams") in \(countriesWithTeam) \(countriesWithTeam == 1 ? "country" : "countries"); "
            + "members in \(countriesWithMember) \(countriesWithMember == 1 ? "country" : "countries"). Teams by region: \(perRegion)."
    }

    private static func regions(_ countries: [CountryRow], teams: [CoverageTeam]) -> [RegionRow] {
        let countryOf = Dictionary(uniqueKeysWithValues: Country.all.map { ($0.code, $0) })
        func row(_ name: String, depth: Int, _ inside: (Country) -> Bool) -> RegionRow {
            let rows = countries.filter { countryOf[$0.code].map(inside) ?? false }
            let based = teams.filter { $0.countryCodes.contains { countryOf[$0].map(inside) ?? false } }
            return RegionRow(name: name, depth: depth, countries: rows.count,
                             countriesWithTeam: rows.filter { $0.standing != .none }.count,
                             countriesWithNationalTeam: rows.filter { $0.nationalTeams > 0 }.count,
                             countriesWithMember: rows.filter { $0.memberTeams + $0.liaisons > 0 }.count,
                             teams: based.count, memberTeams: based.filter { $0.memberType != nil }.count)
        }
        return Region.allCases.flatMap { region -> [RegionRow] in
            let subRegions = Set(Country.all.filter { $0.region == region }.compactMap(\.subRegion)).sorted()
            return [row(region.rawValue, depth: 0) { $0.region == region }] + subRegions.map { sub in row(sub, depth: 1) { $0.subRegion == sub } }
        }
    }

    private static func growth(_ teams: [CoverageTeam], through lastYear: Int) -> [YearRow] {
        let members = teams.filter { $0.joined != nil }
        guard let first = members.compactMap(\.joined).min(), first <= lastYear else { return [] }
        func region(of team: CoverageTeam) -> String { Country.named(team.country)?.region?.rawValue ?? otherRegion }
        return (first...lastYear).map { year in
            let standing = members.filter { $0.joined! <= year && ($0.left.map { $0 > year } ?? true) }
            var byRegion: [String: Int] = [:]
            for team in standing { byRegion[region(of: team), default: 0] += 1 }
            return YearRow(year: year, joined: members.filter { $0.joined == year }.count,
                           departed: members.filter { $0.left == year }.count, members: standing.count, membersByRegion: byRegion)
        }
    }
}
