import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Imports teams read from a file: every team is checked first (GnuPG for keys, validation,
/// slugs), and only when all are valid are they written, in one transaction. An existing team
/// (same slug) keeps the fields the file leaves empty.
enum DirectoryImport {
    struct Incoming: Sendable {
        var record: TeamRecord
        /// Fingerprints the file declares for the record's keys, in the same order.
        var fingerprints: [String]
    }

    struct Summary: Sendable, Equatable {
        var total = 0
        var created = 0
        var updated = 0
        var unchanged = 0
    }

    static func run(_ incoming: [Incoming], source: String, app: Application,
                    progress: (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let operatorActor = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        let existing = try await TeamModel.all(on: app.db)
        var prepared: [(record: TeamRecord, model: TeamModel?)] = []
        var problems: [String] = []
        for (index, item) in incoming.enumerated() {
            var record = item.record
            if record.slug.isEmpty { record.slug = TeamRecord.slug(from: record.shortName) }
            let model = existing.first { $0.slug == record.slug }
            var candidate = model.map { $0.record.merging(record) } ?? record
            if item.fingerprints.count == candidate.pgpKeys.count {
                for keyIndex in candidate.pgpKeys.indices { candidate.pgpKeys[keyIndex].fingerprint = item.fingerprints[keyIndex] }
            }
            do {
                prepared.append((try await app.renkei.editing.prepare(candidate, replacing: model?.record, actor: operatorActor), model))
            } catch {
                let name = record.shortName.isEmpty ? "(no name)" : record.shortName
                problems += error.fieldErrors.map { "team \(index + 1) \(name): \($0.field): \($0.message)" }
            }
            if (index + 1) % 25 == 0 || index + 1 == incoming.count { progress(index + 1, incoming.count) }
        }
        let slugCounts = Dictionary(grouping: prepared.map(\.record.slug), by: { $0 }).filter { $0.value.count > 1 }
        problems += slugCounts.keys.sorted().map { "the file holds more than one team with the slug “\($0)”" }
        guard problems.isEmpty else {
            throw UsageError(message: "nothing imported; \(problems.count) problem(s):\n  " + problems.joined(separator: "\n  "))
        }
        let author = ChangeAuthor(userID: nil, name: "Import from \(source)", channel: "cli")
        let writes = prepared
        defer { DataVersions.noteLocalWrite() }
        return try await app.db.transaction { database in
            var summary = Summary(total: writes.count)
            for item in writes {
                let before = item.model?.modifiedAt
                let saved = try await TeamWrites.save(item.record, existing: item.model, author: author, on: database)
                if item.model == nil { summary.created += 1 } else if saved.modifiedAt != before { summary.updated += 1 } else { summary.unchanged += 1 }
            }
            return summary
        }
    }
}
