import Foundation

/// An autonomous system number; accepts `AS64500`, `as64500` and `64500`, and asdot `1.10`.
public struct ASN: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init?(parsing raw: String) {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.uppercased().hasPrefix("AS") { text = text.dropFirst(2) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 10 && $0.allSatisfy(\.isASCIIDigit) })
        else { return nil }
        if parts.count == 2 {
            guard let high = UInt32(parts[0]), let low = UInt32(parts[1]), high <= 0xffff, low <= 0xffff else { return nil }
            value = high << 16 | low
        } else {
            guard let plain = UInt32(parts[0]) else { return nil }
            value = plain
        }
    }

    public var description: String { "AS\(value)" }

    public static func < (lhs: ASN, rhs: ASN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt32.self) {
            value = number
        } else if let parsed = ASN(parsing: try container.decode(String.self)) {
            self = parsed
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an AS number"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
