import Fluent
import SQLKit

/// The type-ahead (`SuggestController`) finds teams and people by the start of their name:
/// a range over `lower(name)`, which these expression indexes answer on SQLite and PostgreSQL
/// alike, so a suggestion reads a few index entries whatever the size of the directory.
struct IndexNamesForSuggestions: AsyncMigration {
    static let indexes = [
        ("teams_name_key", "teams (lower(short_name))"),
        ("users_name_key", "users (lower(display_name))"),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, expression) in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: name) ON \(unsafeRaw: expression)").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, _) in Self.indexes.reversed() {
            try await sql.raw("DROP INDEX \(unsafeRaw: name)").run()
        }
    }
}
