import Foundation

/// The order of the directory list: one column, ascending or descending, written in a query
/// string as `sort=country` or `sort=-country`. Ties fall back to the short name, so a page
/// boundary never moves between two requests of the same sort.
public struct DirectorySort: Sendable, Hashable {
    public enum Column: String, Sendable, Hashable, CaseIterable {
        case name, official, country, type, membership, open
    }

    public var column: Column
    public var descending: Bool

    public init(column: Column = .name, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    /// `nil` or empty is the default (short name, ascending); anything else must name a column.
    public init(parsing text: String?) throws(FieldError) {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { self.init(); return }
        let descending = text.hasPrefix("-")
        guard let column = Column(rawValue: descending ? String(text.dropFirst()) : text) else {
            throw FieldError(field: "sort", message: "Sort by one of: " + Column.allCases.map(\.rawValue).joined(separator: ", ")
                             + " (a leading “-” for descending).")
        }
        self.init(column: column, descending: descending)
    }

    /// The query value, e.g. `-country`.
    public var parameter: String { (descending ? "-" : "") + column.rawValue }

    public var isDefault: Bool { self == DirectorySort() }

    /// What a column heading's link asks for: the other direction of the current column, or a
    /// new column ascending.
    public func following(_ column: Column) -> DirectorySort {
        DirectorySort(column: column, descending: column == self.column ? !descending : false)
    }

    /// The `aria-sort` value of a column heading (WAI-ARIA): only the sorted column has one.
    public func ariaSort(_ column: Column) -> String? {
        column == self.column ? (descending ? "descending" : "ascending") : nil
    }

    /// Records (already cut to what the reader may see) in this order; "open" is judged at
    /// `now`: open first, then closed, then teams whose hours the reader cannot see.
    public func sorted(_ records: [TeamRecord], at now: Date) -> [TeamRecord] {
        func nameOrder(_ a: TeamRecord, _ b: TeamRecord) -> Bool {
            let order = a.shortName.localizedCaseInsensitiveCompare(b.shortName)
            return order == .orderedSame ? a.slug < b.slug : order == .orderedAscending
        }
        let keyed: [(record: TeamRecord, key: String)] = records.map { record in
            let key: String
            switch column {
            case .name: key = record.shortName
            case .official: key = record.officialName
            case .country: key = Country.named(record.countryCode)?.name ?? record.countryCode
            case .type: key = record.teamTypes.map(\.label).joined(separator: ", ")
            case .membership: key = record.memberType?.rawValue ?? ""
            case .open:
                key = switch record.operatingHours.openState(at: now) {
                case .open: "0"
                case .closed: "1"
                case nil: "2"
                }
            }
            return (record, key)
        }
        return keyed.sorted { a, b in
            // An empty value goes last in either direction: a missing country or member type is
            // not "smaller" than the others.
            if a.key.isEmpty != b.key.isEmpty { return b.key.isEmpty }
            let order = a.key.localizedCaseInsensitiveCompare(b.key)
            if order == .orderedSame { return nameOrder(a.record, b.record) }
            return descending ? order == .orderedDescending : order == .orderedAscending
        }.map(\.record)
    }
}
