import Fluent
import Foundation
import SQLKit

/// Full-text search over shared items, one interface over SQLite's FTS5 and PostgreSQL's text
/// search. It finds candidates only; what a reader sees is still decided by `AccessPolicy`.
enum SharedItemSearch {
    /// Indexes (or re-indexes) an item's search text; PostgreSQL indexes the column itself.
    static func index(_ model: SharedItemModel, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" else { return }
        let id = try model.requireID().uuidString
        try await sql.raw("DELETE FROM shared_items_fts WHERE item_id = \(bind: id)").run()
        try await sql.raw("INSERT INTO shared_items_fts (search_text, item_id) VALUES (\(bind: model.searchText), \(bind: id))").run()
    }

    /// Forgets a deleted item (PostgreSQL's index goes with the row).
    static func remove(_ id: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" else { return }
        try await sql.raw("DELETE FROM shared_items_fts WHERE item_id = \(bind: id.uuidString)").run()
    }

    /// Ids of the items matching every word of `query`, best first (at most 1,000).
    static func matchingIDs(_ query: String, on database: any Database) async throws -> [UUID] {
        guard let sql = database as? any SQLDatabase else { return [] }
        let words = query.split(whereSeparator: \.isWhitespace).prefix(20)
        guard !words.isEmpty else { return [] }
        let rows: [any SQLRow]
        if sql.dialect.name == "postgresql" {
            rows = try await sql.raw("""
                SELECT id::text AS item_id FROM shared_items
                WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', \(bind: words.joined(separator: " ")))
                ORDER BY ts_rank(to_tsvector('simple', search_text), plainto_tsquery('simple', \(bind: words.joined(separator: " ")))) DESC LIMIT 1000
                """).all()
        } else {
            // Each word as a quoted FTS5 string: the reader's text is never FTS5 syntax.
            let match = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
            rows = try await sql.raw("SELECT item_id FROM shared_items_fts WHERE shared_items_fts MATCH \(bind: match) ORDER BY rank LIMIT 1000").all()
        }
        return try rows.compactMap { UUID(uuidString: try $0.decode(column: "item_id", as: String.self)) }
    }
}
