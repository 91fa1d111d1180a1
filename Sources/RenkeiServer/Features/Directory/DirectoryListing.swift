import Foundation
import RenkeiCore

/// The links of the directory list that follow its filter: column headings that sort (with
/// `aria-sort`), pages, and the CSV and JSON exports of the same selection.
struct DirectoryListing: Sendable {
    var country: String
    var region: String
    var type: String
    var member: String
    var text: String
    var sort: DirectorySort

    struct Heading: Encodable {
        var label: String
        var url: String
        /// "ascending" or "descending" on the sorted column; nil elsewhere (WAI-ARIA's "none").
        var ariaSort: String?
        /// The arrow shown beside the sorted column's label.
        var arrow: String?
    }

    static let columns: [(DirectorySort.Column, String)] = [
        (.name, "Team"), (.official, "Official name"), (.country, "Country"), (.type, "Type"), (.membership, "Membership"), (.open, "Open now"),
    ]

    func headings() -> [Heading] {
        Self.columns.map { column, label in
            let aria = sort.ariaSort(column)
            return Heading(label: label, url: path(SiteURL.teams.path, [("sort", parameter(sort.following(column)))]),
                           ariaSort: aria, arrow: aria.map { $0 == "ascending" ? "▲" : "▼" })
        }
    }

    func page(_ number: Int) -> String {
        path(SiteURL.teams.path, [("sort", parameter(sort)), ("page", number == 1 ? "" : String(number))])
    }

    /// The same selection from the teams API (JSON), with the list's parameters as they are.
    var jsonURL: String {
        path(SiteURL.apiTeams.path, [])
    }

    /// The same selection as Global IRT CSV: its own names for the filters (`api.md`), the
    /// member type as the `-renkei-member-type` field and the team type as `-renkei-team-types`,
    /// up to the format's page of 100 teams.
    var csvURL: String {
        var items: [URLQueryItem] = []
        if !country.isEmpty { items.append(URLQueryItem(name: "country", value: country)) }
        if !region.isEmpty { items.append(URLQueryItem(name: "region", value: region)) }
        if !text.isEmpty { items.append(URLQueryItem(name: "q", value: text)) }
        if !type.isEmpty { items.append(URLQueryItem(name: "-renkei-team-types", value: type)) }
        if !member.isEmpty { items.append(URLQueryItem(name: "-renkei-member-type", value: member)) }
        return Self.build(SiteURL.globalIRTTeamsCSV.path, items)
    }

    private func parameter(_ sort: DirectorySort) -> String { sort.isDefault ? "" : sort.parameter }

    /// `base` with the filter and `extra`, leaving out what is empty.
    private func path(_ base: String, _ extra: [(String, String)]) -> String {
        let pairs = [("country", country), ("region", region), ("type", type), ("member", member), ("q", text)] + extra
        return Self.build(base, pairs.filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) })
    }

    private static func build(_ base: String, _ items: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.path = base
        components.queryItems = items.isEmpty ? nil : items
        // URLComponents leaves "+" as it is, which a form decoder reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? base
    }
}
