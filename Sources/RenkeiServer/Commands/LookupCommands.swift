import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// `renkei lookup INDICATOR... [--json]`: who to call, as the operator (a member) sees it.
struct LookupCommand: AnyAsyncCommand {
    var help: String { "Answers which teams are responsible for addresses, prefixes, AS numbers, domains, URLs, e-mail addresses or countries." }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, flags: ["json"])
        guard !arguments.operands.isEmpty else { throw UsageError(message: "usage: renkei lookup INDICATOR... [--json]") }
        let resolver = try await context.application.lookup.resolver(on: context.application.db)
        var failures: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for input in arguments.operands {
            do {
                let resolution = try resolver.resolve(input, audience: .members)
                if arguments.flags.contains("json") {
                    print(String(decoding: try encoder.encode(resolution), as: UTF8.self))
                } else {
                    print(Self.table(resolution))
                }
            } catch let error as Indicator.ParseError {
                failures.append(error.description)
                if arguments.flags.contains("json") {
                    print(String(decoding: try encoder.encode(["input": input, "error": error.reason]), as: UTF8.self))
                }
            }
        }
        if !failures.isEmpty { throw UsageError(message: failures.joined(separator: "\nrenkei: ")) }
    }

    static func table(_ resolution: Resolution) -> String {
        var lines = ["\(resolution.indicator) (\(resolution.type))"]
        lines += resolution.facts.map { "  \($0)" }
        if let explanation = resolution.explanation { lines.append("  \(explanation)") }
        for candidate in resolution.candidates {
            let team = candidate.team
            var contact = [team.email, team.phoneNumbers.first].compactMap { $0 }.joined(separator: ", ")
            if let open = team.openNow { contact += open ? "; open now" : "; closed now" }
            if let emergency = team.emergencyContact { contact += "; emergency: \(emergency)" }
            lines.append("  \(candidate.rank). \(team.shortName) [\(team.slug)] \(candidate.kind.rawValue) — \(contact)")
            if let fingerprint = team.pgpFingerprints.first { lines.append("     PGP \(fingerprint)") }
            lines += candidate.reasons.map { "     · \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// `renkei route EVENTS.csv --column ip --out DIR`: splits an abuse-event file by responsible
/// team: one CSV per team (the header and the rows, unchanged), `unrouted.csv`, and
/// `summary.json`; shows a progress bar on standard error.
struct RouteCommand: AnyAsyncCommand {
    var help: String { "Splits a CSV of events into one file per responsible team (route EVENTS.csv --column ip --out DIR)." }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["column", "out"])
        guard arguments.operands.count == 1, let column = arguments.options["column"], let out = arguments.options["out"] else {
            throw UsageError(message: "usage: renkei route EVENTS.csv --column NAME --out DIR")
        }
        let resolver = try await context.application.lookup.resolver(on: context.application.db)
        let summary = try EventRouting.route(file: arguments.operands[0], column: column, outputDirectory: out, resolver: resolver)
        print(summary.description)
    }
}

enum EventRouting {
    struct Summary: Encodable, CustomStringConvertible {
        var rows = 0
        var routed = 0
        var unrouted = 0
        var unreadable = 0
        var teams: [String: Int] = [:]

        var description: String {
            var lines = ["\(rows) rows: \(routed) routed to \(teams.count) teams, \(unrouted) unrouted (\(unreadable) without a readable address)."]
            lines += teams.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(20).map { "  \($0.key): \($0.value)" }
            return lines.joined(separator: "\n")
        }
    }

    static func route(file: String, column: String, outputDirectory: String, resolver: Resolver) throws -> Summary {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw UsageError(message: "cannot read \(file) as UTF-8 text")
        }
        let records: [CSVRecord]
        do { records = try CSV.records(text) } catch { throw UsageError(message: "\(file): \(error.description)") }
        guard let header = records.first else { throw UsageError(message: "\(file) is empty") }
        guard let columnIndex = header.fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == column }) else {
            throw UsageError(message: "\(file) has no column “\(column)”; its columns are: \(header.fields.joined(separator: ", "))")
        }
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw UsageError(message: "cannot create \(outputDirectory): \(error.localizedDescription)")
        }
        var summary = Summary()
        var outputs: [String: [Substring]] = [:]
        var unrouted: [Substring] = []
        let progress = ProgressBar(total: records.count - 1, label: "Routing")
        for (index, record) in records.dropFirst().enumerated() {
            summary.rows += 1
            let value = columnIndex < record.fields.count ? record.fields[columnIndex].trimmingCharacters(in: .whitespaces) : ""
            let address = (try? Indicator(parsing: value)).flatMap { indicator -> IPAddress? in
                if case .address(let address) = indicator { return address }
                return nil
            }
            if let address, let team = resolver.topTeam(for: address) {
                outputs[team, default: []].append(record.text)
                summary.routed += 1
                summary.teams[team, default: 0] += 1
            } else {
                if address == nil { summary.unreadable += 1 }
                unrouted.append(record.text)
                summary.unrouted += 1
            }
            progress.update(index + 1)
        }
        progress.finish()
        let directory = URL(fileURLWithPath: outputDirectory)
        func write(_ name: String, _ rows: [Substring]) throws {
            let body = ([header.text] + rows).joined(separator: "\n") + "\n"
            guard FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data(body.utf8)) else {
                throw UsageError(message: "cannot write \(directory.appendingPathComponent(name).path)")
            }
        }
        for (team, rows) in outputs { try write("\(team).csv", rows) }
        try write("unrouted.csv", unrouted)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard FileManager.default.createFile(atPath: directory.appendingPathComponent("summary.json").path,
                                             contents: try encoder.encode(summary)) else {
            throw UsageError(message: "cannot write summary.json in \(outputDirectory)")
        }
        return summary
    }
}

/// A one-line progress bar on standard error, redrawn at most once per percent; updated from
/// whichever task does the work.
final class ProgressBar: Sendable {
    let total: Int
    let label: String
    private let shownPercent = NIOLockedValueBox(-1)

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    func update(_ done: Int) {
        let percent = done * 100 / total
        guard shownPercent.withLockedValue({ shown in
            defer { shown = percent }
            return shown != percent
        }) else { return }
        let filled = percent / 4
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 25 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(done)/\(total)".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
