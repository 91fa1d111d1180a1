import Foundation
import Fluent
import RenkeiCore
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// Reachability tests through the pages and the mail: the secretariat starts a campaign, a
/// team answers by link and another by mail, reminders go once, the week closes with a flag,
/// and each reader sees what is written out here by hand.
extension ServerTests {
    private func page(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:], method: HTTPMethod = .GET,
                      body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: body) { result = $0 }
        return try #require(result)
    }

    /// The token in the newest challenge mail to `address`.
    private func challengeToken(to address: String, _ app: Application) async throws -> String {
        let text = try #require(try await mailTexts(to: address, app).last)
        return try #require(ReachabilityRules.tokens(in: text).first)
    }

    private func startCampaign(_ app: Application, _ session: BrowserSession, scope: String = "all") async throws -> TestingHTTPResponse {
        try await page(app, "/reachability/campaigns", session.formHeaders(), method: .POST,
                       body: formBody([("_csrf", session.csrf), ("scope", scope)]))
    }

    @Test func aCampaignChallengesEachTeamAndCountsEachAnswerOnce() async throws {
        try await withRenkei { app, fixture in
            let secretariat = try await signIn(app, "secretariat@test.example"), member = try await signIn(app, "member-alpha@test.example")
            #expect(try await startCampaign(app, member).status == .forbidden, "members do not start campaigns")
            let anonymous = try await page(app, "/reachability")
            #expect(anonymous.status == .seeOther && anonymous.headers.first(name: .location)?.hasPrefix("/sign-in") == true, "\(anonymous.status)")
            let started = try await startCampaign(app, secretariat)
            #expect(started.status == .seeOther)
            let campaignPath = try #require(started.headers.first(name: .location))
            #expect(try await ReachabilityChallengeModel.query(on: app.db).count() == 2)

            // One mail per team, to its published address, with a Reply-To of the desk; no key, so signed only.
            let deliveries = try await MailDeliveryModel.query(on: app.db).with(\.$message).all().filter { $0.message.subject.contains("Reachability test") }
            #expect(Set(deliveries.map(\.recipient)) == ["cert@alpha.example", "csirt@beta.example"])
            #expect(deliveries.allSatisfy { $0.form == "signed" && $0.message.extraHeaders.contains("Reply-To: reachability@") })
            let alphaToken = try await challengeToken(to: "cert@alpha.example", app)
            let betaToken = try await challengeToken(to: "csirt@beta.example", app)
            #expect(alphaToken != betaToken && ReachabilityRules.isToken(alphaToken))
            #expect(try await ReachabilityTokenModel.query(on: app.db).all().allSatisfy { $0.tokenHash.count == 64 && !$0.tokenHash.contains("rt-") },
                    "only hashes are stored")

            // The link: opening it (a mail filter does) answers nothing; confirming does, once.
            let form = try await page(app, "/reachability/answer/\(alphaToken)")
            #expect(form.status == .ok && form.body.string.contains("Reachability test for Alpha-CERT") && form.body.string.contains("id=\"answer-form\""))
            #expect(try await ReachabilityChallengeModel.query(on: app.db).filter(\.$answeredAt != nil).count() == 0)
            let visitor = BrowserSession(cookie: try #require(sessionCookie(from: form)), csrf: try #require(csrfToken(in: form.body.string)))
            app.renkei.clock.advance(by: 1_800)
            let confirmed = try await page(app, "/reachability/answer/\(alphaToken)", visitor.formHeaders(), method: .POST, body: formBody([("_csrf", visitor.csrf)]))
            #expect(confirmed.status == .seeOther)
            let replayed = try await page(app, "/reachability/answer/\(alphaToken)", visitor.formHeaders(), method: .POST, body: formBody([("_csrf", visitor.csrf)]))
            #expect(replayed.status == .conflict, "answering twice counts once")
            #expect(try await page(app, "/reachability/answer/rt-\(String(repeating: "ab", count: 20))").status == .notFound, "a guessed token")

            // By mail: an automatic reply is recorded but answers nothing; the person's reply with the token does.
            let receiver = MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail, resolver: nil, now: app.renkei.clock.now)
            let desk = "reachability@\(app.renkei.mail.domain)"
            let betaChallenge = try #require(try await ReachabilityChallengeModel.query(on: app.db).filter(\.$teamID == fixture.betaID).first())
            let messageID = ReachabilityRules.messageID(challenge: try betaChallenge.requireID(), mail: 0, domain: app.renkei.mail.domain)
            let vacation = "From: <csirt@beta.example>\r\nTo: \(desk)\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: \(messageID)\r\nSubject: Out of office\r\n\r\nAway.\r\n"
            #expect(try await receiver.receive(Array(vacation.utf8), recipient: desk).message == "automatic reply recorded; it does not answer the test")
            let reply = { (token: String) in "From: <analyst@beta.example>\r\nTo: \(desk)\r\nSubject: Re: Reachability test\r\n\r\nHere.\r\n> Token: \(token)\r\n" }
            let answered = try await receiver.receive(Array(reply(betaToken).utf8), recipient: desk)
            #expect(answered.exit == .ok && answered.message == "reachability test answered for Beta-CSIRT")
            #expect(try await receiver.receive(Array(reply(betaToken).utf8), recipient: desk).exit == .noPermission, "a replayed token")
            #expect(try await receiver.receive(Array(reply(alphaToken).utf8), recipient: desk).exit == .noPermission, "answered by link already")
            #expect(try await receiver.receive(Array(reply("rt-" + String(repeating: "0", count: 40)).utf8), recipient: desk).exit == .noPermission)
            let beta = try #require(try await ReachabilityChallengeModel.find(betaChallenge.id, on: app.db))
            #expect(beta.answeredVia == "mail" && beta.autoRepliedAt != nil && beta.answerText?.contains("Here.") == true)
            let betaHistory = try await page(app, "/teams/beta-csirt/reachability", try await signIn(app, "rep-beta@test.example").headers).body.string
            #expect(betaHistory.contains("<td>mail</td><td class=\"reply-text\">Here.\n&gt; Token: rt-"), "the team reads what it replied")

            // Members read no figure of fewer than five teams (two could be named); the secretariat names them.
            let memberView = try await page(app, campaignPath, member.headers).body.string
            #expect(memberView.contains("id=\"too-few\"") && !memberView.contains("id=\"campaign-figures\""))
            #expect(!memberView.contains("Beta-CSIRT") && !memberView.contains("Alpha-CERT") && !memberView.contains("results.csv"))
            #expect(try await page(app, campaignPath + "/results.csv", member.headers).status == .notFound)
            let secretariatView = try await page(app, campaignPath, secretariat.headers).body.string
            #expect(secretariatView.contains(">Alpha-CERT</a>") && secretariatView.contains(">Beta-CSIRT</a>") && secretariatView.contains("class=\"by-region\""))
            let csv = try await page(app, campaignPath + "/results.csv", secretariat.headers).body.string
            #expect(csv.contains("alpha-cert,DE,Europe,Full Member,cert@alpha.example,") && csv.contains(",link,1800,0,"))
            #expect(secretariatView.contains("<td>waiting</td>"), "no relay took the mail yet")
            #expect(csv.contains("beta-csirt,JP,Asia,Liaison,"))
        }
    }

    @Test func remindersGoOnceAndAWeekWithoutAnswerFlagsTheTeam() async throws {
        try await withRenkei { app, _ in
            var secretariat = try await signIn(app, "secretariat@test.example")
            let mail = app.renkei.mail
            func round() async throws { try await ReachabilityStore.round(now: app.renkei.clock.now, mail: mail, on: app.db) }
            func challengeMails(to address: String) async throws -> Int {
                try await mailTexts(to: address, app).count { $0.contains("reachability test of the community") }
            }
            #expect(try await startCampaign(app, secretariat, scope: "region:Asia").status == .seeOther)
            #expect(try await challengeMails(to: "cert@alpha.example") == 0)
            #expect(try await challengeMails(to: "csirt@beta.example") == 1, "Asia: Beta only")
            app.renkei.clock.advance(by: 23 * 3_600)
            try await round()
            #expect(try await challengeMails(to: "csirt@beta.example") == 1)
            app.renkei.clock.advance(by: 3_600)
            try await round()
            try await round()
            #expect(try await challengeMails(to: "csirt@beta.example") == 2, "the 24-hour reminder, once")
            let firstToken = try await challengeToken(to: "csirt@beta.example", app)
            app.renkei.clock.advance(by: 48 * 3_600)
            try await round()
            try await round()
            #expect(try await challengeMails(to: "csirt@beta.example") == 3, "the 72-hour reminder, once")
            #expect(try await mailTexts(to: "csirt@beta.example", app).last?.contains("Reminder 2") == true)
            app.renkei.clock.advance(by: 4 * 86_400)
            try await round()
            #expect(try await ReachabilityStore.answer(token: firstToken, via: "link", text: nil, now: app.renkei.clock.now, on: app.db) == .closed,
                    "the token expired with the campaign")

            // Flagged for members and the secretariat, not for the public; the representative is told.
            let flag = "Did not answer the reachability test of"
            #expect(try await page(app, "/teams/beta-csirt", try await signIn(app, "member-alpha@test.example").headers).body.string.contains(flag))
            // A week later the morning's sessions have lapsed: people sign in again.
            secretariat = try await signIn(app, "secretariat@test.example")
            #expect(try await page(app, "/teams/beta-csirt", secretariat.headers).body.string.contains(flag))
            #expect(!(try await page(app, "/teams/beta-csirt").body.string.contains(flag)))
            #expect(!(try await page(app, "/teams/alpha-cert", secretariat.headers).body.string.contains(flag)), "Alpha was not tested")
            let rep = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first())
            #expect(try await NotificationModel.query(on: app.db).filter(\.$userID == rep.requireID()).all().contains { $0.text.contains("did not answer the reachability test") })

            // Two more misses put Beta on the secretariat's list.
            for _ in 0..<2 {
                secretariat = try await signIn(app, "secretariat@test.example")
                #expect(try await startCampaign(app, secretariat, scope: "type:Liaison").status == .seeOther)
                app.renkei.clock.advance(by: 8 * 86_400)
                try await round()
            }
            secretariat = try await signIn(app, "secretariat@test.example")
            let index = try await page(app, "/reachability", secretariat.headers).body.string
            #expect(index.contains("id=\"unreachable-teams\"") && index.contains(">Beta-CSIRT</a>: 3 misses in a row"))
            #expect(try await page(app, "/teams/beta-csirt", secretariat.headers).body.string.contains("(3 tests in a row)"))
            let history = try await page(app, "/teams/beta-csirt/reachability", try await signIn(app, "rep-beta@test.example").headers)
            #expect(history.status == .ok && history.body.string.components(separatedBy: "<td>missed</td>").count == 4)
            #expect(try await page(app, "/teams/beta-csirt/reachability", try await signIn(app, "member-alpha@test.example").headers).status == .notFound,
                    "another team's history is not a member's to read")
        }
    }

    @Test func aBounceIsRecordedAndATeamKeyEncryptsTheChallenge() async throws {
        try await withRenkei { app, fixture in
            let team = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            team.record.pgpKeys = [PGPKey(fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", armored: "alpha team key", canEncrypt: true)]
            team.record.emergencyContact = "Duty@Alpha.example"
            try await team.save(on: app.db)
            try await ReachabilityStore.start(scope: .all, repeatsMonthly: true, by: "test", now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            let toAlpha = try await MailDeliveryModel.query(on: app.db).filter(\.$recipientKey == "alpha team key").all()
            #expect(Set(toAlpha.map(\.recipient)) == ["cert@alpha.example", "duty@alpha.example"] && toAlpha.allSatisfy { $0.form == "encrypted" })
            let challenge = try #require(try await ReachabilityChallengeModel.query(on: app.db).filter(\.$teamID == fixture.alphaID).first())
            let desk = "reachability@\(app.renkei.mail.domain)"
            let dsn = """
                From: MAILER-DAEMON@mx.alpha.example\r\nTo: \(desk)\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nUser unknown.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: \(ReachabilityRules.messageID(challenge: try challenge.requireID(), mail: 0, domain: app.renkei.mail.domain))\r\n--b--\r\n
                """
            let receiver = MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail, resolver: nil, now: app.renkei.clock.now)
            #expect(try await receiver.receive(Array(dsn.utf8), recipient: desk).message == "bounce recorded")
            #expect(try await ReachabilityChallengeModel.find(challenge.id, on: app.db)?.bounceText?.contains("User unknown.") == true)
            // A report naming a mail never sent (no reminder yet), or any report once the team answered, changes nothing.
            let beta = try #require(try await ReachabilityChallengeModel.query(on: app.db).filter(\.$teamID == fixture.betaID).first())
            let forged = { (mail: Int) in dsn.replacingOccurrences(of: ReachabilityRules.messageID(challenge: try! challenge.requireID(), mail: 0, domain: app.renkei.mail.domain),
                                                                   with: ReachabilityRules.messageID(challenge: try! beta.requireID(), mail: mail, domain: app.renkei.mail.domain)) }
            #expect(try await receiver.receive(Array(forged(7).utf8), recipient: desk).message == "ignored: a delivery report to no open test of ours")
            beta.answeredAt = app.renkei.clock.now
            try await beta.save(on: app.db)
            #expect(try await receiver.receive(Array(forged(0).utf8), recipient: desk).message == "ignored: a delivery report to no open test of ours")
            #expect(try await ReachabilityChallengeModel.find(beta.id, on: app.db)?.bouncedAt == nil)
            let oversized = Array(("Content-Type: multipart/report; report-type=delivery-status\r\n\r\n" + String(repeating: "<rt.", count: 300_000)).utf8)
            #expect(try await receiver.receive(oversized, recipient: desk).exit == .dataError)
            // No team is listed without membership here: such a test has nobody to ask and is refused.
            await #expect(throws: AppError.self) {
                try await ReachabilityStore.start(scope: .memberType(nil), repeatsMonthly: false, by: "test", now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            }
            // A one-off test of the same scope does not stop the monthly ones.
            try await ReachabilityStore.start(scope: .all, repeatsMonthly: false, by: "test", now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)

            // The monthly campaign starts again once the month turned, and only once.
            let campaigns = { try await ReachabilityCampaignModel.query(on: app.db).count() }
            try await ReachabilityStore.round(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            #expect(try await campaigns() == 2)
            app.renkei.clock.advance(by: 32 * 86_400)
            try await ReachabilityStore.round(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            try await ReachabilityStore.round(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            #expect(try await campaigns() == 3, "the next month's test, once")
            try await ReachabilityStore.stopRepeating(scope: ReachabilityScope.all.code, on: app.db)
            app.renkei.clock.advance(by: 32 * 86_400)
            try await ReachabilityStore.round(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            #expect(try await campaigns() == 3)
        }
    }

    private func apiPost(_ app: Application, _ path: String, token: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await page(app, path, ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], method: .POST, body: try jsonBody(body))
    }

    @Test func aTeamsResponseTimesCountItsOwnRepliesAndItChoosesWhoSeesThem() async throws {
        try await withRenkei { app, _ in
            let asker = try await apiToken(app, "member-alpha@test.example"), beta = try await apiToken(app, "rep-beta@test.example")
            var ids: [String] = []
            for title in ["Who runs 203.0.113.7?", "Seen this loader?", "Anyone at this ISP?"] {
                let created = try await apiPost(app, "/api/v1/items", token: asker, [
                    "kind": "request", "title": title, "body": "Please help.", "tlp": "TLP:AMBER",
                    "audience": ["kind": "teams", "teams": ["beta-csirt"]], "request": ["kind": "information"]])
                ids.append(try #require(try jsonObject(created)["id"] as? String))
            }
            // Alpha's own follow-up is not Beta's answer; Beta answers the first after 2 h and the second after 10 h.
            app.renkei.clock.advance(by: 3_600)
            #expect(try await apiPost(app, "/api/v1/items/\(ids[0])/replies", token: asker, ["kind": "answer", "text": "Any news?"]).status == .created)
            app.renkei.clock.advance(by: 3_600)
            #expect(try await apiPost(app, "/api/v1/items/\(ids[0])/replies", token: beta, ["kind": "answer", "text": "Ours: handled."]).status == .created)
            app.renkei.clock.advance(by: 8 * 3_600)
            #expect(try await apiPost(app, "/api/v1/items/\(ids[1])/replies", token: beta, ["kind": "answer", "text": "Not seen."]).status == .created)

            let member = try await signIn(app, "member-alpha@test.example")
            let row = "<th scope=\"row\">First reply to requests addressed to the team</th><td class=\"number\">3</td><td class=\"number\">2</td><td class=\"number\">6 h</td><td class=\"number\">10 h</td>"
            #expect(!(try await page(app, "/teams/beta-csirt", member.headers).body.string.contains("id=\"response-times\"")),
                    "until Beta chooses, its times are its own and the secretariat's")
            let rep = try await signIn(app, "rep-beta@test.example")
            let own = try await page(app, "/teams/beta-csirt", rep.headers).body.string
            #expect(own.contains(row), "received 3, answered 2: median of 2 h and 10 h, nearest-rank 90th percentile 10 h")
            #expect(own.contains("id=\"response-times-form\""))
            let forged = try await page(app, "/teams/beta-csirt/response-times", member.formHeaders(), method: .POST,
                                        body: formBody([("_csrf", member.csrf), ("visibility", "public")]))
            #expect(forged.status == .forbidden)
            let chosen = try await page(app, "/teams/beta-csirt/response-times", rep.formHeaders(), method: .POST,
                                        body: formBody([("_csrf", rep.csrf), ("visibility", "members")]))
            #expect(chosen.status == .seeOther)
            let shown = try await page(app, "/teams/beta-csirt", member.headers).body.string
            #expect(shown.contains(row) && !shown.contains("id=\"response-times-form\""), "members now; only Beta's representatives choose")
            #expect(!(try await page(app, "/teams/beta-csirt").body.string.contains("id=\"response-times\"")), "not the public")
            let secretariat = try await signIn(app, "secretariat@test.example")
            #expect(try await page(app, "/teams/beta-csirt", secretariat.headers).body.string.contains(row), "the secretariat sees all")
            #expect(try await page(app, "/teams/beta-csirt/response-times", rep.formHeaders(), method: .POST,
                                    body: formBody([("_csrf", rep.csrf), ("visibility", "private")])).status == .seeOther)
            #expect(!(try await page(app, "/teams/beta-csirt", member.headers).body.string.contains("id=\"response-times\"")))
            let bad = try await page(app, "/teams/beta-csirt/response-times", rep.formHeaders(), method: .POST, body: formBody([("_csrf", rep.csrf), ("visibility", "everyone")]))
            #expect(bad.status == .unprocessableEntity)
        }
    }
}
