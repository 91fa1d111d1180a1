import Fluent
import Foundation
import SQLKit

/// Full-text search over shared items, one interface over SQLite's FTS5 and PostgreSQL's text
/// search. It finds candidates only; what a reader sees is still decided by `AccessPolicy`.
enum SharedItemSearch {
    /// Indexes (or re-indexes) an item for reading: its grants (`ItemReadIndex`, which every
    /// list filters by) and its search text, which PostgreSQL indexes from the column itself.
    static func index(_ model: SharedItemModel, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await ItemReadIndex.write(model, on: sql)
        guard sql.dialect.name != "postgresql" else { return }
        let id = try model.requireID().uuidString
        try await sql.raw("DELETE FROM shared_items_fts WHERE item_id = \(bind: id)").run()
        try await sql.raw("INSERT INTO shared_items_fts (search_text, item_id) VALUES (\(bind: model.searchText), \(bind: id))").run()
    }

    /// The search entries of new items (`SharedItemStore.insert(batch:on:)`), many rows an INSERT.
    static func index(batch models: [SharedItemModel], on sql: any SQLDatabase) async throws {
        guard sql.dialect.name != "postgresql" else { return }
        for start in stride(from: 0, to: models.count, by: 5_000) {
            let insert = sql.insert(into: "shared_items_fts").columns("search_text", "item_id")
            for model in models[start..<min(start + 5_000, models.count)] {
                _ = insert.values(SQLBind(model.searchText), SQLBind(try model.requireID().uuidString))
            }
            try await insert.run()
        }
    }

    /// Forgets a deleted item (PostgreSQL's text index goes with the row).
    static func remove(_ id: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await ItemReadIndex.remove(id, on: sql)
        guard sql.dialect.name != "postgresql" else { return }
        try await sql.raw("DELETE FROM shared_items_fts WHERE item_id = \(bind: id.uuidString)").run()
    }

    /// How many matches a search looks at: the newest this many items that match every word.
    /// A common word matches a large share of a million items; reading, checking and sorting all
    /// of them took seconds a request. More specific words reach older items.
    static let window = 5_000

    /// The rows of `shared_items` (aliased `s`) among the newest `window` that match every word,
    /// as a FROM clause and a condition; the reader's text is bound, never SQL or FTS5 syntax.
    /// On SQLite, FTS5 reads its matches newest first (rowid order, which is indexing order) and
    /// stops at the window; the CROSS JOIN keeps the matches driving the join.
    static func matches(_ words: [String], dialect: String, window: Int = window) -> (from: SQLQueryString, condition: SQLQueryString) {
        if dialect == "postgresql" {
            return ("shared_items s", """
                s.id IN (SELECT id FROM shared_items WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', \(bind: words.joined(separator: " ")))
                ORDER BY created_ms DESC LIMIT \(unsafeRaw: String(window)))
                """)
        }
        // Each word as a quoted FTS5 string: the reader's text is never FTS5 syntax.
        let match = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
        return ("(SELECT item_id FROM shared_items_fts WHERE shared_items_fts MATCH \(bind: match) ORDER BY rowid DESC LIMIT \(unsafeRaw: String(window))) AS m"
                + " CROSS JOIN shared_items s ON s.id = m.item_id", "1 = 1")
    }
}
