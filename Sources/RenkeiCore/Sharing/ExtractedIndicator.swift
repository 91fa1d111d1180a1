import Foundation

/// An indicator found in the text of a shared item, so members can copy, search and look it up.
public struct ExtractedIndicator: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case ipv4, ipv6, domain, url, cve, md5, sha1, sha256, cvss
    }

    public var kind: Kind
    public var value: String
    /// For CVSS vectors: the base (v2/v3) or CVSS-B… (v4) score.
    public var score: Double?

    /// Finds addresses, URLs, CVE ids, hashes and CVSS vectors (scored), each once, in order.
    /// Defanged forms as analysts write them (`hxxp`, `[.]`) are read as the real thing. A
    /// domain is taken only when written defanged (`evil[.]example`): plain text is full of
    /// names with dots (files, versions) that are no indicator, while defanging is the analyst
    /// saying "do not click this".
    public static func extract(from text: String) -> [ExtractedIndicator] {
        let defangedDomains = matches(#"(?<![\w.\[\]-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\[\.\]|\(\.\)|\.))+[A-Za-z]{2,63}\b"#, in: text)
            .filter { $0.contains("[.]") || $0.contains("(.)") }
        let plain = text.replacingOccurrences(of: "[.]", with: ".").replacingOccurrences(of: "(.)", with: ".")
            .replacingOccurrences(of: "hxxp", with: "http", options: .caseInsensitive)
        var found: [ExtractedIndicator] = []
        var seen = Set<String>()
        func add(_ kind: Kind, _ value: String, score: Double? = nil) {
            // URL paths are case-sensitive; everything else found here is not.
            guard seen.insert(kind.rawValue + ":" + (kind == .url ? value : value.lowercased())).inserted else { return }
            found.append(ExtractedIndicator(kind: kind, value: value, score: score))
        }
        for match in matches(#"CVSS:[34]\.[01]/[A-Za-z:/]+|\(?AV:[LAN]/AC:[HML]/Au:[MSN]/C:[NPC]/I:[NPC]/A:[NPC][A-Za-z:/]*\)?"#, in: plain) {
            let vector = match.trimmingCharacters(in: CharacterSet(charactersIn: "()/"))
            if let result = try? CVSS.score(vector, explain: false) {
                add(.cvss, vector, score: result.baseScore ?? result.score)
            }
        }
        for match in defangedDomains {
            let domain = match.replacingOccurrences(of: "[.]", with: ".").replacingOccurrences(of: "(.)", with: ".").lowercased()
            if IPAddress(domain) == nil { add(.domain, domain) }
        }
        for match in matches(#"\bCVE-\d{4}-\d{4,7}\b"#, in: plain, caseInsensitive: true) { add(.cve, match.uppercased()) }
        for match in matches(#"\bhttps?://[^\s<>"')\]]+"#, in: plain, caseInsensitive: true) {
            add(.url, match.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:")))
        }
        for match in matches(#"\b[0-9A-Fa-f]{32,64}\b"#, in: plain) {
            switch match.count {
            case 32: add(.md5, match.lowercased())
            case 40: add(.sha1, match.lowercased())
            case 64: add(.sha256, match.lowercased())
            default: break
            }
        }
        // An address range stays a range (`198.51.100.0/24`): taken as its first address it would
        // name one host that nobody mentioned.
        for match in matches(#"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2}(?![\w/]))?"#, in: plain) {
            let (address, length) = splitPrefix(match)
            guard IPAddress(address) != nil else { continue }
            if let length { if length <= 32 { add(.ipv4, length == 32 ? address : "\(address)/\(length)") } } else { add(.ipv4, address) }
        }
        // Anything shaped like groups and colons (compressed forms and an embedded IPv4 tail
        // included); the address parser decides what really is one.
        for match in matches(#"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]*(?:/\d{1,3}(?![\w/]))?(?![\w:])"#, in: plain) {
            let (written, length) = splitPrefix(match)
            let candidate = written.hasSuffix(".") ? String(written.dropLast()) : written
            guard let address = IPAddress(candidate) else { continue }
            if let length { if length <= 128 { add(.ipv6, length == 128 ? address.description : "\(address)/\(length)") } } else { add(.ipv6, address.description) }
        }
        return found
    }

    /// `address/length` as its two parts; a length only when one is written.
    private static func splitPrefix(_ text: String) -> (address: String, length: Int?) {
        guard let slash = text.firstIndex(of: "/") else { return (text, nil) }
        return (String(text[..<slash]), Int(text[text.index(after: slash)...]))
    }

    private static func matches(_ pattern: String, in text: String, caseInsensitive: Bool = false) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }
}
