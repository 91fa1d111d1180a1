import Foundation
import RenkeiCore

/// `renkei bench lpm --table table.csv --queries queries.txt [--out answers.txt]`: the
/// longest-prefix-match benchmark on the shared dataset (`prefix,team` CSV with a header, one
/// address per line). Prints one JSON line; writes the team of each query's longest match, or
/// `-`. It needs no database, so it runs without the application.
enum BenchCommand {
    static func run(_ arguments: [String]) throws -> String {
        if arguments.first == "cvss" { return try CVSSBenchmark.run(Array(arguments.dropFirst())) }
        guard arguments.first == "lpm" else {
            throw UsageError(message: "usage: renkei bench lpm --table FILE --queries FILE [--out FILE] | renkei bench cvss [--count N]")
        }
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
        let rssBefore = ProcessMemory.residentBytes()
        let buildStart = ContinuousClock.now
        var items: [(prefix: IPPrefix, value: Int32)] = []
        var problems: [String] = []
        // The file's bytes live only inside this call, so they are gone before the table is measured.
        try readFile(tablePath) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let pieces = BulkLookup.pieces(bytes, parts: ProcessInfo.processInfo.activeProcessorCount)
            let results = ParallelResults<(items: [(prefix: IPPrefix, value: Int32)], problems: [String])>(count: pieces.count)
            nonisolated(unsafe) let shared = bytes
            DispatchQueue.concurrentPerform(iterations: pieces.count) { part in
                results.set(part, parseTable(UnsafeBufferPointer(rebasing: shared[pieces[part]]), skipHeader: part == 0))
            }
            for part in results.values {
                items += part.items
                problems += part.problems
            }
        }
        guard problems.isEmpty else { throw UsageError(message: "\(tablePath): unreadable lines: " + problems.prefix(5).joined(separator: "; ")) }
        let table = PrefixTable(items)
        let teamOfEntry = table.entries.map { $0.value }
        let buildSeconds = seconds(since: buildStart)
        let prefixCount = items.count
        items = []
        // Hand the parse buffers back to the system, so the resident size counts the table.
        ProcessMemory.releaseFreed()
        let rssAfter = ProcessMemory.residentBytes()

        // Lookups on addresses already parsed: IPv4 in one batch, IPv6 one by one.
        guard let queryData = FileManager.default.contents(atPath: queriesPath) else { throw UsageError(message: "cannot read \(queriesPath)") }
        let queries = queryData.withUnsafeBytes { BulkLookup.addressLines($0.bindMemory(to: UInt8.self)) }
        var v4Answers = [Int32](repeating: 0, count: queries.v4.count)
        var otherAnswers = [Int32](repeating: 0, count: queries.other.count)
        let lookupStart = ContinuousClock.now
        queries.v4.withUnsafeBufferPointer { addresses in
            v4Answers.withUnsafeMutableBufferPointer { table.longestMatches(v4: addresses, into: $0) }
        }
        let v4Seconds = seconds(since: lookupStart)
        for (index, query) in queries.other.enumerated() { otherAnswers[index] = table.longestMatch(query.address) }
        let lookupSeconds = seconds(since: lookupStart)

        if let answersPath {
            var answers = [Int32](repeating: -1, count: queries.count)
            for (index, line) in queries.v4Lines.enumerated() { answers[Int(line)] = v4Answers[index] }
            for (index, query) in queries.other.enumerated() { answers[Int(query.line)] = otherAnswers[index] }
            var text = ""
            text.reserveCapacity(answers.count * 4)
            for answer in answers {
                text += answer < 0 ? "-" : String(teamOfEntry[Int(answer)])
                text += "\n"
            }
            guard FileManager.default.createFile(atPath: answersPath, contents: Data(text.utf8)) else {
                throw UsageError(message: "cannot write \(answersPath)")
            }
        }

        let routeStart = ContinuousClock.now
        let groups = try route(queriesPath: queriesPath, table: table, teamOfEntry: teamOfEntry)
        let routeSeconds = seconds(since: routeStart)

