import Foundation

/// Where the next page of a list starts: the sort value and id of the last row shown. Lists are
/// read by keyset (`WHERE (key, id) < (cursor.key, cursor.id)`), so page 1,000 costs what page 1
/// costs, and a row added while someone pages does not shift what they see next.
public struct PageCursor: Sendable, Hashable {
    /// The last row's sort value as text (for dates: milliseconds since 1970, see `init(date:id:)`).
    public var key: String
    /// The last row's id, which breaks ties between rows with the same sort value.
    public var id: String

    public init(key: String, id: String) {
        self.key = key
        self.id = id
    }

    public init(date: Date, id: UUID) {
        self.init(key: String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down))), id: id.uuidString)
    }

    public var date: Date? { Int64(key).map { Date(timeIntervalSince1970: Double($0) / 1000) } }
    public var uuid: UUID? { UUID(uuidString: id) }

    /// Opaque to clients (base64url without padding), so nobody builds one by hand.
    public var encoded: String {
        Data("\(key)\u{1F}\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public init?(encoded: String) {
        guard encoded.count <= 1024 else { return nil }
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, !text.unicodeScalars.contains(where: { $0.value < 0x1F || $0.value == 0x7F }) else { return nil }
        self.init(key: String(parts[0]), id: String(parts[1]))
    }
}

/// What a client asked of a list: how many rows and after which cursor.
public struct PageRequest: Sendable, Hashable {
    public static let defaultLimit = 50
    public static let maximumLimit = 500

    public var limit: Int
    public var after: PageCursor?

    public init(limit: Int = PageRequest.defaultLimit, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Reads `limit` and `cursor` as a query string gives them; every problem found is reported.
    public static func parse(limit: String?, cursor: String?) throws(ValidationFailure) -> PageRequest {
        var errors: [FieldError] = []
        var request = PageRequest()
        if let limit, !limit.isEmpty {
            if let value = Int(limit), (1...maximumLimit).contains(value) { request.limit = value } else {
                errors.append(FieldError(field: "limit", message: "The limit is a whole number from 1 to \(maximumLimit)."))
            }
        }
        if let cursor, !cursor.isEmpty {
            if let value = PageCursor(encoded: cursor) { request.after = value } else {
                errors.append(FieldError(field: "cursor", message: "The cursor is not one this list gave out; start again from the first page."))
            }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return request
    }
}

/// One page of a list and where the next one starts (nil on the last page).
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var next: PageCursor?

    public init(items: [Element], next: PageCursor?) {
        self.items = items
        self.next = next
    }

    /// From rows read with `limit + 1`: the extra row only says that there is a next page.
    public init(probing rows: [Element], limit: Int, cursor: (Element) -> PageCursor) {
        let shown = Array(rows.prefix(limit))
        self.init(items: shown, next: rows.count > limit ? shown.last.map(cursor) : nil)
    }
}
