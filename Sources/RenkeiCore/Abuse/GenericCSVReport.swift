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

    /// What makes a whole file unreadable (its header); a bad line is an `AbuseLineError`.
    public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    public static func parse(_ bytes: [UInt8], feed: String, file: String) throws(FileError) -> Result {
        var records = RecordReader(bytes: bytes)
        guard let header = records.next() else { throw FileError(file: file, reason: "the file is empty: a header row is needed") }
        let names = header.fields.map { String(decoding: bytes[$0], as: UTF8.self).trimmed.lowercased() }
        var column: [String: Int] = [:]
        for (index, name) in names.enumerated() where column[name] == nil { column[name] = index }
        let missing = requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else {
            throw FileError(file: file, reason: "the header names no \(missing.joined(separator: ", ")) column (it needs \(requiredColumns.joined(separator: ", ")))")
        }
        let time = column["time"]!, ip = column["ip"]!, port = column["port"]!, type = column["type"]!
        let fqdn = column["fqdn"], url = column["url"]
        var result = Result()
        while let record = records.next() {
            if record.fields.count == 1, record.fields[0].isEmpty { continue }   // a blank line
            func fail(_ reason: String) { result.errors.append(AbuseLineError(file: file, line: record.line, reason: reason)) }
            guard record.fields.count == names.count else {
                fail("\(record.fields.count) fields where the header names \(names.count)"); continue
            }
            func text(_ index: Int) -> String { record.text(index, in: bytes) }
            let fields = AbuseFields(time: text(time), ip: text(ip), port: text(port), type: text(type),
                                     fqdn: fqdn.map(text), url: url.map(text), asn: nil)
            switch fields.event(feed: feed, raw: String(decoding: bytes[record.span], as: UTF8.self)) {
            case .success(let event): result.events.append(event)
            case .failure(let refusal): fail(refusal.reason)
            }
        }
        return result
    }
}

/// CSV records (RFC 4180) from bytes: each record's fields as byte ranges, quotes still in
/// place (`text` takes them off), and the line it starts on.
struct RecordReader {
    struct Record {
        var fields: [Range<Int>]
        var line: Int
        var span: Range<Int>

        func text(_ index: Int, in bytes: [UInt8]) -> String {
            let range = fields[index]
            guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else {
                return String(decoding: bytes[range], as: UTF8.self)
            }
            return String(decoding: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)], as: UTF8.self).replacingOccurrences(of: "\"\"", with: "\"")
        }
    }

    let bytes: [UInt8]
    var position = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Record? {
        guard position < bytes.count else { return nil }
        let start = position, startLine = line
        var fields: [Range<Int>] = []
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
                    fields.append(fieldStart..<end)
                    position += 1
                    return Record(fields: fields, line: startLine, span: start..<end)
                }
            } else if byte == UInt8(ascii: ","), !quoted {
                fields.append(fieldStart..<position)
                fieldStart = position + 1
            }
            position += 1
        }
        fields.append(fieldStart..<bytes.count)
        return Record(fields: fields, line: startLine, span: start..<bytes.count)
    }
}

/// ISO 8601 dates and times as reports write them: `2026-12-07T10:00:00Z`, with a fraction, an
/// offset (`+01:00`), a space for the `T`, or no zone (taken as UTC, as sensor feeds mean it).
public enum AbuseTime {
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
