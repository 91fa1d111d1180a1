/// Longest-prefix match over IPv4 and IPv6 prefixes, built once and read by many.
///
/// The prefixes are flattened into disjoint address intervals, each labelled with the most
/// specific prefix covering it. IPv4 intervals are bucketed by the top 20 address bits (16 for
/// small tables): a 2^20-entry index (4 MiB) says where each /20's intervals start, and inside a
/// bucket only the low 12 bits of each interval start are stored, in 2 bytes, so a lookup is one
/// index read plus a binary search over a handful of neighbouring keys, usually within one
/// cache line. IPv6
/// uses the same layout keyed by the top 16 bits, with the starts' two 64-bit halves.
/// Memory is about 6 bytes per IPv4 interval (at most two per prefix) plus the index, instead
/// of the 32–64 MiB a DIR-24-8 table needs whatever the table size, and no pointers to chase.
/// Every prefix also keeps the index of the next shorter prefix that covers it, so a lookup
/// can list every containing prefix, most specific first.
///
/// Values are `Int32`: a team number, a packed country code, or an index into a side table
/// the owner keeps (origin AS lists, claim lists). One concrete type, so the benchmark, the
/// server's lookup tables and bulk routing all run the same specialised code.
public struct PrefixTable: Sendable {
    public typealias Value = Int32

    public struct Entry: Sendable {
        public let prefix: IPPrefix
        public let value: Value
        /// The next shorter prefix of the table that contains this one, or -1.
        public let parent: Int32
    }

    /// Prefixes in (family, network, length) order; lookups answer indexes into it.
    public let entries: [Entry]

    /// Low address bits kept per interval start; the bits above them pick the bucket.
    private let v4KeyBits: UInt32
    private let v4Index: [UInt32]      // 2^(32 - v4KeyBits) + 1 bucket starts into v4Starts/v4Labels
    private let v4Starts: [UInt16]     // low 12 bits of each interval's first address
    private let v4Labels: [Int32]      // entry index covering the interval, or -1
    private let v6Index: [UInt32]
    private let v6High: [UInt64]
    private let v6Low: [UInt64]
    private let v6Labels: [Int32]

    public static var none: Int32 { -1 }

    /// Builds the table; when a prefix occurs more than once, the last value wins.
    public init(_ items: [(prefix: IPPrefix, value: Value)]) {
        // Files such as the routing table usually come sorted; check before sorting.
        let alreadyOrdered = zip(items, items.dropFirst()).allSatisfy { $0.prefix < $1.prefix }
        let unique: [(prefix: IPPrefix, value: Value)]
        if alreadyOrdered {
            unique = items
        } else {
            var sorted = items.enumerated().map { ($0.offset, $0.element) }
            sorted.sort { a, b in a.1.prefix == b.1.prefix ? a.0 < b.0 : a.1.prefix < b.1.prefix }
            var deduplicated: [(prefix: IPPrefix, value: Value)] = []
            deduplicated.reserveCapacity(sorted.count)
            for (_, item) in sorted {
                if let last = deduplicated.last, last.prefix == item.prefix { deduplicated[deduplicated.count - 1] = item } else { deduplicated.append(item) }
            }
            unique = deduplicated
        }
        var entries: [Entry] = []
        entries.reserveCapacity(unique.count)
        var v4 = IntervalBuilder(width: 32)
        var v6 = IntervalBuilder(width: 128)
        for (index, item) in unique.enumerated() {
            let (high, low) = Self.key(item.prefix.network)
            let isV4: Bool
            if case .v4 = item.prefix.network { isV4 = true } else { isV4 = false }
            let parent = isV4 ? v4.open(Int32(index), high: high, low: low, length: item.prefix.length)
                              : v6.open(Int32(index), high: high, low: low, length: item.prefix.length)
            entries.append(Entry(prefix: item.prefix, value: item.value, parent: parent))
        }
        let v4Intervals = v4.finish()
        let v6Intervals = v6.finish()
        self.entries = entries
        // A large table earns the 4 MiB index; a small one does with 64 KiB.
        v4KeyBits = v4Intervals.count > 100_000 ? 12 : 16
        (v4Index, v4Starts, v4Labels) = Self.bucketV4(v4Intervals, keyBits: v4KeyBits)
        (v6Index, v6High, v6Low, v6Labels) = Self.bucketV6(v6Intervals)
    }

