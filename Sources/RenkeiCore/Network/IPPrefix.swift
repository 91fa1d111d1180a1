import Foundation

/// A CIDR network such as `192.0.2.0/24` or `2001:db8::/32`. Host bits must be zero.
public struct IPPrefix: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let network: IPAddress
    /// Stored in one byte: tables hold a million prefixes.
    private let storedLength: UInt8
    public var length: Int { Int(storedLength) }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case hostBitsSet(given: String, network: String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "“\(text)” is not an IPv4 or IPv6 prefix (expected e.g. 192.0.2.0/24 or 2001:db8::/32)"
            case .hostBitsSet(let given, let network):
                "“\(given)” has host bits set; the network is \(network)"
            }
        }
    }

    public init(network: IPAddress, length: Int) {
        precondition((0...network.bitWidth).contains(length))
        self.network = network.masked(to: length)
        storedLength = UInt8(length)
    }

    /// Parses `address/length`; a bare address is a host prefix (/32 or /128).
    public init(parsing raw: String) throws(ParseError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else {
            throw .malformed(raw)
        }
        var length = address.bitWidth
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy(\.isASCIIDigit),
                  let value = Int(parts[1]), value <= address.bitWidth else { throw .malformed(raw) }
            length = value
        }
        let prefix = IPPrefix(network: address, length: length)
        guard prefix.network == address else {
            throw .hostBitsSet(given: text, network: prefix.description)
        }
        self = prefix
    }

    public var description: String { "\(network)/\(length)" }

    public func contains(_ address: IPAddress) -> Bool {
        address.bitWidth == network.bitWidth && address.masked(to: length) == network
    }

    public func overlaps(_ other: IPPrefix) -> Bool {
        let shorter = min(length, other.length)
        return network.bitWidth == other.network.bitWidth
            && network.masked(to: shorter) == other.network.masked(to: shorter)
    }

    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        (lhs.network, lhs.length) < (rhs.network, rhs.length)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try IPPrefix(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
