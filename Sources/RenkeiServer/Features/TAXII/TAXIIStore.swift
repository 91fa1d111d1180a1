import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// The read path of STIX objects: the items of one collection (`ShareCollection`) a reader
/// may read, oldest change first, found by index (`TAXIIIndex`), each item checked again with
/// the reader's access scope, and turned into its STIX objects (`STIX21.objects`). A page
/// holds at most `limit` objects; its cursor names the item it stopped in and how many of its
/// objects were given, so an item with many objects spans pages and the cost of a page depends
/// on its size, never on the collection's.
enum TAXIIStore {
    /// What a reader asks for (TAXII 2.1, 3.4 "Filtering").
    struct Filter: Sendable {
        var addedAfter: Date?
        var ids: [String] = []
        var types: Set<String> = []
        /// `match[version]`: nil for the default (`last`); Renkei holds one version of each
        /// object, so `first`, `last` and `all` all answer it, and timestamps must equal it.
        var versions: Set<String>? = nil
        /// `match[spec_version]`: everything here is 2.1.
        var specVersions: Set<String>? = nil

        func accepts(_ entry: Entry) -> Bool {
            if !types.isEmpty, !types.contains(entry.type) { return false }
            if !ids.isEmpty, !ids.contains(entry.id) { return false }
            if let specVersions, !specVersions.contains("2.1") { return false }
            if let versions, !versions.contains("first"), !versions.contains("last"), !versions.contains("all"),
               !versions.contains(entry.version) { return false }
            return true
        }
    }

    struct Entry: Sendable {
        var object: JSONValue
        var id: String
        var type: String
        var dateAdded: String
        var version: String

        /// The objects that lead an item's entries: what its other objects name.
        static let supportingTypes: Set<String> = ["marking-definition", "identity", "extension-definition"]

        /// One version of one object.
        var key: String { id + " " + version }
    }

    struct Found: Sendable {
        var entries: [Entry]
        var items: [SharedItem]
        var next: String?
    }

    /// Where a page starts: strictly after the item at (`ms`, `id`), or, with `skip` > 0, in
    /// that item after its first `skip` objects (as filtered).
    struct Cursor: Sendable, Equatable {
        var ms: Int64
        var id: UUID
        var skip: Int

        var encoded: String { PageCursor(key: "\(ms).\(skip)", id: id.uuidString).encoded }

        init(ms: Int64, id: UUID, skip: Int) {
            (self.ms, self.id, self.skip) = (ms, id, skip)
        }

        init?(encoded: String) {
            guard let cursor = PageCursor(encoded: encoded), let id = cursor.uuid else { return nil }
            let parts = cursor.key.split(separator: ".")
            guard parts.count == 2, let ms = Int64(parts[0]), let skip = Int(parts[1]), skip >= 0 else { return nil }
            self.init(ms: ms, id: id, skip: skip)
        }
    }

    static let maximumLimit = 1_000
    /// At most this many ids in `match[id]`.
    static let maximumIDs = 100

    static func objects(in collection: ShareCollection, for reader: Actor?, filter: Filter, limit: Int, after cursor: Cursor?,
                        baseURL: String, decoded: VersionedItemCache<SharedItem>?, on database: any Database) async throws -> Found {
        let scope = ReadableScope(grants: collection.grants(in: AccessPolicy.readableScope(for: reader)))
        guard !scope.grants.isEmpty else { return Found(entries: [], items: [], next: nil) }
        let sql = try database.sql
        var entries: [Entry] = []
        var items: [SharedItem] = []
        var position = cursor
        var shipped: Set<String> = []
        // A filter may drop most objects: a page reads a bounded number of chunks and ends
        // early (with a cursor) rather than scanning the collection.
        for _ in 0..<8 {
            let chunk = try await candidates(scope, filter: filter, after: position, count: limit, on: sql)
            let loaded = try await load(chunk.map(\.id), decoded: decoded, on: sql)
            for (rowIndex, row) in chunk.enumerated() {
                let resuming = position.map { $0.skip > 0 && $0.id == row.id && $0.ms == row.ms } ?? false
                let start = resuming ? position!.skip : 0
                guard let item = loaded[row.id], scope.allows(item.access) else {
                    position = Cursor(ms: row.ms, id: row.id, skip: 0)
                    continue
                }
                let all = expand(item, changedMs: row.ms, baseURL: baseURL).filter(filter.accepts)
                // A page holds whole items, so what an object names is on its page; only an item
                // larger than a page is split, and its markings and identities lead each part.
                if start == 0, !entries.isEmpty, entries.count + all.count(where: { !shipped.contains($0.key) }) > limit {
                    return Found(entries: entries, items: items, next: position?.encoded)
                }
                let leading = all.prefix { Entry.supportingTypes.contains($0.type) }.count
                if start > 0, min(start, leading) < limit {
                    for entry in all[..<min(start, leading)] where shipped.insert(entry.key).inserted { entries.append(entry) }
                }
                // Read as soon as any of it is served (a page may end inside it): every read is audited.
                if start < all.count { items.append(item) }
                var index = start
                while index < all.count {
                    if entries.count == limit {
                        let next = index == 0 ? position : Cursor(ms: row.ms, id: row.id, skip: index)
                        return Found(entries: entries, items: items, next: next?.encoded)
                    }
                    if shipped.insert(all[index].key).inserted { entries.append(all[index]) }
                    index += 1
                }
                position = Cursor(ms: row.ms, id: row.id, skip: 0)
                if entries.count == limit, rowIndex == chunk.count - 1, chunk.count < limit {
                    return Found(entries: entries, items: items, next: nil)
                }
            }
            if chunk.count < limit { return Found(entries: entries, items: items, next: nil) }
        }
        return Found(entries: entries, items: items, next: position?.encoded)
    }

