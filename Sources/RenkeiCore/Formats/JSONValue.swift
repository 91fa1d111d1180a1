import Foundation

/// A JSON value whose objects keep their key order, for formats whose readers are people
/// (Global IRT lists properties in a documented order) and for field selection.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .bool(let value): hasher.combine(value)
        case .null: hasher.combine(0)
        case .array(let values): hasher.combine(values)
        case .object(let pairs): for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    /// A string, or each string of an array (a lone string counts as a one-element list).
    public var stringList: [String]? {
        switch self {
        case .array(let values): values.compactMap(\.stringValue)
        case .null: []
        default: stringValue.map { [$0] }
        }
    }

    /// Serialises with keys in their stored order; `pretty` indents by four spaces.
    public func serialized(pretty: Bool) -> String {
        serialized(pretty: pretty, depth: 0)
    }

    /// As written `depth` levels inside a document, so a value serialized once can be pasted
    /// into a larger pretty document (`GlobalIRT.arrayBody`).
    public func serialized(pretty: Bool, depth: Int) -> String {
        var out = ""
        write(into: &out, pretty: pretty, depth: depth)
        return out
    }

    private func write(into out: inout String, pretty: Bool, depth: Int) {
        let newline = pretty ? "\n" : ""
        let indent = pretty ? String(repeating: "    ", count: depth + 1) : ""
        let closing = pretty ? String(repeating: "    ", count: depth) : ""
        switch self {
        case .string(let value): Self.writeString(value, into: &out)
        case .number(let value): out += stringValue ?? String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            out += "[" + newline
            for (index, value) in values.enumerated() {
                out += indent
                value.write(into: &out, pretty: pretty, depth: depth + 1)
                out += (index < values.count - 1 ? "," : "") + newline
            }
            out += closing + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { out += "{}"; return }
            out += "{" + newline
            for (index, pair) in pairs.enumerated() {
                out += indent
                Self.writeString(pair.key, into: &out)
                out += pretty ? ": " : ":"
                pair.value.write(into: &out, pretty: pretty, depth: depth + 1)
                out += (index < pairs.count - 1 ? "," : "") + newline
            }
            out += closing + "}"
        }
    }

    private static func writeString(_ value: String, into out: inout String) {
        out += "\""
        // Most strings need no escape: appended whole, not scalar by scalar.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "not valid JSON at byte \(offset): \(message)" }
    }

    /// Parses JSON text (RFC 8259), keeping the key order of objects.
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(data))
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the value") }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String) -> JSONValue.ParseError { .init(message: message, offset: index) }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        guard depth < 64 else { throw error("nested too deeply") }
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var pairs: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                pairs.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            var values: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
            while true {
                values.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    mutating func literal(_ word: String) throws(JSONValue.ParseError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("unexpected character")
        }
        index += expected.count
    }

    mutating func parseNumber() throws(JSONValue.ParseError) -> Double {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw error("unexpected character")
        }
        return value
    }

    /// Builds the string's UTF-8 in one buffer, copying each run of plain bytes at once: a
    /// string of megabytes (an X-ARF report) costs one pass, not a copy per character.
    mutating func parseString() throws(JSONValue.ParseError) -> String {
        index += 1
        var utf8: [UInt8] = []
        func append(_ scalar: Unicode.Scalar) { UTF8.encode(scalar) { utf8.append($0) } }
        var pendingHigh: UInt32?
        while index < bytes.count {
            let run = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 { index += 1 }
            if index > run {
                utf8.append(contentsOf: bytes[run..<index])
                pendingHigh = nil
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return String(decoding: utf8, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else { throw error("control character in string") }
            guard index + 1 < bytes.count else { break }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): append("\n")
            case UInt8(ascii: "t"): append("\t")
            case UInt8(ascii: "r"): append("\r")
            case UInt8(ascii: "b"): append("\u{08}")
            case UInt8(ascii: "f"): append("\u{0C}")
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): append(Unicode.Scalar(escape))
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count,
                      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                else { throw error("bad \\u escape") }
                index += 4
                if (0xD800...0xDBFF).contains(code) { pendingHigh = code; continue }
                if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                    append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    append(Unicode.Scalar(code) ?? "\u{FFFD}")
                }
            default: throw error("bad escape")
            }
            pendingHigh = nil
        }
        throw error("unterminated string")
    }
}
