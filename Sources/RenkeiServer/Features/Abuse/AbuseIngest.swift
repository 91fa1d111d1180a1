import Crypto
import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// What an ingest answers (`renkei abuse ingest --json`, `POST /api/v1/abuse/reports`).
/// `accepted` counts the events read, `duplicates` those of them that repeated an event within
/// the window (counted on it), `routed` and `unrouted` the new events, `teams` the teams they
/// went to; `rejected` lines were not events (the first `AbuseReportReader.keptErrors` are in
/// `errors`). `replayed` says the same report was taken in before, and this is its summary.
struct AbuseIngestSummary: Codable, Sendable, Equatable {
    struct LineError: Codable, Sendable, Equatable {
        var file: String
        var line: Int
        var reason: String
    }

    var ingest: UUID
    var feed: String
    var file: String
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var routed = 0
    var unrouted = 0
    var teams = 0
    var seconds = 0.0
    var replayed = false
    var errors: [LineError] = []
}

/// A report's bytes, block by block: a file is read 4 MiB at a time, an upload is one block.
final class AbuseReportSource: @unchecked Sendable {
    static let blockSize = 4 << 20
    private let next: () throws -> [UInt8]?

    init(bytes: [UInt8]) {
        var pending: [UInt8]? = bytes
        next = { defer { pending = nil }; return pending }
    }

    init(file handle: FileHandle) {
        next = {
            let block = try handle.read(upToCount: AbuseReportSource.blockSize) ?? Data()
            return block.isEmpty ? nil : Array(block)
        }
    }

    func read() throws -> [UInt8]? { try next() }

    /// SHA-256 of a file, read in blocks: which report it is, before anything is written.
    static func digest(ofFile handle: FileHandle) throws -> String {
        var hash = SHA256()
        while let block = try handle.read(upToCount: blockSize), !block.isEmpty { hash.update(data: block) }
        try handle.seek(toOffset: 0)
        return Hex.lowercase(hash.finalize())
    }

    static func digest(of bytes: [UInt8]) -> String { Hex.lowercase(SHA256.hash(data: bytes)) }
}

/// Takes one report in: reads it block by block, normalises each line (`AbuseReportReader`),
/// counts repeats within the window onto the event they repeat (`AbuseDedupKey`), routes each
/// new event (`Resolver.abuseRoute`) and writes them, all in one transaction with the record
/// of the ingest: a report is in whole or not at all, and once the answer says it is in, it is
/// committed. The same bytes for the same feed, or the same Idempotency-Key from the same
/// user, are answered with the first summary and change nothing.
struct AbuseIngest: Sendable {
    var feed: AbuseFeedModel
    var format: AbuseReportReader.Format
    var resolver: Resolver
    /// Team ids by slug, the resolver's teams.
    var teams: [String: UUID]
    /// The latest time an event taken in at `now` may have: a day ahead, for clocks that are off.
    static func notAfter(_ now: Date) -> Int64 { Int64(now.timeIntervalSince1970) + 86_400 }

    /// Events written per statement; keeps each statement's binds well under SQLite's limit.
    static let chunkSize = 2_000

    struct KeyReused: Error {}
    struct InProgress: Error {}

    func ingest(_ source: AbuseReportSource, fileName: String, digest: String, idempotencyKey: String? = nil, userID: UUID? = nil,
                on database: any Database, now: Date = Date(), progress: (@Sendable (Int) -> Void)? = nil) async throws -> AbuseIngestSummary {
        var reader = AbuseReportReader(format: format, feed: feed.name, file: fileName)
        reader.notAfter = Self.notAfter(now)
        let blocks = ReportBlocks(source: source, reader: reader)
        // The same bytes read in another format are another report.
        return try await ingest(blocks, fileName: fileName, digest: "\(format.rawValue):\(digest)", idempotencyKey: idempotencyKey, userID: userID,
                                on: database, now: now, progress: progress)
    }

