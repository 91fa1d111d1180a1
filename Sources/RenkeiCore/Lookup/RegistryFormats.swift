import Foundation

/// A line a reader could not use: where and why, for the import report.
public struct SkippedLine: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// Calls `body` with the number and byte range of each line of `bytes` that holds data (not
/// empty, not a `#` comment; a CR before the LF is left out), numbering from `firstLine`.
/// Returns how many lines there were.
@discardableResult
func forEachDataLine(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int = 1, _ body: (Int, Range<Int>) -> Void) -> Int {
    var number = firstLine - 1
    var start = 0
    while start < bytes.count {
        number += 1
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        let stop = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
        if stop > start && bytes[start] != 0x23 { body(number, start..<stop) }
        start = end + 1
    }
    return number - firstLine + 1
}

/// Parses `bytes` in pieces that end at line ends, one per core, and hands the pieces'
/// results to `merge` in order. `parse` gets a piece and the number of its first line.
func parseInParallel<Part>(_ bytes: UnsafeBufferPointer<UInt8>, _ parse: @Sendable (UnsafeBufferPointer<UInt8>) -> (Part, lines: Int),
                           merge: (Part, _ linesBefore: Int) -> Void) {
    let pieces = bytes.count < 1 << 20 ? [0..<bytes.count] : BulkLookup.pieces(bytes, parts: ProcessInfo.processInfo.activeProcessorCount)
    let results = ParallelResults<(Part, lines: Int)>(count: pieces.count)
    nonisolated(unsafe) let shared = bytes   // read-only while the pieces are parsed
    DispatchQueue.concurrentPerform(iterations: pieces.count) { part in
        results.set(part, parse(UnsafeBufferPointer(rebasing: shared[pieces[part]])))
    }
    var linesBefore = 0
    for (part, lines) in results.values {
        merge(part, linesBefore)
        linesBefore += lines
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The fields of `range` separated by `separator` (empty fields kept), at most `limit`.
    @inline(__always)
    func fields(_ range: Range<Int>, separatedBy separator: UInt8, limit: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(Swift.min(limit, 16))
        var start = range.lowerBound
        for index in range where self[index] == separator {
            result.append(start..<index)
            start = index + 1
            if result.count == limit { return result }
        }
        result.append(start..<range.upperBound)
        return result
    }

    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self) }

    /// The field as a skip reason quotes it: at most 64 bytes, so a hostile line of megabytes
    /// does not become a reason of megabytes.
    func shown(_ range: Range<Int>) -> String {
        range.count <= 64 ? text(range) : text(range.lowerBound..<(range.lowerBound + 64)) + "…"
    }

    func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount && zip(self[range], UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
}

/// Address space and AS numbers registered to countries, from the RIRs' statistics files.
public struct RegistrationData: Sendable {
    /// Each prefix's value is its country, `CountryCode.pack`ed.
    public var prefixes = PrefixColumns()
    public var asns: [(first: UInt32, count: UInt32, country: String)] = []
    public var skipped: [SkippedLine] = []
    public var unused = 0
    public init() {}

    public mutating func append(_ other: RegistrationData, linesBefore: Int = 0) {
        prefixes.append(contentsOf: other.prefixes)
        asns += other.asns
        skipped += other.skipped.map { SkippedLine(line: $0.line + linesBefore, reason: $0.reason) }
        unused += other.unused
    }
}

/// Reads the RIR "delegated-extended" statistics format (AFRINIC, APNIC, ARIN, LACNIC and
/// RIPE NCC publish it): `registry|cc|type|start|value|date|status[|opaque-id[|extensions]]`,
/// after a version line and `*` summary lines. IPv4 `value` counts addresses and need not be a
/// power of two, so such a range becomes the CIDR prefixes that cover exactly it; IPv6 `value`
/// is a prefix length; ASN `value` counts numbers from `start`.
public enum RIRDelegated {
    public static func parse(_ text: String) -> RegistrationData {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// Parses a whole file, on every core for a large one.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> RegistrationData {
        var data = RegistrationData()
        parseInParallel(bytes, { piece in
            var part = RegistrationData()
            let lines = forEachDataLine(piece) { number, line in parseLine(piece, line, number: number, into: &part) }
            return (part, lines)
        }, merge: { part, linesBefore in data.append(part, linesBefore: linesBefore) })
        return data
    }

