import Foundation

/// Reads a Trusted-Introducer-style `teams.json`: an array of teams with `short_name`,
/// `official_name`, `country`, `established` and a `constituency` of `asns`, `domains`,
/// `ipranges` and `countries`. Address ranges written `first-last` become the CIDR prefixes
/// that cover exactly that range.
public enum TrustedIntroducer {
    public static func parseDocument(_ data: Data) throws(GlobalIRT.FormatError) -> [TeamRecord] {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch { throw .init(message: error.description) }
        let items: [JSONValue]
        switch document {
        case .array(let list): items = list
        case .object where document["teams"] != nil:
            guard case .array(let list)? = document["teams"] else { throw .init(message: "“teams” is not an array") }
            items = list
        default: throw .init(message: "expected an array of teams")
        }
        var records: [TeamRecord] = []
        for (index, item) in items.enumerated() {
            guard case .object = item else { throw .init(message: "team \(index + 1) is not a JSON object") }
            records.append(try record(from: item, index: index))
        }
        return records
    }

    static func record(from item: JSONValue, index: Int) throws(GlobalIRT.FormatError) -> TeamRecord {
        func text(_ key: String) -> String { item[key]?.stringValue ?? "" }
        var record = TeamRecord()
        record.shortName = text("short_name")
        record.officialName = text("official_name").isEmpty ? record.shortName : text("official_name")
        record.countryCode = text("country")
        record.establishment = String(text("established").prefix(10))
        record.email = text("email")
        record.websites = item["website"]?.stringList ?? item["url"]?.stringList ?? []
        record.phoneNumbers = item["phone"]?.stringList ?? []
        record.host = text("host")
        if let scope = item["constituency"] {
            var prefixes: [String] = []
            for range in scope["ipranges"]?.stringList ?? [] {
                if range.contains("-") {
                    let ends = range.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard ends.count == 2, let first = IPAddress(ends[0]), let last = IPAddress(ends[1]),
                          let cover = IPPrefix.covering(from: first, through: last) else {
                        throw .init(message: "team \(index + 1) (\(record.shortName)): “\(range)” is not an address range")
                    }
                    prefixes += cover.map(\.description)
                } else {
                    prefixes.append(range)
                }
            }
            record.constituency = Constituency(
                countries: scope["countries"]?.stringList ?? [], asns: scope["asns"]?.stringList ?? [],
                prefixes: prefixes, domains: scope["domains"]?.stringList ?? [])
        }
        return record
    }
}

extension IPPrefix {
    /// The fewest prefixes that cover exactly `first...last` (same family, first <= last).
    public static func covering(from first: IPAddress, through last: IPAddress) -> [IPPrefix]? {
        switch (first, last) {
        case (.v4(let low), .v4(let high)) where low <= high:
            return split(UInt64(low), UInt64(high), width: 32).map { IPPrefix(network: .v4(UInt32($0.start)), length: $0.length) }
        case (.v6(let lowHigh, let lowLow), .v6(let highHigh, let highLow)) where (lowHigh, lowLow) <= (highHigh, highLow):
            // Ranges wider than 2^64 addresses only occur across the high word; handle them per /64 block edges.
            if lowHigh == highHigh {
                return split(lowLow, highLow, width: 64).map { IPPrefix(network: .v6(high: lowHigh, low: $0.start), length: 64 + $0.length) }
            }
            guard lowLow == 0, highLow == .max else { return nil }
            return split(lowHigh, highHigh, width: 64).map { IPPrefix(network: .v6(high: $0.start, low: 0), length: $0.length) }
        default:
            return nil
        }
    }

    /// Splits an inclusive range of a `width`-bit space into aligned blocks.
    private static func split(_ low: UInt64, _ high: UInt64, width: Int) -> [(start: UInt64, length: Int)] {
        var blocks: [(UInt64, Int)] = []
        var start = low
        while true {
            // Largest aligned block starting at `start` that does not pass `high`.
            var size = start == 0 ? width : min(start.trailingZeroBitCount, width)
            while size > 0 {
                let span: UInt64 = size == 64 ? .max : (UInt64(1) << size) - 1
                if span <= high - start { break }
                size -= 1
            }
            blocks.append((start, width - size))
            let span: UInt64 = size == 64 ? .max : (UInt64(1) << size) - 1
            if high - start == span { break }
            start += span + 1
        }
        return blocks
    }
}
