import Foundation

/// The `generic-csv` feed every installation has: CSV with a header row naming at least
/// `time` (ISO 8601), `ip`, `port` and `type` (a type of `AbuseType`), optionally `fqdn` and
/// `url`; other columns are kept in the raw line only. Read from bytes in one pass (RFC 4180
/// quoting, LF or CRLF); only the columns an event needs become strings.
public enum GenericCSVReport {
    public static let requiredColumns = ["time", "ip", "port", "type"]

    public struct Result: Sendable {
        public var events: [AbuseEvent] = []
        public var errors: [AbuseLineError] = []
    }

    /// What makes a whole file unreadable (its header, a line too long to be a report line); a
    /// bad line is an `AbuseLineError`.
    public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// A whole file at once (tests, small uploads); `AbuseReportReader` reads one block at a time.
    public static func parse(_ bytes: [UInt8], feed: String, file: String) throws(FileError) -> Result {
        var reader = AbuseReportReader(format: .csv, feed: feed, file: file)
        let events = try reader.read(bytes, final: true)
        return Result(events: events, errors: reader.errors)
    }

    /// Where the fields an event needs stand in a record, from the header row.
    struct Columns: Sendable {
        var count: Int
        var time: Int, ip: Int, port: Int, type: Int
        var fqdn: Int?, url: Int?

        init(header: RecordReader.Record, in bytes: [UInt8], file: String) throws(FileError) {
            let names = header.fields.map { String(decoding: bytes[$0], as: UTF8.self).trimmed.lowercased() }
            var column: [String: Int] = [:]
            for (index, name) in names.enumerated() where column[name] == nil { column[name] = index }
            let missing = requiredColumns.filter { column[$0] == nil }
            guard missing.isEmpty else {
                throw FileError(file: file, reason: "the header names no \(missing.joined(separator: ", ")) column (it needs \(requiredColumns.joined(separator: ", ")))")
            }
            (count, time, ip, port, type) = (names.count, column["time"]!, column["ip"]!, column["port"]!, column["type"]!)
            (fqdn, url) = (column["fqdn"], column["url"])
        }

        func fields(of record: RecordReader.Record, in bytes: [UInt8]) -> AbuseFields {
            func text(_ index: Int) -> String { record.text(index, in: bytes) }
            return AbuseFields(time: text(time), ip: text(ip), port: text(port), type: text(type), fqdn: fqdn.map(text), url: url.map(text))
        }
    }
}

