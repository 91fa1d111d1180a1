import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Each shared item's grants (`SharedItemAccess.grants`) as rows of `item_audiences`, with the
/// item's label and page key copied in, so that the items one reader may read are found by
/// index in the database (migration 012). The rows only pick candidates: every item that
/// leaves the store is still checked with `AccessPolicy.canRead`.
enum ItemReadIndex {
    static let table = "item_audiences"
    /// Rows per INSERT: five binds each, well under SQLite's and PostgreSQL's bind limits.
    static let rowsPerInsert = 2_000

    /// Writes the rows of `items`, replacing any they had.
    static func write(_ items: [(id: UUID, access: SharedItemAccess, createdMs: Int64)], replacing: Bool, on sql: any SQLDatabase) async throws {
        if replacing {
            for ids in stride(from: 0, to: items.count, by: 1_000).map({ items[$0..<min($0 + 1_000, items.count)].map(\.id) }) {
                try await sql.delete(from: table).where("item_id", .in, ids).run()
            }
        }
        let rows = items.flatMap { item in item.access.grants.map { (item.id, $0, item.createdMs) } }
        for start in stride(from: 0, to: rows.count, by: rowsPerInsert) {
            let insert = sql.insert(into: table).columns("item_id", "kind", "member_id", "tlp", "created_ms")
            for (id, grant, createdMs) in rows[start..<min(start + rowsPerInsert, rows.count)] {
                _ = insert.values(SQLBind(id), SQLBind(grant.kind.rawValue), SQLBind(grant.memberID), SQLBind(grant.tlp.rawValue), SQLBind(createdMs))
            }
            try await insert.run()
        }
    }

    /// Indexes one item written through its model, page key and SIG included.
    static func write(_ model: SharedItemModel, on sql: any SQLDatabase) async throws {
        let id = try model.requireID(), createdMs = SharedItemModel.milliseconds(model.createdAt)
        let item = try model.item()
        try await sql.update(SharedItemModel.schema).set("created_ms", to: createdMs).set("sig_id", to: sigID(of: item)).where("id", .equal, id).run()
        try await write([(id, item.access, createdMs)], replacing: true, on: sql)
        try await TAXIIIndex.write([item], replacing: true, on: sql)
    }

    /// The SIG an item is shared with, kept in `shared_items.sig_id` (migration 020): a SIG's
    /// list is found by it at every label, TLP:CLEAR included, whose grant names nobody.
    static func sigID(of item: SharedItem) -> UUID? {
        if case .sig(let id) = item.audience { id } else { nil }
    }

    static func remove(_ id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.delete(from: table).where("item_id", .equal, id).run()
    }

    /// The keyset condition "older than the cursor" on `ms` and `id` columns. The plain
    /// `ms <= cursor` in front is what both databases use as the index range, so a deep page
    /// starts at the cursor instead of reading every newer row and dropping it.
    static func older(than cursor: (ms: Int64, id: UUID)?, ms: String, id: String) -> SQLQueryString {
        guard let cursor else { return "" }
        return " AND \(unsafeRaw: ms) <= \(bind: cursor.ms)"
            + " AND (\(unsafeRaw: ms) < \(bind: cursor.ms) OR (\(unsafeRaw: ms) = \(bind: cursor.ms) AND \(unsafeRaw: id) < \(bind: cursor.id)))"
    }

    /// The query for the ids (`item_id`, `created_ms`) of the newest `count` items open to
    /// `scope` that are older than `cursor`, newest first. One index range per grantee (kind
    /// and member) with the grant's labels checked in the index (migration 019), each read
    /// until `count` rows match, so the cost depends on the page size and the reader's
    /// grantees, never on how many items exist.
    static func newest(_ count: Int, in scope: ReadableScope, olderThan cursor: (ms: Int64, id: UUID)?) -> SQLQueryString {
        let grantees = Dictionary(grouping: scope.grants) { GranteeKey(kind: $0.kind.rawValue, memberID: $0.memberID) }
            .map { (grantee: $0.key, labels: $0.value.map(\.tlp.rawValue).sorted()) }
            .sorted { ($0.grantee.kind, $0.grantee.memberID.uuidString) < ($1.grantee.kind, $1.grantee.memberID.uuidString) }
        var query: SQLQueryString = "SELECT item_id, created_ms FROM ("
        for (index, group) in grantees.enumerated() {
            if index > 0 { query += " UNION " }
            query += "SELECT item_id, created_ms FROM (SELECT item_id, created_ms FROM item_audiences WHERE kind = \(bind: group.grantee.kind)"
            query += " AND member_id = \(bind: group.grantee.memberID) AND tlp IN (" + group.labels.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
            query += older(than: cursor, ms: "created_ms", id: "item_id")
            query += " ORDER BY created_ms DESC, item_id DESC LIMIT \(unsafeRaw: String(count))) AS g\(unsafeRaw: String(index))"
        }
        return query + ") AS found ORDER BY created_ms DESC, item_id DESC LIMIT \(unsafeRaw: String(count))"
    }

    private struct GranteeKey: Hashable {
        var kind: String
        var memberID: UUID
    }

    /// The same filter as one condition on `shared_items` (aliased `s`), for lists that are
    /// narrowed first by something else (a mailing list, a search).
    static func opens(to scope: ReadableScope) -> SQLQueryString {
        var condition: SQLQueryString = "EXISTS (SELECT 1 FROM item_audiences g WHERE g.item_id = s.id AND ("
        for (index, grant) in scope.grants.enumerated() {
            condition = condition + (index == 0 ? "" : " OR ")
                + "(g.kind = \(bind: grant.kind.rawValue) AND g.member_id = \(bind: grant.memberID) AND g.tlp = \(bind: grant.tlp.rawValue))"
        }
        return condition + "))"
    }
}
