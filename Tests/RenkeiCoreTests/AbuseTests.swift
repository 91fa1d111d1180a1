import Testing
@testable import RenkeiCore

/// The first rules of the abuse pipeline: the classification vocabulary, report times, the
/// `generic-csv` feed and the deduplication window. Expected seconds are Python's
/// `calendar.timegm` of the same instants.
@Suite struct AbuseTests {
    @Test func typesBelongToTheirTaxonomy() {
        #expect(AbuseType.scanner.taxonomy == .informationGathering)
        #expect(AbuseType.infectedSystem.taxonomy == .maliciousCode)
        #expect(AbuseType.phishing.taxonomy == .fraud)
        #expect(AbuseType.openService.taxonomy == .vulnerable)
        #expect(AbuseType.ddosAmplifier.taxonomy == .vulnerable)
        #expect(AbuseType.bruteForce.taxonomy == .intrusionAttempts)
        #expect(AbuseType(rawValue: "c2-server") == .c2Server && AbuseType(rawValue: "botnet") == nil)
        #expect(Set(AbuseType.allCases.map(\.taxonomy)) == Set(AbuseTaxonomy.allCases))
    }

    @Test func reportTimesAreReadAsISO8601() {
        #expect(AbuseTime.parse("2026-12-07T10:00:00Z") == 1_796_637_600)
        #expect(AbuseTime.parse("2026-12-07 10:00:00") == 1_796_637_600, "a space for the T, no zone: UTC")
        #expect(AbuseTime.parse("2026-12-07T10:00:00.123456Z") == 1_796_637_600)
        #expect(AbuseTime.parse("2026-12-07T11:00:00+01:00") == 1_796_637_600)
        #expect(AbuseTime.parse("2026-12-07T09:00:00Z") == 1_796_634_000)
        #expect(AbuseTime.parse("2026-12-07T05:30:00-04:30") == 1_796_637_600)
        #expect(AbuseTime.parse("2024-02-29T23:59:59Z") == 1_709_251_199)
        #expect(AbuseTime.parse("1969-12-31T23:00:00Z") == -3_600)
        for bad in ["2026-02-29T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07", "2026-12-07T10:00", "07/12/2026 10:00:00",
                    "2026-12-07T10:00:00+0100", "2026-12-07T10:00:00.Z", "2026-13-01T00:00:00Z", "2026-12-07T10:00:00Zjunk"] {
            #expect(AbuseTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aGenericCSVReportBecomesEventsAndNamesEachBadLine() throws {
        let text = #"""
            time,ip,port,type,fqdn,url,asn_name
            2026-12-07T10:00:00Z,198.51.100.7,23,scanner,,,"Example, Inc."
            2026-12-07 10:05:00,::ffff:198.51.100.8,,Infected-System,Bot.Example,,x
            
            2026-12-07T10:06:00Z,,,phishing,,"https://login.example/""a""",x
            2026-12-07T10:07:00Z,198.51.100.9,70000,scanner,,,x
            yesterday,198.51.100.9,22,scanner,,,x
            2026-12-07T10:08:00Z,198.51.100.999,22,scanner,,,x
            2026-12-07T10:09:00Z,198.51.100.9,22,botnet,,,x
            2026-12-07T10:10:00Z,,22,scanner,,,x
            2026-12-07T10:11:00Z,198.51.100.9,22,scanner
            2026-12-07T10:12:00Z,2001:db8::1,443,open-service,,,x
            """#.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        let result = try GenericCSVReport.parse(Array(text.utf8), feed: "generic-csv", file: "sensor.csv")
        #expect(result.events.map(\.observedAt) == [1_796_637_600, 1_796_637_900, 1_796_637_960, 1_796_638_320])
        #expect(result.events.map(\.sourceIP) == [IPAddress("198.51.100.7"), IPAddress("198.51.100.8"), nil, IPAddress("2001:db8::1")])
        #expect(result.events.map(\.sourcePort) == [23, nil, nil, 443])
        #expect(result.events.map(\.type) == [.scanner, .infectedSystem, .phishing, .openService])
        #expect(result.events[1].fqdn == "bot.example")
        #expect(result.events[2].url == "https://login.example/\"a\"")
        #expect(result.events[0].raw == "2026-12-07T10:00:00Z,198.51.100.7,23,scanner,,,\"Example, Inc.\"")
        #expect(result.events.allSatisfy { $0.feed == "generic-csv" })
        #expect(result.errors.map(\.description) == [
            "sensor.csv:6: port “70000” is not a number from 0 to 65535",
            "sensor.csv:7: time “yesterday” is not an ISO 8601 date and time",
            "sensor.csv:8: ip “198.51.100.999” is not an IPv4 or IPv6 address",
            "sensor.csv:9: type “botnet” is not a classification type (for example scanner, infected-system, phishing, open-service)",
            "sensor.csv:10: the line names no ip, fqdn or url",
            "sensor.csv:11: 4 fields where the header names 7",
        ])
    }

    @Test func aQuotedLineBreakStaysInItsField() throws {
        let text = "time,ip,port,type,note\n2026-12-07T10:00:00Z,198.51.100.7,23,scanner,\"two\nlines\"\nnot a time,198.51.100.7,23,scanner,x\n"
        let result = try GenericCSVReport.parse(Array(text.utf8), feed: "generic-csv", file: "f.csv")
        #expect(result.events.count == 1 && result.events[0].raw.hasSuffix("\"two\nlines\""))
        #expect(result.errors.map(\.line) == [4], "line numbers count the break inside the quotes")
    }

    @Test func aHeaderWithoutTheRequiredColumnsRefusesTheFile() {
        #expect(throws: GenericCSVReport.FileError(file: "f.csv", reason: "the header names no port, type column (it needs time, ip, port, type)")) {
            try GenericCSVReport.parse(Array("Time,IP\n2026-12-07T10:00:00Z,198.51.100.7\n".utf8), feed: "generic-csv", file: "f.csv")
        }
        #expect(throws: GenericCSVReport.FileError(file: "f.csv", reason: "the file is empty: a header row is needed")) {
            try GenericCSVReport.parse([], feed: "generic-csv", file: "f.csv")
        }
    }

    @Test func jsonLinesTakeRenkeiOrIntelMQNames() {
        let text = #"""
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "port": "23", "type": "scanner"}
            {"time.source": "2026-12-07T10:00:00+00:00", "time.observation": "2026-12-08T00:00:00+00:00", "source.ip": "198.51.100.8", "source.port": 443, "source.asn": 64500, "classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system", "feed.name": "x"}

            {"time.observation": "2026-12-07T10:00:00+00:00", "source.url": "http://phish.example/", "classification.type": "phishing", "source.asn": "AS64501"}
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "port": 23}
            ["not", "an", "object"]
            {"time": "2026-12-07T10:00:00Z",
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "type": "scanner", "asn": "ASX"}
            """#
        let result = JSONLinesReport.parse(Array(text.utf8), feed: "intelmq", file: "out.jsonl")
        #expect(result.events.map(\.observedAt) == [1_796_637_600, 1_796_637_600, 1_796_637_600], "time.source before time.observation")
        #expect(result.events.map(\.sourcePort) == [23, 443, nil])
        #expect(result.events.map(\.asn) == [nil, 64_500, 64_501])
        #expect(result.events.map(\.type) == [.scanner, .vulnerableSystem, .phishing])
        #expect(result.events[2].url == "http://phish.example/" && result.events[2].sourceIP == nil)
        #expect(result.errors.map(\.line) == [5, 6, 7, 8])
        #expect(result.errors[0].reason.hasPrefix("type “” is not a classification type"))
        #expect(result.errors[1].reason == "not a JSON object")
        #expect(result.errors[2].reason.hasPrefix("not JSON: expected a key"))
        #expect(result.errors[3].reason == "asn “ASX” is not an AS number")
    }

    @Test func repeatsCountOnceWithinADayPerFeedTypeAddressAndPort() throws {
        #expect(AbuseDedupKey.window == 86_400)
        #expect(AbuseDedupKey.repeats(1_000 + 86_399, first: 1_000))
        #expect(!AbuseDedupKey.repeats(1_000 + 86_400, first: 1_000))
        #expect(AbuseDedupKey.repeats(1_000, first: 1_000 + 86_399), "an earlier report that arrives later")
        let scan = AbuseEvent(observedAt: 0, sourceIP: IPAddress("198.51.100.7"), sourcePort: 23, type: .scanner, feed: "generic-csv", raw: "")
        var otherPort = scan, otherFeed = scan, otherType = scan, later = scan
        otherPort.sourcePort = 2323
        otherFeed.feed = "honeypot"
        otherType.type = .bruteForce
        later.observedAt = 3_600
        later.raw = "another line"
        #expect(AbuseDedupKey(later) == AbuseDedupKey(scan))
        #expect(Set([scan, otherPort, otherFeed, otherType].map(AbuseDedupKey.init)).count == 4)
    }
}
