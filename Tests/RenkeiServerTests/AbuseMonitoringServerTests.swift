import Foundation
import Fluent
import RenkeiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// Monitoring views, statistics, metrics and mail at the abuse address, with expectations
/// written out by hand from `ServerTests.abuseReport` moved to today (the views count days up
/// to today): Alpha-CERT gets 192.0.2.7:23 (scanner, seen twice) and 192.0.2.8:443
/// (open-service); Beta-CSIRT the phishing URL under `jp`; the brute-force source 203.0.113.9
/// is nobody's.
extension ServerTests {
    /// The monitoring routes; `eachTeamMonitorsItsOwnEventsAndTheSecretariatTheCommunity` proves
    /// what each shows to whom (the leak matrix of `SharingServerTests` counts them as covered here).
    static let abuseMonitoringRoutes: Set<String> = ["/abuse/monitoring", "/abuse/monitoring.csv", "/abuse/monitoring.json", "/api/v1/abuse/monitoring"]

    /// Today (UTC) as a day number, and `days` before it as the views write it.
    private func today(_ app: Application) -> Int64 { AbuseMonitoring.day(Int64(app.renkei.clock.now.timeIntervalSince1970)) }
    private func date(_ app: Application, daysBefore: Int64 = 0) -> String { AbuseMonitoring.date(today(app) - daysBefore) }

    private func get(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(.GET, path, headers: headers) { result = $0 }
        return try #require(result)
    }

    private func takeInReport(_ app: Application) async throws {
        let secretariat = try await apiToken(app, "secretariat@test.example")
        try await app.testing().test(.POST, "/api/v1/abuse/reports?feed=generic-csv",
                                     headers: ["Authorization": "Bearer \(secretariat)", "Idempotency-Key": "monitoring", "Content-Type": "text/csv"],
                                     body: ByteBuffer(string: ServerTests.abuseReport.replacingOccurrences(of: "2026-12-07", with: date(app)))) {
            #expect($0.status == .created)
        }
    }

