import Foundation

/// Prefixes with an `Int32` value each, kept column by column per address family: the form a
/// routing or registry dataset is parsed into, stored in (`DatasetCoding`) and built into a
/// `PrefixTable` from, without a million small allocations on the way.
public struct PrefixColumns: Sendable, Equatable {
    public private(set) var v4Networks: [UInt32] = []
    public private(set) var v4Lengths: [UInt8] = []
    public private(set) var v4Values: [Int32] = []
    public private(set) var v6Highs: [UInt64] = []
    public private(set) var v6Lows: [UInt64] = []
    public private(set) var v6Lengths: [UInt8] = []
    public private(set) var v6Values: [Int32] = []

    public init() {}

    init(v4Networks: [UInt32], v4Lengths: [UInt8], v4Values: [Int32], v6Highs: [UInt64], v6Lows: [UInt64], v6Lengths: [UInt8], v6Values: [Int32]) throws(DatasetCoding.Error) {
        guard v4Networks.count == v4Lengths.count, v4Networks.count == v4Values.count,
              v6Highs.count == v6Lows.count, v6Highs.count == v6Lengths.count, v6Highs.count == v6Values.count,
              v4Lengths.allSatisfy({ $0 <= 32 }), v6Lengths.allSatisfy({ $0 <= 128 })
        else { throw .corrupt("prefix columns of different lengths or impossible prefix lengths") }
        let hostBitsSet = v4Networks.indices.contains { index in
            v4Lengths[index] < 32 && v4Networks[index] & (UInt32.max >> v4Lengths[index]) != 0
        } || v6Highs.indices.contains { index in
            let length = Int(v6Lengths[index])
            let high = length >= 64 ? 0 : UInt64.max >> length, low = length <= 64 ? UInt64.max : (length == 128 ? 0 : UInt64.max >> (length - 64))
            return v6Highs[index] & high != 0 || v6Lows[index] & low != 0
        }
        guard !hostBitsSet else { throw .corrupt("a prefix with host bits set") }
        (self.v4Networks, self.v4Lengths, self.v4Values) = (v4Networks, v4Lengths, v4Values)
        (self.v6Highs, self.v6Lows, self.v6Lengths, self.v6Values) = (v6Highs, v6Lows, v6Lengths, v6Values)
    }

    public var count: Int { v4Networks.count + v6Highs.count }

    /// More IPv4 prefixes than `normalised` sorts (and than any routing table holds: a full
    /// table has about a million).
    public static let maxIPv4Prefixes = 1 << 26 - 1

    public mutating func reserveCapacity(v4: Int, v6: Int) {
        v4Networks.reserveCapacity(v4); v4Lengths.reserveCapacity(v4); v4Values.reserveCapacity(v4)
        v6Highs.reserveCapacity(v6); v6Lows.reserveCapacity(v6); v6Lengths.reserveCapacity(v6); v6Values.reserveCapacity(v6)
    }

    /// Adds a network whose host bits are already zero.
    @inline(__always)
    public mutating func append(v4 network: UInt32, length: UInt8, value: Int32) {
        v4Networks.append(network); v4Lengths.append(length); v4Values.append(value)
    }

    @inline(__always)
    public mutating func append(v6High high: UInt64, low: UInt64, length: UInt8, value: Int32) {
        v6Highs.append(high); v6Lows.append(low); v6Lengths.append(length); v6Values.append(value)
    }

    public mutating func append(_ prefix: IPPrefix, value: Int32) {
        switch prefix.network {
        case .v4(let network): append(v4: network, length: UInt8(prefix.length), value: value)
        case .v6(let high, let low): append(v6High: high, low: low, length: UInt8(prefix.length), value: value)
        }
    }

    /// Appends `other`'s prefixes, adding `offset` to their values (where values index a side
    /// table that was appended to as well).
    public mutating func append(contentsOf other: PrefixColumns, addingToValues offset: Int32 = 0) {
        v4Networks += other.v4Networks; v4Lengths += other.v4Lengths
        v4Values += offset == 0 ? other.v4Values : other.v4Values.map { $0 + offset }
        v6Highs += other.v6Highs; v6Lows += other.v6Lows; v6Lengths += other.v6Lengths
        v6Values += offset == 0 ? other.v6Values : other.v6Values.map { $0 + offset }
    }

    /// The prefixes with their values, IPv4 first, in stored order.
    public var items: [(prefix: IPPrefix, value: Int32)] {
        var result: [(prefix: IPPrefix, value: Int32)] = []
        result.reserveCapacity(count)
        for index in v4Networks.indices {
            result.append((IPPrefix(network: .v4(v4Networks[index]), length: Int(v4Lengths[index])), v4Values[index]))
        }
        for index in v6Highs.indices {
            result.append((IPPrefix(network: .v6(high: v6Highs[index], low: v6Lows[index]), length: Int(v6Lengths[index])), v6Values[index]))
        }
        return result
    }

    /// Sorted by (network, length), each prefix once: where one repeats, the last added holds
    /// (as `PrefixTable` would decide). Stored this way, a table is built without sorting.
    public func normalised() -> PrefixColumns {
        var result = PrefixColumns()
        result.reserveCapacity(v4: v4Networks.count, v6: v6Highs.count)
        // One 64-bit key per IPv4 prefix, network | length | position, so a plain integer sort
        // orders by prefix and keeps the later of two equal prefixes last.
        precondition(v4Networks.count <= Self.maxIPv4Prefixes, "more IPv4 prefixes than a routing table holds")
        var keys = [UInt64](unsafeUninitializedCapacity: v4Networks.count) { buffer, initialized in
            for index in v4Networks.indices {
                buffer[index] = UInt64(v4Networks[index]) << 32 | UInt64(v4Lengths[index]) << 26 | UInt64(index)
            }
            initialized = v4Networks.count
        }
        keys.sort()
        for (position, key) in keys.enumerated() {
            let index = Int(key & (1 << 26 - 1))
            if position + 1 < keys.count, keys[position + 1] >> 26 == key >> 26 { continue }
            result.append(v4: v4Networks[index], length: v4Lengths[index], value: v4Values[index])
        }
        let order = v6Highs.indices.sorted { a, b in
            (v6Highs[a], v6Lows[a], v6Lengths[a], a) < (v6Highs[b], v6Lows[b], v6Lengths[b], b)
        }
        for (position, index) in order.enumerated() {
            if position + 1 < order.count {
                let next = order[position + 1]
                if (v6Highs[next], v6Lows[next], v6Lengths[next]) == (v6Highs[index], v6Lows[index], v6Lengths[index]) { continue }
            }
            result.append(v6High: v6Highs[index], low: v6Lows[index], length: v6Lengths[index], value: v6Values[index])
        }
        return result
    }
}

extension PrefixTable {
    /// A table of the columns' prefixes (IPv4 and IPv6), each with its value.
    public init(_ columns: PrefixColumns) {
        self.init(columns.items)
    }
}
