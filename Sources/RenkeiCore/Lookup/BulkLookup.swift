import Foundation

/// Fast paths for bulk routing: reading addresses straight from file bytes and answering
/// them against a `PrefixTable` without building a `String` per line.
public enum BulkLookup {
    /// The lines of `data` (LF or CRLF), as byte ranges.
    public static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(bytes.count / 12)
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            let end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
            result.append(start..<end)
            start = index + 1
        }
        if start < bytes.count { result.append(start..<bytes.count) }
        return result
    }

    /// A dotted-quad IPv4 address in `bytes[range]` (strict: no leading zeros, no spaces).
    @inline(__always)
    public static func parseV4(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == 0x2E {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0; digits = 0; dots += 1
            } else {
                let digit = UInt32(byte) &- 0x30
                guard digit < 10, digits < 3, !(digits == 1 && octet == 0) else { return nil }
                octet = octet * 10 + digit
                guard octet <= 255 else { return nil }
                digits += 1
            }
            index += 1
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    /// Any address in `bytes[range]`: the IPv4 fast path, else the general parser.
    public static func parseAddress(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> IPAddress? {
        if let v4 = parseV4(bytes, range) { return .v4(v4) }
        guard range.count <= 64 else { return nil }
        return IPAddress(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }
}
