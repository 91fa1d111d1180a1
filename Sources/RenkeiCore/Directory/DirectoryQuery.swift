import Foundation

/// The directory's filters, shared by the web list, the JSON API and the Global IRT endpoint.
public struct DirectoryQuery: Sendable, Hashable {
    /// Country codes; a team matches when its own or an additional country is among them.
    public var countries: Set<String> = []
    /// An M49 region, sub-region or intermediate region name.
    public var region: String?
    public var teamType: TeamType?
    public var memberType: MemberType?
    /// Words that must all occur in the team's visible text fields.
    public var text: String = ""

    public init(countries: Set<String> = [], region: String? = nil, teamType: TeamType? = nil,
                memberType: MemberType? = nil, text: String = "") {
        self.countries = Set(countries.map { $0.uppercased() })
        self.region = region
        self.teamType = teamType
        self.memberType = memberType
        self.text = text
    }

    public enum Problem: Error, Equatable { case unknownRegion(String) }

    /// Applies the filters to records already cut to what the reader may see, so free text
    /// never matches a field the reader cannot see.
    public func filter(_ records: [TeamRecord]) throws(Problem) -> [TeamRecord] {
        let matcher = try self.matcher()
        return records.filter { matcher.matches($0, countriesServed: $0.allCountryCodes, searchableText: $0.searchableText) }
    }

    /// The filters with the region resolved and the words split once, for many records.
    public func matcher() throws(Problem) -> Matcher {
        var regionCodes: Set<String>?
        if let region, !region.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let codes = Country.codes(inRegion: region) else { throw .unknownRegion(region) }
            regionCodes = codes
        }
        return Matcher(query: self, regionCodes: regionCodes,
                       words: text.lowercased().split(whereSeparator: \.isWhitespace).map(String.init))
    }

    public struct Matcher: Sendable {
        let query: DirectoryQuery
        let regionCodes: Set<String>?
        let words: [String]

        /// `searchableText` is the record's (lower-cased, `TeamRecord.searchableText`), taken
        /// as an argument so a prepared directory computes it once (`DirectoryView`).
        public func matches(_ record: TeamRecord, countriesServed: [String], searchableText: @autoclosure () -> String) -> Bool {
            if !query.countries.isEmpty && !countriesServed.contains(where: query.countries.contains) { return false }
            if let regionCodes, !countriesServed.contains(where: regionCodes.contains) { return false }
            if let teamType = query.teamType, !record.teamTypes.contains(teamType) { return false }
            if let memberType = query.memberType, record.memberType != memberType { return false }
            if !words.isEmpty {
                let haystack = searchableText()
                if !words.allSatisfy(haystack.contains) { return false }
            }
            return true
        }
    }
}

extension TeamRecord {
    /// Lower-cased text of every field a free-text search looks at.
    public var searchableText: String {
        var parts = [slug, shortName, officialName, postalAddress, countryCode, email, host,
                     constituencyName, constituencyDescription, emergencyContact]
        parts += additionalCountryCodes + websites + phoneNumbers + languages + internalEmails
        parts += allCountryCodes.compactMap { Country.named($0)?.name }
        parts += teamTypes.map(\.label) + [memberType?.rawValue ?? ""]
        parts += constituency.domains + constituency.asns + constituency.prefixes
        parts += pgpKeys.map(\.fingerprint)
        return parts.joined(separator: "\n").lowercased()
    }
}
