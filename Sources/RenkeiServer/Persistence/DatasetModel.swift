import Fluent
import Foundation

/// One imported dataset (RIR registrations, routing, extra constituency entries): the files'
/// text as imported, replaced whole by the next import of the same kind.
final class DatasetModel: Model, @unchecked Sendable {
    static let schema = "datasets"

    enum Kind: String, CaseIterable, Sendable {
        case rir, pfx2as, constituency
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    /// File names as given to the import.
    @Field(key: "source") var source: String
    @Field(key: "imported_at") var importedAt: Date
    @Field(key: "entries") var entries: Int
    @Field(key: "skipped") var skipped: Int
    @Field(key: "content") var content: String

    init() {}

    init(kind: Kind, source: String, importedAt: Date, entries: Int, skipped: Int, content: String) {
        self.kind = kind.rawValue
        self.source = source
        self.importedAt = importedAt
        self.entries = entries
        self.skipped = skipped
        self.content = content
    }

    /// "delegated-apnic-extended-latest, imported 2026-11-27 10:00 UTC (123 entries)".
    var summary: String {
        "\(source), imported \(TeamView.minute(importedAt)) (\(entries) entries)"
    }
}