    /// A report read before (a mail's, `AbuseMailReport`): `digest` names the bytes it came in.
    func ingest(_ report: GenericCSVReport.Result, fileName: String, digest: String, on database: any Database, now: Date = Date()) async throws -> AbuseIngestSummary {
        return try await ingest(ReadReport(report: report), fileName: fileName, digest: "mail:\(digest)", idempotencyKey: nil, userID: nil, on: database, now: now, progress: nil)
    }

    private func ingest(_ blocks: some AbuseEventBlocks, fileName: String, digest: String, idempotencyKey: String?, userID: UUID?,
                        on database: any Database, now: Date, progress: (@Sendable (Int) -> Void)?) async throws -> AbuseIngestSummary {
        if let earlier = try await earlier(digest: digest, idempotencyKey: idempotencyKey, userID: userID, on: database) { return earlier }
        do {
            return try await takeIn(blocks, fileName: fileName, digest: digest, idempotencyKey: idempotencyKey, userID: userID, on: database, now: now,
                                    progress: progress)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same report, sent again while the first was being taken in: once that one
            // committed, its summary; while it runs, a conflict to retry.
            if let earlier = try await earlier(digest: digest, idempotencyKey: idempotencyKey, userID: userID, on: database) { return earlier }
            throw InProgress()
        }
    }

