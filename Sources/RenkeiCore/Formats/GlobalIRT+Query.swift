import Foundation

extension GlobalIRT {
    /// A `GET /teams` request: `api.md`'s global parameters, its filters and exact-field filters.
    public struct Query: Sendable, Equatable {
        public var fields: [String]?
        public var limit = 100
        public var offset = 0
        /// Property names, "-" first for descending.
        public var sort: [String] = ["short-team-name"]
        public var envelope = false
        public var pretty = true
        public var team: String?
        public var countries: [String] = []
        public var region: String?
        public var words: String?
        public var exact: [(property: String, value: String)] = []

        public static func == (lhs: Query, rhs: Query) -> Bool {
            lhs.fields == rhs.fields && lhs.limit == rhs.limit && lhs.offset == rhs.offset && lhs.sort == rhs.sort
                && lhs.envelope == rhs.envelope && lhs.pretty == rhs.pretty && lhs.team == rhs.team
                && lhs.countries == rhs.countries && lhs.region == rhs.region && lhs.words == rhs.words
                && lhs.exact.map(\.property) == rhs.exact.map(\.property) && lhs.exact.map(\.value) == rhs.exact.map(\.value)
        }

        public init() {}

        /// Reads the query string's parameters; an unknown parameter or a bad value is an error
        /// naming the parameter, so a typo never silently returns the whole directory.
        public init(parameters: [(name: String, value: String)]) throws(FieldError) {
            for (name, value) in parameters {
                switch name {
                case "fields":
                    let names = Self.list(value)
                    if let unknown = names.first(where: { !GlobalIRT.allProperties.contains($0) }) {
                        throw FieldError(field: name, message: "“\(unknown)” is not a Global IRT property.")
                    }
                    fields = names
                case "limit":
                    guard let number = Int(value), (0...100).contains(number) else {
                        throw FieldError(field: name, message: "limit must be a whole number from 0 to 100.")
                    }
                    limit = number
                case "offset":
                    guard let number = Int(value), number >= 0 else {
                        throw FieldError(field: name, message: "offset must be a whole number, 0 or more.")
                    }
                    offset = number
                case "sort":
                    let keys = Self.list(value)
                    if let unknown = keys.first(where: { !GlobalIRT.allProperties.contains($0.hasPrefix("-") && !$0.hasPrefix("-renkei") ? String($0.dropFirst()) : $0) }) {
                        throw FieldError(field: name, message: "cannot sort by “\(unknown)”: not a Global IRT property.")
                    }
                    sort = keys
                case "envelope": envelope = try Self.bool(value, name)
                case "pretty": pretty = try Self.bool(value, name)
                case "team": team = value
                case "country": countries = Self.list(value).map { $0.uppercased() }
                case "region":
                    guard Country.codes(inRegion: value) != nil else {
                        throw FieldError(field: name, message: "“\(value)” is not an ISO 3166 / UN M49 region (e.g. Europe, Western Africa).")
                    }
                    region = value
                case "q": words = value
                case "callback":
                    throw FieldError(field: name, message: "JSONP is not offered; use CORS-free server-side requests instead.")
                case _ where GlobalIRT.allProperties.contains(name) && name != "last-modified":
                    exact.append((name, value))
                default:
                    throw FieldError(field: name, message: "“\(name)” is not a parameter of GET /teams.")
                }
            }
        }

        private static func list(_ value: String) -> [String] {
            value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        private static func bool(_ value: String, _ name: String) throws(FieldError) -> Bool {
            switch value.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw FieldError(field: name, message: "\(name) takes true, false, 1 or 0.")
            }
        }
    }

    public struct Page: Sendable {
        public var total: Int
        public var items: [JSONValue]
        public var lastModified: Date?
    }

    /// Filters, sorts, pages and projects teams that are already cut to what the reader may see.
    public static func answer(_ query: Query, teams: [(record: TeamRecord, lastModified: Date)]) -> Page {
        answer(query, prepared: teams.map { PreparedTeam(record: $0.record, lastModified: $0.lastModified) }, inDefaultOrder: false).page(query)
    }

    /// One team as a Global IRT object with what filtering and answering need, made once per
    /// change of the directory (`DirectoryView`) instead of once per request.
    public struct PreparedTeam: Sendable {
        public let object: JSONValue
        public let lastModified: Date
        let names: [String]
        let countries: [String]
        /// The object's text without `last-modified`, lower-cased, for `q`.
        let text: String
        let sortName: String
        /// The object serialized as an element of the answer's array (`arrayBody`).
        let pretty: String
        let compact: String

        public init(record: TeamRecord, lastModified: Date) {
            object = GlobalIRT.object(for: record, lastModified: lastModified)
            self.lastModified = lastModified
            names = [record.shortName.lowercased(), record.officialName.lowercased()]
            countries = record.allCountryCodes
            text = GlobalIRT.flatText(object, skipping: "last-modified").lowercased()
            sortName = object["short-team-name"].map { GlobalIRT.flatText($0, skipping: nil) } ?? ""
            pretty = object.serialized(pretty: true, depth: 1)
            compact = object.serialized(pretty: false)
        }

        /// Global IRT's default order (`sort=short-team-name`).
        public static func defaultOrder(_ a: PreparedTeam, _ b: PreparedTeam) -> Bool {
            a.sortName.localizedStandardCompare(b.sortName) == .orderedAscending
        }
    }