    @Test func eachTeamMonitorsItsOwnEventsAndTheSecretariatTheCommunity() async throws {
        try await withRenkei { app, _ in
            try await takeInReport(app)
            let alpha = try await signIn(app, "member-alpha@test.example"), beta = try await signIn(app, "rep-beta@test.example")
            let secretariat = try await signIn(app, "secretariat@test.example")

            let csv = try await get(app, "/abuse/monitoring.csv?days=7", alpha.headers)
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            let day = date(app)
            #expect(csv.body.string == "day,taxonomy,type,events,reports\r\n\(day),vulnerable,open-service,1,1\r\n\(day),information-gathering,scanner,1,2\r\n")
            let json = try jsonObject(try await get(app, "/abuse/monitoring.json", alpha.headers))
            #expect(json["from"] as? String == date(app, daysBefore: 29) && json["to"] as? String == day && json["team"] as? String == "alpha-cert")
            let sources = try #require(json["sources"] as? [[String: Any]])
            #expect(sources.map { $0["name"] as? String } == ["192.0.2.7", "192.0.2.8"] && sources.map { $0["events"] as? Int } == [1, 1],
                    "events, as every ranking counts them: 192.0.2.7's repeat is the same event")
            #expect((json["types"] as? [[String: Any]])?.map { $0["name"] as? String } == ["open-service", "scanner"])
            #expect(json["teams"] == nil, "per-team handling is the secretariat's")

            let page = try await get(app, "/abuse/monitoring", alpha.headers)
            #expect(page.status == .ok && page.body.string.contains("<svg") && page.body.string.contains("\(day): scanner 1"))
            for response in [csv, page] {
                for other in ["203.0.113.9", "login.bank.jp", "phishing", "brute-force", "Beta-CSIRT"] {
                    #expect(!response.body.string.contains(other), "\(other) is not Alpha's")
                }
            }

            // Another team, or a team that does not exist, is refused alike; the secretariat may ask for either.
            for path in ["/abuse/monitoring.json?team=alpha-cert", "/abuse/monitoring.json?team=no-such-team", "/abuse/monitoring?team=alpha-cert",
                         "/abuse/monitoring.csv?team=alpha-cert"] {
                let refused = try await get(app, path, beta.headers)
                #expect(refused.status == .forbidden && !refused.body.string.contains("192.0.2"), "\(path)")
            }
            #expect(try await get(app, "/abuse/monitoring.json?team=no-such-team", secretariat.headers).status == .notFound)
            let asked = try jsonObject(try await get(app, "/abuse/monitoring.json?team=alpha-cert", secretariat.headers))
            #expect((asked["sources"] as? [[String: Any]])?.map { $0["name"] as? String } == ["192.0.2.7", "192.0.2.8"])
            let community = try jsonObject(try await get(app, "/abuse/monitoring.json", secretariat.headers))
            #expect((community["types"] as? [[String: Any]])?.map { $0["name"] as? String } == ["brute-force", "open-service", "phishing", "scanner"])
            #expect((community["sources"] as? [[String: Any]])?.map { $0["name"] as? String } == ["192.0.2.7", "192.0.2.8", "203.0.113.9"])
            let betaView = try jsonObject(try await get(app, "/abuse/monitoring.json", beta.headers))
            #expect((betaView["types"] as? [[String: Any]])?.map { $0["name"] as? String } == ["phishing"] && (betaView["sources"] as? [Any])?.isEmpty == true)

            // The API answers a token the same; strangers and bad periods get a problem.
            let token = try await apiToken(app, "member-alpha@test.example")
            let api = try jsonObject(try await get(app, "/api/v1/abuse/monitoring?days=7", ["Authorization": "Bearer \(token)"]))
            #expect((api["sources"] as? [[String: Any]])?.map { $0["name"] as? String } == ["192.0.2.7", "192.0.2.8"] && api["from"] as? String == date(app, daysBefore: 6))
            #expect(try await get(app, "/api/v1/abuse/monitoring").status == .unauthorized)
            for path in ["/abuse/monitoring", "/abuse/monitoring.csv", "/abuse/monitoring.json"] {
                let anonymous = try await get(app, path)
                #expect(anonymous.status != .ok && !anonymous.body.string.contains("192.0.2"), "anonymous \(path)")
            }
            for days in ["0", "367", "x"] {
                let bad = try await get(app, "/api/v1/abuse/monitoring?days=\(days)", ["Authorization": "Bearer \(token)"])
                #expect(bad.status == .unprocessableEntity && bad.headers.contentType?.subType == "problem+json", "days=\(days)")
            }
        }
    }

    @Test func aReplyToANoticeAcknowledgesItOnlyFromTheTeamAndTheStatisticsSayHowFast() async throws {
        try await withRenkei { app, fixture in
            try await takeInReport(app)
            _ = try await AbuseNotify(addressing: app.renkei.mail).run(flush: true, now: app.renkei.clock.now, on: app.db)
            let notice = try #require(try await AbuseNoticeModel.query(on: app.db).filter(\.$teamID == fixture.alphaID).first())
            let key = try #require(notice.replyKey)
            let message = try #require(try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ notice.ticket).first())
            #expect(message.messageID == "<abuse.\(key).link@\(app.renkei.mail.domain)>", "no key on the account: the link-only mail")
            #expect(message.extraHeaders.contains("Reply-To: abuse@\(app.renkei.mail.domain)"))

            app.renkei.clock.advance(by: 7_200)
            let receiver = MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail,
                                        resolver: try await app.lookup.resolver(on: app.db), now: app.renkei.clock.now)
            func reply(from sender: String, key: String) -> [UInt8] {
                Array("From: <\(sender)>\r\nTo: abuse@\(app.renkei.mail.domain)\r\nSubject: Re: \(notice.ticket)\r\nIn-Reply-To: <abuse.\(key).link@\(app.renkei.mail.domain)>\r\n\r\nOn it.\r\n".utf8)
            }
            let abuseDesk = "abuse@\(app.renkei.mail.domain)"
            #expect(try await receiver.receive(reply(from: "rep-beta@test.example", key: key), recipient: abuseDesk).exit == .noPermission)
            #expect(try await receiver.receive(reply(from: "member-alpha@test.example", key: String(repeating: "0", count: 32)), recipient: abuseDesk).exit == .noPermission)
            let vacation = Array("Auto-Submitted: auto-replied\r\n".utf8) + reply(from: "member-alpha@test.example", key: key)
            #expect(try await receiver.receive(vacation, recipient: abuseDesk).message == "ignored: an automatic reply does not acknowledge a notice")
            #expect(try await AbuseNoticeModel.find(notice.id, on: app.db)?.acknowledgedAt == nil, "neither a stranger, a guessed key nor a vacation notice acknowledges")
            // The secretariat reads the notice but does not sign for the team, by reply or on the web.
            #expect(try await receiver.receive(reply(from: "secretariat@test.example", key: key), recipient: abuseDesk).exit == .noPermission)
            let secretariatSession = try await signIn(app, "secretariat@test.example")
            var forged: TestingHTTPResponse?
            try await app.testing().test(.POST, "/abuse/notices/\(notice.ticket)/acknowledgement", headers: secretariatSession.formHeaders(),
                                         body: formBody([("_csrf", secretariatSession.csrf)])) { forged = $0 }
            #expect(forged?.status == .forbidden)
            #expect(try await AbuseNoticeModel.find(notice.id, on: app.db)?.acknowledgedAt == nil)
            let accepted = try await receiver.receive(reply(from: "Member-Alpha@test.example", key: key), recipient: abuseDesk)
            #expect(accepted.exit == .ok && accepted.message == "\(notice.ticket) acknowledged by member-alpha@test.example")
            let acknowledged = try #require(try await AbuseNoticeModel.find(notice.id, on: app.db))
            let member = try await UserModel.query(on: app.db).filter(\.$email == "member-alpha@test.example").first()
            #expect(acknowledged.acknowledgedVia == "reply" && acknowledged.acknowledgedBy == member?.id)

            let alpha = try await signIn(app, "member-alpha@test.example")
            let json = try jsonObject(try await get(app, "/abuse/monitoring.json", alpha.headers))
            let feeds = try #require(json["feeds"] as? [[String: Any]])
            #expect(feeds.count == 1 && feeds[0]["name"] as? String == "generic-csv")
            let handling = try #require(feeds[0]["handling"] as? [String: Any])
            #expect(handling["received"] as? Int == 2 && handling["notified"] as? Int == 2 && handling["notices"] as? Int == 1)
            #expect(handling["acknowledged"] as? Int == 1 && handling["medianSecondsToAcknowledge"] as? Int == 7_200)
            let page = try await get(app, "/abuse/monitoring", alpha.headers)
            #expect(page.body.string.contains("<td>2 h</td>"))
            let secretariat = try await signIn(app, "secretariat@test.example")
            let teams = try #require(try jsonObject(try await get(app, "/abuse/monitoring.json", secretariat.headers))["teams"] as? [[String: Any]])
            #expect(teams.map { $0["name"] as? String } == ["Alpha-CERT", "Beta-CSIRT"])
        }
    }

    @Test func anARFReportMailedToTheAbuseAddressIsTakenInOnceAndCounted() async throws {
        try await withRenkei { app, _ in
            let domain = app.renkei.mail.domain
            // RFC 5965's layout (appendix B.1), with an address of Alpha-CERT's and a date of today.
            let mailDay = DateFormatter.fixed("EEE, d MMM yyyy").string(from: app.renkei.clock.now)
            let arf = """
                From: <abusedesk@example.com>\r
                Date: \(mailDay) 17:40:36 +0000\r
                Subject: FW: Earn money\r
                To: <abuse@\(domain)>\r
                MIME-Version: 1.0\r
                Message-ID: <arf-1@example.com>\r
                Content-Type: multipart/report; report-type=feedback-report;\r
                     boundary="part1_13d.2e68ed54_boundary"\r
                \r
                --part1_13d.2e68ed54_boundary\r
                Content-Type: text/plain; charset="US-ASCII"\r
                \r
                This is an email abuse report for an email message received from IP 192.0.2.55.\r
                \r
                --part1_13d.2e68ed54_boundary\r
                Content-Type: message/feedback-report\r
                \r
                Feedback-Type: abuse\r
                User-Agent: SomeGenerator/1.0\r
                Version: 1\r
                Original-Mail-From: <somespammer@example.net>\r
                Arrival-Date: \(mailDay) 14:00:00 +0000\r
                Source-IP: 192.0.2.55\r
                \r
                --part1_13d.2e68ed54_boundary\r
                Content-Type: message/rfc822\r
                Content-Disposition: inline\r
                \r
                From: <somespammer@example.net>\r
                Subject: Earn money\r
                \r
                Spam Spam Spam\r
                --part1_13d.2e68ed54_boundary--\r

                """
            let receiver = MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail,
                                        resolver: try await app.lookup.resolver(on: app.db), now: app.renkei.clock.now)
            let first = try await receiver.receive(Array(arf.utf8), recipient: "abuse@\(domain)")
            #expect(first.exit == .ok && first.message.hasPrefix("1 events accepted (0 duplicates), 0 rejected; 1 routed"))
            // Delivered again, with the Received line another hop adds: the same report.
            let again = try await receiver.receive(Array(("Received: from mx2.example.com by mx.\(domain); \(mailDay) 17:41:00 +0000\r\n" + arf).utf8),
                                                   recipient: "abuse@\(domain)")
            #expect(again.exit == .ok && again.message.hasPrefix("taken in before"))
            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT feed, type, ip, first_seen FROM abuse_events").all()
            #expect(rows.count == 1)
            #expect(try rows[0].decode(column: "feed", as: String.self) == "abuse-mail" && rows[0].decode(column: "type", as: String.self) == "spam")
            #expect(try rows[0].decode(column: "ip", as: String.self) == "192.0.2.55" && rows[0].decode(column: "first_seen", as: Int64.self) == today(app) * 86_400 + 14 * 3_600,
                    "14:00 UTC today")
            let plain = try await receiver.receive(Array("From: <someone@example.com>\r\nTo: abuse@\(domain)\r\nSubject: hello\r\n\r\nYour server attacks us.\r\n".utf8),
                                                   recipient: "abuse@\(domain)")
            #expect(plain.exit == .dataError)
            let alpha = try await signIn(app, "member-alpha@test.example")
            let csv = try await get(app, "/abuse/monitoring.csv?days=1", alpha.headers)
            #expect(csv.body.string == "day,taxonomy,type,events,reports\r\n\(date(app)),abusive-content,spam,1,1\r\n")
        }
    }

    @Test func theAbusePipelinesCountersAreInTheMetrics() async throws {
        try await withRenkei { app, _ in
            try await takeInReport(app)
            _ = try await AbuseNotify(addressing: app.renkei.mail).run(flush: true, now: app.renkei.clock.now, on: app.db)
            try await app.testing(method: .running(port: 0)).test(.GET, "/metrics") { response in
                let text = response.body.string
                for line in ["renkei_abuse_reports_total{feed=\"generic-csv\"} 5", "renkei_abuse_events_total{feed=\"generic-csv\"} 4",
                             "renkei_abuse_rejected_total{feed=\"generic-csv\"} 1", "renkei_abuse_unrouted_total{feed=\"generic-csv\"} 1",
                             "renkei_abuse_notices_total 2", "renkei_abuse_notices_acknowledged_total 0", "# TYPE renkei_abuse_events_total counter"] {
                    #expect(text.contains(line + "\n"), "\(line)")
                }
            }
        }
    }
}