/// Reads a report block by block, so a file of any size is read in bounded memory: each call
/// returns the events of the lines completed so far, and keeps a line cut by the block's end
/// for the next call. Bad lines are counted, and the first `keptErrors` of them kept.
public struct AbuseReportReader: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case jsonl
        /// X-ARF (`XARFReport`): reports as JSON objects, each over one line or many.
        case xarf
    }

    public static let keptErrors = 1_000
    /// No report line is this long; a longer one is a wrong file, not a line to buffer.
    public static let longestLine = 1 << 20

    public let format: Format
    public let feed: String
    public let file: String
    /// The latest time an event may have (`AbuseFields.event`).
    public var notAfter = AbuseTime.plausible.upperBound
    public private(set) var errors: [AbuseLineError] = []
    public private(set) var rejected = 0
    private var pending: [UInt8] = []
    /// The line `pending` starts on.
    private var line = 1
    private var columns: GenericCSVReport.Columns?
    private var reports = XARFReport.Reader()

    public init(format: Format, feed: String, file: String) {
        self.format = format
        self.feed = feed
        self.file = file
    }

    public mutating func read(_ block: some Collection<UInt8>, final: Bool) throws(GenericCSVReport.FileError) -> [AbuseEvent] {
        var bytes = pending
        bytes.append(contentsOf: block)
        pending = []
        let events = switch format {
        case .csv: try readCSV(bytes, final: final)
        case .jsonl: readJSONLines(bytes, final: final)
        case .xarf: try readXARF(bytes, final: final)
        }
        guard pending.count <= Self.longestLine else {
            throw GenericCSVReport.FileError(file: file, reason: "line \(line) is longer than \(Self.longestLine) bytes")
        }
        if final && format == .csv && columns == nil {
            throw GenericCSVReport.FileError(file: file, reason: "the file is empty: a header row is needed")
        }
        return events
    }

    private mutating func refuse(_ line: Int, _ reason: String) {
        rejected += 1
        if errors.count < Self.keptErrors { errors.append(AbuseLineError(file: file, line: line, reason: reason)) }
    }

    private mutating func take(_ fields: AbuseFields, raw: String, line: Int, into events: inout [AbuseEvent]) {
        // No database keeps a NUL inside text the same way: the line is refused, not cut.
        guard !raw.utf8.contains(0) else { refuse(line, "the line holds a NUL byte"); return }
        switch fields.event(feed: feed, raw: raw, notAfter: notAfter) {
        case .success(let event): events.append(event)
        case .failure(let refusal): refuse(line, refusal.reason)
        }
    }

    private mutating func readCSV(_ bytes: [UInt8], final: Bool) throws(GenericCSVReport.FileError) -> [AbuseEvent] {
        var records = RecordReader(bytes: bytes, line: line)
        // A byte order mark before the header, as spreadsheet programs write it.
        if columns == nil, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { records.position = 3 }
        var events: [AbuseEvent] = []
        while let record = records.next() {
            guard record.terminated || final else {
                pending = Array(bytes[record.span.lowerBound...])
                line = record.line
                return events
            }
            guard let columns else {
                columns = try GenericCSVReport.Columns(header: record, in: bytes, file: file)
                continue
            }
            if record.fields.count == 1, record.fields[0].isEmpty { continue }   // a blank line
            guard record.fieldCount == columns.count else {
                refuse(record.line, "\(record.fieldCount) fields where the header names \(columns.count)"); continue
            }
            take(columns.fields(of: record, in: bytes), raw: String(decoding: bytes[record.span], as: UTF8.self), line: record.line, into: &events)
        }
        line = records.line
        return events
    }

    private mutating func readJSONLines(_ bytes: [UInt8], final: Bool) -> [AbuseEvent] {
        var events: [AbuseEvent] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < bytes.count || final else {
                pending = Array(bytes[start...])
                return events
            }
            let number = line
            line += 1
            let next = end + 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            defer { start = next }
            let text = bytes[start..<end]
            guard text.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }
            let object: JSONValue
            do { object = try JSONValue.parse(Data(text)) } catch { refuse(number, "not JSON: \(error.message)"); continue }
            guard case .object = object else { refuse(number, "not a JSON object"); continue }
            func field(_ names: String...) -> String? { names.lazy.compactMap { object[$0]?.stringValue }.first }
            let fields = AbuseFields(time: field("time", "time.source", "time.observation") ?? "", ip: field("ip", "source.ip") ?? "",
                                     port: field("port", "source.port") ?? "", type: field("type", "classification.type") ?? "",
                                     fqdn: field("fqdn", "source.fqdn"), url: field("url", "source.url"), asn: field("asn", "source.asn"))
            take(fields, raw: String(decoding: text, as: UTF8.self), line: number, into: &events)
        }
        return events
    }

    private mutating func readXARF(_ bytes: [UInt8], final: Bool) throws(GenericCSVReport.FileError) -> [AbuseEvent] {
        var events: [AbuseEvent] = []
        for report in try reports.read(bytes, final: final, file: file) {
            switch report.fields {
            case .success(let fields): take(fields, raw: report.raw, line: report.line, into: &events)
            case .failure(let refusal): refuse(report.line, refusal.reason)
            }
        }
        return events
    }
}

