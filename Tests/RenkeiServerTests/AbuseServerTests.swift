import Foundation
import Fluent
@testable import RenkeiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// The abuse pipeline through the API and the pages, with expectations written out by hand:
/// a report is taken in once (by key or by bytes), whole or not at all; events go to the team
/// whose constituency holds them (Alpha-CERT declares 192.0.2.0/24, Beta-CSIRT the domain
/// `jp`), the rest to the secretariat's queue; one notice per team, never twice; and no team,
/// page, CSV or mail shows one team's events to another.
extension ServerTests {
    /// The abuse desk's GET routes; `eachTeamGetsOneNoticeOfItsOwnEventsAndNoOtherTeamSeesThem`
    /// proves what each shows to whom (the leak matrix of `SharingServerTests` counts them as covered here).
    static let abuseRoutes: Set<String> = [
        "/abuse", "/abuse/notices/:ticket", "/abuse/notices/:ticket/events.csv", "/api/v1/abuse/feeds", "/api/v1/abuse/notices",
    ]

    static let abuseReport = """
        time,ip,port,type,fqdn,url
        2026-12-07T10:00:00Z,192.0.2.7,23,scanner,,
        2026-12-07T11:00:00Z,192.0.2.7,23,scanner,,
        2026-12-07T10:05:00Z,192.0.2.8,443,open-service,,
        2026-12-07T10:06:00Z,,,phishing,login.bank.jp,http://login.bank.jp/verify
        2026-12-07T10:07:00Z,203.0.113.9,22,brute-force,,
        not-a-time,192.0.2.9,23,scanner,,

        """

