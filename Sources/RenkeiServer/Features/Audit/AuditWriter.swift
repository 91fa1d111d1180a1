import Fluent
import Foundation
import SQLKit

/// Writes the audit events of requests in group commits. Every audited read appends a line
/// before its answer leaves; one commit each made concurrent readers wait on each other's
/// sync, and SQLite's second connection spun on the write lock meanwhile. Here the events
/// that arrive while a write is under way wait for it to end and are then written together in
/// one statement, and each request still returns only once its own line is stored.
actor AuditWriter {
    struct Event: Sendable {
        var at: Date
        var actorUserID: UUID?
        var actor: String
        var action: String
        var subject: String
        var detail: String
        var address: String
    }

    /// Events per statement: eight binds each, well under SQLite's and PostgreSQL's limits.
    static let eventsPerInsert = 500

    private var waiting: [(event: Event, stored: CheckedContinuation<Void, any Error>)] = []
    private var isWriting = false

    /// Returns once `event` is stored, or throws what writing it threw. `database` is the
    /// application's, never a transaction: the events of other requests are written through it.
    func write(_ event: Event, on database: any Database) async throws {
        try await withCheckedThrowingContinuation { (stored: CheckedContinuation<Void, any Error>) in
            waiting.append((event, stored))
            guard !isWriting else { return }
            isWriting = true
            Task { await writeWaiting(on: database) }
        }
    }

    private func writeWaiting(on database: any Database) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.eventsPerInsert))
            waiting.removeFirst(batch.count)
            do {
                try await Self.insert(batch.map(\.event), on: database.sql)
                for entry in batch { entry.stored.resume() }
            } catch {
                // One event the database refuses must not fail the requests it was grouped with.
                for entry in batch {
                    do {
                        try await Self.insert([entry.event], on: database.sql)
                        entry.stored.resume()
                    } catch {
                        entry.stored.resume(throwing: error)
                    }
                }
            }
        }
        isWriting = false
    }

    /// One INSERT for all of `events`. Written with SQLKit: Fluent reflects over the model's
    /// fields on every create, a noticeable part of every audited read.
    static func insert(_ events: [Event], on sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: AuditEventModel.schema)
            .columns("id", "at", "actor_user_id", "actor", "action", "subject", "detail", "address")
        for event in events {
            _ = insert.values(SQLBind(UUID()), SQLBind(event.at), SQLBind(event.actorUserID), SQLBind(event.actor), SQLBind(event.action),
                              SQLBind(event.subject), SQLBind(event.detail), SQLBind(event.address))
        }
        try await insert.run()
    }
}