        let report: [(String, String)] = [
            ("tool", "\"renkei\""), ("prefixes", String(prefixCount)),
            ("build_s", String(format: "%.3f", buildSeconds)),
            ("bytes_per_prefix", String(format: "%.1f", Double(table.memoryBytes) / Double(max(prefixCount, 1)))),
            ("rss_bytes_per_prefix", String(format: "%.1f", Double(rssAfter - rssBefore) / Double(max(prefixCount, 1)))),
            ("lookups_per_s", String(Int(Double(queries.v4.count + queries.other.count) / max(lookupSeconds, 1e-9)))),
            ("ipv4_lookups_per_s", String(Int(Double(queries.v4.count) / max(v4Seconds, 1e-9)))),
            ("route_e2e_s", String(format: "%.3f", routeSeconds)),
            ("teams", String(groups)),
        ]
        return "{" + report.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// End to end, as routing an event file does: read the file, parse, look up, and group the
    /// query lines by team (a counting sort: one array of line numbers ordered by team, with
    /// each team's start). Returns how many teams received queries.
    static func route(queriesPath: String, table: PrefixTable, teamOfEntry: [Int32]) throws -> Int {
        guard let data = FileManager.default.contents(atPath: queriesPath) else { throw UsageError(message: "cannot read \(queriesPath)") }
        let queries = data.withUnsafeBytes { BulkLookup.addressLinesInParallel($0.bindMemory(to: UInt8.self)) }
        var matches = [Int32](repeating: 0, count: queries.v4.count)
        queries.v4.withUnsafeBufferPointer { addresses in
            matches.withUnsafeMutableBufferPointer { table.longestMatches(v4: addresses, into: $0) }
        }
        // Team per line; -1 (no team) becomes group 0.
        var teamOfLine = [Int32](repeating: -1, count: queries.count)
        let teamCount = Int(teamOfEntry.max() ?? 0) + 2
        var counts = [Int32](repeating: 0, count: teamCount + 1)
        teamOfEntry.withUnsafeBufferPointer { teams in
            for (index, line) in queries.v4Lines.enumerated() {
                let match = matches[index]
                teamOfLine[Int(line)] = match < 0 ? -1 : teams[Int(match)]
            }
            for query in queries.other {
                let match = table.longestMatch(query.address)
                teamOfLine[Int(query.line)] = match < 0 ? -1 : teams[Int(match)]
            }
        }
        for team in teamOfLine { counts[Int(team) + 2] += 1 }
        for group in 1...teamCount { counts[group] += counts[group - 1] }
        var grouped = [Int32](repeating: 0, count: teamOfLine.count)
        for (line, team) in teamOfLine.enumerated() {
            let slot = Int(team) + 1
            grouped[Int(counts[slot])] = Int32(line)
            counts[slot] += 1
        }
        return Set(teamOfLine).subtracting([-1]).count
    }

    static func readFile(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError(message: "cannot read \(path)") }
        data.withUnsafeBytes(body)
    }

    /// `prefix,team` lines of one piece of the table file.
    static func parseTable(_ bytes: UnsafeBufferPointer<UInt8>, skipHeader: Bool) -> (items: [(prefix: IPPrefix, value: Int32)], problems: [String]) {
        var items: [(prefix: IPPrefix, value: Int32)] = []
        var problems: [String] = []
        let lines = BulkLookup.lines(bytes)
        items.reserveCapacity(lines.count)
        for (number, line) in lines.enumerated() where !(skipHeader && number == 0) && !line.isEmpty {
            guard let comma = bytes[line].lastIndex(of: 0x2C), let slash = bytes[line.lowerBound..<comma].lastIndex(of: 0x2F),
                  let address = BulkLookup.parseAddress(bytes, line.lowerBound..<slash),
                  let length = BulkLookup.parseUInt(bytes, (slash + 1)..<comma), length <= address.bitWidth,
                  let team = BulkLookup.parseUInt(bytes, (comma + 1)..<line.upperBound), team <= UInt64(Int32.max)
            else {
                problems.append("“\(String(decoding: UnsafeBufferPointer(rebasing: bytes[line]), as: UTF8.self))” is not prefix,team")
                continue
            }
            items.append((IPPrefix(network: address, length: Int(length)), Int32(team)))
        }
        return (items, problems)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// `renkei bench cvss [--count N]`: parses and scores N (default 1,000,000) random valid
/// vectors, a quarter of each version, on one core, and reports vectors per second.
enum CVSSBenchmark {
    static func run(_ arguments: [String]) throws -> String {
        var count = 1_000_000
        if arguments.count == 2, arguments[0] == "--count", let value = Int(arguments[1]), value > 0 {
            count = value
        } else if !arguments.isEmpty {
            throw UsageError(message: "usage: renkei bench cvss [--count N]")
        }
        var state: UInt64 = 0x5EED
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let versions = CVSSVersion.allCases
        var vectors: [String] = []
        vectors.reserveCapacity(count)
        for index in 0..<count {
            let version = versions[index % versions.count]
            var values: [String: String] = [:]
            for metric in CVSSCatalog.groups(version).flatMap(\.metrics) where metric.mandatory || random(2) == 0 {
                values[metric.code] = metric.values[random(metric.values.count)].code
            }
            vectors.append(CVSSCatalog.vector(version, values: values))
        }
        var invalid = 0
        var checksum = 0.0
        let start = ContinuousClock.now
        for vector in vectors {
            if let result = try? CVSS.score(vector, explain: false) {
                checksum += result.baseScore ?? result.score ?? 0
            } else {
                invalid += 1
            }
        }
        let elapsed = LPMBenchmark.seconds(since: start)
        guard invalid == 0 else { throw UsageError(message: "\(invalid) generated vectors were refused") }
        return "{\"tool\": \"renkei\", \"vectors\": \(count), \"seconds\": \(String(format: "%.3f", elapsed)), "
            + "\"vectors_per_s\": \(Int(Double(count) / max(elapsed, 1e-9))), \"checksum\": \(String(format: "%.1f", checksum))}"
    }
}
