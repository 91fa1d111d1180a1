import Foundation

/// A DNS name, lower-cased, without a trailing dot; internationalised names must be given in
/// their A-label (punycode) form. A single label such as `jp` is allowed: a national team may
/// declare a whole top-level domain.
public struct DomainName: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let name: String

    public init?(parsing raw: String) {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix(".") { text.removeFirst() }
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= 253 else { return nil }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.utf8.count),
                  label.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }),
                  label.first != "-", label.last != "-"
            else { return nil }
        }
        guard labels.last?.allSatisfy(\.isASCIIDigit) == false else { return nil }
        name = text
    }

    public var description: String { name }

    /// This name and each parent, most specific first: `a.example.jp`, `example.jp`, `jp`.
    public var selfAndParents: [String] {
        var result = [name]
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            result.append(String(rest))
        }
        return result
    }

    public static func < (lhs: DomainName, rhs: DomainName) -> Bool { lhs.name < rhs.name }

    /// The country whose ccTLD ends the name (`.uk` is the United Kingdom's, ISO code GB).
    public var countryOfTopLevelDomain: String? {
        guard let tld = selfAndParents.last, tld.count == 2 else { return nil }
        let code = tld == "uk" ? "GB" : tld.uppercased()
        return Country.named(code) == nil ? nil : code
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = DomainName(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "“\(text)” is not a domain name"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