    private func takeIn(_ blocks: some AbuseEventBlocks, fileName: String, digest: String, idempotencyKey: String?, userID: UUID?,
                        on database: any Database, now: Date, progress: (@Sendable (Int) -> Void)?) async throws -> AbuseIngestSummary {
        let started = Date()
        let id = UUID()
        var summary = try await database.transaction { database in
            var blocks = blocks
            try await AbuseIngestModel(id: id, feed: feed.name, fileName: fileName, digest: digest, idempotencyKey: idempotencyKey,
                                       userID: userID, createdAt: now).create(on: database)
            guard let sql = database as? any SQLDatabase else { throw AppError.badRequest("abuse handling needs an SQL database") }
            if sql.dialect.name == "sqlite" {
                // Repeats are looked up and indexes written all over a large table: with SQLite's
                // default 2 MB page cache most of that time goes to reading pages back in.
                try await sql.raw("PRAGMA cache_size = -131072").run()
            }
            var summary = AbuseIngestSummary(ingest: id, feed: feed.name, file: fileName)
            var teamsSeen = Set<UUID>()
            var tally = AbuseTally()
            var waiting: [AbuseEvent] = []
            var done = 0
            var last = false
            while !last {
                let block = try blocks.next()
                last = block == nil
                waiting += block?.events ?? []
                // Whole chunks now, the rest with the next block (all of it after the last).
                let ready = last ? waiting.count : waiting.count - waiting.count % Self.chunkSize
                for start in stride(from: 0, to: ready, by: Self.chunkSize) {
                    try await store(Array(waiting[start..<min(start + Self.chunkSize, ready)]), ingest: id, on: sql, into: &summary, teams: &teamsSeen,
                                    tally: &tally)
                }
                waiting.removeFirst(ready)
                done += block?.bytes ?? 0
                progress?(done)
            }
            summary.rejected = blocks.rejected
            tally.reject(blocks.rejected, feed: feed.name)
            try await tally.write(on: sql)
            summary.teams = teamsSeen.count
            summary.errors = blocks.errors.prefix(100).map { .init(file: $0.file, line: $0.line, reason: $0.reason) }
            try await AbuseIngestModel.query(on: database).filter(\.$id == id).set(\.$summary, to: try Self.encoded(summary)).update()
            return summary
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The summary of the same report taken in before, if it was.
    private func earlier(digest: String, idempotencyKey: String?, userID: UUID?, on database: any Database) async throws -> AbuseIngestSummary? {
        if let idempotencyKey, let userID,
           let keyed = try await AbuseIngestModel.query(on: database).filter(\.$userID == userID).filter(\.$idempotencyKey == idempotencyKey).first() {
            guard keyed.feed == feed.name, keyed.digest == digest else { throw KeyReused() }
            return try Self.replay(keyed)
        }
        let same = try await AbuseIngestModel.query(on: database).filter(\.$feed == feed.name).filter(\.$digest == digest).first()
        return try same.map(Self.replay)
    }

    private static func replay(_ model: AbuseIngestModel) throws -> AbuseIngestSummary {
        var summary = try JSONDecoder().decode(AbuseIngestSummary.self, from: Data(model.summary.utf8))
        summary.replayed = true
        summary.seconds = 0
        return summary
    }

    static func encoded(_ summary: AbuseIngestSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// An event as stored, found again when a later one repeats it.
    private struct Incident {
        var key: AbuseDedupKey
        var first: Int64
        /// Where it was routed, which its repeats are counted under.
        var team: UUID?
        var asn: UInt32?
        var country: String?
        /// Its row, or its place among the chunk's new events.
        var row: Int64?
        var fresh: Int?
    }

    private struct NewEvent {
        var event: AbuseEvent
        var digest: Int64
        var last: Int64
        var count: Int64
        var route: AbuseRoute
        var team: UUID?
    }

    /// Counts each event of the chunk onto the event it repeats (stored, or earlier in the
    /// chunk), and writes the rest as new events, routed: one SELECT, one INSERT, one UPDATE.
    private func store(_ events: [AbuseEvent], ingest: UUID, on sql: any SQLDatabase, into summary: inout AbuseIngestSummary,
                       teams teamsSeen: inout Set<UUID>, tally: inout AbuseTally) async throws {
        let keys = events.map(AbuseDedupKey.init)
        let digests = keys.map(\.digest)
        let times = events.map(\.observedAt)
        let low = times.min()! - AbuseDedupKey.window, high = times.max()! + AbuseDedupKey.window
        var known: [Int64: [Incident]] = [:]
        let rows = try await sql.raw("""
            SELECT id, feed, type, ip, port, fqdn, url, first_seen, dedup_key, team_id, asn, country FROM abuse_events
            WHERE dedup_key IN (\(unsafeRaw: Set(digests).map(String.init).joined(separator: ","))) AND first_seen > \(literal: low) AND first_seen < \(literal: high)
            """).all()
        // The key's hash finds the rows (abuse_events_repeats); its fields, the feed's among them, tell them apart.
        for row in rows {
            guard try row.decode(column: "feed", as: String.self) == feed.name,
                  let type = AbuseType(rawValue: try row.decode(column: "type", as: String.self)) else { continue }
            let ip = try row.decode(column: "ip", as: String?.self).flatMap { IPAddress($0) }
            let port = try row.decode(column: "port", as: Int?.self).flatMap { UInt16(exactly: $0) }
            known[try row.decode(column: "dedup_key", as: Int64.self), default: []].append(
                Incident(key: AbuseDedupKey(feed: feed.name, type: type, ip: ip, port: port, fqdn: try row.decode(column: "fqdn", as: String?.self),
                                            url: try row.decode(column: "url", as: String?.self)),
                         first: try row.decode(column: "first_seen", as: Int64.self), team: try row.decode(column: "team_id", as: UUID?.self),
                         asn: try row.decode(column: "asn", as: Int64?.self).flatMap { UInt32(exactly: $0) },
                         country: try row.decode(column: "country", as: String?.self), row: try row.decode(column: "id", as: Int64.self)))
        }
        var fresh: [NewEvent] = []
        var repeated: [Int64: (count: Int64, last: Int64)] = [:]
        summary.accepted += events.count
        for (index, event) in events.enumerated() {
            let key = keys[index], digest = digests[index]
            if let incident = known[digest]?.first(where: { $0.key == key && AbuseDedupKey.repeats(event.observedAt, first: $0.first) }) {
                summary.duplicates += 1
                tally.add(.init(day: AbuseMonitoring.day(event.observedAt), team: incident.team, feed: feed.name, type: event.type, asn: incident.asn,
                                country: incident.country), events: 0, reports: 1)
                if let row = incident.row {
                    let seen = repeated[row] ?? (0, event.observedAt)
                    repeated[row] = (seen.count + 1, max(seen.last, event.observedAt))
                } else if let position = incident.fresh {
                    fresh[position].count += 1
                    fresh[position].last = max(fresh[position].last, event.observedAt)
                }
                continue
            }
            let host = event.fqdn ?? event.url.flatMap { URLComponents(string: $0)?.host }
            let route = resolver.abuseRoute(address: event.sourceIP, reportedASN: event.asn, host: host)
            let team = route.team.flatMap { teams[$0] }
            if let team {
                summary.routed += 1
                teamsSeen.insert(team)
            } else {
                summary.unrouted += 1
            }
            tally.add(.init(day: AbuseMonitoring.day(event.observedAt), team: team, feed: feed.name, type: event.type, asn: route.asn, country: route.country),
                      events: 1, reports: 1)
            known[digest, default: []].append(Incident(key: key, first: event.observedAt, team: team, asn: route.asn, country: route.country, fresh: fresh.count))
            fresh.append(NewEvent(event: event, digest: digest, last: event.observedAt, count: 1, route: route, team: team))
        }
        if !fresh.isEmpty {
            // Types and statuses are the vocabulary's own words ([a-z-]), written as they are;
            // everything a report brings is bound.
            var insert = SQLQueryString("""
                INSERT INTO abuse_events (ingest_id, feed, type, dedup_key, ip, port, asn, country, fqdn, url, first_seen, last_seen, count, team_id, status, raw) VALUES
                """)
            for (index, new) in fresh.enumerated() {
                let event = new.event
                insert += """
                    \(unsafeRaw: index == 0 ? " " : ", ")(\(bind: ingest), \(bind: feed.name), '\(unsafeRaw: event.type.rawValue)', \(unsafeRaw: String(new.digest)), \
                    \(bind: event.sourceIP?.description), \(bind: event.sourcePort.map(Int.init)), \(bind: new.route.asn.map(Int64.init)), \(bind: new.route.country), \
                    \(bind: event.fqdn), \(bind: event.url), \(literal: event.observedAt), \(literal: new.last), \(literal: new.count), \(bind: new.team), \
                    '\(unsafeRaw: AbuseEventTable.Status.open.rawValue)', \(bind: event.raw))
                    """
            }
            try await sql.raw(insert).run()
        }
        if !repeated.isEmpty {
            let values = repeated.map { "(\($0.key), \($0.value.count), \($0.value.last))" }.joined(separator: ", ")
            try await sql.raw("""
                WITH repeats (id, seen, last) AS (VALUES \(unsafeRaw: values))
                UPDATE abuse_events SET count = count + repeats.seen,
                    last_seen = CASE WHEN repeats.last > last_seen THEN repeats.last ELSE last_seen END
                FROM repeats WHERE abuse_events.id = repeats.id
                """).run()
        }
    }
}

/// A report's events as they are read, with the lines refused so far.
protocol AbuseEventBlocks: Sendable {
    /// The next block's events and how many bytes it read; nil once the report is read.
    mutating func next() throws -> (events: [AbuseEvent], bytes: Int)?
    var rejected: Int { get }
    var errors: [AbuseLineError] { get }
}

/// A report file or upload, read block by block.
struct ReportBlocks: AbuseEventBlocks, @unchecked Sendable {
    let source: AbuseReportSource
    var reader: AbuseReportReader
    private var finished = false

    init(source: AbuseReportSource, reader: AbuseReportReader) {
        (self.source, self.reader) = (source, reader)
    }

    mutating func next() throws -> (events: [AbuseEvent], bytes: Int)? {
        guard !finished else { return nil }
        let block = try source.read()
        finished = block == nil
        return (try reader.read(block ?? [], final: finished), block?.count ?? 0)
    }

    var rejected: Int { reader.rejected }
    var errors: [AbuseLineError] { reader.errors }
}

/// A report already read whole (a mail's).
struct ReadReport: AbuseEventBlocks {
    let report: GenericCSVReport.Result
    private var given = false

    init(report: GenericCSVReport.Result) {
        self.report = report
    }

    mutating func next() throws -> (events: [AbuseEvent], bytes: Int)? {
        defer { given = true }
        return given ? nil : (report.events, 0)
    }

    var rejected: Int { report.errors.count }
    var errors: [AbuseLineError] { report.errors }
}