    private static func parseLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, number: Int, into data: inout RegistrationData) {
        func skip(_ reason: String) { data.skipped.append(SkippedLine(line: number, reason: reason)) }
        let fields = bytes.fields(line, separatedBy: 0x7C, limit: 8)
        // The version line: `2.3|apnic|20261126|…` (a format version, then the registry's name).
        if !fields[0].isEmpty, bytes[fields[0]].allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E }),
           fields.count > 1, !fields[1].isEmpty, bytes[fields[1]].allSatisfy({ (0x61...0x7A).contains($0) }) { return }
        guard fields.count >= 7 else {
            if fields.count == 6 && bytes.equals(fields[5], "summary") { return }
            return skip("expected 7 or more |-separated fields, found \(fields.count)")
        }
        guard bytes.equals(fields[6], "allocated") || bytes.equals(fields[6], "assigned") else {
            data.unused += 1   // available or reserved space belongs to no country
            return
        }
        let code = fields[1]
        let country = code.count == 2 ? CountryCode.pack(bytes[code.lowerBound], bytes[code.lowerBound + 1]) : 0
        guard CountryCode.isKnown(country) else { return skip("“\(bytes.shown(code))” is not a country code") }
        guard let count = BulkLookup.parseUInt(bytes, fields[4]), count > 0 else {
            return skip("“\(bytes.shown(fields[4]))” is not a positive count")
        }
        let type = fields[2]
        if bytes.equals(type, "ipv4") {
            guard let start = BulkLookup.parseV4(bytes, fields[3]), UInt64(start) + count - 1 <= UInt64(UInt32.max) else {
                return skip("“\(bytes.shown(fields[3]))” + \(count) is not an IPv4 range")
            }
            guard count <= 1 << 24 else { return skip("\(count) addresses: no registration is larger than a /8") }
            appendCovering(from: UInt64(start), count: count, country: country, into: &data.prefixes)
        } else if bytes.equals(type, "ipv6") {
            guard let address = BulkLookup.parseAddress(bytes, fields[3]), case .v6(let high, let low) = address, count <= 128 else {
                return skip("“\(bytes.shown(fields[3]))/\(count)” is not an IPv6 prefix")
            }
            let prefix = IPPrefix(network: address, length: Int(count))
            guard prefix.network == address else { return skip("“\(bytes.shown(fields[3]))/\(count)” has host bits set") }
            guard count >= 12 else { return skip("a /\(count): no registration is larger than a /12") }
            data.prefixes.append(v6High: high, low: low, length: UInt8(count), value: country)
        } else if bytes.equals(type, "asn") {
            guard let start = BulkLookup.parseUInt(bytes, fields[3]), start <= UInt64(UInt32.max), count <= UInt64(UInt32.max),
                  start + count - 1 <= UInt64(UInt32.max) else {
                return skip("“\(bytes.shown(fields[3]))” + \(count) is not an AS number range")
            }
            data.asns.append((UInt32(start), UInt32(count), CountryCode.unpack(country)))
        } else {
            skip("unknown record type “\(bytes.shown(type))”")
        }
    }

    /// The CIDR prefixes that cover exactly `count` addresses from `start`: each the largest
    /// block aligned at its start that does not run past the end.
    private static func appendCovering(from start: UInt64, count: UInt64, country: Int32, into prefixes: inout PrefixColumns) {
        var next = start
        let end = start + count
        while next < end {
            var size: UInt64 = next == 0 ? 1 << 32 : next & (~next + 1)
            while next + size > end { size >>= 1 }
            prefixes.append(v4: UInt32(next), length: UInt8(32 - size.trailingZeroBitCount), value: country)
            next += size
        }
    }
}

/// Prefix-to-origin-AS data: which AS announces a prefix.
public struct RoutingData: Sendable {
    /// Each prefix's value is the position in `origins` of its list of origin ASes.
    public var prefixes = PrefixColumns()
    /// The origin lists one after another, each as its length and then the AS numbers.
    public var origins: [UInt32] = []
    public var skipped: [SkippedLine] = []
    public init() {}

    public func origins(at position: Int32) -> [ASN] {
        let start = Int(position) + 1
        return origins[start..<(start + Int(origins[Int(position)]))].map(ASN.init)
    }

    public mutating func append(_ other: RoutingData, linesBefore: Int = 0) {
        prefixes.append(contentsOf: other.prefixes, addingToValues: Int32(origins.count))
        origins += other.origins
        skipped += other.skipped.map { SkippedLine(line: $0.line + linesBefore, reason: $0.reason) }
    }
}

