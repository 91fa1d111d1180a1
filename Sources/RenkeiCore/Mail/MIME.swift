import Crypto
import Foundation

/// A MIME entity (RFC 2045/2046): header fields and a body, written with CRLF line ends and
/// lines of at most 76 characters, so it survives any relay unchanged and a signature over
/// it stays valid (RFC 3156 asks for a 7-bit canonical form).
public struct MIMEPart: Sendable, Hashable {
    public var headers: [(name: String, value: String)]
    /// The encoded body, CRLF line ends, no trailing CRLF.
    public var body: String

    /// Text this part renders as, byte for byte, when it was read back from storage: what was
    /// signed must be sent unchanged.
    private var verbatim: String?

    public init(headers: [(name: String, value: String)], body: String) {
        self.headers = headers
        self.body = body
    }

    /// A part as rendered before (its headers and body still readable); renders exactly as `text`.
    public init(verbatim text: String) {
        let entity = ReceivedEntity(raw: text)
        headers = entity.headers
        body = entity.rawBody
        verbatim = text
    }

    public static func == (lhs: MIMEPart, rhs: MIMEPart) -> Bool { lhs.rendered == rhs.rendered }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    /// A text/plain part in UTF-8, quoted-printable.
    public static func text(_ text: String) -> MIMEPart {
        MIMEPart(headers: [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")],
                 body: QuotedPrintable.encode(text))
    }

    /// A multipart entity; the boundary is derived from the parts, so it never occurs in them.
    public static func multipart(_ subtype: String, parameters: [(String, String)] = [], parts: [MIMEPart]) -> MIMEPart {
        let rendered = parts.map(\.rendered)
        var boundary = "=_renkei_" + Hex.lowercase(SHA256.hash(data: Data(rendered.joined().utf8)).prefix(12))
        while rendered.contains(where: { $0.contains(boundary) }) { boundary += "_" }
        let parameterText = parameters.map { "; \($0.0)=\"\($0.1)\"" }.joined()
        var body = ""
        for part in rendered { body += "--\(boundary)\r\n\(part)\r\n" }
        body += "--\(boundary)--"
        return MIMEPart(headers: [("Content-Type", "multipart/\(subtype); boundary=\"\(boundary)\"\(parameterText)")], body: body)
    }

    /// A file attached, base64 in lines of 76 (RFC 2045 §6.8).
    public static func attachment(fileName: String, contentType: String, bytes: [UInt8]) -> MIMEPart {
        let encoded = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return MIMEPart(headers: [("Content-Type", "\(contentType); name=\"\(fileName)\""), ("Content-Transfer-Encoding", "base64"),
                                  ("Content-Disposition", "attachment; filename=\"\(fileName)\"")], body: encoded)
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Header fields (folded at 76 characters where they have spaces), a blank line and the body.
    public var rendered: String {
        if let verbatim { return verbatim }
        return headers.map { Self.fold("\($0.name): \($0.value)") }.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    static func fold(_ line: String) -> String {
        guard line.count > 76 else { return line }
        var output = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > 76 {
                output += current + "\r\n"
                current = " " + word
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        return output + current
    }
}

/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text: CRLF line ends, soft breaks before 76.
public enum QuotedPrintable {
    public static func encode(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines: [String] = []
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded = ""
            var width = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                var token = byte == UInt8(ascii: "=") || byte > 126 || (byte < 32 && byte != 9) || ((byte == 32 || byte == 9) && isLast)
                    ? String(format: "=%02X", byte) : String(UnicodeScalar(byte))
                if width + token.count > 75 {
                    encoded += "=\r\n"
                    width = 0
                }
                // A "." or "F" starting a physical line is encoded too, so no relay dot-stuffs or
                // "From "-mangles a signed line.
                if width == 0, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "F") { token = String(format: "=%02X", byte) }
                encoded += token
                width += token.count
            }
            lines.append(encoded)
        }
        return lines.joined(separator: "\r\n")
    }

    public static func decode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < bytes.count, bytes[index + 1] == 13 || bytes[index + 1] == 10 {
                    index += bytes[index + 1] == 13 && index + 2 < bytes.count && bytes[index + 2] == 10 ? 3 : 2
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}

/// Header text: RFC 2047 encoded words for anything beyond printable ASCII.
public enum HeaderText {
    public static func encode(_ text: String) -> String {
        let clean = HeaderValue.clean(text)
        guard !clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) else { return clean }
        // Encoded words of at most 75 characters, split on character boundaries.
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if Data((chunk + String(character)).utf8).base64EncodedString().count > 60 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: " ")
    }

