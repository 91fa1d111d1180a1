import Foundation
import Testing
@testable import RenkeiCore

/// The monitoring rules: days, series and their plot, rankings, handling statistics, the
/// metrics text, reply keys and who sees whose numbers. Expected values are written out by hand.
@Suite struct AbuseMonitoringTests {
    /// 2026-12-07 is day 20,794 since 1970-01-01 (1,796,601,600 / 86,400).
    let today: Int64 = 20_794

    @Test func daysAndPeriodsAreUTCDays() {
        #expect(AbuseMonitoring.day(1_796_601_600) == today && AbuseMonitoring.day(1_796_687_999) == today)
        #expect(AbuseMonitoring.day(-1) == -1, "1969-12-31T23:59:59Z")
        #expect(AbuseMonitoring.period(days: 7, now: 1_796_666_400) == (today - 6)...today)
        #expect(AbuseMonitoring.date(today) == "2026-12-07" && AbuseMonitoring.date(today - 6) == "2026-12-01")
    }

    @Test func aSeriesDrawsTheMostFrequentTypesAndSumsTheRest() {
        let counts = [
            AbuseDayCount(day: today - 1, type: .scanner, events: 5, reports: 9),
            AbuseDayCount(day: today, type: .scanner, events: 2, reports: 2),
            AbuseDayCount(day: today, type: .phishing, events: 4, reports: 4),
            AbuseDayCount(day: today, type: .spam, events: 1, reports: 1),
            AbuseDayCount(day: today, type: .ddos, events: 1, reports: 1),
            AbuseDayCount(day: today - 9, type: .exploit, events: 50, reports: 50),
        ]
        let series = AbuseMonitoring.series(counts, days: (today - 2)...today, drawn: 2)
        #expect(series.days == [today - 2, today - 1, today])
        #expect(series.groups == ["scanner", "phishing", "other types"], "7 scanner, 4 phishing; ddos and spam summed; exploit is outside the period")
        #expect(series.values == [[0, 0, 0], [5, 0, 0], [2, 4, 2]])
        #expect(series.totals == [0, 5, 8])
        #expect(AbuseMonitoring.colour(ofGroup: 2, in: series) == "#7f7f7f" && AbuseMonitoring.colour(ofGroup: 0, in: series) == "#0072b2")
        let quiet = AbuseMonitoring.series([], days: today...today)
        #expect(quiet.groups.isEmpty && quiet.values == [[]])
    }

    @Test func aLongPeriodIsDrawnInWeeksTheLastCutAtItsEnd() {
        let period = (today - 99)...today
        let series = AbuseMonitoring.series([AbuseDayCount(day: today - 99, type: .scanner, events: 1, reports: 1),
                                             AbuseDayCount(day: today - 93, type: .scanner, events: 2, reports: 2),
                                             AbuseDayCount(day: today, type: .spam, events: 3, reports: 3)], days: period)
        #expect(series.span == 7 && series.days.count == 15 && series.days.first == today - 99 && series.days.last == today - 1, "100 days: 14 weeks and 2 days")
        #expect(series.values.first == [3, 0] && series.values.last == [0, 3], "scanner's 1 and 2 in the first week; spam's 3 in the last")
        #expect(series.label(0) == "2026-08-30 to 2026-09-05" && series.label(14) == "2026-12-06 to 2026-12-07")
        #expect(AbuseMonitoring.series([], days: (today - 91)...today).span == 1, "92 days are still drawn by day")
        let svg = AbuseMonitoring.svg(series, title: "t")
        #expect(svg.contains("<title>2026-12-06 to 2026-12-07: spam 3</title>") && svg.contains(">2026-12-07</text>"), "the axis ends on the period's last day")
    }