/// Reads CAIDA's RouteViews prefix-to-AS format: `network<TAB>length<TAB>origin`, where the
/// origin may list several origins of a multi-origin prefix (`AS1_AS2`) and AS sets
/// (`AS1,AS2`), or both (`1_2,3`); every AS named counts as an origin.
public enum PrefixToAS {
    /// More origins than this on one line is not a route (real multi-origin lines name a few).
    public static let maxOrigins = 100

    public static func parse(_ text: String) -> RoutingData {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// Parses a whole file, on every core for a large one.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> RoutingData {
        var data = RoutingData()
        parseInParallel(bytes, { piece in
            var part = RoutingData()
            part.prefixes.reserveCapacity(v4: piece.count / 24, v6: piece.count / 200)
            part.origins.reserveCapacity(piece.count / 10)
            let lines = forEachDataLine(piece) { number, line in parseLine(piece, line, number: number, into: &part) }
            return (part, lines)
        }, merge: { part, linesBefore in data.append(part, linesBefore: linesBefore) })
        return data
    }

    private static func parseLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, number: Int, into data: inout RoutingData) {
        func skip(_ reason: String) { data.skipped.append(SkippedLine(line: number, reason: reason)) }
        var fields: [Range<Int>] = []
        var start: Int?
        for index in line {
            let separator = bytes[index] == 0x09 || bytes[index] == 0x20
            if separator, let begun = start { fields.append(begun..<index); start = nil } else if !separator && start == nil { start = index }
        }
        if let begun = start { fields.append(begun..<line.upperBound) }
        guard fields.count == 3 else { return skip("expected network, length and origin AS, found \(fields.count) fields") }
        guard let address = BulkLookup.parseAddress(bytes, fields[0]), let length = BulkLookup.parseUInt(bytes, fields[1]),
              length <= UInt64(address.bitWidth), IPPrefix(network: address, length: Int(length)).network == address else {
            // The general parser says exactly what is wrong (host bits: which network).
            if fields[0].count <= 64 && fields[1].count <= 3 {
                do { _ = try IPPrefix(parsing: bytes.text(fields[0]) + "/" + bytes.text(fields[1])) } catch { return skip(error.description) }
            }
            return skip("“\(bytes.shown(fields[0]))/\(bytes.shown(fields[1]))” is not a prefix")
        }
        guard length >= (address.bitWidth == 32 ? 8 : 12) else {
            return skip("a /\(length) route would cover a large part of the Internet; none is announced")
        }
        let parts = bytes.fields(fields[2], separatedBy: 0x5F, limit: maxOrigins + 1).flatMap { bytes.fields($0, separatedBy: 0x2C, limit: maxOrigins + 1) }
        guard parts.count <= maxOrigins else { return skip("more than \(maxOrigins) origin ASes") }
        let listStart = data.origins.count
        data.origins.append(0)
        for part in parts {
            guard let asn = BulkLookup.parseUInt(bytes, part).flatMap({ $0 <= UInt64(UInt32.max) ? UInt32($0) : nil })
                    ?? (part.count <= 16 ? ASN(parsing: bytes.text(part))?.value : nil) else {
                data.origins.removeSubrange(listStart...)
                return skip("“\(bytes.shown(part))” is not an AS number")
            }
            if !data.origins[(listStart + 1)...].contains(asn) { data.origins.append(asn) }
        }
        data.origins[listStart] = UInt32(data.origins.count - listStart - 1)
        switch address {
        case .v4(let network): data.prefixes.append(v4: network, length: UInt8(length), value: Int32(listStart))
        case .v6(let high, let low): data.prefixes.append(v6High: high, low: low, length: UInt8(length), value: Int32(listStart))
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

    /// With `knownTeams` nil, entries of any team are kept (the teams are checked when used).
    public static func parse(_ text: String, knownTeams: Set<String>?) -> (entries: [Entry], skipped: [SkippedLine]) {
        var entries: [Entry] = []
        var skipped: [SkippedLine] = []
        var lineNumber = 0
        // "\r\n" is one Character, so lines are split on any line break, not on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
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
            // A single label claims a whole top-level domain: a country's (`.jp`) may be, a
            // typing slip (`nope`) or a generic one (`com`) is no team's constituency.
            if case .domain(let domain) = indicator, !domain.name.contains("."), domain.countryOfTopLevelDomain == nil {
                skipped.append(SkippedLine(line: lineNumber, reason: "“\(domain.name)” is a single label, not a country's top-level domain; name a domain under it (example.\(domain.name))"))
                continue
            }
            guard knownTeams?.contains(fields[1]) ?? true else {
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