    private func send(_ app: Application, _ method: HTTPMethod, _ path: String, _ headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: body) { result = $0 }
        return try #require(result)
    }

    private func postReport(_ app: Application, token: String?, key: String? = "report-1", feed: String = "generic-csv", body: String = ServerTests.abuseReport) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "text/csv"]
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let key { headers.add(name: "Idempotency-Key", value: key) }
        return try await send(app, .POST, "/api/v1/abuse/reports?feed=\(feed)", headers, body: ByteBuffer(string: body))
    }

    private func abuseEventCount(_ app: Application) async throws -> Int {
        let sql = try #require(app.db as? any SQLDatabase)
        return try #require(try await sql.raw("SELECT COUNT(*) AS n FROM abuse_events").first()).decode(column: "n", as: Int.self)
    }

    @Test func anAbuseReportIsTakenInOnceWholeAndRoutedToTheResponsibleTeams() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let first = try await postReport(app, token: secretariat)
            #expect(first.status == .created)
            let summary = try jsonObject(first)
            #expect(summary["accepted"] as? Int == 5 && summary["duplicates"] as? Int == 1 && summary["rejected"] as? Int == 1)
            #expect(summary["routed"] as? Int == 3 && summary["unrouted"] as? Int == 1 && summary["teams"] as? Int == 2)
            #expect(summary["seconds"] is Double && summary["replayed"] as? Bool == false)
            let errors = try #require(summary["errors"] as? [[String: Any]])
            #expect(errors.count == 1 && errors[0]["line"] as? Int == 7 && (errors[0]["reason"] as? String)?.hasPrefix("time “not-a-time”") == true)
            #expect(try await abuseEventCount(app) == 4)

            // The same key again, or the same bytes under another key: the first answer, nothing added.
            for key in ["report-1", "report-2"] {
                let again = try await postReport(app, token: secretariat, key: key)
                #expect(again.status == .ok && again.headers.first(name: "Idempotency-Replayed") == "true", "\(key)")
                let replayed = try jsonObject(again)
                #expect(replayed["duplicates"] as? Int == 1 && replayed["ingest"] as? String == summary["ingest"] as? String)
            }
            let reused = try await postReport(app, token: secretariat, key: "report-1", body: "time,ip,port,type\n2026-12-07T12:00:00Z,192.0.2.99,80,scanner\n")
            #expect(reused.status == .unprocessableEntity && reused.headers.contentType?.subType == "problem+json")
            // A file that is not a report is refused whole.
            let headless = try await postReport(app, token: secretariat, key: "report-3", body: "when,where\n2026-12-07T12:00:00Z,192.0.2.99\n")
            #expect(headless.status == .unprocessableEntity && headless.body.string.contains("the header names no time, ip, port, type column"))
            let ingests = try await AbuseIngestModel.query(on: app.db).count()
            #expect(try await abuseEventCount(app) == 4)
            #expect(ingests == 1)

            // A later report's repeat is counted on the stored event; a day and more later it is a new one.
            let later = try await postReport(app, token: secretariat, key: "report-5",
                                             body: "time,ip,port,type\n2026-12-07T12:00:00Z,192.0.2.7,23,scanner\n2026-12-08T12:00:00Z,192.0.2.7,23,scanner\n")
            let laterSummary = try jsonObject(later)
            #expect(later.status == .created && laterSummary["accepted"] as? Int == 2 && laterSummary["duplicates"] as? Int == 1 && laterSummary["routed"] as? Int == 1)
            let sql = try #require(app.db as? any SQLDatabase)
            let counts = try await sql.raw("SELECT count, last_seen FROM abuse_events WHERE ip = '192.0.2.7' ORDER BY first_seen").all()
                .map { [try $0.decode(column: "count", as: Int64.self), try $0.decode(column: "last_seen", as: Int64.self)] }
            #expect(counts == [[3, 1_796_644_800], [1, 1_796_731_200]], "12:00 on the 7th and on the 8th (calendar.timegm)")
            #expect(try await postReport(app, token: secretariat, key: nil).status == .badRequest, "no Idempotency-Key")
            #expect(try await postReport(app, token: secretariat, key: "report-4", feed: "no-such-feed").status == .notFound)
            let memberToken = try await apiToken(app, "member-alpha@test.example")
            #expect(try await postReport(app, token: memberToken, key: "x").status == .forbidden)
            #expect(try await postReport(app, token: nil, key: "x").status == .unauthorized)
            #expect(try await send(app, .GET, "/api/v1/abuse/feeds").status == .unauthorized)
            let feeds = try jsonArray(try await send(app, .GET, "/api/v1/abuse/feeds", ["Authorization": "Bearer \(secretariat)"]))
            #expect(feeds.map { $0["name"] as? String } == ["abuse-mail", "generic-csv"] && feeds.allSatisfy { $0["tlp"] as? String == "TLP:AMBER" })
        }
    }

    @Test func eachTeamGetsOneNoticeOfItsOwnEventsAndNoOtherTeamSeesThem() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await apiToken(app, "secretariat@test.example")
            #expect(try await postReport(app, token: secretariat).status == .created)
            let notify = try await send(app, .POST, "/api/v1/abuse/notices?flush=true", ["Authorization": "Bearer \(secretariat)"])
            let notified = try jsonObject(notify)
            #expect(notify.status == .ok && notified["notices"] as? Int == 2 && notified["events"] as? Int == 3)
            let again = try await send(app, .POST, "/api/v1/abuse/notices?flush=true", ["Authorization": "Bearer \(secretariat)"])
            #expect(try jsonObject(again)["notices"] as? Int == 0, "an event is in one notice only")
            let betaToken = try await apiToken(app, "rep-beta@test.example")
            #expect(try await send(app, .POST, "/api/v1/abuse/notices", ["Authorization": "Bearer \(betaToken)"]).status == .forbidden)

            // The API lists each team its own notice; the secretariat both.
            func tickets(_ email: String) async throws -> [String] {
                let token = try await apiToken(app, email)
                let list = try jsonObject(try await send(app, .GET, "/api/v1/abuse/notices", ["Authorization": "Bearer \(token)"]))
                return try #require(list["items"] as? [[String: Any]]).compactMap { $0["ticket"] as? String }
            }
            let alphaTickets = try await tickets("member-alpha@test.example"), betaTickets = try await tickets("rep-beta@test.example")
            #expect(alphaTickets.count == 1 && betaTickets.count == 1 && alphaTickets != betaTickets)
            #expect(Set(try await tickets("secretariat@test.example")) == Set(alphaTickets + betaTickets))
            let alphaTicket = alphaTickets[0]
            #expect(alphaTicket.wholeMatch(of: /ABUSE-\d{8}-[0-9A-HJKMNP-TV-Z]{6}/) != nil, "the day and six random letters of Crockford's base 32")

            // AMBER events and no PGP key: the mail is a link to the web, naming no address.
            let mails = try await mailTexts(to: "member-alpha@test.example", app)
            #expect(mails.count == 1 && mails[0].contains("TLP:AMBER") && mails[0].contains("https://renkei.test/abuse/notices/\(alphaTicket)"))
            #expect(!mails[0].contains("192.0.2.7") && !mails[0].contains("203.0.113.9"))
            #expect(try await mailTexts(to: "rep-beta@test.example", app).allSatisfy { !$0.contains("192.0.2") })

            // Alpha's page and CSV hold its two events (the repeat counted), Beta gets "not found".
            let alpha = try await signIn(app, "member-alpha@test.example"), beta = try await signIn(app, "rep-beta@test.example")
            let page = try await send(app, .GET, "/abuse/notices/\(alphaTicket)", alpha.headers)
            #expect(page.status == .ok && page.body.string.contains("192.0.2.7:23") && page.body.string.contains("192.0.2.8:443"))
            #expect(!page.body.string.contains("203.0.113.9") && !page.body.string.contains("login.bank.jp"))
            let csv = try await send(app, .GET, "/abuse/notices/\(alphaTicket)/events.csv", alpha.headers)
            #expect(csv.body.string.contains("2026-12-07T10:00:00Z,2026-12-07T11:00:00Z,2,information-gathering,scanner,192.0.2.7,23,,,,,generic-csv\r\n"))
            #expect(csv.body.string.split(separator: "\r\n").count == 3)
            for path in ["/abuse/notices/\(alphaTicket)", "/abuse/notices/\(alphaTicket)/events.csv"] {
                let refused = try await send(app, .GET, path, beta.headers)
                #expect(refused.status == .notFound && !refused.body.string.contains("192.0.2"), "\(path)")
                #expect(try await send(app, .GET, path).status != .ok, "anonymous \(path)")
            }
            let ack = try await send(app, .POST, "/abuse/notices/\(alphaTicket)/acknowledgement", beta.formHeaders(), body: formBody([("_csrf", beta.csrf)]))
            #expect(ack.status == .notFound)
            let marked = try await send(app, .POST, "/abuse/notices/\(alphaTicket)", beta.formHeaders(),
                                        body: formBody([("_csrf", beta.csrf), ("events[]", "1"), ("events[]", "2"), ("status", "resolved")]))
            #expect(marked.status == .notFound)
            // Beta's desk lists its own notice only; the unrouted queue is the secretariat's.
            let betaDesk = try await send(app, .GET, "/abuse", beta.headers)
            #expect(betaDesk.status == .ok && !betaDesk.body.string.contains(alphaTicket) && !betaDesk.body.string.contains("203.0.113.9"))
            let secretariatSession = try await signIn(app, "secretariat@test.example")
            let desk = try await send(app, .GET, "/abuse", secretariatSession.headers)
            #expect(desk.body.string.contains("203.0.113.9") && desk.body.string.contains(alphaTicket))

            // Alpha acknowledges and closes its events.
            #expect(try await send(app, .POST, "/abuse/notices/\(alphaTicket)/acknowledgement", alpha.formHeaders(), body: formBody([("_csrf", alpha.csrf)])).status == .seeOther)
            let notice = try #require(try await AbuseNoticeModel.query(on: app.db).filter(\.$ticket == alphaTicket).first())
            #expect(notice.acknowledgedAt != nil && notice.events == 2 && notice.tlp == "AMBER")
            let ids = try await AbuseStore.events(of: notice, after: nil, limit: 10, on: app.db).map(\.id)
            #expect(try await send(app, .POST, "/abuse/notices/\(alphaTicket)", alpha.formHeaders(),
                                   body: formBody([("_csrf", alpha.csrf), ("events[]", String(ids[0])), ("status", "false-positive")])).status == .seeOther)
            #expect(try await AbuseStore.events(of: notice, after: nil, limit: 10, on: app.db).map(\.status) == ["false-positive", "open"])
        }
    }

    @Test func aTeamsRepresentativeChoosesHowItsEventsComeAndACLEARFeedMailsThemAttached() async throws {
        try await withRenkei { app, fixture in
            let member = try await signIn(app, "member-alpha@test.example"), rep = try await signIn(app, "rep-alpha@test.example")
            let choose = [("schedule", "hourly"), ("types[]", "scanner")]
            #expect(try await send(app, .POST, "/abuse", member.formHeaders(), body: formBody([("_csrf", member.csrf)] + choose)).status == .forbidden)
            #expect(try await send(app, .POST, "/abuse", rep.formHeaders(), body: formBody([("_csrf", rep.csrf)] + choose)).status == .seeOther)
            let preference = try #require(try await AbusePreferenceModel.find(fixture.alphaID, on: app.db)).preference
            #expect(preference == AbusePreference(schedule: .hourly, types: [.scanner]))

            try await AbuseFeedModel(name: "open-scans", description: "", format: .csv, tlp: .clear, retentionDays: 7, createdAt: Date()).create(on: app.db)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            #expect(try await postReport(app, token: secretariat, feed: "open-scans").status == .created)
            let report = try await AbuseNotify(addressing: app.renkei.mail).run(flush: false, on: app.db)
            #expect(report.notices == 0, "Beta, on the daily standard, has waited less than a day; Alpha's first hour has not passed either")
            let flushed = try await AbuseNotify(addressing: app.renkei.mail).run(flush: true, on: app.db)
            #expect(flushed.notices == 2 && flushed.events == 2, "Beta's phishing event and Alpha's scanner one")
            #expect(try await AbuseStore.waiting(team: fixture.alphaID, on: app.db) == 0, "Alpha's open-service event is not wanted, and waits no longer")
            let sql = try #require(app.db as? any SQLDatabase)
            let left = try await sql.raw("SELECT status FROM abuse_events WHERE ip = '192.0.2.8'").all().map { try $0.decode(column: "status", as: String.self) }
            #expect(left == ["not-wanted"])
            let alpha = try #require(try await AbuseNoticeModel.query(on: app.db).filter(\.$teamID == fixture.alphaID).first())
            #expect(alpha.events == 1 && alpha.tlp == "CLEAR")
            let message = try #require(try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ alpha.ticket).first())
            #expect(message.content.contains("Content-Disposition: attachment; filename=\"\(alpha.ticket).csv\""))
            let attachment = try #require(message.content.components(separatedBy: "Content-Disposition: attachment; filename=\"\(alpha.ticket).csv\"\r\n\r\n").last?
                .components(separatedBy: "\r\n--").first)
            let csv = String(decoding: Data(base64Encoded: attachment, options: .ignoreUnknownCharacters) ?? Data(), as: UTF8.self)
            #expect(csv == "first_seen,last_seen,count,taxonomy,type,ip,port,asn,country,fqdn,url,feed\r\n"
                + "2026-12-07T10:00:00Z,2026-12-07T11:00:00Z,2,information-gathering,scanner,192.0.2.7,23,,,,,open-scans\r\n")
            let deliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == message.requireID()).all()
            #expect(Set(deliveries.map(\.recipient)) == ["member-alpha@test.example", "rep-alpha@test.example"] && deliveries.allSatisfy { $0.form == "signed" })

            // Beta's representative asks for XARF: the next notice carries its event as an XARF report.
            let betaRep = try await signIn(app, "rep-beta@test.example")
            #expect(try await send(app, .POST, "/abuse", betaRep.formHeaders(),
                                   body: formBody([("_csrf", betaRep.csrf), ("schedule", "immediately"), ("attachment", "xarf")])).status == .seeOther)
            #expect(try await send(app, .POST, "/abuse", betaRep.formHeaders(),
                                   body: formBody([("_csrf", betaRep.csrf), ("schedule", "daily"), ("attachment", "pdf")])).status == .unprocessableEntity)
            #expect(try await postReport(app, token: secretariat, key: "second", feed: "open-scans",
                                         body: "time,ip,port,type,fqdn,url\n2026-12-07T12:00:00Z,,,phishing,pay.bank.jp,https://pay.bank.jp/x\n").status == .created)
            #expect(try await AbuseNotify(addressing: app.renkei.mail).run(flush: false, on: app.db).notices == 1)
            let beta = try #require(try await AbuseNoticeModel.query(on: app.db).filter(\.$teamID == fixture.betaID).sort(\.$createdAt, .descending).first())
            let xarfMail = try #require(try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ beta.ticket).first())
            let marker = "Content-Disposition: attachment; filename=\"\(beta.ticket).xarf.json\"\r\n\r\n"
            #expect(xarfMail.content.contains("Content-Type: application/json") && xarfMail.content.contains(marker))
            let xarfPart = try #require(xarfMail.content.components(separatedBy: marker).last?.components(separatedBy: "\r\n--").first)
            let xarf = Data(base64Encoded: xarfPart, options: .ignoreUnknownCharacters) ?? Data()
            let reread = try XARFReport.parse(Array(xarf), feed: "check", file: "x")
            #expect(reread.events.map(\.url) == ["https://pay.bank.jp/x"] && reread.events.map(\.type) == [.phishing])
        }
    }

    @Test func eventsAreDeletedWhenTheirFeedKeepsThemNoLongerWithAnAuditLine() async throws {
        try await withRenkei { app, _ in
            let feed = AbuseFeedModel(name: "short-memory", description: "", format: .csv, tlp: .amber, retentionDays: 30, createdAt: Date())
            try await feed.create(on: app.db)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            // 2026-10-01 is 67 days before 2026-12-07 (kept 30), 2026-11-30 seven days before.
            let report = "time,ip,port,type\n2026-10-01T10:00:00Z,192.0.2.7,23,scanner\n2026-11-30T10:00:00Z,192.0.2.8,23,scanner\n"
            #expect(try await postReport(app, token: secretariat, feed: "short-memory", body: report).status == .created)
            #expect(try await postReport(app, token: secretariat, key: "other-feed").status == .created, "generic-csv keeps 90 days")
            let now = Date(timeIntervalSince1970: 1_796_637_600)   // 2026-12-07T10:00:00Z
            let expired = try await AbuseRetentionRun.run(now: now, on: app.db)
            #expect(expired == [.init(feed: "short-memory", deleted: 1, before: Date(timeIntervalSince1970: 1_794_045_600))], "2026-11-07T10:00:00Z")
            let sql = try #require(app.db as? any SQLDatabase)
            let left = try await sql.raw("SELECT ip FROM abuse_events WHERE feed = 'short-memory'").all().map { try $0.decode(column: "ip", as: String.self) }
            #expect(left == ["192.0.2.8"])
            #expect(try await abuseEventCount(app) == 5)
            let audit = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "abuse.expire").first())
            #expect(audit.subject == "feed:short-memory" && audit.detail == "1 events last seen before 2026-11-07T10:00:00Z deleted (kept 30 days)")
            #expect(try await AbuseRetentionRun.run(now: now, on: app.db).isEmpty)
        }
    }

    @Test func phishingURLsOfTwoTeamsStayTwoEventsAndAReportReadInAnotherFormatIsAnotherReport() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let report = """
                time,ip,port,type,fqdn,url
                2026-12-07T14:40:00Z,,,phishing,login.alpha.example,https://login.alpha.example/x
                2026-12-07T14:41:00Z,,,phishing,login.bank.jp,https://login.bank.jp/y

                """
            // Read as JSON lines first (by mistake): nothing is an event.
            let wrong = try await send(app, .POST, "/api/v1/abuse/reports?feed=generic-csv&format=jsonl",
                                       ["Authorization": "Bearer \(secretariat)", "Idempotency-Key": "first"], body: ByteBuffer(string: report))
            let wrongSummary = try jsonObject(wrong)
            #expect(wrong.status == .created && wrongSummary["rejected"] as? Int == 3, "the header line is no JSON object either")
            let right = try await postReport(app, token: secretariat, key: "second", body: report)
            let summary = try jsonObject(right)
            #expect(right.status == .created, "the same bytes as CSV are another report")
            #expect(summary["accepted"] as? Int == 2 && summary["duplicates"] as? Int == 0 && summary["routed"] as? Int == 2 && summary["teams"] as? Int == 2)
        }
    }
}