    /// The newest `limit` items of the collection the reader may read, withdrawn ones included
    /// (a MISP feed's manifest: subscribers fetch what changed).
    static func newestItems(in collection: ShareCollection, for reader: Actor?, limit: Int, decoded: VersionedItemCache<SharedItem>?,
                            on database: any Database) async throws -> [SharedItem] {
        let scope = ReadableScope(grants: collection.grants(in: AccessPolicy.readableScope(for: reader)))
        guard !scope.grants.isEmpty else { return [] }
        let sql = try database.sql
        let rows = try await candidates(scope, filter: Filter(), after: nil, count: limit, newestFirst: true, on: sql)
        let loaded = try await load(rows.map(\.id), decoded: decoded, on: sql)
        return rows.compactMap { loaded[$0.id] }.filter { scope.allows($0.access) }.map { $0.withoutPrivateOfferText() }
    }

    /// The STIX objects of one item as a collection serves them, led by the marking definitions
    /// and identities they name: a consumer such as OpenCTI refuses an object whose author or
    /// marking it has not received. A page holds each (id, version) once.
    static func expand(_ item: SharedItem, changedMs: Int64, baseURL: String) -> [Entry] {
        let dateAdded = STIX21.timestamp(Date(timeIntervalSince1970: Double(changedMs) / 1000))
        let url = baseURL + SiteURL.item(.value(item.id.uuidString.lowercased())).path
        let objects = STIX21.objects(for: item.withoutPrivateOfferText(), url: url)
        return (STIX21.supportingObjects(for: objects) + objects).compactMap { object in
            guard let id = object["id"]?.stringValue, let type = object["type"]?.stringValue else { return nil }
            // A marking definition has no `modified`: its version is when it was created.
            let version = object["modified"]?.stringValue ?? object["created"]?.stringValue ?? dateAdded
            return Entry(object: object, id: id, type: type, dateAdded: dateAdded, version: version)
        }
    }

    /// The next `count` candidate items (id and change time) after `cursor`, oldest change
    /// first: one index range per grantee, as `ItemReadIndex.newest` reads lists.
    private static func candidates(_ scope: ReadableScope, filter: Filter, after cursor: Cursor?, count: Int, newestFirst: Bool = false,
                                   on sql: any SQLDatabase) async throws -> [(id: UUID, ms: Int64)] {
        let order: SQLQueryString = newestFirst ? " DESC" : ""
        var conditions: SQLQueryString = ""
        if let addedAfter = filter.addedAfter { conditions += " AND g.changed_ms > \(bind: SharedItemModel.milliseconds(addedAfter))" }
        if let cursor {
            conditions += " AND g.changed_ms >= \(bind: cursor.ms) AND (g.changed_ms > \(bind: cursor.ms) OR g.item_id "
                + (cursor.skip > 0 ? ">=" : ">") + " \(bind: cursor.id))"
        }
        if !filter.ids.isEmpty {
            conditions += " AND g.item_id IN (SELECT o.item_id FROM stix_object_items o WHERE o.object_id IN ("
                + filter.ids.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + "))"
        }
        let grantees = Dictionary(grouping: scope.grants) { "\($0.kind.rawValue) \($0.memberID.uuidString)" }.values
            .map { ($0[0].kind.rawValue, $0[0].memberID, $0.map(\.tlp.rawValue).sorted()) }
            .sorted { ($0.0, $0.1.uuidString) < ($1.0, $1.1.uuidString) }
        var query: SQLQueryString = "SELECT item_id, changed_ms FROM ("
        for (index, grantee) in grantees.enumerated() {
            if index > 0 { query += " UNION " }
            query += "SELECT item_id, changed_ms FROM (SELECT g.item_id, g.changed_ms FROM taxii_grants g WHERE g.kind = \(bind: grantee.0)"
            query += " AND g.member_id = \(bind: grantee.1) AND g.tlp IN (" + grantee.2.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
            query += conditions
            query += " ORDER BY g.changed_ms" + order + ", g.item_id" + order + " LIMIT \(unsafeRaw: String(count))) AS g\(unsafeRaw: String(index))"
        }
        query += ") AS found ORDER BY changed_ms" + order + ", item_id" + order + " LIMIT \(unsafeRaw: String(count))"
        return try await sql.raw(query).all().map { row in
            (try row.decode(column: "item_id", as: UUID.self), try row.decode(column: "changed_ms", as: Int64.self))
        }
    }

    /// The items by id, decoded once per row version (`VersionedItemCache`).
    private static func load(_ ids: [UUID], decoded: VersionedItemCache<SharedItem>?, on sql: any SQLDatabase) async throws -> [UUID: SharedItem] {
        guard !ids.isEmpty else { return [:] }
        var found: [UUID: SharedItem] = [:]
        for row in try await sql.select().columns("id", "version", "document").from(SharedItemModel.schema).where("id", .in, ids).all() {
            let id = try row.decode(column: "id", as: UUID.self), version = try row.decode(column: "version", as: Int.self)
            found[id] = try decoded?.value(for: id, version: version) {
                let document = try row.decode(column: "document", as: String.self)
                return (try SharedItemModel.decode(document), document.utf8.count)
            } ?? SharedItemModel.decode(try row.decode(column: "document", as: String.self))
        }
        return found
    }
}
