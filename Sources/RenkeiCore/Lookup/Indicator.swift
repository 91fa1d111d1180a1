import Foundation

/// Something a point-of-contact question is asked about.
public enum Indicator: Sendable, Hashable, CustomStringConvertible {
    case address(IPAddress)
    case prefix(IPPrefix)
    case asn(ASN)
    case domain(DomainName)
    case country(String)

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let input: String
        public let reason: String
        public var description: String { "“\(input)”: \(reason)" }
    }

    /// Reads an IPv4/IPv6 address, a CIDR prefix, an AS number (`AS64500`, or digits alone),
    /// a domain name, a URL (its host), an e-mail address (its domain) or an ISO 3166 country
    /// code (two letters; a country's top-level domain is asked for as `.jp`). Defanged forms
    /// are read as what they stand for (`refanged`), and an IPv4-mapped IPv6 address
    /// (`::ffff:198.51.100.7`) as its IPv4 address.
    public init(parsing raw: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(input: raw, reason: reason) }
        guard raw.utf8.count <= 2048 else { throw fail("longer than 2048 bytes") }
        var text = Self.refanged(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !text.isEmpty else { throw fail("empty") }
        // An IPv6 address as it is written in a URL: `[2001:db8::1]`.
        if text.hasPrefix("["), text.hasSuffix("]"), IPAddress(String(text.dropFirst().dropLast())) != nil {
            text = String(text.dropFirst().dropLast())
        }

        if text.contains("://") {
            guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
                throw fail("not a URL with a host")
            }
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            if let address = IPAddress(bare) { self = .address(address.unmapped); return }
            guard let domain = DomainName(parsing: bare) else { throw fail("the URL's host “\(host)” is not a domain name or address") }
            self = .domain(domain)
            return
        }
        if text.contains("@") {
            guard TeamRecord.isEmail(text), let at = text.lastIndex(of: "@"),
                  let domain = DomainName(parsing: String(text[text.index(after: at)...])) else {
                throw fail("not an e-mail address")
            }
            self = .domain(domain)
            return
        }
        if text.contains("/") {
            do { self = .prefix(Self.unmapped(try IPPrefix(parsing: text))) } catch { throw fail(error.description) }
            return
        }
        if let address = IPAddress(text) { self = .address(address.unmapped); return }
        if text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) {
            guard let country = Country.named(text) else { throw fail("not an ISO 3166-1 country code") }
            self = .country(country.code)
            return
        }
        if text.uppercased().hasPrefix("AS") || text.allSatisfy(\.isASCIIDigit) {
            guard let asn = ASN(parsing: text) else { throw fail("not an AS number (AS0 to AS4294967295)") }
            self = .asn(asn)
            return
        }
        if text.allSatisfy({ $0.isASCIIDigit || $0 == "." }) { throw fail("not an IPv4 address") }
        guard let domain = DomainName(parsing: text) else {
            throw fail("not an address, prefix, AS number, domain, URL, e-mail address or country code")
        }
        self = .domain(domain)
    }

    /// Reads a line as analysts paste it into a lookup: the indicator with what often comes
    /// around it, a note after it (`198.51.100.7 (C2)`, a CSV row's other columns), a port
    /// (`198.51.100.7:443`, `[2001:db8::1]:443`) or `AS 64500`; then as `init(parsing:)`. An
    /// import file's fields stay with the strict form.
    public init(pasted raw: String) throws(ParseError) {
        guard raw.utf8.count <= 2048 else { throw ParseError(input: raw, reason: "longer than 2048 bytes") }
        var text = Self.refanged(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        let upper = text.uppercased()
        for prefix in ["ASN", "AS"] where upper.hasPrefix(prefix) {
            let number = text.dropFirst(prefix.count).drop(while: \.isWhitespace)
            if number.first?.isASCIIDigit == true { text = "AS" + number }
            break
        }
        // A note is dropped only after something that is plainly an indicator: in `no such
        // thing` the first word would be read as a country code, in `nope` as a top-level domain.
        if let note = text.firstIndex(where: { $0.isWhitespace || $0 == "," || $0 == ";" }), note > text.startIndex,
           let indicator = try? Indicator(parsing: Self.withoutPort(String(text[..<note]))), indicator.isPlainlyAnIndicator {
            self = indicator
            return
        }
        do { try self.init(parsing: Self.withoutPort(text)) } catch { throw ParseError(input: raw, reason: error.reason) }
    }

    /// `198.51.100.7:443` as `198.51.100.7`, `[2001:db8::1]:443` as `2001:db8::1`; else unchanged.
    private static func withoutPort(_ text: String) -> String {
        guard let colon = text.lastIndex(of: ":"), case let port = text[text.index(after: colon)...],
              port.allSatisfy(\.isASCIIDigit), let number = UInt16(port), number > 0 else { return text }
        let host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]"), IPAddress(String(host.dropFirst().dropLast())) != nil {
            return String(host.dropFirst().dropLast())
        }
        if let address = IPAddress(String(host)), case .v4 = address { return String(host) }
        return text
    }

    /// Not a word that happens to read as one: an address, a prefix, an AS number or a domain
    /// of two labels or more (not `no`, a country code, or `nope`, a top-level domain).
    private var isPlainlyAnIndicator: Bool {
        switch self {
        case .address, .prefix, .asn: true
        case .domain(let domain): domain.name.contains(".")
        case .country: false
        }
    }

    /// Undoes the ways analysts defang indicators so that nobody clicks them: a bracketed dot,
    /// colon, slash or at sign in any of `[]`, `()`, `{}` (`[.]`, `(.)`, `{.}`, `[dot]`, `[:]`,
    /// `[://]`, `[/]`, `[at]`, `[@]`, spaces around them allowed), `\.` for a dot, and the
    /// schemes `hxxp`, `hxxps` (any case, also `hXtp`...) and `fxp`. Only these forms change;
    /// anything else is left for the parser to judge.
    public static func refanged(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        let tokens: [(String, String)] = [("://", "://"), (".", "."), ("dot", "."), (":", ":"), ("/", "/"), ("at", "@"), ("@", "@")]
        let closing: [Character: Character] = ["[": "]", "(": ")", "{": "}"]
        scanning: while let first = rest.first {
            if first == "\\", rest.dropFirst().first == "." {
                result.append(".")
                rest = rest.dropFirst(2)
                continue
            }
            if let close = closing[first] {
                let inner = rest.dropFirst()
                if let end = inner.firstIndex(of: close), inner.distance(from: inner.startIndex, to: end) <= 5 {
                    let token = inner[..<end].trimmingCharacters(in: .whitespaces).lowercased()
                    if let replacement = tokens.first(where: { $0.0 == token })?.1 {
                        while result.last == " " { result.removeLast() }
                        result += replacement
                        rest = inner[inner.index(after: end)...].drop(while: { $0 == " " })
                        continue scanning
                    }
                }
            }
            result.append(first)
            rest = rest.dropFirst()
        }
        let lower = result.lowercased()
        for (defanged, scheme) in [("hxxps://", "https://"), ("hxxp://", "http://"), ("hxtps://", "https://"), ("hxtp://", "http://"),
                                   ("htxps://", "https://"), ("htxp://", "http://"), ("fxp://", "ftp://")] where lower.hasPrefix(defanged) {
            return scheme + result.dropFirst(defanged.count)
        }
        return result
    }

    /// `::ffff:198.18.0.0/112` is asked for as `198.18.0.0/16`.
    private static func unmapped(_ prefix: IPPrefix) -> IPPrefix {
        guard prefix.length >= 96, case .v4 = prefix.network.unmapped, prefix.network.unmapped != prefix.network else { return prefix }
        return IPPrefix(network: prefix.network.unmapped, length: prefix.length - 96)
    }

    public var description: String {
        switch self {
        case .address(let address): address.description
        case .prefix(let prefix): prefix.description
        case .asn(let asn): asn.description
        case .domain(let domain): domain.name
        case .country(let code): code
        }
    }

    public var kind: String {
        switch self {
        case .address(let address): if case .v4 = address { "ipv4" } else { "ipv6" }
        case .prefix: "prefix"
        case .asn: "asn"
        case .domain: "domain"
        case .country: "country"
        }
    }
}
