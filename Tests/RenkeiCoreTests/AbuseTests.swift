import Foundation
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
        for (seconds, text) in [(1_796_637_600, "2026-12-07T10:00:00Z"), (1_709_251_199, "2024-02-29T23:59:59Z"), (-3_600, "1969-12-31T23:00:00Z"),
                                (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"), (4_102_444_799, "2099-12-31T23:59:59Z")] as [(Int64, String)] {
            #expect(AbuseTime.format(seconds) == text)
        }
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

    @Test func jsonLinesTakeRenkeiOrIntelMQNames() throws {
        let text = #"""
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "port": "23", "type": "scanner"}
            {"time.source": "2026-12-07T10:00:00+00:00", "time.observation": "2026-12-08T00:00:00+00:00", "source.ip": "198.51.100.8", "source.port": 443, "source.asn": 64500, "classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system", "feed.name": "x"}

            {"time.observation": "2026-12-07T10:00:00+00:00", "source.url": "http://phish.example/", "classification.type": "phishing", "source.asn": "AS64501"}
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "port": 23}
            ["not", "an", "object"]
            {"time": "2026-12-07T10:00:00Z",
            {"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "type": "scanner", "asn": "ASX"}
            """#
        let result = try JSONLinesReport.parse(Array(text.utf8), feed: "intelmq", file: "out.jsonl")
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
        var phishA = AbuseEvent(observedAt: 0, sourceIP: nil, sourcePort: nil, fqdn: "login.a.example", url: "https://login.a.example/x", type: .phishing, feed: "p", raw: "")
        var phishB = phishA
        phishB.fqdn = "pay.b.example"
        phishB.url = "https://pay.b.example/y"
        #expect(AbuseDedupKey(phishA) != AbuseDedupKey(phishB) && AbuseDedupKey(phishA).digest != AbuseDedupKey(phishB).digest, "two URLs, no address: two events")
        phishA.sourceIP = IPAddress("192.0.2.80")
        phishB.sourceIP = IPAddress("192.0.2.80")
        #expect(AbuseDedupKey(phishA) != AbuseDedupKey(phishB), "two URLs on one shared host: two events")
        // FNV-1a 64 of "generic-csv\0scanner\0" 04 C6 33 64 07 01 00 17 00 00, as Python computes it.
        #expect(AbuseDedupKey(scan).digest == -6145974984086501093 && AbuseDedupKey(later).digest == -6145974984086501093)
        #expect(Set([scan, otherPort, otherFeed, otherType].map { AbuseDedupKey($0).digest }).count == 4)
        #expect(AbuseFeedName.isValid("generic-csv") && AbuseFeedName.isValid("a1"))
        #expect(!AbuseFeedName.isValid("-x") && !AbuseFeedName.isValid("Feed") && !AbuseFeedName.isValid("a b") && !AbuseFeedName.isValid(""))
    }

    @Test func aReportReadInBlocksGivesWhatTheWholeFileGives() throws {
        let text = "time,ip,port,type,url\r\n2026-12-07T10:00:00Z,198.51.100.7,23,scanner,\r\n\r\n"
            + "2026-12-07T10:00:01Z,198.51.100.8,80,phishing,\"http://a.example/\"\"x\"\"\nnext\"\n"
            + "2026-12-07T10:00:02Z,198.51.100.9,,botnet,\n2026-12-07T10:00:03Z,2001:db8::1,443,open-service,"
        let bytes = Array(text.utf8)
        let whole = try GenericCSVReport.parse(bytes, feed: "generic-csv", file: "f.csv")
        #expect(whole.events.map(\.observedAt) == [1_796_637_600, 1_796_637_601, 1_796_637_603])
        #expect(whole.events[1].url == "http://a.example/\"x\"\nnext")
        #expect(whole.errors.map(\.line) == [6])
        for size in [1, 2, 7, 64] {
            var reader = AbuseReportReader(format: .csv, feed: "generic-csv", file: "f.csv")
            var events: [AbuseEvent] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                events += try reader.read(bytes[start..<end], final: end == bytes.count)
                start = end
            }
            #expect(events == whole.events, "blocks of \(size) bytes")
            #expect(reader.errors == whole.errors && reader.rejected == 1, "blocks of \(size) bytes")
        }
        var jsonl = AbuseReportReader(format: .jsonl, feed: "j", file: "j.jsonl")
        let first = try jsonl.read(Array(#"{"time": "2026-12-07T10:00:00Z", "ip": "198.51.100.7", "#.utf8), final: false)
        let rest = try jsonl.read(Array(#""port": 23, "type": "scanner"}"#.utf8) + [10] + Array("[]".utf8), final: true)
        #expect(first.isEmpty && rest.map(\.sourcePort) == [23])
        #expect(jsonl.errors == [AbuseLineError(file: "j.jsonl", line: 2, reason: "not a JSON object")])
    }

    @Test func implausibleTimesNULBytesAndABOMAreHandled() throws {
        let text = "\u{FEFF}time,ip,port,type\n1989-12-31T23:59:59Z,198.51.100.7,23,scanner\n2100-01-01T00:00:00Z,198.51.100.7,23,scanner\n"
            + "2026-12-07T10:00:00Z,198.51.100.7,23,scan\u{0}ner\n2026-12-07T10:00:00Z,198.51.100.7,23,scanner\n" + String(repeating: ",", count: 5_000) + "\n"
        let result = try GenericCSVReport.parse(Array(text.utf8), feed: "generic-csv", file: "f.csv")
        #expect(result.events.map(\.observedAt) == [1_796_637_600], "the byte order mark does not hide the time column")
        #expect(result.errors.map(\.line) == [2, 3, 4, 6])
        #expect(result.errors[0].reason == "time “1989-12-31T23:59:59Z” is before 1990 or after 2099")
        #expect(result.errors[2].reason == "the line holds a NUL byte")
        #expect(result.errors[3].reason == "5001 fields where the header names 4")
    }

    @Test func anEventDatedBeyondWhatTheIngestAllowsIsRefused() throws {
        var reader = AbuseReportReader(format: .csv, feed: "f", file: "ahead.csv")
        reader.notAfter = 1_796_724_000   // 2026-12-08T10:00:00Z
        let events = try reader.read(Array("time,ip,port,type\n2026-12-08T10:00:00Z,192.0.2.1,23,scanner\n2099-12-31T23:00:00Z,192.0.2.2,23,scanner\n".utf8), final: true)
        #expect(events.map(\.observedAt) == [1_796_724_000])
        #expect(reader.errors == [AbuseLineError(file: "ahead.csv", line: 3, reason: "time “2099-12-31T23:00:00Z” is more than a day ahead of now")])
    }

    @Test func aLineLongerThanAnyReportLineRefusesTheFile() {
        var reader = AbuseReportReader(format: .jsonl, feed: "j", file: "big.jsonl")
        #expect(throws: GenericCSVReport.FileError(file: "big.jsonl", reason: "line 1 is longer than 1048576 bytes")) {
            _ = try reader.read([UInt8](repeating: 32, count: (1 << 20) + 1), final: false)
        }
        var empty = AbuseReportReader(format: .csv, feed: "generic-csv", file: "e.csv")
        #expect(throws: GenericCSVReport.FileError(file: "e.csv", reason: "the file is empty: a header row is needed")) {
            _ = try empty.read([], final: true)
        }
    }

    /// The teams and registry data of `ResolverTests`: hoshi-isp declares 203.0.113.0/25 and
    /// AS64500, the imported entries give 203.0.113.0/28 to jp-national, secret-bank declares
    /// 198.18.0.0/24, de-national is Germany's national team, APAC-CC a coordinator.
    @Test func eventsGoToTheTeamTheResolverRanksFirstElseTheNationalTeam() throws {
        let resolver = try ResolverTests.resolver()
        func route(_ ip: String?, asn: UInt32? = nil, host: String? = nil) -> AbuseRoute {
            resolver.abuseRoute(address: ip.flatMap { IPAddress($0) }, reportedASN: asn, host: host)
        }
        #expect(route("203.0.113.5") == AbuseRoute(team: "jp-national", asn: 64_500, country: "JP"), "the most specific constituency prefix")
        #expect(route("203.0.113.200") == AbuseRoute(team: "hoshi-isp", asn: 64_500, country: "JP"), "the AS announcing it")
        #expect(route("198.18.0.9") == AbuseRoute(team: "secret-bank", asn: 65_538, country: "DE"), "the first origin of the /24's AS set")
        #expect(route("198.18.1.9") == AbuseRoute(team: "de-national", asn: 65_536, country: "DE"), "the national team of the country")
        #expect(route("198.51.100.100") == AbuseRoute(team: nil, asn: 64_510, country: "AU"), "a coordinator takes no events: the queue does")
        #expect(route(nil, host: "www.hoshi.example") == AbuseRoute(team: "hoshi-isp", asn: nil, country: nil))
        #expect(route(nil, host: "phish.example.jp") == AbuseRoute(team: "jp-national", asn: nil, country: "JP"))
        #expect(route(nil, asn: 65_536) == AbuseRoute(team: "de-national", asn: 65_536, country: "DE"), "the AS the report named")
        #expect(route("192.0.2.77") == AbuseRoute(team: nil, asn: nil, country: nil), "the sample's 192.0.2.1/24 has host bits: no route")
    }

    @Test func aNoticeIsDueOncePerIntervalAndCarriesItsStrictestLabel() {
        let daily = AbusePreference.standard
        #expect(daily.schedule == .daily && daily.wants(.scanner))
        #expect(!daily.isDue(lastNoticeAt: nil, oldestWaiting: 1_000, now: 1_000 + 86_399))
        #expect(daily.isDue(lastNoticeAt: nil, oldestWaiting: 1_000, now: 1_000 + 86_400))
        #expect(daily.isDue(lastNoticeAt: 0, oldestWaiting: 200_000, now: 200_001), "a day since the last notice: what waits goes now")
        #expect(daily.isDue(lastNoticeAt: 199_999, oldestWaiting: 200_000, now: 200_001, flush: true))
        let hourly = AbusePreference(schedule: .hourly, types: [.phishing])
        #expect(hourly.wants(.phishing) && !hourly.wants(.scanner))
        #expect(!hourly.isDue(lastNoticeAt: 10_000, oldestWaiting: 0, now: 13_599) && hourly.isDue(lastNoticeAt: 10_000, oldestWaiting: 0, now: 13_600))
        #expect(AbusePreference(schedule: .immediately, types: []).isDue(lastNoticeAt: 5, oldestWaiting: 5, now: 5))
        #expect(AbuseNotice.tlp(of: [.green, .amberStrict, .amber]) == .amberStrict)
        #expect(AbuseNotice.tlp(of: [.clear]) == .clear && AbuseNotice.tlp(of: []) == .amber)
        #expect(AbuseNotice.ticket(at: 1_796_637_600, serial: 42) == "ABUSE-20261207-00001A", "42 = 1 × 32 + 10")
        #expect(AbuseRetention.cutoff(now: 1_796_637_600, days: 90) == 1_788_861_600, "2026-09-08T10:00:00Z")
        #expect(AbuseNotice.ticket(at: 1_796_687_999, serial: .max) == "ABUSE-20261207-ZZZZZZ", "30 bits; the top two are not used")
        #expect(AbuseNotice.ticket(at: 1_796_637_600, serial: 0b10010_01111_00000_10101_00001_00000) == "ABUSE-20261207-JF0N10", "I, L, O and U are left out")
    }

    @Test func aNoticeAttachmentIsCSVThatNoSpreadsheetRuns() {
        let rows = [
            AbuseNoticeRow(firstSeen: 1_796_637_600, lastSeen: 1_796_641_200, count: 3, type: .scanner, ip: "198.51.100.7", port: 23,
                           asn: 64_500, country: "JP", fqdn: nil, url: nil, feed: "generic-csv"),
            AbuseNoticeRow(firstSeen: 1_796_637_600, lastSeen: 1_796_637_600, count: 1, type: .phishing, ip: "", port: nil,
                           asn: nil, country: nil, fqdn: "=cmd.example", url: "http://a.example/?a=1,b=\"2\"", feed: "honeypot"),
        ]
        #expect(AbuseNotice.csv(rows) == "first_seen,last_seen,count,taxonomy,type,ip,port,asn,country,fqdn,url,feed\r\n"
            + "2026-12-07T10:00:00Z,2026-12-07T11:00:00Z,3,information-gathering,scanner,198.51.100.7,23,64500,JP,,,generic-csv\r\n"
            + "2026-12-07T10:00:00Z,2026-12-07T10:00:00Z,1,fraud,phishing,,,,,'=cmd.example,\"http://a.example/?a=1,b=\"\"2\"\"\",honeypot\r\n")
        let text = AbuseNotice.text(ticket: "ABUSE-20261207-000001", team: "Hoshi ISP CSIRT", tlp: .amber,
                                    counts: [(.scanner, 3), (.phishing, 1)], link: "https://renkei.test/abuse/notices/ABUSE-20261207-000001")
        #expect(text.hasPrefix("TLP:AMBER\n\nTicket ABUSE-20261207-000001 for Hoshi ISP CSIRT: 4 events in your constituency.\n\n  scanner: 3\n  phishing: 1\n"))
        #expect(text.contains("\nhttps://renkei.test/abuse/notices/ABUSE-20261207-000001\n"))
    }

    @Test func onlyTheTeamAndTheSecretariatSeeATeamsEvents() {
        let team = UUID(), other = UUID()
        let member = Actor(userID: UUID(), roles: [.member], teamID: team)
        let outsider = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: other)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        #expect(AbuseAccess.mayHandle(eventsOf: team, member) && !AbuseAccess.mayHandle(eventsOf: team, outsider))
        #expect(!AbuseAccess.mayHandle(eventsOf: team, nil) && !AbuseAccess.mayHandle(eventsOf: nil, member))
        #expect(AbuseAccess.mayHandle(eventsOf: nil, secretariat) && AbuseAccess.mayHandle(eventsOf: team, secretariat))
        #expect(AbuseAccess.mayRunPipeline(secretariat) && !AbuseAccess.mayRunPipeline(member) && !AbuseAccess.mayRunPipeline(nil))
        let teamless = Actor(userID: UUID(), roles: [.board], teamID: nil)
        #expect(!AbuseAccess.mayHandle(eventsOf: nil, teamless), "no team of one's own is not the queue's")
        #expect(!AbuseAccess.mayChoosePreference(for: team, member) && !AbuseAccess.mayChoosePreference(for: team, outsider))
        let representative = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: team)
        #expect(AbuseAccess.mayChoosePreference(for: team, representative) && AbuseAccess.mayChoosePreference(for: team, secretariat))
    }
}