    /// The index in `entries` of the longest prefix containing `address`, or -1.
    public func longestMatch(_ address: IPAddress) -> Int32 {
        switch address {
        case .v4(let value): longestMatch(v4: value)
        case .v6(let high, let low): longestMatch(v6High: high, low: low)
        }
    }

    public func longestMatch(v4 address: UInt32) -> Int32 {
        v4Index.withUnsafeBufferPointer { index in
            v4Starts.withUnsafeBufferPointer { starts in
                v4Labels.withUnsafeBufferPointer { labels in
                    Self.search(v4: address, keyBits: v4KeyBits, index: index, starts: starts, labels: labels)
                }
            }
        }
    }

    public func longestMatch(v6High high: UInt64, low: UInt64) -> Int32 {
        let bucket = Int(high >> 48)
        var lo = Int(v6Index[bucket]), hi = Int(v6Index[bucket + 1])
        // Last interval whose start <= address; the bucket's first interval starts at the
        // bucket's first address, so the answer is inside [lo, hi).
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if (v6High[mid], v6Low[mid]) <= (high, low) { lo = mid } else { hi = mid }
        }
        return v6Labels[lo]
    }

    /// Answers many IPv4 addresses at once (the hot loop of bulk routing).
    public func longestMatches(v4 addresses: UnsafeBufferPointer<UInt32>, into answers: UnsafeMutableBufferPointer<Int32>) {
        v4Index.withUnsafeBufferPointer { index in
            v4Starts.withUnsafeBufferPointer { starts in
                v4Labels.withUnsafeBufferPointer { labels in
                    for position in addresses.indices {
                        answers[position] = Self.search(v4: addresses[position], keyBits: v4KeyBits, index: index, starts: starts, labels: labels)
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func search(v4 address: UInt32, keyBits: UInt32, index: UnsafeBufferPointer<UInt32>, starts: UnsafeBufferPointer<UInt16>,
                               labels: UnsafeBufferPointer<Int32>) -> Int32 {
        let bucket = Int(address >> keyBits)
        let key = UInt16(truncatingIfNeeded: address & ((1 << keyBits) - 1))
        var lo = Int(index[bucket]), count = Int(index[bucket + 1]) - lo
        // Branch-light lower-bound search for the last start <= key.
        while count > 1 {
            let half = count / 2
            lo = starts[lo + half] <= key ? lo + half : lo
            count -= half
        }
        return labels[lo]
    }

    /// Every prefix containing `address`, most specific first.
    public func allMatches(_ address: IPAddress) -> [Entry] {
        var result: [Entry] = []
        var index = longestMatch(address)
        while index >= 0 {
            result.append(entries[Int(index)])
            index = entries[Int(index)].parent
        }
        return result
    }

    /// Bytes held by the lookup structures and the entries, for the benchmark's report.
    public var memoryBytes: Int {
        v4Index.count * 4 + v4Starts.count * 2 + v4Labels.count * 4
            + v6Index.count * 4 + v6High.count * 8 + v6Low.count * 8 + v6Labels.count * 4
            + entries.count * MemoryLayout<Entry>.stride
    }

    public var intervalCount: Int { v4Starts.count + v6High.count }

    static func key(_ address: IPAddress) -> (UInt64, UInt64) {
        switch address {
        case .v4(let value): (0, UInt64(value))
        case .v6(let high, let low): (high, low)
        }
    }

    private static func bucketV4(_ intervals: [(high: UInt64, low: UInt64, label: Int32)], keyBits: UInt32) -> ([UInt32], [UInt16], [Int32]) {
        let v4Buckets = 1 << (32 - Int(keyBits))
        let v4KeyMask = UInt64((1 << keyBits) - 1)
        var index = [UInt32](repeating: 0, count: v4Buckets + 1)
        var starts: [UInt16] = []
        var labels: [Int32] = []
        starts.reserveCapacity(intervals.count + v4Buckets)
        labels.reserveCapacity(intervals.count + v4Buckets)
        var next = 0
        var current: Int32 = -1
        for bucket in 0..<v4Buckets {
            index[bucket] = UInt32(starts.count)
            let bucketStart = UInt64(bucket) << UInt64(keyBits)
            let bucketEnd = bucketStart + v4KeyMask
            // The interval covering the bucket's first address opens the bucket.
            while next < intervals.count && intervals[next].low <= bucketStart {
                current = intervals[next].label
                next += 1
            }
            starts.append(0)
            labels.append(current)
            while next < intervals.count && intervals[next].low <= bucketEnd {
                current = intervals[next].label
                if labels.last == current {
                    next += 1
                    continue
                }
                starts.append(UInt16(truncatingIfNeeded: intervals[next].low & v4KeyMask))
                labels.append(current)
                next += 1
            }
        }
        index[v4Buckets] = UInt32(starts.count)
        return (index, starts, labels)
    }

    private static func bucketV6(_ intervals: [(high: UInt64, low: UInt64, label: Int32)]) -> ([UInt32], [UInt64], [UInt64], [Int32]) {
        var index = [UInt32](repeating: 0, count: 65_537)
        var highs: [UInt64] = [], lows: [UInt64] = [], labels: [Int32] = []
        var next = 0
        var current: Int32 = -1
        for bucket in 0..<65_536 {
            index[bucket] = UInt32(highs.count)
            let bucketStart = UInt64(bucket) << 48
            let bucketEnd = bucketStart | 0x0000_ffff_ffff_ffff
            while next < intervals.count && (intervals[next].high, intervals[next].low) <= (bucketStart, 0) {
                current = intervals[next].label
                next += 1
            }
            highs.append(bucketStart); lows.append(0); labels.append(current)
            while next < intervals.count && intervals[next].high <= bucketEnd {
                current = intervals[next].label
                if labels.last != current {
                    highs.append(intervals[next].high); lows.append(intervals[next].low); labels.append(current)
                }
                next += 1
            }
        }
        index[65_536] = UInt32(highs.count)
        return (index, highs, lows, labels)
    }
}

/// Turns prefixes, fed in (network, length) order, into disjoint intervals labelled with the
/// most specific covering prefix: a stack holds the prefixes still open at the current address.
private struct IntervalBuilder {
    let width: Int
    private var stack: [(label: Int32, endHigh: UInt64, endLow: UInt64)] = []
    private(set) var intervals: [(high: UInt64, low: UInt64, label: Int32)] = []

    init(width: Int) { self.width = width }

    /// Opens a prefix starting at (high, low); returns the label of the prefix containing it.
    mutating func open(_ label: Int32, high: UInt64, low: UInt64, length: Int) -> Int32 {
        closeBefore(high: high, low: low)
        let parent = stack.last?.label ?? -1
        let (endHigh, endLow) = Self.end(high: high, low: low, length: length, width: width)
        intervals.append((high, low, label))
        stack.append((label, endHigh, endLow))
        return parent
    }

    /// Pops prefixes that end before (high, low); after each, the enclosing prefix (or
    /// nothing) covers the addresses that follow.
    private mutating func closeBefore(high: UInt64, low: UInt64) {
        while let top = stack.last, (top.endHigh, top.endLow) < (high, low) {
            stack.removeLast()
            guard let resume = successor(high: top.endHigh, low: top.endLow) else { continue }
            intervals.append((resume.high, resume.low, stack.last?.label ?? -1))
        }
    }

    mutating func finish() -> [(high: UInt64, low: UInt64, label: Int32)] {
        closeBefore(high: .max, low: .max)
        // Drop zero-length intervals: where two share a start, the later one holds.
        var result: [(high: UInt64, low: UInt64, label: Int32)] = []
        result.reserveCapacity(intervals.count)
        for interval in intervals {
            if let last = result.last, last.high == interval.high && last.low == interval.low {
                result[result.count - 1] = interval
            } else if let last = result.last, last.label == interval.label {
                continue
            } else {
                result.append(interval)
            }
        }
        return result
    }

    private static func end(high: UInt64, low: UInt64, length: Int, width: Int) -> (UInt64, UInt64) {
        if width == 32 {
            let hostBits = 32 - length
            return (0, low | (hostBits == 0 ? 0 : (UInt64(1) << hostBits) - 1))
        }
        if length >= 64 {
            let hostBits = 128 - length
            return (high, low | (hostBits == 0 ? 0 : (hostBits == 64 ? .max : (UInt64(1) << hostBits) - 1)))
        }
        let hostBits = 64 - length
        return (high | (hostBits == 64 ? .max : (UInt64(1) << hostBits) - 1), .max)
    }

    /// The next address, or nil past the end of the address space.
    private func successor(high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64)? {
        if width == 32 { return low < 0xffff_ffff ? (0, low + 1) : nil }
        if low < .max { return (high, low + 1) }
        return high < .max ? (high + 1, 0) : nil
    }
}