    /// Decodes encoded words (B and Q) in a received header.
    public static func decode(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            // =?charset?encoding?text?= : the end is the first "?=" after the encoding's "?".
            guard let charsetEnd = rest[start.upperBound...].firstIndex(of: "?"),
                  let encodingEnd = rest[rest.index(after: charsetEnd)...].firstIndex(of: "?"),
                  let end = rest[rest.index(after: encodingEnd)...].range(of: "?="),
                  case let fields = rest[start.upperBound..<end.lowerBound].split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false),
                  fields.count == 3 else { break }
            if !(lastWasEncoded && between.allSatisfy(\.isWhitespace)) { output += between }
            let payload = String(fields[2])
            let bytes: [UInt8]? = switch fields[1].uppercased() {
            case "B": Data(base64Encoded: payload).map { Array($0) }
            case "Q": QuotedPrintable.decode(payload.replacingOccurrences(of: "_", with: " "))
            default: nil
            }
            output += bytes.map { String(decoding: $0, as: UTF8.self) } ?? String(rest[start.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
            lastWasEncoded = true
        }
        return output + rest
    }
}

/// A received message or part, read as ISO-8859-1 so every byte stays itself: a signature is
/// checked over exactly the bytes that were signed.
public struct ReceivedEntity: Sendable {
    public var headers: [(name: String, value: String)]
    /// The body exactly as received.
    public var rawBody: String
    /// The whole entity (headers and body) exactly as received.
    public var raw: String

    public init(bytes: [UInt8]) {
        self.init(raw: String(latin1: bytes))
    }

    public init(raw: String) {
        self.raw = raw
        let separator = raw.range(of: "\r\n\r\n") ?? raw.range(of: "\n\n")
        let headerText = separator.map { String(raw[..<$0.lowerBound]) } ?? raw
        rawBody = separator.map { String(raw[$0.upperBound...]) } ?? ""
        var fields: [(String, String)] = []
        for line in Self.lines(headerText) {
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                               String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        headers = fields
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Lines split at each LF, a CR before it kept: split on Unicode scalars, because a Swift
    /// Character holds CR LF as one and would not match "\n".
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }

    /// `multipart/signed` for `Content-Type: multipart/signed; boundary="x"; ...`, lower-cased.
    public var contentType: String {
        (header("Content-Type") ?? "text/plain").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/plain"
    }

    public func parameter(_ name: String) -> String? {
        guard let value = header("Content-Type") else { return nil }
        for piece in value.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// The parts of a multipart body, each exactly as received (without the CRLF that
    /// belongs to the boundary line).
    public var parts: [ReceivedEntity] {
        guard contentType.hasPrefix("multipart/"), let boundary = parameter("boundary") else { return [] }
        let delimiter = "--" + boundary
        var parts: [ReceivedEntity] = []
        var current: [String]? = nil
        for line in Self.lines(rawBody) {
            let bare = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if bare.hasPrefix(delimiter) {
                if let lines = current { parts.append(ReceivedEntity(raw: lines.joined(separator: "\n").replacingTrailingCR())) }
                if bare.hasPrefix(delimiter + "--") { return parts }
                current = []
            } else {
                current?.append(line)
            }
        }
        return parts
    }

    /// The body decoded from its transfer encoding, as text (UTF-8, or ISO-8859-1 when it is not).
    public var decodedText: String {
        let bytes = Array(rawBody.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        let decoded: [UInt8] = switch (header("Content-Transfer-Encoding") ?? "").lowercased() {
        case "quoted-printable": QuotedPrintable.decode(String(decoding: bytes, as: UTF8.self))
        case "base64": Data(base64Encoded: String(decoding: bytes, as: UTF8.self), options: .ignoreUnknownCharacters).map { Array($0) } ?? []
        default: bytes
        }
        let text = String(bytes: decoded, encoding: .utf8) ?? String(latin1: decoded)
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// The first text/plain content under this entity, decoded.
    public var plainText: String? {
        if contentType == "text/plain" { return decodedText }
        for part in parts { if let text = part.plainText { return text } }
        return nil
    }

    /// The raw bytes again.
    public var bytes: [UInt8] { raw.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
}

extension String {
    /// Each byte as the character of the same number (ISO-8859-1): nothing is lost or changed.
    init(latin1 bytes: [UInt8]) {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        self.init(scalars)
    }


    /// A part's last line ends where the next boundary's CRLF begins.
    fileprivate func replacingTrailingCR() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
