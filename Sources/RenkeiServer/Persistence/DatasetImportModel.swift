import Fluent
import Foundation
import RenkeiCore

/// One import of a lookup dataset (RIR registrations, routing, extra constituency entries).
/// The newest import of a kind (highest `sequence`) is the current one; the few before it are
/// kept so `renkei import rollback` can return to them.
final class DatasetImportModel: Model, @unchecked Sendable {
    static let schema = "dataset_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    /// Orders the imports of all kinds; the highest of a kind is current.
    @Field(key: "sequence") var sequence: Int64
    /// File names as given to the import.
    @Field(key: "source") var source: String
    @Field(key: "imported_at") var importedAt: Date
    @Field(key: "entries") var entries: Int
    @Field(key: "skipped") var skipped: Int
    /// The first skipped lines, "file: line N: reason", one per line.
    @Field(key: "skipped_lines") var skippedLines: String
    /// RIR and routing data as `DatasetCoding` columns; constituency entries as their CSV text.
    @Field(key: "payload") var payload: Data

    init() {}

    init(kind: DatasetKind, sequence: Int64, source: String, importedAt: Date, entries: Int, skipped: [String], payload: Data) {
        self.kind = kind.rawValue
        self.sequence = sequence
        self.source = source
        self.importedAt = importedAt
        self.entries = entries
        self.skipped = skipped.count
        self.skippedLines = skipped.prefix(DatasetImportModel.keptSkippedLines).joined(separator: "\n")
        self.payload = payload
    }

    static let keptSkippedLines = 1_000

    var datasetKind: DatasetKind? { DatasetKind(rawValue: kind) }

    /// How answers name this import.
    var datasetSource: DatasetSource? {
        guard let id, let kind = datasetKind else { return nil }
        return DatasetSource(kind: kind, id: id, source: source, importedAt: importedAt, entries: entries)
    }

    /// The imports of every kind (or one), newest first, without their payloads.
    static func history(of kind: DatasetKind? = nil, on database: any Database) async throws -> [DatasetImportModel] {
        var query = DatasetImportModel.query(on: database)
            .field(\.$id).field(\.$kind).field(\.$sequence).field(\.$source).field(\.$importedAt)
            .field(\.$entries).field(\.$skipped).field(\.$skippedLines)
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        return try await query.sort(\.$sequence, .descending).all()
    }

    /// The current import of `kind`, payload included.
    static func current(_ kind: DatasetKind, on database: any Database) async throws -> DatasetImportModel? {
        try await DatasetImportModel.query(on: database).filter(\.$kind == kind.rawValue).sort(\.$sequence, .descending).first()
    }
}
