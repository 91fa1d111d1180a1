import Foundation
import Testing
@testable import RenkeiCore

/// X-ARF files (abusix's layout, schemas 1 to 3, and XARF v4's) and abuse reports received by
/// mail (ARF, RFC 5965, and X-ARF in a JSON part). Expected seconds are Python's
/// `calendar.timegm` of the same instants.
@Suite struct AbuseReportFormatTests {
    @Test func anXARFReportPrettyPrintedOverManyLinesIsOneEvent() throws {
        let abusix = #"""
            {
              "Version": "3",
              "ReporterInfo": {"ReporterOrg": "Example Trap Network", "ReporterOrgDomain": "trap.example", "ReporterOrgEmail": "reports@trap.example"},
              "Disclosure": true,
              "Report": {
                "ReportClass": "Activity",
                "ReportType": "Spam",
                "ReportSubType": "Trap",
                "Date": "2018-02-05T14:17:10Z",
                "SourceIp": "192.0.2.55",
                "SourcePort": 54321,
                "DestinationIp": "198.51.100.33",
                "DestinationPort": 25,
                "Samples": [{"ContentType": "message/rfc822", "Base64Encoded": true, "Payload": "bWFpbA=="}]
              }
            }
            """#
        let spam = try XARFReport.parse(Array(abusix.utf8), feed: "xarf", file: "trap.json")
        #expect(spam.errors.isEmpty)
        #expect(spam.events == [AbuseEvent(observedAt: 1_517_840_230, sourceIP: IPAddress("192.0.2.55"), sourcePort: 54_321, type: .spam,
                                           feed: "xarf", raw: abusix)])

        let version4 = #"""
            {
            	"xarf_version": "4.2.0",
            	"report_id": "1a5ec293-0849-40a4-9eba-d5926262ff05",
            	"timestamp": "2025-01-11T15:15:24Z",
            	"reporter": {"org": "Brand Watch", "contact": "takedown@brand.example", "domain": "brand.example"},
            	"sender": {"org": "Brand Watch", "contact": "takedown@brand.example", "domain": "brand.example"},
            	"source_identifier": "203.0.113.45",
            	"category": "content",
            	"type": "phishing",
            	"evidence_source": "automated_scan",
            	"url": "https://Secure-Login.bank.example/auth?next=%2F"
            }

            """#
        let phishing = try XARFReport.parse(Array(version4.utf8), feed: "xarf", file: "phish.json")
        #expect(phishing.errors.isEmpty)
        #expect(phishing.events == [AbuseEvent(observedAt: 1_736_608_524, sourceIP: IPAddress("203.0.113.45"), sourcePort: nil,
                                               fqdn: "secure-login.bank.example", url: "https://Secure-Login.bank.example/auth?next=%2F",
                                               type: .phishing, feed: "xarf", raw: String(version4.dropLast()))],
                "the URL's host is the fqdn; the raw text is the object, without the line break after it")
    }

    @Test func xarfLinesNameEachBadReportByItsLine() throws {
        let text = #"""
            {"Version": "3", "Report": {"ReportClass": "Activity", "ReportType": "PortScan", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.7", "SourcePort": 40000, "ASN": 64500}}
            {"xarf_version": "4.0.0", "category": "connection", "type": "login_attack", "timestamp": "2026-12-07T10:05:00Z", "source_identifier": "2001:db8::7", "source_port": 22222, "destination_port": 22}
            {"Version": "3", "Report": {"ReportClass": "Activity", "ReportType": "LoginAttack", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.999"}}

            this line is no report
            {"xarf_version": "4.0.0", "category": "messaging", "type": "spam\
            {"xarf_version": "4.0.0", "category": "infrastructure", "type": "botnet", "timestamp": "2026-12-07T09:00:00Z", "source_identifier": "C2.Botnet.example"}
            """# + "\n{\"Report\": {\"ReportType\": \"Spam\"}, \"deep\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}\n"
        let result = try XARFReport.parse(Array(text.utf8), feed: "xarf", file: "reports.json")
        #expect(result.events.map(\.observedAt) == [1_796_637_600, 1_796_637_900, 1_796_634_000])
        #expect(result.events.map(\.sourceIP) == [IPAddress("198.51.100.7"), IPAddress("2001:db8::7"), nil])
        #expect(result.events.map(\.sourcePort) == [40_000, 22_222, nil])
        #expect(result.events.map(\.asn) == [64_500, nil, nil])
        #expect(result.events.map(\.fqdn) == [nil, nil, "c2.botnet.example"], "a source_identifier that is a host name is the fqdn")
        #expect(result.events.map(\.type) == [.scanner, .bruteForce, .infectedSystem])
        #expect(result.events[0].raw == #"{"Version": "3", "Report": {"ReportClass": "Activity", "ReportType": "PortScan", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.7", "SourcePort": 40000, "ASN": 64500}}"#)
        #expect(result.errors == [
            AbuseLineError(file: "reports.json", line: 3, reason: "ip “198.51.100.999” is not an IPv4 or IPv6 address"),
            AbuseLineError(file: "reports.json", line: 5, reason: "not an X-ARF report: the line holds no JSON object"),
            AbuseLineError(file: "reports.json", line: 6, reason: "not JSON: a line break inside a string"),
            AbuseLineError(file: "reports.json", line: 8, reason: "not JSON: nested too deeply"),
        ], "the line after the broken string is read again")
    }

    @Test func anUnknownTypeOrLayoutIsRefusedByName() throws {
        let text = #"""
            {"Version": "3", "Report": {"ReportClass": "Activity", "ReportType": "Teleportation", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.7"}}
            {"xarf_version": "4.1.0", "category": "messaging", "type": "carrier_pigeon", "timestamp": "2026-12-07T10:00:00Z", "source_identifier": "198.51.100.7"}
            {"Version": "3", "Report": {"ReportClass": "Activity", "ReportType": "Malware", "ReportSubType": "RPZ-Rewrite", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.8"}}
            {"Version": "3", "Report": {"ReportClass": "Content", "ReportType": "Malware", "Date": "2026-12-07T10:00:00Z", "SourceUrl": "http://198.51.100.9/x.exe"}}
            {"Reporter": "nobody", "Type": "Spam"}
            """#
        let result = try XARFReport.parse(Array(text.utf8), feed: "xarf", file: "r.json")
        #expect(result.events.map(\.type) == [.infectedSystem, .malwareDistribution], "an RPZ hit is an infected machine, a malware URL distribution")
        #expect(result.events[1].url == "http://198.51.100.9/x.exe" && result.events[1].fqdn == nil && result.events[1].sourceIP == nil,
                "an address in a URL is no fqdn")
        #expect(result.errors == [
            AbuseLineError(file: "r.json", line: 1, reason: "X-ARF type “Teleportation” (class “Activity”) is not one Renkei reads (for example PortScan, Spam, login_attack, phishing)"),
            AbuseLineError(file: "r.json", line: 2, reason: "X-ARF type “carrier_pigeon” (class “messaging”) is not one Renkei reads (for example PortScan, Spam, login_attack, phishing)"),
            AbuseLineError(file: "r.json", line: 5, reason: "not an X-ARF report: it has neither a Report object (X-ARF 1 to 3) nor an xarf_version (XARF 4)"),
        ])
        #expect(XARFReport.abuseType(class: "Activity", type: "LoginAttack") == .bruteForce)
        #expect(XARFReport.abuseType(class: "connection", type: "login_attack") == .bruteForce)
        #expect(XARFReport.abuseType(class: "Activity", type: "Login-Attack") == .bruteForce, "xarf-spec's v3 schema spells it so")
        #expect(XARFReport.abuseType(class: "Vulnerability", type: "OpenService") == .openService)
        #expect(XARFReport.abuseType(class: "vulnerability", type: "open") == .openService)
        #expect(XARFReport.abuseType(class: "Activity", type: "DOS") == .ddos)
        #expect(XARFReport.abuseType(class: "connection", type: "ddos_amplification") == .ddosAmplifier)
        #expect(XARFReport.abuseType(class: "content", type: "exposed_data") == .dataLeak)
        #expect(XARFReport.abuseType(class: "content", type: "malware") == .malwareDistribution)
        #expect(XARFReport.abuseType(class: "reputation", type: "blocklist") == .blacklist)
        #expect(XARFReport.abuseType(class: "Activity", type: "") == nil)
    }

    @Test func xarfReadInBlocksGivesWhatTheWholeFileGives() throws {
        let text = #"""
            [
              {"Version": "2", "Report": {"ReportClass": "Activity", "ReportType": "PortScan", "Date": "2026-12-07T10:00:00Z", "SourceIp": "198.51.100.7", "ReporterNotes": "a \"quoted\" } brace"}},
              {"xarf_version": "4.0.0", "category": "vulnerability", "type": "open_service", "timestamp": "2026-12-07T10:00:01Z",
               "source_identifier": "198.51.100.8", "source_port": 11211, "service": "memcached"}
            ]
            {"xarf_version": "4.0.0", "category": "connection", "type": "port_scan", "timestamp": "2026-12-07T10:00:02Z", "source_identifier": "not an address!"}
            }
            {"xarf_version": "4.0.0", "category": "copyright", "type": "p2p", "timestamp": "2026-12-07T10:00:03Z", "source_identifier": "2001:db8::1"}
            {"Version": "3", "Report": {
            """#
        let bytes = Array(text.utf8)
        let whole = try XARFReport.parse(bytes, feed: "xarf", file: "f.json")
        #expect(whole.events.map(\.observedAt) == [1_796_637_600, 1_796_637_601, 1_796_637_603])
        #expect(whole.events.map(\.type) == [.scanner, .openService, .copyright])
        #expect(whole.events[1].raw.hasPrefix(#"{"xarf_version": "4.0.0", "category": "vulnerability""#) && whole.events[1].raw.hasSuffix(#""memcached"}"#))
        #expect(whole.errors == [
            AbuseLineError(file: "f.json", line: 6, reason: "the line names no ip, fqdn or url"),
            AbuseLineError(file: "f.json", line: 7, reason: "not an X-ARF report: the line holds no JSON object"),
            AbuseLineError(file: "f.json", line: 9, reason: "the report starting on this line does not end before the file does"),
        ])
        for size in [1, 2, 3, 7, 64, 4_096] {
            var reader = AbuseReportReader(format: .xarf, feed: "xarf", file: "f.json")
            var events: [AbuseEvent] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                events += try reader.read(bytes[start..<end], final: end == bytes.count)
                start = end
            }
            #expect(events == whole.events, "blocks of \(size) bytes")
            #expect(reader.errors == whole.errors && reader.rejected == 3, "blocks of \(size) bytes")
        }
        #expect(AbuseReportReader.Format(rawValue: "xarf") == .xarf)
    }

    @Test func aReportLongerThanAnyXARFReportRefusesTheFile() {
        var reader = AbuseReportReader(format: .xarf, feed: "xarf", file: "big.json")
        #expect(throws: GenericCSVReport.FileError(file: "big.json", reason: "the report starting on line 2 is longer than 16777216 bytes")) {
            _ = try reader.read(Array("\n{\"a\": \"".utf8) + [UInt8](repeating: 120, count: 16 << 20), final: false)
        }
    }

    /// RFC 5965, Appendix B.2 ("Complete Example"), as the RFC prints it, with CRLF line ends.
    static let rfc5965Complete = #"""
        From: <abusedesk@example.com>
        Date: Thu, 8 Mar 2005 17:40:36 EDT
        Subject: FW: Earn money
        To: <abuse@example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report;
             boundary="part1_13d.2e68ed54_boundary"

        --part1_13d.2e68ed54_boundary
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP
        192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.  For more information
        about this format please see http://www.mipassoc.org/arf/.

        --part1_13d.2e68ed54_boundary
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: SomeGenerator/1.0
        Version: 1
        Original-Mail-From: <somespammer@example.net>
        Original-Rcpt-To: <user@example.com>
        Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT
        Reporting-MTA: dns; mail.example.com
        Source-IP: 192.0.2.1
        Authentication-Results: mail.example.com;
                       spf=fail smtp.mail=somespammer@example.com
        Reported-Domain: example.net
        Reported-Uri: http://example.net/earn_money.html
        Reported-Uri: mailto:user@example.com
        Removal-Recipient: user@example.com

        --part1_13d.2e68ed54_boundary
        Content-Type: message/rfc822
        Content-Disposition: inline

        From: <somespammer@example.net>
        Received: from mailserver.example.net (mailserver.example.net
                [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;
                Thu, 08 Mar 2005 14:00:00 -0400

        To: <Undisclosed Recipients>
        Subject: Earn money
        MIME-Version: 1.0
        Content-type: text/plain
        Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net
        Date: Thu, 02 Sep 2004 12:31:03 -0500

        Spam Spam Spam
        Spam Spam Spam
        Spam Spam Spam
        Spam Spam Spam
        --part1_13d.2e68ed54_boundary--
        """#.replacingOccurrences(of: "\n", with: "\r\n")

    /// RFC 5965, Appendix B.1 ("Simple Example"): the three required fields only.
    static let rfc5965Simple = #"""
        From: <abusedesk@example.com>
        Date: Thu, 8 Mar 2005 17:40:36 EDT
        Subject: FW: Earn money
        To: <abuse@example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report;
             boundary="part1_13d.2e68ed54_boundary"

        --part1_13d.2e68ed54_boundary
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP
        192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.  For more information
        about this format please see http://www.mipassoc.org/arf/.

        --part1_13d.2e68ed54_boundary
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: SomeGenerator/1.0
        Version: 1

        --part1_13d.2e68ed54_boundary
        Content-Type: message/rfc822
        Content-Disposition: inline

        Received: from mailserver.example.net
                (mailserver.example.net [192.0.2.1])
                by example.com with ESMTP id M63d4137594e46;
                Thu, 08 Mar 2005 14:00:00 -0400
        From: <somespammer@example.net>
        To: <Undisclosed Recipients>
        Subject: Earn money
        MIME-Version: 1.0
        Content-type: text/plain
        Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net
        Date: Thu, 02 Sep 2004 12:31:03 -0500

        Spam Spam Spam
        Spam Spam Spam
        Spam Spam Spam
        Spam Spam Spam
        --part1_13d.2e68ed54_boundary--
        """#.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func theRFC5965ExamplesAreOneEventOrNamedAsNoSource() {
        let complete = AbuseMailReport.read(ReceivedEntity(bytes: Array(Self.rfc5965Complete.utf8)), feed: "abuse-mail", file: "b2.eml")
        #expect(complete.errors.isEmpty)
        #expect(complete.events.count == 1)
        let event = complete.events.first
        #expect(event?.observedAt == 1_110_304_800, "14:00 EDT is 18:00 UTC")
        #expect(event?.sourceIP == IPAddress("192.0.2.1") && event?.sourcePort == nil)
        #expect(event?.fqdn == "example.net")
        #expect(event?.url == "http://example.net/earn_money.html", "the mailto: URI names no place")
        #expect(event?.type == .spam && event?.feed == "abuse-mail")
        #expect(event?.raw.hasPrefix("Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n") == true)
        #expect(event?.raw.hasSuffix("Reported-Uri: mailto:user@example.com\nRemoval-Recipient: user@example.com") == true)

        let simple = AbuseMailReport.read(ReceivedEntity(bytes: Array(Self.rfc5965Simple.utf8)), feed: "abuse-mail", file: "b1.eml")
        #expect(simple.events.isEmpty)
        #expect(simple.errors == [AbuseLineError(file: "b1.eml", line: 1, reason: "the line names no ip, fqdn or url")],
                "no Source-IP: the address in the reported mail's Received line is not guessed at; its time came from the Date")
    }

    static func feedbackReport(date: String?, fields: String) -> ReceivedEntity {
        let text = (date.map { "Date: \($0)\n" } ?? "") + #"""
            From: <fbl@mailbox.example>
            Subject: FW: complaint
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="b"

            --b
            Content-Type: text/plain

            A user complained about this message.
            --b
            Content-Type: message/feedback-report


            """# + fields + "\n--b--\n"
        return ReceivedEntity(raw: text)
    }

    @Test func anARFDateHasANumericZoneOrIsTheMessagesDate() {
        let fraud = AbuseMailReport.read(Self.feedbackReport(date: "Mon, 7 Dec 2026 12:00:00 +0000", fields: """
            Feedback-Type: fraud
            User-Agent: Mailbox/2.0
            Version: 1
            Arrival-Date: Tue, 1 Jul 2003 10:52:37 +0200
            Source-IP: 2001:db8::25
            Source-Port: 2525
            Reported-Uri: mailto:victim@bank.example
            Reported-Uri: https://bank.example.login.example/verify
            """), feed: "abuse-mail", file: "fraud.eml")
        #expect(fraud.errors.isEmpty)
        #expect(fraud.events.map(\.observedAt) == [1_057_049_557], "the Arrival-Date, not the message's Date")
        #expect(fraud.events.map(\.sourceIP) == [IPAddress("2001:db8::25")] && fraud.events.map(\.sourcePort) == [2525])
        #expect(fraud.events.map(\.url) == ["https://bank.example.login.example/verify"] && fraud.events.map(\.fqdn) == [nil])
        #expect(fraud.events.map(\.type) == [.phishing])

        let virus = AbuseMailReport.read(Self.feedbackReport(date: "7 Dec 2026 05:00:00 EST", fields: """
            Feedback-Type: virus
            User-Agent: Mailbox/2.0
            Version: 1
            Source-IP: 198.51.100.25
            """), feed: "abuse-mail", file: "virus.eml")
        #expect(virus.errors.isEmpty)
        #expect(virus.events.map(\.observedAt) == [1_796_637_600], "no Arrival-Date: the message's Date, 05:00 EST")
        #expect(virus.events.map(\.type) == [.malwareDistribution])

        let undated = AbuseMailReport.read(Self.feedbackReport(date: nil, fields: "Feedback-Type: auth-failure\nSource-IP: 198.51.100.25"),
                                           feed: "abuse-mail", file: "u.eml")
        #expect(undated.errors == [AbuseLineError(file: "u.eml", line: 1, reason: "the report has no Arrival-Date and the message no Date")])
        let misdated = AbuseMailReport.read(Self.feedbackReport(date: nil, fields: "Feedback-Type: auth-failure\nArrival-Date: yesterday\nSource-IP: 198.51.100.25"),
                                            feed: "abuse-mail", file: "m.eml")
        #expect(misdated.errors == [AbuseLineError(file: "m.eml", line: 1, reason: "Arrival-Date “yesterday” is not an RFC 5322 date and time")])
        let forged = AbuseMailReport.read(Self.feedbackReport(date: "Mon, 7 Dec 2026 10:00:00 GMT", fields: "Feedback-Type: Auth-Failure\nSource-IP: 198.51.100.25"),
                                          feed: "abuse-mail", file: "a.eml")
        #expect(forged.events.map(\.type) == [.masquerade], "mail in another's name")
    }

    @Test func mailDatesAreReadAsRFC5322WritesThem() {
        #expect(MailDate.parse("Thu, 8 Mar 2005 14:00:00 EDT") == 1_110_304_800)
        #expect(MailDate.parse("Thu, 08 Mar 2005 14:00:00 -0400") == 1_110_304_800)
        #expect(MailDate.parse("Tue, 1 Jul 2003 10:52:37 +0200") == 1_057_049_557)
        #expect(MailDate.parse("Mon, 7 Dec 2026 10:00:00 +0000 (Coordinated Universal Time)") == 1_796_637_600)
        #expect(MailDate.parse("Mon,  7 Dec 2026 11:00:00 +0100") == 1_796_637_600)
        #expect(MailDate.parse("mon, 7 dec 2026 02:00:00 pst") == 1_796_637_600)
        #expect(MailDate.parse("Fri, 31 Dec 99 23:59:59 GMT") == 946_684_799, "a two-digit year from 50 is 19xx")
        #expect(MailDate.parse("1 Jun 49 00:00 Z") == 2_506_118_400, "below 50 it is 20xx; no seconds; a military letter is UTC")
        #expect(MailDate.parse("7 Dec 126 10:00:00 UT") == 1_796_637_600, "a three-digit year counts from 1900")
        for bad in ["", "2026-12-07T10:00:00Z", "Thu, 30 Feb 2005 14:00:00 EDT", "Thu, 8 Foo 2005 14:00:00 EDT", "Thu, 8 Mar 2005 24:00:00 EDT",
                    "Thu, 8 Mar 2005 14:00:00 +0460", "Thu, 8 Mar 2005 14:00:00", "Thu, 8 Mar 2005 14:00:00 J", "8 Mar 12345 14:00:00 GMT",
                    "Thu, 8 Mar 2005 4:00:00 GMT", "(((", "Thu, 8 Mar 2005 14:00:00 EDT extra"] {
            #expect(MailDate.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aNotSpamOrUnknownFeedbackTypeIsRefused() {
        let notSpam = AbuseMailReport.read(Self.feedbackReport(date: "Mon, 7 Dec 2026 10:00:00 GMT", fields: "Feedback-Type: not-spam\nSource-IP: 192.0.2.1"),
                                           feed: "abuse-mail", file: "n.eml")
        #expect(notSpam.events.isEmpty)
        #expect(notSpam.errors == [AbuseLineError(file: "n.eml", line: 1, reason: "a not-spam feedback report says the message was not abuse")])
        let dkim = AbuseMailReport.read(Self.feedbackReport(date: "Mon, 7 Dec 2026 10:00:00 GMT", fields: "Feedback-Type: dkim\nSource-IP: 192.0.2.1"),
                                        feed: "abuse-mail", file: "d.eml")
        #expect(dkim.errors == [AbuseLineError(file: "d.eml", line: 1, reason: "Feedback-Type “dkim” is not abuse, fraud, virus, auth-failure or other")])
    }

    @Test func aMailCarryingXARFInABase64JSONPartIsReadAsAnXARFFile() {
        let report = #"""
            {
              "Version": "2",
              "ReporterInfo": {"ReporterOrg": "Example Honeypots", "ReporterOrgDomain": "honeypot.example", "ReporterOrgEmail": "reports@honeypot.example"},
              "Disclosure": true,
              "Report": {"ReportClass": "Activity", "ReportType": "LoginAttack", "Date": "2024-01-15T11:30:15Z", "SourceIp": "198.51.100.50", "SourcePort": 51515, "DestinationPort": 22}
            }
            """#
        let encoded = Data(report.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        let mail = #"""
            Content-Type: multipart/report; report-type=feedback-report;
                boundary="--_NmP-f348b15e0b4a4931-Part_1"
            From: Honeypots <noreply@honeypot.example>
            To: Abuse <abuse@isp.example>
            Subject: XARF report
            Date: Tue, 16 Jan 2024 10:25:47 +0000
            MIME-Version: 1.0

            ----_NmP-f348b15e0b4a4931-Part_1
            Content-Type: text/plain
            Content-Transfer-Encoding: 7bit

            A login attack from 198.51.100.50.
            ----_NmP-f348b15e0b4a4931-Part_1
            Content-Type: message/feedback-report
            Content-Disposition: inline

            Feedback-Type: xarf
            User-Agent: Honeypots/1.0
            Version: 1
            ----_NmP-f348b15e0b4a4931-Part_1
            Content-Type: application/json; name=xarf.json
            Content-Transfer-Encoding: base64
            Content-Disposition: attachment; filename=xarf.json


            """# + encoded + "\n----_NmP-f348b15e0b4a4931-Part_1--\n"
        let result = AbuseMailReport.read(ReceivedEntity(raw: mail.replacingOccurrences(of: "\n", with: "\r\n")), feed: "abuse-mail", file: "x.eml")
        #expect(result.errors.isEmpty)
        #expect(result.events == [AbuseEvent(observedAt: 1_705_318_215, sourceIP: IPAddress("198.51.100.50"), sourcePort: 51_515, type: .bruteForce,
                                             feed: "abuse-mail", raw: report)])

        let lines = #"""
            {"xarf_version": "4.0.0", "category": "messaging", "type": "spam", "timestamp": "2026-12-07T10:00:00Z", "source_identifier": "192.0.2.9", "source_port": 25}
            {"xarf_version": "4.0.0", "category": "messaging", "type": "spam", "timestamp": "someday", "source_identifier": "192.0.2.10"}
            """#
        let attached = """
            From: a@b.example
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: text/plain

            See the attachment.
            --outer
            Content-Type: application/octet-stream
            Content-Transfer-Encoding: base64
            Content-Disposition: attachment; filename="Reports.JSON"

            \(Data(lines.utf8).base64EncodedString(options: .lineLength76Characters))
            --outer--
            """
        let two = AbuseMailReport.read(ReceivedEntity(raw: attached), feed: "abuse-mail", file: "y.eml")
        #expect(two.events.map(\.sourceIP) == [IPAddress("192.0.2.9")] && two.events.map(\.sourcePort) == [25])
        #expect(two.errors == [AbuseLineError(file: "y.eml", line: 2, reason: "time “someday” is not an ISO 8601 date and time")],
                "an attachment's errors count its own lines")
    }

    @Test func aMailThatIsNeitherARFNorXARFIsOneError() {
        let neither = [AbuseLineError(file: "m.eml", line: 1, reason: "the message is neither an ARF feedback report (RFC 5965) nor X-ARF in a JSON part")]
        let plain = ReceivedEntity(raw: "From: someone@example.org\r\nSubject: spam from 192.0.2.1\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nPlease stop 192.0.2.1.\r\n")
        let result = AbuseMailReport.read(plain, feed: "abuse-mail", file: "m.eml")
        #expect(result.events.isEmpty && result.errors == neither)

        var nested = "From: x@example.org\n"
        for level in 0..<5_000 { nested += "Content-Type: multipart/mixed; boundary=\"b\(level)e\"\n\n--b\(level)e\n" }
        nested += "Content-Type: application/json\n\n{\"xarf_version\": \"4.0.0\"}\n"
        for level in (0..<5_000).reversed() { nested += "--b\(level)e--\n" }
        let deep = AbuseMailReport.read(ReceivedEntity(raw: nested), feed: "abuse-mail", file: "m.eml")
        #expect(deep.events.isEmpty && deep.errors == neither, "a JSON part nested deeper than any report nests is not looked for")
    }
}
