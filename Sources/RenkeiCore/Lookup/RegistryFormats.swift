import Foundation

/// A line a reader could not use: where and why, for the import report.
public struct SkippedLine: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// The numbered lines of a data file that hold data: not empty, not `#` comments.
func dataLines(_ text: String) -> [(number: Int, line: Substring)] {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        return line.isEmpty || line.hasPrefix("#") ? nil : (index + 1, line)
    }
}

/// Address space and AS numbers registered to countries, from the RIRs' statistics files.
public struct RegistrationData: Sendable {
    public var prefixes: [(prefix: IPPrefix, country: String)] = []
    public var asns: [(first: UInt32, count: UInt32, country: String)] = []
    public var skipped: [SkippedLine] = []
    public var unused = 0
    public init() {}
}

/// Reads the RIR "delegated-extended" statistics format (AFRINIC, APNIC, ARIN, LACNIC and
/// RIPE NCC publish it): `registry|cc|type|start|value|date|status[|opaque-id[|extensions]]`,
/// after a version line and `*` summary lines. IPv4 `value` counts addresses and need not be a
/// power of two, so such a range becomes the CIDR prefixes that cover exactly it; IPv6 `value`
/// is a prefix length; ASN `value` counts numbers from `start`.
public enum RIRDelegated {
    public static func parse(_ text: String, into data: inout RegistrationData) {
        for (lineNumber, line) in dataLines(text) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            if let first = fields.first, first.allSatisfy({ $0.isNumber || $0 == "." }) { continue }   // version line
            guard fields.count >= 7 else {
                if fields.count == 6 && fields[5] == "summary" { continue }
                data.skipped.append(SkippedLine(line: lineNumber, reason: "expected 7 or more |-separated fields, found \(fields.count)"))
                continue
            }
            let status = fields[6].lowercased()
            guard status == "allocated" || status == "assigned" else {
                data.unused += 1   // available or reserved space belongs to no country
                continue
            }
            let country = fields[1].uppercased()
            guard Country.named(country) != nil || country == "EU" || country == "AP" else {
                data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[1])” is not a country code"))
                continue
            }
            guard let count = UInt64(fields[4]), count > 0 else {
                data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[4])” is not a positive count"))
                continue
            }
            switch fields[2] {
            case "ipv4":
                guard let first = IPAddress(String(fields[3])), case .v4(let start) = first, UInt64(start) + count - 1 <= UInt64(UInt32.max) else {
                    data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[3])” + \(count) is not an IPv4 range"))
                    continue
                }
                let last = IPAddress.v4(UInt32(UInt64(start) + count - 1))
                for prefix in IPPrefix.covering(from: first, through: last) ?? [] { data.prefixes.append((prefix, country)) }
            case "ipv6":
                guard let first = IPAddress(String(fields[3])), case .v6 = first, count <= 128 else {
                    data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[3])/\(count)” is not an IPv6 prefix"))
                    continue
                }
                let prefix = IPPrefix(network: first, length: Int(count))
                guard prefix.network == first else {
                    data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[3])/\(count)” has host bits set"))
                    continue
                }
                data.prefixes.append((prefix, country))
            case "asn":
                guard let start = UInt32(fields[3]), UInt64(start) + count - 1 <= UInt64(UInt32.max) else {
                    data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(fields[3])” + \(count) is not an AS number range"))
                    continue
                }
                data.asns.append((start, UInt32(count), country))
            default:
                data.skipped.append(SkippedLine(line: lineNumber, reason: "unknown record type “\(fields[2])”"))
            }
        }
    }
}

/// Prefix-to-origin-AS data: which AS announces a prefix.
public struct RoutingData: Sendable {
    public var prefixes: [(prefix: IPPrefix, origins: [ASN])] = []
    public var skipped: [SkippedLine] = []
    public init() {}
}

/// Reads CAIDA's RouteViews prefix-to-AS format: `network<TAB>length<TAB>origin`, where the
/// origin may list several origins of a multi-origin prefix (`AS1_AS2`) and AS sets
/// (`AS1,AS2`), or both (`1_2,3`); every AS named counts as an origin.
public enum PrefixToAS {
    public static func parse(_ text: String, into data: inout RoutingData) {
        for (lineNumber, line) in dataLines(text) {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count == 3 else {
                data.skipped.append(SkippedLine(line: lineNumber, reason: "expected network, length and origin AS, found \(fields.count) fields"))
                continue
            }
            let prefix: IPPrefix
            do { prefix = try IPPrefix(parsing: "\(fields[0])/\(fields[1])") } catch {
                data.skipped.append(SkippedLine(line: lineNumber, reason: error.description))
                continue
            }
            var origins: [ASN] = []
            var bad: Substring?
            for part in fields[2].split(whereSeparator: { $0 == "_" || $0 == "," }) {
                if let asn = ASN(parsing: String(part)) { if !origins.contains(asn) { origins.append(asn) } } else { bad = part }
            }
            if let bad {
                data.skipped.append(SkippedLine(line: lineNumber, reason: "“\(bad)” is not an AS number"))
                continue
            }
            guard !origins.isEmpty else {
                data.skipped.append(SkippedLine(line: lineNumber, reason: "no origin AS"))
                continue
            }
            data.prefixes.append((prefix, origins))
        }
    }
}

/// Extra constituency entries from a CSV file `indicator,team` (a header line is optional):
/// the indicator is a prefix or address, an AS number, a domain or a country code; the team
/// is its slug.
public enum ConstituencyCSV {
    public struct Entry: Sendable, Hashable {
        public var indicator: Indicator
        public var team: String
    }

    public static func parse(_ text: String, knownTeams: Set<String>) -> (entries: [Entry], skipped: [SkippedLine]) {
        var entries: [Entry] = []
        var skipped: [SkippedLine] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if lineNumber == 1 && fields.first?.lowercased() == "indicator" { continue }
            guard fields.count == 2 else {
                skipped.append(SkippedLine(line: lineNumber, reason: "expected two fields, indicator and team"))
                continue
            }
            let indicator: Indicator
            do { indicator = try Indicator(parsing: fields[0]) } catch {
                skipped.append(SkippedLine(line: lineNumber, reason: error.description))
                continue
            }
            guard knownTeams.contains(fields[1]) else {
                skipped.append(SkippedLine(line: lineNumber, reason: "no team with the slug “\(fields[1])”"))
                continue
            }
            if case .address(let address) = indicator {
                entries.append(Entry(indicator: .prefix(IPPrefix(network: address, length: address.bitWidth)), team: fields[1]))
            } else {
                entries.append(Entry(indicator: indicator, team: fields[1]))
            }
        }
        return (entries, skipped)
    }
}
