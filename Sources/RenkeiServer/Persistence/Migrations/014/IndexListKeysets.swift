import Fluent
import SQLKit

/// The keyset indexes of the lists read a page at a time (`QueryBuilder.keyset`,
/// Sources/RenkeiServer/App/Paging+Keyset.swift): each in the order its list is read, so a page
/// starts at its cursor instead of after every row before it.
struct IndexListKeysets: AsyncMigration {
    static let indexes = [
        ("audit_events_keyset", "audit_events (at DESC, id DESC)"),
        ("notifications_keyset", "notifications (user_id, created_at DESC, id DESC)"),
        ("artifacts_keyset", "artifacts (created_at DESC, id DESC)"),
        ("membership_applications_keyset", "membership_applications (submitted_at DESC, id DESC)"),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, columns) in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: name) ON \(unsafeRaw: columns)").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, _) in Self.indexes.reversed() {
            try await sql.raw("DROP INDEX \(unsafeRaw: name)").run()
        }
    }
}