/// CSV records (RFC 4180) from bytes: each record's fields as byte ranges, quotes still in
/// place (`text` takes them off), and the line it starts on.
struct RecordReader {
    struct Record {
        var fields: [Range<Int>]
        var line: Int
        var span: Range<Int>
        /// Whether a line break ended it (or the bytes ran out first).
        var terminated: Bool
        /// How many fields it has; past `RecordReader.keptFields` their ranges are not kept.
        var fieldCount: Int

        func text(_ index: Int, in bytes: [UInt8]) -> String {
            let range = fields[index]
            guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else {
                return String(decoding: bytes[range], as: UTF8.self)
            }
            return String(decoding: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)], as: UTF8.self).replacingOccurrences(of: "\"\"", with: "\"")
        }
    }

    /// More fields than any report has: a line of commas costs no memory beyond these.
    static let keptFields = 1_024

    let bytes: [UInt8]
    var position = 0
    var line: Int

    init(bytes: [UInt8], line: Int = 1) {
        self.bytes = bytes
        self.line = line
    }

    mutating func next() -> Record? {
        guard position < bytes.count else { return nil }
        let start = position, startLine = line
        var fields: [Range<Int>] = []
        var dropped = 0
        func add(_ field: Range<Int>) { if fields.count < Self.keptFields { fields.append(field) } else { dropped += 1 } }
        var fieldStart = position
        var quoted = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if byte == UInt8(ascii: "\n") {
                line += 1
                if !quoted {
                    let end = position > fieldStart && bytes[position - 1] == UInt8(ascii: "\r") ? position - 1 : position
                    add(fieldStart..<end)
                    position += 1
                    return Record(fields: fields, line: startLine, span: start..<end, terminated: true, fieldCount: fields.count + dropped)
                }
            } else if byte == UInt8(ascii: ","), !quoted {
                add(fieldStart..<position)
                fieldStart = position + 1
            }
            position += 1
        }
        add(fieldStart..<bytes.count)
        line = startLine
        return Record(fields: fields, line: startLine, span: start..<bytes.count, terminated: false, fieldCount: fields.count + dropped)
    }
}

/// ISO 8601 dates and times as reports write them: `2026-12-07T10:00:00Z`, with a fraction, an
/// offset (`+01:00`), a space for the `T`, or no zone (taken as UTC, as sensor feeds mean it).
public enum AbuseTime {
    /// 1990-01-01 to 2099-12-31: a report's time outside this is a wrong field, not an event.
    public static let plausible: ClosedRange<Int64> = 631_152_000...4_102_444_799

    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8.drop { $0 == UInt8(ascii: " ") }.reversed().drop { $0 == UInt8(ascii: " ") }.reversed())
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(bytes, 0..<4), let month = number(bytes, 5..<7), let day = number(bytes, 8..<10),
              let hour = number(bytes, 11..<13), let minute = number(bytes, 14..<16), let second = number(bytes, 17..<19),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { return nil }
        }
        var offset: Int64 = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                guard bytes.count - index == 6, bytes[index + 3] == UInt8(ascii: ":"),
                      let hours = number(bytes, (index + 1)..<(index + 3)), let minutes = number(bytes, (index + 4)..<(index + 6)),
                      hours < 24, minutes < 60 else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
    }

    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int64? {
        var value: Int64 = 0
        for index in range {
            let digit = Int64(bytes[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `2026-12-07T10:00:00Z`: computed, not formatted, as a notice of 50,000 events writes
    /// 100,000 of them (a DateFormatter per call cost seconds).
    public static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (year, month, day) = civil(days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + two(month) + "-" + two(day)
            + "T" + two(inDay / 3600) + ":" + two(inDay % 3600 / 60) + ":" + two(inDay % 60) + "Z"
    }

    /// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's algorithm).
    private static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    /// Without the spaces and tabs around it.
    var trimmed: String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view = view.dropFirst() }
        while view.last == " " || view.last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
