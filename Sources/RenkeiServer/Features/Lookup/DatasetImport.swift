import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei import rir|pfx2as|constituency FILE...`: reads the files, reports what it skipped
/// and why, and replaces the dataset of that kind in one transaction.
enum DatasetImport {
    struct Report: Sendable {
        var kind: DatasetModel.Kind
        var entries = 0
        var unused = 0
        /// "file: line N: reason".
        var skipped: [String] = []
    }

    static func run(kind: DatasetModel.Kind, files: [String], database: any Database, now: Date = Date(),
                    progress: (String) -> Void = { _ in }) async throws -> Report {
        guard !files.isEmpty else { throw UsageError(message: "name at least one file to import") }
        var report = Report(kind: kind)
        var texts: [String] = []
        let knownTeams = kind == .constituency ? Set(try await TeamModel.query(on: database).all().map(\.slug)) : []
        for (index, path) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError(message: "cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw UsageError(message: "\(path) is not UTF-8 text") }
            let name = URL(fileURLWithPath: path).lastPathComponent
            progress("Reading \(name) (\(index + 1)/\(files.count), \(data.count / 1024) KiB)")
            let (entries, unused, skipped) = parse(text, kind: kind, knownTeams: knownTeams)
            report.entries += entries
            report.unused += unused
            report.skipped += skipped.map { "\(name): \($0)" }
            progress("  \(entries) entries, \(skipped.count) skipped\(unused > 0 ? ", \(unused) unallocated" : "")")
            texts.append(text)
        }
        guard report.entries > 0 else {
            throw UsageError(message: "no usable entries in \(files.joined(separator: ", ")); the \(kind.rawValue) dataset was not replaced")
        }
        let source = files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        let dataset = DatasetModel(kind: kind, source: source, importedAt: now, entries: report.entries,
                                   skipped: report.skipped.count, content: texts.joined(separator: "\n"))
        try await database.transaction { database in
            try await DatasetModel.query(on: database).filter(\.$kind == kind.rawValue).delete()
            try await dataset.create(on: database)
            try await DataVersions.bump(DataVersions.dataset(kind.rawValue), on: database)
        }
        DataVersions.noteLocalWrite()
        return report
    }

    static func parse(_ text: String, kind: DatasetModel.Kind, knownTeams: Set<String>) -> (entries: Int, unused: Int, skipped: [SkippedLine]) {
        switch kind {
        case .rir:
            var data = RegistrationData()
            RIRDelegated.parse(text, into: &data)
            return (data.prefixes.count + data.asns.count, data.unused, data.skipped)
        case .pfx2as:
            var data = RoutingData()
            PrefixToAS.parse(text, into: &data)
            return (data.prefixes.count, 0, data.skipped)
        case .constituency:
            let parsed = ConstituencyCSV.parse(text, knownTeams: knownTeams)
            return (parsed.entries.count, 0, parsed.skipped)
        }
    }
}
