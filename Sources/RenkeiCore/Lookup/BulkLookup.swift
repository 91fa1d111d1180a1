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

    /// A decimal number in `bytes[range]`.
    @inline(__always)
    public static func parseUInt(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 19 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = UInt64(bytes[index]) &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Addresses of a file with one per line, in one pass: IPv4 ones with their line positions
    /// (the bulk fast path), others as parsed addresses; unreadable lines are left out.
    public struct ParsedLines {
        public var count = 0
        public var v4: [UInt32] = []
        public var v4Lines: [Int32] = []
        public var other: [(line: Int32, address: IPAddress)] = []
    }

    /// `bytes` cut into about `parts` pieces that end at line ends, for parsing in parallel.
    public static func pieces(_ bytes: UnsafeBufferPointer<UInt8>, parts: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for part in 1...max(parts, 1) {
            var end = part == parts ? bytes.count : max(start, bytes.count * part / parts)
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            if end < bytes.count { end += 1 }
            if end > start { result.append(start..<end) }
            start = end
        }
        return result
    }

    /// `addressLines` on all cores: the file is cut at line ends and the pieces parsed at once.
    public static func addressLinesInParallel(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedLines {
        let ranges = pieces(bytes, parts: ProcessInfo.processInfo.activeProcessorCount)
        guard ranges.count > 1 else { return addressLines(bytes) }
        let results = ParallelResults<ParsedLines>(count: ranges.count)
        // Read-only for the duration of the call; each task reads its own piece.
        nonisolated(unsafe) let shared = bytes
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            results.set(part, addressLines(UnsafeBufferPointer(rebasing: shared[ranges[part]])))
        }
        var merged = ParsedLines()
        for piece in results.values {
            let offset = Int32(merged.count)
            merged.v4 += piece.v4
            merged.v4Lines += piece.v4Lines.map { $0 + offset }
            merged.other += piece.other.map { ($0.line + offset, $0.address) }
            merged.count += piece.count
        }
        return merged
    }

    public static func addressLines(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedLines {
        var parsed = ParsedLines()
        parsed.v4.reserveCapacity(bytes.count / 14)
        parsed.v4Lines.reserveCapacity(bytes.count / 14)
        var start = 0
        var line: Int32 = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                if index == bytes.count && start == index { break }
                let range = start..<(index > start && bytes[index - 1] == 0x0D ? index - 1 : index)
                if let value = parseV4(bytes, range) {
                    parsed.v4.append(value)
                    parsed.v4Lines.append(line)
                } else if let address = parseAddress(bytes, range) {
                    if case .v4(let value) = address {
                        parsed.v4.append(value)
                        parsed.v4Lines.append(line)
                    } else {
                        parsed.other.append((line, address))
                    }
                }
                line += 1
                start = index + 1
            }
            index += 1
        }
        parsed.count = Int(line)
        return parsed
    }

    /// An IPv6 address in `bytes[range]`, without an embedded IPv4 part (those take the
    /// general parser): groups accumulate in 128 bits, those after "::" separately.
    @inline(__always)
    public static func parseV6(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64)? {
        var head: UInt128 = 0, tail: UInt128 = 0
        var headCount = 0, tailCount = 0
        var compressed = false
        var group: UInt128 = 0, digits = 0
        var index = range.lowerBound
        let end = range.upperBound
        guard end - index >= 2 else { return nil }
        if bytes[index] == 0x3A {
            guard bytes[index + 1] == 0x3A else { return nil }
            compressed = true
            index += 2
        }
        while index < end {
            let byte = bytes[index]
            if byte == 0x3A {
                guard digits > 0 else { return nil }
                if compressed { tail = tail << 16 | group; tailCount += 1 } else { head = head << 16 | group; headCount += 1 }
                group = 0
                digits = 0
                index += 1
                guard index < end else { return nil }
                if bytes[index] == 0x3A {
                    guard !compressed else { return nil }
                    compressed = true
                    index += 1
                }
                continue
            }
            let value: UInt8
            switch byte {
            case 0x30...0x39: value = byte - 0x30
            case 0x61...0x66: value = byte - 0x61 + 10
            case 0x41...0x46: value = byte - 0x41 + 10
            default: return nil
            }
            guard digits < 4 else { return nil }
            group = group << 4 | UInt128(value)
            digits += 1
            index += 1
        }
        if digits > 0 {
            if compressed { tail = tail << 16 | group; tailCount += 1 } else { head = head << 16 | group; headCount += 1 }
        } else if !(compressed && bytes[end - 1] == 0x3A && bytes[end - 2] == 0x3A) {
            return nil
        }
        let groups = headCount + tailCount
        guard compressed ? groups <= 7 : groups == 8 else { return nil }
        let address = (headCount == 0 ? 0 : head << (16 * (8 - headCount))) | tail
        return (UInt64(truncatingIfNeeded: address >> 64), UInt64(truncatingIfNeeded: address))
    }

    /// Any address in `bytes[range]`: the IPv4 and IPv6 fast paths, else the general parser.
    /// An IPv4-mapped IPv6 address is answered as its IPv4 address (`IPAddress.unmapped`).
    public static func parseAddress(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> IPAddress? {
        if let v4 = parseV4(bytes, range) { return .v4(v4) }
        if let (high, low) = parseV6(bytes, range) { return IPAddress.v6(high: high, low: low).unmapped }
        guard range.count <= 64, bytes[range].contains(0x2E) else { return nil }
        return IPAddress(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))?.unmapped
    }
}

/// One slot per parallel task; each task writes only its own slot.
public final class ParallelResults<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    public var values: [Value] { slots.compactMap { $0 } }
}