    @Test func thePlotIsAnSVGWithATitledSegmentPerDayAndGroup() {
        let series = AbuseMonitoring.Series(days: [today - 1, today], end: today, groups: ["scanner", "a<b"], values: [[3, 0], [4, 1]])
        let svg = AbuseMonitoring.svg(series, title: "Events & more")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 240\" role=\"img\""))
        #expect(svg.contains("<title id=\"chart-title\">Events &amp; more</title>"))
        #expect(svg.contains("<title>2026-12-06: scanner 3</title>") && svg.contains("<title>2026-12-07: a&lt;b 1</title>"))
        #expect(!svg.contains("2026-12-06: a&lt;b"), "no segment for a zero")
        #expect(svg.components(separatedBy: "<rect").count - 1 == 3)
        // The axis runs to 5 (1, 2 or 5 times a power of ten), so the 5 events of the second day fill it.
        #expect(svg.contains(">5</text>") && svg.contains(">0</text>") && !svg.contains(">2</text>") && !svg.contains(">3</text>"),
                "no line halfway up an axis of 5: it would stand at 2.5")
        #expect(AbuseMonitoring.svg(.init(days: [today], end: today, groups: ["a"], values: [[7]]), title: "t").contains(">5</text>"), "an axis of 10 has its 5")
        #expect(svg.contains("<rect x=\"416.8\" y=\"52\" width=\"262.4\" height=\"160\" fill=\"#0072b2\">"), "4 of 5: 160 of the plot's 200 points, up from its foot at 212")
        #expect(svg.contains("<rect x=\"416.8\" y=\"12\" width=\"262.4\" height=\"40\" fill=\"#e69f00\">"), "the fifth on top, to the plot's top")
        #expect(StackedBarChart.niceCeiling(0) == 1 && StackedBarChart.niceCeiling(7) == 10 && StackedBarChart.niceCeiling(11) == 20
                && StackedBarChart.niceCeiling(200) == 200 && StackedBarChart.niceCeiling(201) == 500)
    }

    @Test func rankingsPutTheMostFirstAndTiesByName() {
        #expect(AbuseMonitoring.top(["b": 2, "a": 2, "c": 5, "d": 0, "e": 1], limit: 3)
                == [.init(name: "c", events: 5), .init(name: "a", events: 2), .init(name: "b", events: 2)])
    }

    /// The sample routing data announces 203.0.113.0/24, 198.18.0.0/22 and its first /24, 2001:db8:80::/48 and 2001:db8:1::/48.
    @Test func addressesAreCountedUnderTheirAnnouncedPrefixElseTheirSlash24Or48() throws {
        let resolver = try ResolverTests.resolver()
        func prefix(_ text: String) -> String { resolver.monitoringPrefix(of: IPAddress(text)!) }
        #expect(prefix("203.0.113.200") == "203.0.113.0/24")
        #expect(prefix("198.18.0.9") == "198.18.0.0/24" && prefix("198.18.1.9") == "198.18.0.0/22", "the most specific announcement")
        #expect(prefix("2001:db8:80::7") == "2001:db8:80::/48")
        #expect(prefix("192.0.2.77") == "192.0.2.0/24 (not announced)" && prefix("2001:db8:1:2::5") == "2001:db8:1::/48" && prefix("2001:db8:2:3::5") == "2001:db8:2::/48 (not announced)")
    }

    @Test func handlingCountsAcknowledgementsAndTheirMedianWait() {
        let handling = AbuseHandling(received: 10, notified: 8, notices: [(sent: 100, acknowledged: 160), (sent: 200, acknowledged: nil),
                                                                          (sent: 300, acknowledged: 400), (sent: 500, acknowledged: 450)])
        #expect(handling == AbuseHandling(received: 10, notified: 8, notices: 4, acknowledged: 3, medianSecondsToAcknowledge: 60),
                "waits 60, 100 and 0 (an acknowledgement before the notice's time counts as 0)")
        #expect(AbuseHandling.median([4, 1, 3, 2]) == 2 && AbuseHandling.median([]) == nil)
        #expect(AbuseHandling.duration(45) == "45 s" && AbuseHandling.duration(600) == "10 min" && AbuseHandling.duration(7_200) == "2 h"
                && AbuseHandling.duration(12_000) == "3 h 20 min" && AbuseHandling.duration(187_200) == "2 d 4 h" && AbuseHandling.duration(172_800) == "2 d")
    }

    @Test func theMetricsAreCountersInThePrometheusTextFormat() {
        let text = AbuseMetrics.exposition([.init(feed: "zeta", reports: 9, events: 7, rejected: 1, unrouted: 2),
                                            .init(feed: "alpha", reports: 3, events: 3, rejected: 0, unrouted: 0),
                                            .init(feed: "Bad\"Name", reports: 1, events: 1, rejected: 0, unrouted: 0)],
                                           notices: 4, acknowledged: 1)
        #expect(text.hasPrefix("""
            # HELP renkei_abuse_reports_total Abuse report lines taken in, repeats included.
            # TYPE renkei_abuse_reports_total counter
            renkei_abuse_reports_total{feed="alpha"} 3
            renkei_abuse_reports_total{feed="zeta"} 9
            # HELP renkei_abuse_events_total
            """))
        #expect(text.contains("renkei_abuse_unrouted_total{feed=\"zeta\"} 2\n") && text.hasSuffix("renkei_abuse_notices_acknowledged_total 1\n"))
        #expect(!text.contains("Bad"), "a label value that is not a feed name is left out, not escaped")
    }

    /// The XARF attachment read back by the X-ARF reader (written from the XARF v4 schemas
    /// separately): the same events, and the core schema's required fields on each report.
    @Test func anXARFAttachmentReadsBackAsTheSameEvents() throws {
        let rows = [
            AbuseNoticeRow(firstSeen: 1_796_637_600, lastSeen: 1_796_641_200, count: 3, type: .scanner, ip: "192.0.2.7", port: 23, asn: 64_500,
                           country: "DE", fqdn: nil, url: nil, feed: "generic-csv"),
            AbuseNoticeRow(firstSeen: 1_796_637_660, lastSeen: 1_796_637_660, count: 1, type: .phishing, ip: "", port: nil, asn: nil, country: nil,
                           fqdn: "login.bank.jp", url: "https://login.bank.jp/verify", feed: "demo-phishing"),
            AbuseNoticeRow(firstSeen: 1_796_637_720, lastSeen: 1_796_637_720, count: 1, type: .openService, ip: "2001:db8::5", port: 11_211, asn: nil,
                           country: nil, fqdn: nil, url: nil, feed: "generic-csv"),
        ]
        let text = AbuseNotice.xarf(rows, ticket: "ABUSE-20261207-7K3QXM", sender: .init(org: "Renkei abuse desk", contact: "abuse@renkei.example", domain: "renkei.example"))
        let read = try XARFReport.parse(Array(text.utf8), feed: "back", file: "notice.xarf.json")
        #expect(read.errors.isEmpty)
        #expect(read.events.map(\.type) == [.scanner, .phishing, .openService])
        #expect(read.events.map(\.observedAt) == [1_796_637_600, 1_796_637_660, 1_796_637_720])
        #expect(read.events.map { $0.sourceIP?.description } == ["192.0.2.7", nil, "2001:db8::5"] && read.events.map(\.sourcePort) == [23, nil, 11_211])
        #expect(read.events[1].fqdn == "login.bank.jp" && read.events[1].url == "https://login.bank.jp/verify" && read.events[0].asn == 64_500)
        let reports = try JSONValue.parse(Data(text.utf8))
        guard case .array(let items) = reports, case .object(let first) = items[0] else { Issue.record("not an array of objects"); return }
        #expect(first.map(\.key).prefix(9) == ["xarf_version", "report_id", "timestamp", "reporter", "sender", "source_identifier", "source_port", "category", "type"])
        #expect(items[0]["report_id"]?.stringValue?.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "a UUID of version 4's form")
        #expect(items[0]["report_id"] != items[1]["report_id"] && items[0]["category"]?.stringValue == "connection" && items[0]["type"]?.stringValue == "port_scan")
        #expect(items[0]["reporter"]?["contact"]?.stringValue == "abuse@renkei.example" && items[0]["count"] == .number(3))
        #expect(AbuseNotice.xarfClass(of: .c2Server) == ("infrastructure", "compromised_server") && AbuseNotice.xarfClass(of: .tor) == ("reputation", "threat_intelligence"))
    }

    @Test func aReplyNamesItsNoticeByTheKeyInItsMessageID() {
        let key = "0123456789abcdef0123456789abcdef"
        #expect(AbuseReply.messageID(key: key, part: "full", domain: "renkei.example") == "<abuse.\(key).full@renkei.example>")
        #expect(AbuseReply.key(inReplyTo: "<abuse.\(key).full@renkei.example>", references: nil) == key)
        #expect(AbuseReply.key(inReplyTo: nil, references: "<a@b> <abuse.\(key).link@renkei.example>") == key)
        #expect(AbuseReply.key(inReplyTo: "<abuse.\(key.uppercased()).full@x>", references: nil) == nil, "keys are lower-case hex")
        #expect(AbuseReply.key(inReplyTo: "<abuse.1234.full@x>", references: "<abuse.\(key)@x>") == nil)
        #expect(AbuseReply.isAutomatic(autoSubmitted: "auto-replied", precedence: nil) && AbuseReply.isAutomatic(autoSubmitted: "Auto-Generated; x", precedence: nil))
        #expect(AbuseReply.isAutomatic(autoSubmitted: nil, precedence: "auto_reply") && AbuseReply.isAutomatic(autoSubmitted: nil, precedence: " Bulk"))
        #expect(!AbuseReply.isAutomatic(autoSubmitted: "no", precedence: nil) && !AbuseReply.isAutomatic(autoSubmitted: nil, precedence: nil), "a person's reply")
    }

    @Test func teamsSeeTheirOwnNumbersAndTheSecretariatAnyonesOrAll() {
        let alpha = UUID(), beta = UUID()
        let member = Actor(userID: UUID(), roles: [.member], teamID: alpha)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        #expect(AbuseAccess.scope(member) == .team(alpha) && AbuseAccess.scope(member, asking: alpha) == .team(alpha))
        #expect(AbuseAccess.scope(member, asking: beta) == nil && AbuseAccess.scope(nil) == nil)
        #expect(AbuseAccess.scope(Actor(userID: UUID(), roles: [.member], teamID: nil)) == nil, "an account without a team has no desk")
        #expect(AbuseAccess.scope(secretariat) == .community && AbuseAccess.scope(secretariat, asking: beta) == .team(beta))
        #expect(AbuseAccess.hasDesk(member) && AbuseAccess.hasDesk(secretariat) && !AbuseAccess.hasDesk(nil))
        #expect(AbuseAccess.mayAcknowledge(noticeOf: alpha, member) && !AbuseAccess.mayAcknowledge(noticeOf: beta, member))
        #expect(!AbuseAccess.mayAcknowledge(noticeOf: alpha, secretariat) && !AbuseAccess.mayAcknowledge(noticeOf: alpha, nil),
                "the secretariat reads a team's notice; only the team signs for it")
    }
}
