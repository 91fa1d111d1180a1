/// An IPv4 or IPv6 address, parsed strictly (no zone ids, no leading zeros in IPv4 octets).
public enum IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    public init?(_ text: String) {
        if text.contains(":") {
            guard let (high, low) = Self.parseV6(text) else { return nil }
            self = .v6(high: high, low: low)
        } else {
            guard let value = Self.parseV4(Substring(text)) else { return nil }
            self = .v4(value)
        }
    }

    /// An IPv4-mapped IPv6 address (`::ffff:198.18.0.1`, RFC 4291 §2.5.5.2) is the IPv4 address
    /// it carries; every other address is itself.
    public var unmapped: IPAddress {
        if case .v6(0, let low) = self, low >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: low)) }
        return self
    }

    public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * $0)) & 0xff) }.joined(separator: ".")
        case .v6(let high, let low):
            return Self.formatV6(high: high, low: low)
        }
    }

    /// The address with every bit after the first `length` bits cleared.
    public func masked(to length: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
            return .v4(value & mask)
        case .v6(let high, let low):
            let highMask: UInt64 = length == 0 ? 0 : (length >= 64 ? ~0 : ~UInt64(0) << (64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << (128 - length))
            return .v6(high: high & highMask, low: low & lowMask)
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        case (.v6(let ah, let al), .v6(let bh, let bl)): (ah, al) < (bh, bl)
        }
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit),
                  part.count == 1 || part.first != "0", let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseV6(_ text: String) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        var tail = Substring(text)
        // An embedded IPv4 suffix (::ffff:192.0.2.1) counts as two groups.
        var v4Suffix: UInt32?
        if let lastColon = tail.lastIndex(of: ":"), tail[tail.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(tail[tail.index(after: lastColon)...]) else { return nil }
            v4Suffix = v4
            tail = tail[...lastColon]
            if tail.hasSuffix("::") == false { tail = tail.dropLast() }
        }
        let halves = tail.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groupsOf(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit),
                      let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groupsOf(halves[0]) else { return nil }
        let suffixGroups: [UInt16] = v4Suffix.map { [UInt16($0 >> 16), UInt16($0 & 0xffff)] } ?? []
        if halves.count == 2 {
            guard let rest = groupsOf(halves[1]) else { return nil }
            let present = head.count + rest.count + suffixGroups.count
            guard present <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - present) + rest + suffixGroups
        } else {
            groups = head + suffixGroups
            guard groups.count == 8 else { return nil }
        }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    /// RFC 5952 canonical text: lower case, longest run of zero groups (two or more) compressed.
    static func formatV6(high: UInt64, low: UInt64) -> String {
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16((word >> (48 - 16 * UInt64(index % 4))) & 0xffff)
        }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
