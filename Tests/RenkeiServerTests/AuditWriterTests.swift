import Fluent
import Foundation
@testable import RenkeiServer
import Testing

extension ServerTests {
    /// Group commits keep each request's promise: its line is stored when its write returns,
    /// and no line of concurrent writers is lost or mixed up with another's.
    @Test func concurrentAuditWritersEachFindTheirOwnLineStoredOnReturn() async throws {
        try await withRenkei { app, _ in
            let writer = AuditWriter()
            let writers = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<writers {
                    group.addTask {
                        let event = AuditWriter.Event(at: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)), actorUserID: nil,
                                                      actor: "reader\(index)@test.example", action: "item.read", subject: "writer \(index)",
                                                      detail: "TLP:AMBER via api", address: "192.0.2.\(index)")
                        try await writer.write(event, on: app.db)
                        let stored = try await AuditEventModel.query(on: app.db).filter(\.$subject == "writer \(index)").all()
                        #expect(stored.map(\.actor) == ["reader\(index)@test.example"])
                        #expect(stored.map(\.address) == ["192.0.2.\(index)"])
                        #expect(stored.map(\.at) == [Date(timeIntervalSince1970: 1_800_000_000 + Double(index))])
                    }
                }
                try await group.waitForAll()
            }
            let lines = try await AuditEventModel.query(on: app.db).filter(\.$subject ~~ "writer ").all()
            #expect(lines.count == writers)
            #expect(Set(lines.compactMap(\.id)).count == writers, "every line has its own id")
        }
    }

    /// An event the database refuses (PostgreSQL takes no NUL in text; SQLite stores it) fails
    /// only its own writer: the events grouped with it are stored and their writers return.
    @Test func anEventTheDatabaseRefusesFailsOnlyItsOwnWriter() async throws {
        try await withRenkei { app, _ in
            let writer = AuditWriter()
            func event(_ subject: String, detail: String = "via api") -> AuditWriter.Event {
                AuditWriter.Event(at: Date(), actorUserID: nil, actor: "system", action: "item.read", subject: subject, detail: detail, address: "")
            }
            let refused = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await writer.write(event("grouped \(index)"), on: app.db)
                        return false
                    }
                }
                group.addTask {
                    do { try await writer.write(event("grouped odd", detail: "nul \u{0} here"), on: app.db) } catch { return true }
                    return false
                }
                return try await group.reduce(false) { $0 || $1 }
            }
            let stored = try await AuditEventModel.query(on: app.db).filter(\.$subject ~~ "grouped ").all().map(\.subject)
            #expect(Set(stored).isSuperset(of: (0..<20).map { "grouped \($0)" }))
            #expect(stored.contains("grouped odd") != refused, "the odd event is stored or its writer is told it was not")
        }
    }
}
