import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// `renkei import rir|pfx2as|constituency FILE...`: reads the files, reports what it skipped
/// and why, and makes the result the current dataset of that kind in one transaction, keeping
/// the last few imports (`Settings.datasetHistory`); `renkei import rollback KIND` returns to
/// the previous one. A killed import leaves the previous dataset current and whole.
enum DatasetImport {
    struct Report: Sendable {
        var kind: DatasetKind
        var id: UUID?
        var entries = 0
        var unused = 0
        /// Prefixes given more than once (the last line of each holds).
        var repeated = 0
        /// "file: line N: reason".
        var skipped: [String] = []
    }

    /// One file or several, parsed into what is stored.
    struct Parsed {
        var entries = 0
        var unused = 0
        var repeated = 0
        var skipped: [SkippedLine] = []
        var payload = Data()
        var registration: RegistrationData?
        var routing: RoutingData?
        var constituency = ""

        /// Parses one file; `knownTeams` (constituency only) leaves out entries of unknown teams.
        init(kind: DatasetKind, bytes: UnsafeBufferPointer<UInt8>, knownTeams: Set<String>?) {
            switch kind {
            case .rir:
                let data = RIRDelegated.parse(bytes)
                (entries, unused, skipped, registration) = (data.prefixes.count + data.asns.count, data.unused, data.skipped, data)
            case .pfx2as:
                let data = PrefixToAS.parse(bytes)
                (entries, skipped, routing) = (data.prefixes.count, data.skipped, data)
            case .constituency:
                constituency = String(decoding: bytes, as: UTF8.self)
                let parsed = ConstituencyCSV.parse(constituency, knownTeams: knownTeams)
                (entries, skipped) = (parsed.entries.count, parsed.skipped)
            }
        }

        init() {}

        /// Adds another file's data.
        mutating func add(_ other: Parsed) {
            entries += other.entries
            unused += other.unused
            if let data = other.registration {
                if registration == nil { registration = data } else { registration?.append(data) }
            }
            if let data = other.routing {
                if routing == nil { routing = data } else { routing?.append(data) }
            }
            constituency += (constituency.isEmpty ? "" : "\n") + other.constituency
        }

        /// The files' data together, each prefix once, in the stored form.
        mutating func finish() throws {
            for prefixes in [registration?.prefixes, routing?.prefixes].compactMap({ $0 }) where prefixes.v4Networks.count > PrefixColumns.maxIPv4Prefixes {
                throw UsageError(message: "\(prefixes.v4Networks.count) IPv4 prefixes: more than any routing table or registry holds; nothing was imported")
            }
            if var data = registration {
                let given = data.prefixes.count
                data.prefixes = data.prefixes.normalised()
                (entries, repeated) = (data.prefixes.count + data.asns.count, given - data.prefixes.count)
                registration = data
            }
            if var data = routing {
                let given = data.prefixes.count
                data.prefixes = data.prefixes.normalised()
                (entries, repeated) = (data.prefixes.count, given - data.prefixes.count)
                routing = data
            }
            payload = encoded()
        }

        private func encoded() -> Data {
            if let registration { return Data(DatasetCoding.encode(registration)) }
            if let routing { return Data(DatasetCoding.encode(routing)) }
            return Data(constituency.utf8)
        }
    }

    static func run(kind: DatasetKind, files: [String], keep: Int, database: any Database, now: Date = Date(),
                    progress: (String) -> Void = { _ in }) async throws -> Report {
        guard !files.isEmpty else { throw UsageError(message: "name at least one file to import") }
        var report = Report(kind: kind)
        var combined = Parsed()
        let knownTeams = kind == .constituency ? Set(try await TeamModel.query(on: database).all().map(\.slug)) : nil
        for (index, path) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError(message: "cannot read \(path)") }
            let name = URL(fileURLWithPath: path).lastPathComponent
            progress("Reading \(name) (\(index + 1)/\(files.count), \(data.count / 1024) KiB)")
            let parsed = try data.withUnsafeBytes { raw -> Parsed in
                let bytes = raw.bindMemory(to: UInt8.self)
                guard kind != .constituency || String(validating: bytes, as: UTF8.self) != nil else {
                    throw UsageError(message: "\(path) is not UTF-8 text")
                }
                return Parsed(kind: kind, bytes: bytes, knownTeams: knownTeams)
            }
            report.skipped += parsed.skipped.map { "\(name): \($0)" }
            progress("  \(parsed.entries) entries, \(parsed.skipped.count) skipped\(parsed.unused > 0 ? ", \(parsed.unused) unallocated" : "")")
            combined.add(parsed)
        }
        try combined.finish()
        report.entries = combined.entries
        report.unused = combined.unused
        report.repeated = combined.repeated
        guard report.entries > 0 else {
            let reasons = report.skipped.isEmpty ? "" : " (" + report.skipped.prefix(3).joined(separator: "; ") + (report.skipped.count > 3 ? "; …" : "") + ")"
            throw UsageError(message: "no usable entries in \(files.joined(separator: ", "))\(reasons); the \(kind.rawValue) dataset was not replaced")
        }
        if report.repeated > 0 { progress("  \(report.repeated) prefixes were given more than once: the last line of each holds") }
        let source = files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        progress("Writing the \(kind.rawValue) dataset (\(report.entries) entries)")
        let id = UUID()
        let (entries, skipped, payload) = (report.entries, report.skipped, combined.payload)
        try await database.transaction { database in
            let sequence = (try await DatasetImportModel.query(on: database).max(\.$sequence) ?? 0) + 1
            let model = DatasetImportModel(kind: kind, sequence: sequence, source: source, importedAt: now, entries: entries,
                                           skipped: skipped, payload: payload)
            model.id = id
            try await model.create(on: database)
            let kept = try await DatasetImportModel.history(of: kind, on: database)
            let dropped = kept.dropFirst(keep).compactMap(\.id)
            if !dropped.isEmpty { try await DatasetImportModel.query(on: database).filter(\.$id ~~ dropped).delete() }
            try await DataVersions.bump(DataVersions.dataset(kind.rawValue), on: database)
        }
        DataVersions.noteLocalWrite()
        report.id = id
        return report
    }

    /// Drops the current import of `kind`, so the one before it is current again.
    static func rollback(kind: DatasetKind, database: any Database) async throws -> (dropped: DatasetImportModel, current: DatasetImportModel) {
        let result = try await database.transaction { database -> (DatasetImportModel, DatasetImportModel) in
            let history = try await DatasetImportModel.history(of: kind, on: database)
            guard history.count >= 2, let newest = history.first?.id else {
                throw UsageError(message: "there is no earlier \(kind.rawValue) import to return to (\(history.count) kept)")
            }
            try await DatasetImportModel.query(on: database).filter(\.$id == newest).delete()
            try await DataVersions.bump(DataVersions.dataset(kind.rawValue), on: database)
            return (history[0], history[1])
        }
        DataVersions.noteLocalWrite()
        return result
    }
}
