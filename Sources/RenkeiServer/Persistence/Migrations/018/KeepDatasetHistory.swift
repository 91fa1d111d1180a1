import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Lookup datasets are kept as parsed columns rather than text (the server reads a full
/// routing table back in milliseconds), with the last few imports of each kind. The one
/// dataset per kind of `datasets` moves over, parsed once here.
struct KeepDatasetHistory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DatasetImportModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("sequence", .int64, .required)
            .field("source", .string, .required)
            .field("imported_at", .datetime, .required)
            .field("entries", .int, .required)
            .field("skipped", .int, .required)
            .field("skipped_lines", .sql(unsafeRaw: "TEXT"), .required)
            .field("payload", .data, .required)
            .unique(on: "sequence")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX dataset_imports_kind ON dataset_imports (kind, sequence)").run()

        struct Old: Decodable {
            var kind: String
            var source: String
            var imported_at: Date
            var skipped: Int
            var content: String
        }
        let old = try await sql.raw("SELECT kind, source, imported_at, skipped, content FROM datasets").all(decoding: Old.self)
        for (position, row) in old.enumerated() {
            guard let kind = DatasetKind(rawValue: row.kind) else { continue }
            var text = row.content
            var parsed = text.withUTF8 { DatasetImport.Parsed(kind: kind, bytes: $0, knownTeams: nil) }
            try parsed.finish()
            let model = DatasetImportModel(kind: kind, sequence: Int64(position + 1), source: row.source, importedAt: row.imported_at,
                                           entries: parsed.entries, skipped: [], payload: parsed.payload)
            model.skipped = row.skipped
            try await model.create(on: database)
        }
        try await database.schema("datasets").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DatasetImportModel.schema).delete()
        try await CreateDatasets().prepare(on: database)
    }
}