    /// The teams of one answer, before projection.
    public struct PreparedAnswer: Sendable {
        public var total: Int
        public var teams: [PreparedTeam]
        public var lastModified: Date?

        /// The answer as `Page`, with `fields` applied.
        public func page(_ query: Query) -> Page {
            let items = teams.map { team -> JSONValue in
                guard let fields = query.fields, case .object(let pairs) = team.object else { return team.object }
                return .object(pairs.filter { fields.contains($0.key) })
            }
            return Page(total: total, items: items, lastModified: lastModified)
        }
    }

    /// Filters, sorts and pages prepared teams; `inDefaultOrder` says they are already in the
    /// default order (`PreparedTeam.defaultOrder`, a stable sort), which then is not sorted again.
    public static func answer(_ query: Query, prepared teams: [PreparedTeam], inDefaultOrder: Bool) -> PreparedAnswer {
        let regionCodes = query.region.flatMap(Country.codes(inRegion:))
        let words = (query.words ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        let name = (query.team ?? "").lowercased()
        var matched: [PreparedTeam] = []
        var lastModified: Date?
        for team in teams {
            if !name.isEmpty && !team.names.contains(where: { $0.contains(name) }) { continue }
            if !query.countries.isEmpty && !team.countries.contains(where: query.countries.contains) { continue }
            if let regionCodes, !team.countries.contains(where: regionCodes.contains) { continue }
            if !words.isEmpty && !words.allSatisfy(team.text.contains) { continue }
            let object = team.object
            let exactMatch = query.exact.allSatisfy { filter in
                let values = object[filter.property].map { Self.flatText($0, skipping: nil) }.map { [$0] } ?? []
                let candidates = object[filter.property]?.stringList ?? values
                return candidates.contains { $0.caseInsensitiveCompare(filter.value) == .orderedSame }
            }
            if !exactMatch { continue }
            matched.append(team)
            lastModified = max(lastModified ?? team.lastModified, team.lastModified)
        }
        if !(inDefaultOrder && query.sort == Query().sort) {
            let keys = query.sort.map { key -> (property: String, descending: Bool) in
                let descending = key.hasPrefix("-") && !key.hasPrefix("-renkei")
                return (descending ? String(key.dropFirst()) : key, descending)
            }
            let sortTexts = matched.map { team in keys.map { key in team.object[key.property].map { flatText($0, skipping: nil) } ?? "" } }
            let order = matched.indices.sorted { a, b in
                for (index, key) in keys.enumerated() {
                    let order = sortTexts[a][index].localizedStandardCompare(sortTexts[b][index])
                    if order != .orderedSame { return key.descending ? order == .orderedDescending : order == .orderedAscending }
                }
                return a < b
            }
            matched = order.map { matched[$0] }
        }
        return PreparedAnswer(total: matched.count, teams: Array(matched.dropFirst(query.offset).prefix(query.limit)), lastModified: lastModified)
    }

    /// The JSON array of an answer without `fields` or envelope, pasted together from the
    /// teams' prepared text: what `JSONValue.array(items).serialized(pretty:)` would write.
    public static func arrayBody(_ answer: PreparedAnswer, pretty: Bool) -> String {
        guard !answer.teams.isEmpty else { return "[]" }
        if pretty { return "[\n    " + answer.teams.map(\.pretty).joined(separator: ",\n    ") + "\n]" }
        return "[" + answer.teams.map(\.compact).joined(separator: ",") + "]"
    }

    /// All the text inside a value, for free-text search, sorting and CSV cells.
    static func flatText(_ value: JSONValue, skipping skipped: String?) -> String {
        switch value {
        case .object(let pairs): pairs.filter { $0.key != skipped }.map { flatText($0.value, skipping: nil) }.joined(separator: " ")
        case .array(let values): values.map { flatText($0, skipping: nil) }.joined(separator: " ")
        default: value.stringValue ?? ""
        }
    }

    /// The envelope `api.md` describes for `envelope=true`.
    public static func envelope(_ page: Page, query: Query) -> JSONValue {
        .object([
            ("status", .string("OK")), ("status_code", .number(200)), ("version", .string(version)),
            ("total", .number(Double(page.total))),
            ("last-modified", page.lastModified.map { .string(httpDate($0)) } ?? .null),
            ("limit", .number(Double(query.limit))), ("offset", .number(Double(query.offset))),
            ("data", .array(page.items)),
        ])
    }

    /// CSV (RFC 4180): a header row of property names, lists joined by "; ", objects as JSON.
    public static func csv(_ page: Page, query: Query) -> String {
        let columns = query.fields ?? allProperties.filter { property in page.items.contains { $0[property] != nil } }
        var lines = [columns.map { CSV.cell($0, header: true) }.joined(separator: ",")]
        for item in page.items {
            lines.append(columns.map { column -> String in
                switch item[column] {
                case nil: ""
                case .array(let values)?: CSV.cell(values.compactMap(\.stringValue).joined(separator: "; "))
                case .object?: CSV.cell(item[column]!.serialized(pretty: false))
                case let value?: CSV.cell(value.stringValue ?? "")
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 9110 HTTP-date, as in `Last-Modified`.
    public static func httpDate(_ date: Date) -> String {
        DateFormatter.fixed("EEE, dd MMM yyyy HH:mm:ss 'GMT'").string(from: date)
    }
}
