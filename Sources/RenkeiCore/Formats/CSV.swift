/// RFC 4180 CSV: records of fields, quoted fields may hold commas, quotes ("") and line breaks.
/// Each record keeps the exact text it was read from, so routed rows are written unchanged.
public struct CSVRecord: Sendable {
    public var fields: [String]
    public var text: Substring
    /// The line the record starts on (1-based).
    public var line: Int
}

import Foundation

public enum CSV {
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var description: String { "line \(line): a quoted field is not closed" }
    }

    public static func records(_ text: String) throws(FormatError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1, recordLine = 1
        var recordStart = text.startIndex
        var index = text.startIndex
        func endRecord(at end: String.Index) {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(fields: fields, text: text[recordStart..<end], line: recordLine))
            }
            fields = []
        }
        while index < text.endIndex {
            let character = text[index]
            if inQuotes {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex && text[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                inQuotes = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                endRecord(at: index)
                line += 1
                recordLine = line
                recordStart = text.index(after: index)
            } else {
                field.append(character)
            }
            index = text.index(after: index)
        }
        if inQuotes { throw FormatError(line: recordLine) }
        if recordStart < text.endIndex || !field.isEmpty || !fields.isEmpty { endRecord(at: text.endIndex) }
        return records
    }

    /// One field of every CSV Renkei writes. A value a spreadsheet would run as a formula (it
    /// starts with `=`, `+`, `-`, `@`, TAB or CR) gets a leading `'`, numbers such as `-1`
    /// included: one rule for every column keeps the output predictable. Then RFC 4180 quoting;
    /// scalars, not Characters, since "\r\n" is one Character and would hide a lone "\n".
    /// `header: true` is for column names Renkei fixes itself (FIRST's `-renkei-...` names start
    /// with `-` and must stay exact); they never come from stored or user text.
    public static func cell(_ text: String, header: Bool = false) -> String {
        var value = text
        if !header, let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
