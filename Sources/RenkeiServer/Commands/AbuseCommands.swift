import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei abuse feeds|ingest|notify|expire`: the abuse pipeline for the secretariat and its scripts.
struct AbuseCommand: AnyAsyncCommand {
    var help: String {
        """
        feeds [--json]: the configured feeds.
        feeds add NAME [--format csv|jsonl|xarf] [--tlp LABEL] [--retention-days N] [--description TEXT]: configures a feed.
        ingest --feed NAME FILE... [--format csv|jsonl|xarf] [--json]: takes report files in (each whole or not at all), with a progress bar;
               --json prints one summary object per file: accepted, duplicates, rejected, routed, unrouted, teams, seconds.
        receive [--feed NAME]: takes one mail on standard input: an ARF (RFC 5965) or X-ARF report for the feed (abuse-mail unless named),
               or a reply to a notice, which acknowledges it when its sender is one of the team's people (sendmail's exit codes).
        notify [--flush] [--json]: queues the batch notices that are due (--flush: every team's waiting events now).
        expire [--json]: deletes the events each feed keeps no longer (its retention days after they were last seen).
        """
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["feed", "format", "tlp", "retention-days", "description"],
                                             flags: ["json", "flush"])
        let app = context.application
        let json = arguments.flags.contains("json")
        switch arguments.operands.first {
        case "feeds" where arguments.operands.count == 1:
            let feeds = try await AbuseFeeds.all(on: app.db)
            if json {
                print(try Self.json(feeds.map(AbuseFeeds.row)))
            } else {
                for feed in feeds { print("\(feed.name)\t\(feed.format)\t\(feed.label.text)\t\(feed.retentionDays) days\t\(feed.description)") }
            }
        case "feeds" where arguments.operands.count == 2 && arguments.operands[1] == "add":
            throw UsageError(message: "usage: renkei abuse feeds add NAME [--format csv|jsonl|xarf] [--tlp LABEL] [--retention-days N] [--description TEXT]")
        case "feeds" where arguments.operands.count == 3 && arguments.operands[1] == "add":
            let feed = try await Self.addFeed(arguments.operands[2], arguments: arguments, on: app.db)
            print(json ? try Self.json(AbuseFeeds.row(feed)) : "feed \(feed.name) added (\(feed.format), \(feed.label.text), kept \(feed.retentionDays) days)")
        case "ingest" where arguments.operands.count >= 2:
            try await ingest(Array(arguments.operands.dropFirst()), arguments: arguments, app: app)
        case "receive" where arguments.operands.count == 1:
            let name = arguments.options["feed"] ?? AbuseFeedName.mail
            guard let feed = try await AbuseFeeds.named(name, on: app.db) else { throw UsageError(message: "there is no feed “\(name)”; renkei abuse feeds lists them") }
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            guard !bytes.isEmpty else { throw CommandExit(status: SendmailExit.dataError.rawValue, message: "no message on standard input") }
            let outcome = try await AbuseMailIntake(database: app.db, resolver: try await app.lookup.upToDateResolver(on: app.db), now: Date())
                .receive(bytes, feed: feed)
            guard outcome.exit == .ok else { throw CommandExit(status: outcome.exit.rawValue, message: outcome.message) }
            print(outcome.message)
        case "notify" where arguments.operands.count == 1:
            let report = try await AbuseNotify(addressing: app.renkei.mail).run(flush: arguments.flags.contains("flush"), on: app.db)
            print(json ? try Self.json(report) : "\(report.notices) notice\(report.notices == 1 ? "" : "s") with \(report.events) events queued in the outbox"
                         + (report.tickets.isEmpty ? "" : ": " + report.tickets.prefix(10).joined(separator: ", ") + (report.tickets.count > 10 ? ", …" : "")))
        case "expire" where arguments.operands.count == 1:
            let expired = try await AbuseRetentionRun.run(on: app.db)
            print(json ? try Self.json(expired) : expired.isEmpty ? "no event is older than its feed keeps it"
                         : expired.map { "\($0.feed): \($0.deleted) events deleted" }.joined(separator: "\n"))
        default:
            throw UsageError(message: "usage: renkei abuse feeds|ingest --feed NAME FILE...|receive [--feed NAME]|notify [--flush]|expire (renkei abuse --help)")
        }
    }

    private func ingest(_ files: [String], arguments: CommandArguments, app: Application) async throws {
        guard let name = arguments.options["feed"] else { throw UsageError(message: "usage: renkei abuse ingest --feed NAME FILE... [--format csv|jsonl|xarf] [--json]") }
        guard let feed = try await AbuseFeeds.named(name, on: app.db) else {
            throw UsageError(message: "there is no feed “\(name)”; renkei abuse feeds lists them")
        }
        let format = try Self.format(arguments.options["format"])
        var handles: [(String, FileHandle, UInt64)] = []
        for file in files {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw UsageError(message: "cannot read \(file)") }
            handles.append((file, handle, (try? handle.seekToEnd()) ?? 0))
            try handle.seek(toOffset: 0)
        }
        let resolver = try await app.lookup.upToDateResolver(on: app.db)
        let ingest = try await AbuseFeeds.ingest(feed, format: format, resolver: resolver, on: app.db)
        for (file, handle, size) in handles {
            defer { try? handle.close() }
            let digest = try AbuseReportSource.digest(ofFile: handle)
            let bar = ProgressBar(total: Int(size), label: "Ingesting \(URL(fileURLWithPath: file).lastPathComponent)")
            let summary: AbuseIngestSummary
            do {
                summary = try await ingest.ingest(AbuseReportSource(file: handle), fileName: URL(fileURLWithPath: file).lastPathComponent, digest: digest,
                                                  on: app.db, progress: { bar.update($0) })
            } catch let error as GenericCSVReport.FileError {
                bar.finish()
                throw UsageError(message: "\(file): \(error.reason); nothing of it was taken in")
            }
            bar.finish()
            if arguments.flags.contains("json") {
                print(try AbuseIngest.encoded(summary))
            } else {
                print("\(file): \(summary.replayed ? "taken in before; " : "")\(summary.accepted) events accepted (\(summary.duplicates) duplicates), "
                      + "\(summary.rejected) rejected; \(summary.routed) routed to \(summary.teams) teams, \(summary.unrouted) unrouted, in \(String(format: "%.2f", summary.seconds)) s")
                for error in summary.errors.prefix(20) { print("  \(error.file):\(error.line): \(error.reason)") }
            }
        }
    }

    static func addFeed(_ name: String, arguments: CommandArguments, on database: any Database) async throws -> AbuseFeedModel {
        guard AbuseFeedName.isValid(name) else { throw UsageError(message: "a feed name is lower-case letters, digits and inner hyphens (at most 63): “\(name)” is not") }
        guard try await AbuseFeedModel.query(on: database).filter(\.$name == name).count() == 0 else { throw UsageError(message: "there is a feed \(name) already") }
        let format = try Self.format(arguments.options["format"]) ?? .csv
        let tlp = try arguments.options["tlp"].map { text throws(UsageError) in
            guard let label = TLPLabel(parsing: text) else { throw UsageError(message: "--tlp is CLEAR, GREEN, AMBER, AMBER+STRICT or RED, not “\(text)”") }
            return label
        } ?? .amber
        let days = try arguments.options["retention-days"].map { text throws(UsageError) in
            guard let days = Int(text), AbuseRetention.allowedDays.contains(days) else { throw UsageError(message: "--retention-days is a number of days from 1 to 3650") }
            return days
        } ?? 90
        let feed = AbuseFeedModel(name: name, description: arguments.options["description"] ?? "", format: format, tlp: tlp, retentionDays: days, createdAt: Date())
        try await feed.create(on: database)
        return feed
    }

    static func format(_ text: String?) throws(UsageError) -> AbuseReportReader.Format? {
        guard let text else { return nil }
        guard let format = AbuseReportReader.Format(rawValue: text) else { throw UsageError(message: "--format is csv, jsonl or xarf, not “\(text)”") }
        return format
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
