import Fluent
import Foundation
import RenkeiCore
import Vapor

extension PageCursor {
    /// A cursor after a row sorted by a time: the time as the database gave it back, in
    /// seconds and exactly (milliseconds would not tell apart two rows written in one).
    init(time: Date, id: UUID) {
        self.init(key: String(time.timeIntervalSince1970), id: id.uuidString)
    }
}

extension QueryBuilder where Model.IDValue == UUID {
    /// Newest first by `field` then id, starting after `cursor`: the keyset read every list of
    /// dated rows uses (Sources/RenkeiCore/Paging/Page.swift). A time read back from the
    /// database can differ from the stored one by rounding (SQLite keeps a double and returns
    /// it rounded to microseconds), so rows within a microsecond of the cursor count as the
    /// cursor's time and go by id alone; without that, a row could come back on every page.
    func keyset<Field: QueryableProperty>(_ field: KeyPath<Model, Field>, after cursor: PageCursor?) throws -> Self
    where Field.Model == Model, Field.Value == Date {
        if let cursor {
            guard let seconds = Double(cursor.key), seconds.isFinite, let id = cursor.uuid else {
                throw ValidationFailure([FieldError(field: "cursor", message: "The cursor is not one this list gave out; start again from the first page.")])
            }
            let low = Date(timeIntervalSince1970: seconds - 0.000_001), high = Date(timeIntervalSince1970: seconds + 0.000_001)
            group(.or) { either in
                either.filter(field < low).group(.and) { same in
                    same.filter(field >= low).filter(field <= high).filter(\Model._$id < id)
                }
            }
        }
        return sort(field, .descending).sort(\Model._$id, .descending)
    }
}

/// One page of rows that a rule decides row by row (the access policy of an artifact, the
/// relations of an application): read in keyset batches until the page is full or the rows
/// run out. Each batch starts after the last row read, so paging ends however few rows the
/// reader may see; the next page starts after the last row shown, never after a row the reader
/// may not see (a cursor names no row withheld from its reader).
enum KeysetScan {
    static func page<Row: Model, Element: Sendable>(
        _ request: PageRequest, query: () -> QueryBuilder<Row>, by field: KeyPath<Row, FieldProperty<Row, Date>>,
        shown: (Row) throws -> Element?
    ) async throws -> Page<Element> where Row.IDValue == UUID {
        var kept: [(element: Element, cursor: PageCursor)] = []
        var after = request.after
        var batch = request.limit + 1
        while kept.count <= request.limit {
            let rows = try await query().keyset(field, after: after).limit(batch).all()
            for row in rows {
                if let element = try shown(row) { kept.append((element, PageCursor(time: row[keyPath: field].wrappedValue, id: try row.requireID()))) }
                if kept.count > request.limit { break }
            }
            guard rows.count == batch, let last = rows.last else { break }
            after = PageCursor(time: last[keyPath: field].wrappedValue, id: try last.requireID())
            batch = min(batch * 2, 1_000)
        }
        let shownRows = kept.prefix(request.limit)
        return Page(items: shownRows.map(\.element), next: kept.count > request.limit ? shownRows.last?.cursor : nil)
    }
}

/// A page of a list as the JSON API answers it: the rows and the path of the next page (null
/// on the last), with the same path in a `Link: rel="next"` header.
struct PageDocument<Element: Content>: Content {
    var items: [Element]
    var next: String?

    /// `next` is written as `null` on the last page, not left out: the description requires it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(next, forKey: .next)
    }
}

extension Page where Element: Model, Element.IDValue == UUID {
    /// From rows read with `keyset(field, after:)` and `limit + 1`.
    init(probing rows: [Element], limit: Int, by field: KeyPath<Element, FieldProperty<Element, Date>>) throws {
        let shown = Array(rows.prefix(limit))
        guard rows.count > limit, let last = shown.last else {
            self.init(items: shown, next: nil)
            return
        }
        self.init(items: shown, next: PageCursor(time: last[keyPath: field].wrappedValue, id: try last.requireID()))
    }
}

extension Page {
    /// The JSON answer for this page of `request`, with its `Link` header.
    func response<Document: Content>(for request: Request, _ document: (Element) throws -> Document) async throws -> Response {
        let response = try await PageDocument(items: items.map(document), next: next.map(request.nextPagePath)).encodeResponse(for: request)
        response.linkNextPage(next, of: request)
        return response
    }
}
