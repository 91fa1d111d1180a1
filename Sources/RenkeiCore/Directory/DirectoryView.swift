import Foundation

/// The directory as one audience reads it, prepared once per change of the directory (the
/// server's `DirectorySnapshot`): records cut to the audience, in name order, with what the
/// filters, the teams API's paging and Global IRT need, so a request filters and pages over
/// prepared values instead of decoding and cutting every team.
public struct DirectoryView: Sendable {
    /// A team as stored: its full record and when and by whom it last changed.
    public struct Team: Sendable {
        public var record: TeamRecord
        public var lastModified: Date
        public var lastModifiedBy: String

        public init(record: TeamRecord, lastModified: Date, lastModifiedBy: String) {
            self.record = record
            self.lastModified = lastModified
            self.lastModifiedBy = lastModifiedBy
        }
    }

    /// A class, so a list of matches shares the entries instead of copying each team's record
    /// (copying a thousand records per page request was a sixth of its cost).
    public final class Entry: Sendable {
        /// The record as the audience may see it (`TeamRecord.visible(to:)`).
        public let record: TeamRecord
        public let lastModified: Date
        /// Who made the last change, for members only; empty for everyone else.
        public let lastModifiedBy: String
        public let countriesServed: [String]
        /// `TeamRecord.searchableText` of the visible record.
        public let searchableText: String
        public let globalIRT: GlobalIRT.PreparedTeam

        init(record: TeamRecord, lastModified: Date, lastModifiedBy: String, countriesServed: [String], searchableText: String,
             globalIRT: GlobalIRT.PreparedTeam) {
            self.record = record
            self.lastModified = lastModified
            self.lastModifiedBy = lastModifiedBy
            self.countriesServed = countriesServed
            self.searchableText = searchableText
            self.globalIRT = globalIRT
        }
    }

    public let audience: DirectoryAudience
    /// By short name (case-insensitively), then slug: the list's and the teams API's order.
    public let entries: [Entry]
    /// Global IRT's teams in its default order (`GlobalIRT.PreparedTeam.defaultOrder`).
    public let globalIRT: [GlobalIRT.PreparedTeam]
    private let positions: [String: Int]

    public init(teams: [Team], audience: DirectoryAudience) {
        self.audience = audience
        let sorted = teams.sorted { Self.nameOrder(($0.record.shortName, $0.record.slug), ($1.record.shortName, $1.record.slug)) }
        entries = sorted.map { team in
            let record = team.record.visible(to: audience)
            return Entry(record: record, lastModified: team.lastModified,
                         lastModifiedBy: audience == .members ? team.lastModifiedBy : "",
                         countriesServed: record.allCountryCodes, searchableText: record.searchableText,
                         globalIRT: GlobalIRT.PreparedTeam(record: record, lastModified: team.lastModified))
        }
        globalIRT = entries.map(\.globalIRT).sorted(by: GlobalIRT.PreparedTeam.defaultOrder)
        positions = Dictionary(entries.enumerated().map { ($0.element.record.slug, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    public func entry(slug: String) -> Entry? {
        positions[slug].map { entries[$0] }
    }

    /// The directory's order: short name case-insensitively, ties broken by slug, so it is
    /// total and a cursor (short name, slug) names one place in it.
    public static func nameOrder(_ a: (name: String, slug: String), _ b: (name: String, slug: String)) -> Bool {
        let order = a.name.localizedCaseInsensitiveCompare(b.name)
        return order == .orderedSame ? a.slug < b.slug : order == .orderedAscending
    }

    /// The entries `query` keeps, in name order.
    public func matching(_ query: DirectoryQuery) throws(DirectoryQuery.Problem) -> [Entry] {
        let matcher = try query.matcher()
        return entries.filter { matcher.matches($0.record, countriesServed: $0.countriesServed, searchableText: $0.searchableText) }
    }

    /// One page of `entries` (in name order) after `request.after`, found by binary search: a
    /// cursor is the short name and slug of the last team shown, so a team added or removed
    /// meanwhile neither repeats nor skips another.
    public static func page(_ entries: [Entry], _ request: PageRequest) -> Page<Entry> {
        var start = 0
        if let after = request.after {
            var low = 0, high = entries.count
            while low < high {
                let middle = (low + high) / 2
                let entry = entries[middle]
                if nameOrder((after.key, after.id), (entry.record.shortName, entry.record.slug)) { high = middle } else { low = middle + 1 }
            }
            start = low
        }
        let rows = Array(entries[start..<min(entries.count, start + request.limit + 1)])
        return Page(probing: rows, limit: request.limit) { PageCursor(key: $0.record.shortName, id: $0.record.slug) }
    }
}
