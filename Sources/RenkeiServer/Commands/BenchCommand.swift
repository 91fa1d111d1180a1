import Foundation
import RenkeiCore

/// `renkei bench lpm --table table.csv --queries queries.txt [--out answers.txt]`: the
/// longest-prefix-match benchmark on the shared dataset (`prefix,team` CSV with a header, one
/// address per line). Prints one JSON line; writes the team of each query's longest match, or
/// `-`. It needs no database, so it runs without the application.
enum BenchCommand {
    static func run(_ arguments: [String]) throws -> String {
        guard arguments.first == "lpm" else { throw UsageError(message: "usage: renkei bench lpm --table FILE --queries FILE [--out FILE]") }
        var options: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let name = rest.popFirst() {
            guard ["--table", "--queries", "--out"].contains(name), let value = rest.popFirst() else {
                throw UsageError(message: "unknown or incomplete option “\(name)”; usage: renkei bench lpm --table FILE --queries FILE [--out FILE]")
            }
            options[name] = value
        }
        guard let table = options["--table"], let queries = options["--queries"] else {
            throw UsageError(message: "bench lpm needs --table FILE and --queries FILE")
        }
        return try LPMBenchmark.run(tablePath: table, queriesPath: queries, answersPath: options["--out"])
    }
}

enum LPMBenchmark {
    static func run(tablePath: String, queriesPath: String, answersPath: String?) throws -> String {
        let rssBefore = residentBytes()
        let buildStart = ContinuousClock.now
        guard let tableData = FileManager.default.contents(atPath: tablePath) else { throw UsageError(message: "cannot read \(tablePath)") }
        var items: [(prefix: IPPrefix, value: Int32)] = []
        var problems: [String] = []
        tableData.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let lines = BulkLookup.lines(bytes)
            items.reserveCapacity(lines.count)
            for (number, line) in lines.enumerated() where number > 0 && !line.isEmpty {
                guard let comma = bytes[line].lastIndex(of: 0x2C), let slash = bytes[line.lowerBound..<comma].lastIndex(of: 0x2F),
                      let address = BulkLookup.parseAddress(bytes, line.lowerBound..<slash),
                      let length = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)..<comma]), as: UTF8.self)),
                      (0...address.bitWidth).contains(length),
                      let team = Int32(String(decoding: UnsafeBufferPointer(rebasing: bytes[(comma + 1)..<line.upperBound]), as: UTF8.self))
                else {
                    if problems.count < 5 { problems.append("line \(number + 1)") }
                    continue
                }
                items.append((IPPrefix(network: address, length: length), team))
            }
        }
        guard problems.isEmpty else { throw UsageError(message: "\(tablePath): unreadable lines: " + problems.joined(separator: ", ")) }
        let table = PrefixTable(items)
        let buildSeconds = seconds(since: buildStart)
        let prefixCount = items.count
        items = []
        let rssAfter = residentBytes()

        // Lookups on addresses already parsed: IPv4 in one batch, IPv6 one by one.
        guard let queryData = FileManager.default.contents(atPath: queriesPath) else { throw UsageError(message: "cannot read \(queriesPath)") }
        var v4: [UInt32] = [], v4Positions: [Int] = []
        var v6: [(UInt64, UInt64)] = [], v6Positions: [Int] = []
        var queryCount = 0
        queryData.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            for (position, line) in BulkLookup.lines(bytes).enumerated() {
                queryCount += 1
                switch BulkLookup.parseAddress(bytes, line) {
                case .v4(let value)?: v4.append(value); v4Positions.append(position)
                case .v6(let high, let low)?: v6.append((high, low)); v6Positions.append(position)
                case nil: break
                }
            }
        }
        var answers = [Int32](repeating: PrefixTable<Int32>.none, count: queryCount)
        var v4Answers = [Int32](repeating: 0, count: v4.count)
        var v6Answers = [Int32](repeating: 0, count: v6.count)
        let lookupStart = ContinuousClock.now
        v4.withUnsafeBufferPointer { addresses in
            v4Answers.withUnsafeMutableBufferPointer { table.longestMatches(v4: addresses, into: $0) }
        }
        let v4Seconds = seconds(since: lookupStart)
        for (index, address) in v6.enumerated() { v6Answers[index] = table.longestMatch(v6High: address.0, low: address.1) }
        let lookupSeconds = seconds(since: lookupStart)
        for (index, position) in v4Positions.enumerated() { answers[position] = v4Answers[index] }
        for (index, position) in v6Positions.enumerated() { answers[position] = v6Answers[index] }

        if let answersPath {
            var text = ""
            text.reserveCapacity(answers.count * 4)
            for answer in answers {
                text += answer < 0 ? "-" : String(table.entries[Int(answer)].value)
                text += "\n"
            }
            guard FileManager.default.createFile(atPath: answersPath, contents: Data(text.utf8)) else {
                throw UsageError(message: "cannot write \(answersPath)")
            }
        }

        // End to end, as routing an event file does: read, parse, look up, group by team.
        let routeStart = ContinuousClock.now
        guard let routeData = FileManager.default.contents(atPath: queriesPath) else { throw UsageError(message: "cannot read \(queriesPath)") }
        var groups: [Int32: [Int32]] = [:]
        routeData.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var position: Int32 = 0
            for line in BulkLookup.lines(bytes) {
                let match: Int32
                if let value = BulkLookup.parseV4(bytes, line) {
                    match = table.longestMatch(v4: value)
                } else if let address = BulkLookup.parseAddress(bytes, line) {
                    match = table.longestMatch(address)
                } else {
                    match = PrefixTable<Int32>.none
                }
                groups[match < 0 ? -1 : table.entries[Int(match)].value, default: []].append(position)
                position += 1
            }
        }
        let routeSeconds = seconds(since: routeStart)

        let report: [(String, String)] = [
            ("tool", "\"renkei\""), ("prefixes", String(prefixCount)),
            ("build_s", String(format: "%.3f", buildSeconds)),
            ("bytes_per_prefix", String(format: "%.1f", Double(table.memoryBytes) / Double(max(prefixCount, 1)))),
            ("rss_bytes_per_prefix", String(format: "%.1f", Double(rssAfter - rssBefore) / Double(max(prefixCount, 1)))),
            ("lookups_per_s", String(Int(Double(v4.count + v6.count) / max(lookupSeconds, 1e-9)))),
            ("ipv4_lookups_per_s", String(Int(Double(v4.count) / max(v4Seconds, 1e-9)))),
            ("route_e2e_s", String(format: "%.3f", routeSeconds)),
            ("teams", String(groups.keys.filter { $0 >= 0 }.count)),
        ]
        return "{" + report.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Resident set size from /proc (Linux); 0 where it cannot be read.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
