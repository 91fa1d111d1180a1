import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Named change counters (`data_versions`) for data a server keeps in memory: the directory
/// snapshot (`DirectorySnapshots`), the lookup tables (`LookupService`). A writer calls `bump`
/// in the transaction that changes the data. Readers ask `current`, which answers from memory:
/// the values are read again (one query) only after this process wrote something, and
/// `refresh` (every second, `usePeriodicWork`) brings in what other servers on the same
/// database wrote.
final class DataVersions: Sendable {
    static let schema = "data_versions"

    /// The team directory: any team created, changed or imported.
    static let directory = "directory"

    /// People's names: any account made, renamed or deleted (`PeopleNames`).
    static let people = "people"

    /// Special Interest Groups and their participants (`SIGRegistry`).
    static let sigs = "sigs"

    /// A lookup dataset (`renkei import rir|pfx2as|constituency`).
    static func dataset(_ kind: String) -> String { "dataset.\(kind)" }

    private struct State {
        var values: [String: Int64] = [:]
        /// `localWrites` as it was when `values` were read; nil before the first read.
        var seenWrites: UInt64?
        var issuedReads: UInt64 = 0
        var appliedRead: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Counts writes of this process. A write is noted after its transaction commits (and
    /// once more by `bump`, before); a note only costs the next reader one query, and the
    /// counter is process-wide because writers reach the database, not the application.
    private static let localWrites = NIOLockedValueBox<UInt64>(0)

    static func noteLocalWrite() {
        localWrites.withLockedValue { $0 &+= 1 }
    }

    /// Moves `name` on, in the caller's transaction so the counter and the data change together.
    static func bump(_ name: String, on database: any Database) async throws {
        let sql = try database.sql
        try await sql.raw("""
            INSERT INTO data_versions (name, version) VALUES (\(bind: name), 1)
            ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1
            """).run()
        noteLocalWrite()
    }

    /// The version of `name` (0 before its first change), from memory unless this process
    /// wrote since the last read.
    func current(_ name: String, on database: any Database) async throws -> Int64 {
        try await all(on: database)[name] ?? 0
    }

    func all(on database: any Database) async throws -> [String: Int64] {
        let writes = Self.localWrites.withLockedValue { $0 }
        let known = state.withLockedValue { state in state.seenWrites == writes ? state.values : nil }
        if let known { return known }
        return try await refresh(on: database)
    }

    /// Reads every counter. Inside a transaction the answer is returned but not kept: it may
    /// count changes that are not committed yet, and other requests must not trust it.
    @discardableResult
    func refresh(on database: any Database) async throws -> [String: Int64] {
        struct Row: Decodable {
            var name: String
            var version: Int64
        }
        let sql = try database.sql
        let writes = Self.localWrites.withLockedValue { $0 }
        let read = state.withLockedValue { state in
            state.issuedReads += 1
            return state.issuedReads
        }
        let rows = try await sql.raw("SELECT name, version FROM data_versions").all(decoding: Row.self)
        let values = Dictionary(rows.map { ($0.name, $0.version) }, uniquingKeysWith: max)
        guard !database.inTransaction else { return values }
        return state.withLockedValue { state in
            // Reads may finish out of order; the one that started last describes the newest state.
            guard read > state.appliedRead else { return state.values }
            state.appliedRead = read
            state.values = values
            state.seenWrites = writes
            return values
        }
    }
}

/// Notes a local write after every request that may have written (any method but GET and
/// HEAD), once its transactions have committed: writers that run inside a caller's
/// transaction (claims, membership decisions) are then seen by the very next request.
struct LocalWriteMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        defer {
            if request.method != .GET && request.method != .HEAD { DataVersions.noteLocalWrite() }
        }
        return try await next.respond(to: request)
    }
}
