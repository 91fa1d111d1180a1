import Crypto
import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import SQLKit
import Testing
import VaporTesting

/// The people of a membership process beyond the seeded directory: a second Full Member
/// (Gamma), three board members and a candidate account without a team.
struct MembershipCast {
    static let boardMembers = ["board1@test.example", "board2@test.example", "board3@test.example"]
    static let candidate = "candidate@delta.example"
    static let redNote = "RED-NOTE: the candidate's parent company is under investigation"
    static let redFindings = "RED-FINDINGS: the duty phone was unanswered twice"
    var gammaID: UUID

    static func make(_ app: Application) async throws -> MembershipCast {
        let gamma = try TeamRecord(shortName: "Gamma-CERT", officialName: "Gamma Computer Emergency Response Team", countryCode: "NL",
                                   email: "cert@gamma.example", host: "Gamma Networks B.V.", teamTypes: [.commercial],
                                   memberType: .fullMember, memberSince: "2015-06-01").validated()
        let gammaModel = try await TeamWrites.save(gamma, existing: nil, author: ChangeAuthor(userID: nil, name: "Test seed", channel: "cli"), on: app.db)
        let gammaID = try gammaModel.requireID()
        let people: [(String, Set<Role>, UUID?)] = [
            ("rep-gamma@test.example", [.member, .teamRepresentative], gammaID), ("member-gamma@test.example", [.member], gammaID),
            (boardMembers[0], [.member, .board], nil), (boardMembers[1], [.member, .board], nil), (boardMembers[2], [.member, .board], nil),
            (candidate, [], nil),
        ]
        for (email, roles, team) in people {
            let user = UserModel(email: email, displayName: email.components(separatedBy: "@")[0], passwordHash: try Bcrypt.hash("test-password-123", cost: 4),
                                 roles: roles, teamID: team, createdAt: Date())
            if TwoFactor.isRequired(for: user) {
            user.totpSecret = Base32.encode(Fixture.totpSecret)
            user.secondFactorEnrolledAt = user.createdAt
        }
            try await user.create(on: app.db)
        }
        return MembershipCast(gammaID: gammaID)
    }

    static func applicationBody(sponsors: [String] = ["alpha-cert", "gamma-cert"], type: String = "Full Member") -> [String: Any] {
        [
            "team": ["shortName": "Delta-CERT", "officialName": "Delta Computer Emergency Response Team", "countryCode": "NL",
                     "email": "cert@delta.example", "teamTypes": ["commercial"]],
            "membershipType": type, "hostOrganisation": "Delta Telecom", "services": "Incident handling and vulnerability coordination for Delta Telecom customers.",
            "sim3": Dictionary(uniqueKeysWithValues: SIM3.parameters.map { ($0.id, ["level": 2, "comment": ""] as [String: Any]) }),
            "confidentialNote": redNote, "sponsors": sponsors,
        ]
    }
}

extension ServerTests {
    /// Posts one step to the API and returns the status and the JSON answer.
    func step(_ app: Application, _ token: String, _ id: String, _ body: [String: Any]) async throws -> (HTTPStatus, [String: Any]) {
        var result: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
        try await app.testing().test(.POST, "/api/v1/membership/applications/\(id)/steps", headers: bearer(token), body: try jsonBody(body)) { response in
            result = (response.status, try jsonObject(response))
        }
        return result
    }

    func readApplication(_ app: Application, _ token: String, _ id: String) async throws -> (HTTPStatus, [String: Any]) {
        var result: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
        try await app.testing().test(.GET, "/api/v1/membership/applications/\(id)", headers: bearer(token)) { response in
            result = (response.status, response.status == .ok ? try jsonObject(response) : [:])
        }
        return result
    }

    /// Submits Delta's application as the candidate and returns its id.
    func submitApplication(_ app: Application, _ token: String, body: [String: Any] = MembershipCast.applicationBody()) async throws -> String {
        var id = ""
        try await app.testing().test(.POST, "/api/v1/membership/applications", headers: bearer(token), body: try jsonBody(body)) { response in
            #expect(response.status == .created, "\(response.body.string)")
            let application = try #require(try jsonObject(response)["application"] as? [String: Any])
            id = try #require(application["id"] as? String)
        }
        return id
    }

    /// Takes an application through sponsorship, site visit and letters into member review.
    func bringToReview(_ app: Application, _ id: String) async throws {
        let alpha = try await apiToken(app, "rep-alpha@test.example")
        let gamma = try await apiToken(app, "rep-gamma@test.example")
        #expect(try await step(app, alpha, id, ["step": "answer-sponsorship", "answer": "accept"]).0 == .ok)
        #expect(try await step(app, gamma, id, ["step": "answer-sponsorship", "answer": "accept"]).0 == .ok)
        let (status, answer) = try await step(app, alpha, id, [
            "step": "file-site-visit", "mode": "virtual", "date": "2026-01-15", "findings": "Processes are documented and followed.",
            "confidentialFindings": MembershipCast.redFindings, "recommendation": "admit",
        ])
        #expect(status == .ok)
        #expect(answer["phase"] as? String == "site-visit", "the review waits for the letters")
        #expect(try await step(app, alpha, id, ["step": "attach-letter", "letter": "We know Delta's team well."]).0 == .ok)
        let (_, last) = try await step(app, gamma, id, ["step": "attach-letter", "letter": "Delta handled our joint incidents well."])
        #expect(last["phase"] as? String == "member-review", "the last letter opens the review")
    }

    @Test func aCandidateBecomesAMemberThroughTheAPI() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            let id = try await submitApplication(app, candidate)
            try await bringToReview(app, id)

            let memberGamma = try await apiToken(app, "member-gamma@test.example")
            #expect(try await step(app, memberGamma, id, ["step": "comment", "kind": "objection", "text": "Their abuse desk ignored our reports in 2025."]).0 == .ok)
            let (liaisonStatus, _) = try await step(app, try await apiToken(app, "rep-beta@test.example"), id, ["step": "comment", "text": "Hello"])
            #expect(liaisonStatus == .notFound, "a Liaison neither reads nor comments on applications")
            let (officerStatus, officerProblem) = try await step(app, try await apiToken(app, "secretariat@test.example"), id, ["step": "comment", "text": "Hello"])
            #expect(officerStatus == .forbidden && officerProblem["reason"] as? String == "wrong-role", "the secretariat reads but does not comment")

            let (_, candidateView) = try await readApplication(app, candidate, id)
            let candidateApplication = try #require(candidateView["application"] as? [String: Any])
            let candidateComments = try #require(candidateApplication["comments"] as? [[String: Any]])
            #expect(candidateComments.count == 1 && candidateComments[0]["authorUserID"] == nil, "the candidate does not learn who objected")
            #expect(candidateApplication["confidentialNote"] as? String == MembershipCast.redNote)
            let (_, memberView) = try await readApplication(app, memberGamma, id)
            let memberApplication = try #require(memberView["application"] as? [String: Any])
            #expect(memberApplication["confidentialNote"] as? String == "", "TLP:RED parts are not published to the members")
            #expect((memberApplication["siteVisit"] as? [String: Any])?["confidentialFindings"] as? String == "")
            #expect((try #require(memberApplication["comments"] as? [[String: Any]]))[0]["authorUserID"] != nil)

            let boards = try await MembershipCast.boardMembers.asyncMap { try await apiToken(app, $0) }
            let (early, earlyProblem) = try await step(app, boards[0], id, ["step": "vote", "choice": "yes"])
            #expect(early == .conflict && earlyProblem["reason"] as? String == "wrong-state", "no vote during the review")

            app.renkei.clock.advance(by: 15 * 86_400)
            let (late, lateProblem) = try await step(app, memberGamma, id, ["step": "comment", "text": "One more thing"])
            #expect(late == .conflict && lateProblem["reason"] as? String == "after-deadline")
            #expect(try await step(app, boards[0], id, ["step": "vote", "choice": "yes"]).0 == .ok)
            let (twice, twiceProblem) = try await step(app, boards[0], id, ["step": "vote", "choice": "no"])
            #expect(twice == .conflict && twiceProblem["reason"] as? String == "already-voted")
            #expect(try await step(app, boards[1], id, ["step": "vote", "choice": "yes"]).0 == .ok)
            #expect(try await step(app, boards[2], id, ["step": "vote", "choice": "no"]).0 == .ok)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let (decided, decision) = try await step(app, secretariat, id, ["step": "record-decision"])
            #expect(decided == .ok && decision["phase"] as? String == "approved", "2 yes to 1 no is two thirds")

            let team = try #require(try await TeamModel.find(slug: "delta-cert", on: app.db))
            #expect(team.record.memberType == .fullMember)
            #expect(team.record.memberSince == ISO8601DateFormatter.string(from: app.renkei.clock.now, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate]))
            let applicant = try #require(try await UserModel.query(on: app.db).filter(\.$email == MembershipCast.candidate).first())
            #expect(applicant.$team.id == team.id && applicant.roleSet.contains(.teamRepresentative))

            let actions = Set(try await AuditEventModel.query(on: app.db).all().map(\.action))
            for action in ["application.submit", "sponsorship.accept", "site-visit.file", "review.open", "review.objection", "vote.cast", "decision.approve",
                           "user.roles", "application.read-red"] {
                #expect(actions.contains(action), "the audit log records \(action)")
            }
            let redReaders = Set(try await AuditEventModel.query(on: app.db).filter(\.$action == "application.read-red").all().map(\.actor))
            #expect(redReaders.isSuperset(of: MembershipCast.boardMembers) && !redReaders.contains("member-gamma@test.example"),
                    "readings of TLP:RED parts are logged, and members never read them")
            let notices = try await NotificationModel.query(on: app.db).filter(\.$userID == applicant.requireID()).count()
            #expect(notices >= 5, "the candidate hears of every step")
        }
    }

    @Test func refusalsOfTheProcessAreProblemsNamingTheRule() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            var sameHost = MembershipCast.applicationBody(sponsors: ["gamma-cert", "alpha-cert"])
            sameHost["hostOrganisation"] = "gamma networks bv"
            try await app.testing().test(.POST, "/api/v1/membership/applications", headers: bearer(candidate), body: try jsonBody(sameHost)) { response in
                #expect(response.status == .conflict)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                let problem = try jsonObject(response)
                #expect(problem["reason"] as? String == "same-host-organisation")
            }
            try await app.testing().test(.POST, "/api/v1/membership/applications", headers: bearer(candidate),
                                         body: try jsonBody(MembershipCast.applicationBody(sponsors: ["alpha-cert", "beta-csirt"]))) { response in
                let problem = try jsonObject(response)
                #expect(problem["reason"] as? String == "sponsor-not-full-member")
            }
            var incomplete = MembershipCast.applicationBody()
            incomplete["sim3"] = ["O-1": ["level": 9, "comment": ""]]
            try await app.testing().test(.POST, "/api/v1/membership/applications", headers: bearer(candidate), body: try jsonBody(incomplete)) { response in
                #expect(response.status == .badRequest || response.status == .unprocessableEntity, "level 9 is not a SIM3 level")
            }
            #expect(try await ApplicationModel.query(on: app.db).count() == 0, "nothing is stored from a refused application")

            let id = try await submitApplication(app, candidate)
            try await app.testing().test(.POST, "/api/v1/membership/applications", headers: bearer(candidate),
                                         body: try jsonBody(MembershipCast.applicationBody())) { response in
                let problem = try jsonObject(response)
                #expect(problem["reason"] as? String == "wrong-state", "one open application at a time")
            }
            let member = try await apiToken(app, "member-alpha@test.example")
            let (status, problem) = try await step(app, member, id, ["step": "answer-sponsorship", "answer": "accept"])
            #expect(status == .notFound || (status == .forbidden && problem["reason"] as? String == "wrong-role"),
                    "an ordinary member neither reads nor answers for a sponsor before the review")
            let (badStep, badProblem) = try await step(app, candidate, id, ["step": "promote-myself"])
            #expect(badStep == .unprocessableEntity && (badProblem["errors"] as? [[String: Any]])?.first?["field"] as? String == "step")
            try await app.testing().test(.GET, "/api/v1/membership/applications/\(id)", headers: bearer(try await apiToken(app, "rep-beta@test.example"))) { response in
                #expect(response.status == .notFound, "an application is not readable by a team that takes no part in it")
            }
        }
    }

    @Test func quorumMustBeMetBeforeTheDecisionAndTheVoteCanBeExtended() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            let id = try await submitApplication(app, candidate)
            try await bringToReview(app, id)
            app.renkei.clock.advance(by: 15 * 86_400)
            func announcements(_ action: String) async throws -> Int {
                try await MembershipStore.announceDeadlines(at: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
                return try await AuditEventModel.query(on: app.db).filter(\.$action == action).count()
            }
            #expect(try await announcements("review.close") == 1)
            #expect(try await announcements("review.close") == 1, "a deadline is announced once")
            let boardNotices = try await NotificationModel.query(on: app.db).filter(\.$text ~~ "the board votes until").count()
            #expect(boardNotices == MembershipCast.boardMembers.count + 1, "every board member and the candidate hear that the vote is open")
            let board = try await apiToken(app, MembershipCast.boardMembers[0])
            #expect(try await step(app, board, id, ["step": "vote", "choice": "yes"]).0 == .ok)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let (open, openProblem) = try await step(app, secretariat, id, ["step": "record-decision"])
            #expect(open == .conflict && openProblem["reason"] as? String == "wrong-state", "the vote is still open")
            app.renkei.clock.advance(by: 15 * 86_400)
            #expect(try await announcements("vote.close") == 1)
            let (lateVote, lateProblem) = try await step(app, try await apiToken(app, MembershipCast.boardMembers[1]), id, ["step": "vote", "choice": "yes"])
            #expect(lateVote == .conflict && lateProblem["reason"] as? String == "after-deadline")
            let (quorum, quorumProblem) = try await step(app, secretariat, id, ["step": "record-decision"])
            #expect(quorum == .conflict && quorumProblem["reason"] as? String == "quorum-not-met", "1 of 3 board members is below half")
            let until = ISO8601DateFormatter().string(from: app.renkei.clock.now.addingTimeInterval(3 * 86_400))
            #expect(try await step(app, secretariat, id, ["step": "extend-vote", "until": until]).0 == .ok)
            #expect(try await step(app, try await apiToken(app, MembershipCast.boardMembers[1]), id, ["step": "vote", "choice": "no"]).0 == .ok)
            app.renkei.clock.advance(by: 4 * 86_400)
            #expect(try await announcements("vote.close") == 2, "the extended vote's end is announced too")
            #expect(try await announcements("review.close") == 1)
            let (decided, decision) = try await step(app, secretariat, id, ["step": "record-decision"])
            #expect(decided == .ok && decision["phase"] as? String == "rejected", "1 yes to 1 no is short of two thirds")
            #expect(try await TeamModel.find(slug: "delta-cert", on: app.db) == nil, "a rejected candidate does not enter the directory")
        }
    }

    @Test func membershipStatementsVerifyAgainstThePublishedKeysAndTellSuspension() async throws {
        try await withRenkei { app, _ in
            var token = ""
            try await app.testing().test(.GET, "/api/v1/teams/alpha-cert/membership") { response in
                #expect(response.status == .ok)
                token = try #require(try jsonObject(response)["statement"] as? String)
            }
            var keys = JWKSet(keys: [])
            try await app.testing().test(.GET, "/.well-known/jwks.json") { response in
                #expect(response.headers.contentType?.description.hasPrefix("application/jwk-set+json") == true)
                keys = try JWKSet.parse(Data(buffer: response.body))
            }
            let statement = try MembershipStatement.verify(token, keys: keys, at: app.renkei.clock.now)
            #expect(statement.membership.team == "alpha-cert" && statement.membership.type == "Full Member" && statement.membership.status == "active")
            #expect(statement.membership.since == "2010-01-01" && statement.iss == "https://renkei.test")
            #expect(throws: JWSError.self) { try MembershipStatement.verify(token, keys: keys, at: app.renkei.clock.now.addingTimeInterval(31 * 86_400)) }

            let secretariat = try await apiToken(app, "secretariat@test.example")
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/membership", headers: bearer(secretariat),
                                         body: try jsonBody(["change": "suspend", "reason": "Unpaid fees"])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/teams/alpha-cert/membership", headers: ["Accept": "application/jwt"]) { response in
                #expect(response.headers.contentType?.description == "application/jwt")
                let suspended = try MembershipStatement.verify(response.body.string, keys: keys, at: app.renkei.clock.now)
                #expect(suspended.membership.status == "suspended")
                #expect(!response.body.string.contains("Unpaid"), "the public statement does not carry the reason")
            }
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/membership", headers: bearer(try await apiToken(app, "rep-alpha@test.example")),
                                         body: try jsonBody(["change": "reinstate"])) { response in
                #expect(response.status == .forbidden, "a team does not reinstate itself")
            }
            try await app.testing().test(.GET, "/api/v1/teams/no-such-team/membership") { response in
                #expect(response.status == .notFound)
            }
            try await app.testing().test(.GET, "/.well-known/jwks.json", headers: ["Authorization": "Bearer rk_revoked"]) { response in
                #expect(response.status == .ok, "the public keys do not depend on a token")
            }
        }
    }

    @Test func twoFactorSignInIsRequiredForRepresentativesAndCodesWorkOnce() async throws {
        try await withRenkei { app, _ in
            var session = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, "/sign-in") { response in
                session.cookie = try #require(sessionCookie(from: response))
                session.csrf = try #require(csrfToken(in: response.body.string))
            }
            let password = formBody([("_csrf", session.csrf), ("email", "rep-alpha@test.example"), ("password", Fixture.passwords["rep-alpha@test.example"]!)])
            try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(), body: password) { response in
                #expect(response.headers.first(name: .location) == "/sign-in/two-factor")
                if let renewed = sessionCookie(from: response) { session.cookie = renewed }
            }
            try await app.testing().test(.GET, "/account", headers: session.headers) { response in
                #expect(response.status == .seeOther, "the password alone does not sign in")
            }
            try await app.testing().test(.POST, "/sign-in/two-factor", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("code", "000000")])) { response in
                #expect(response.status == .unauthorized)
            }
            let code = try await nextTOTPCode(app, "rep-alpha@test.example")
            try await app.testing().test(.POST, "/sign-in/two-factor", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
                #expect(response.status == .seeOther)
                if let renewed = sessionCookie(from: response) { session.cookie = renewed }
            }
            try await app.testing().test(.GET, "/account", headers: session.headers) { response in
                #expect(response.status == .ok)
            }
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-alpha@test.example").first())
            let replayed = try await TwoFactor.verify(code, for: user, at: app.renkei.clock.now, on: app.db)
            #expect(replayed == nil, "a code is accepted once")

            // A board member without a second factor is sent to set one up, then gets recovery codes.
            let hash = try Bcrypt.hash("board-member-pass", cost: 4)
            try await UserModel(email: "new-board@test.example", displayName: "Nora Board", passwordHash: hash, roles: [.member, .board], teamID: nil,
                                createdAt: Date()).create(on: app.db)
            let board = try await signIn(app, "new-board@test.example", password: "board-member-pass")
            var secret = ""
            try await app.testing().test(.GET, "/teams", headers: board.headers) { response in
                #expect(response.status == .seeOther && response.headers.first(name: .location) == "/account/two-factor")
            }
            try await app.testing().test(.GET, "/account/two-factor", headers: board.headers) { response in
                let html = response.body.string
                let range = try #require(html.range(of: #"<code id="totp-secret">[A-Z2-7]+</code>"#, options: .regularExpression))
                secret = String(html[range].dropFirst(#"<code id="totp-secret">"#.count).dropLast("</code>".count))
                #expect(html.contains("otpauth://totp/Renkei:new-board@test.example?secret=\(secret)"))
            }
            let enrolCode = RenkeiCore.TOTP(secret: try #require(Base32.decode(secret))).code(at: app.renkei.clock.now)
            var recovery = ""
            try await app.testing().test(.POST, "/account/two-factor", headers: board.formHeaders(),
                                         body: formBody([("_csrf", board.csrf), ("code", enrolCode)])) { response in
                let html = response.body.string
                #expect(html.contains("id=\"recovery-codes\""))
                let range = try #require(html.range(of: #"<li><code>[a-z2-7]{5}-[a-z2-7]{5}</code>"#, options: .regularExpression))
                recovery = String(html[range].dropFirst("<li><code>".count).dropLast("</code>".count))
            }
            try await app.testing().test(.GET, "/teams", headers: board.headers) { response in
                #expect(response.status == .ok, "enrolled, the board member may continue")
            }
            let boardUser = try #require(try await UserModel.query(on: app.db).filter(\.$email == "new-board@test.example").first())
            #expect(try await TwoFactor.verify(recovery.uppercased(), for: boardUser, at: app.renkei.clock.now, on: app.db) == .recoveryCode)
            #expect(try await TwoFactor.verify(recovery, for: boardUser, at: app.renkei.clock.now, on: app.db) == nil, "a recovery code works once")
            let signIns = try await AuditEventModel.query(on: app.db).filter(\.$action == "sign-in").all()
            #expect(signIns.contains { $0.subject == "rep-alpha@test.example" && $0.detail == "password and TOTP" })
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "sign-in.failed").count() >= 1)
        }
    }

    @Test func theAuditLogIsAppendOnlyAndOnlyTheSecretariatReadsIt() async throws {
        try await withRenkei { app, _ in
            _ = try await signIn(app, "member-alpha@test.example")
            let sql = try #require(app.db as? any SQLDatabase)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_events SET actor = 'someone else'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_events").run() }
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$actor == "member-alpha@test.example").count() == 1)

            let member = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.GET, "/admin/audit", headers: member.headers) { response in
                #expect(response.status == .forbidden)
            }
            try await app.testing().test(.GET, "/api/v1/audit", headers: bearer(try await apiToken(app, "rep-alpha@test.example"))) { response in
                #expect(response.status == .forbidden)
            }
            let secretariat = try await signIn(app, "secretariat@test.example")
            try await app.testing().test(.GET, "/admin/audit?action=sign-in&actor=member-alpha", headers: secretariat.headers) { response in
                #expect(response.status == .ok)
                let html = response.body.string
                #expect(html.contains("member-alpha@test.example") && !html.contains("<td>secretariat@test.example</td>"))
            }
            let officer = try await apiToken(app, "secretariat@test.example")
            try await app.testing().test(.GET, "/api/v1/audit?action=sign-in&since=2000-01-01", headers: bearer(officer)) { response in
                let events = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                #expect(events.count == 3 && events.allSatisfy { ($0["action"] as? String)?.hasPrefix("sign-in") == true })
            }
            try await app.testing().test(.GET, "/api/v1/audit?until=2000-01-01T00:00:00Z", headers: bearer(officer)) { response in
                let events = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                #expect(events.isEmpty)
            }
            try await app.testing().test(.GET, "/api/v1/audit?since=yesterday", headers: bearer(officer)) { response in
                #expect(response.status == .unprocessableEntity)
            }
            // The page lists nothing for a filter it cannot read: an unfiltered log would pass for a filtered one.
            try await app.testing().test(.GET, "/admin/audit?action=sign-in&since=yesterday", headers: secretariat.headers) { response in
                #expect(response.status == .unprocessableEntity)
                let html = response.body.string
                #expect(!html.contains("id=\"audit-entries\"") && !html.contains("member-alpha@test.example"))
                #expect(html.contains("<a href=\"#audit-since\">“yesterday” is not a date"))
                #expect(html.contains("id=\"audit-since\" name=\"since\" value=\"yesterday\""), "the filter typed is kept")
                #expect(html.contains("Nothing is listed until the filter can be read."))
            }
        }
    }

    @Test func representativesInviteMembersUpToTwoRepresentatives() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-alpha@test.example")
            var link = ""
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(rep),
                                         body: try jsonBody(["email": "second-rep@alpha.example", "role": "team-representative"])) { response in
                #expect(response.status == .created)
                link = try #require(try jsonObject(response)["link"] as? String)
            }
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(rep),
                                         body: try jsonBody(["email": "third-rep@alpha.example", "role": "team-representative"])) { response in
                let problem = try jsonObject(response)
                #expect(response.status == .conflict && problem["reason"] as? String == "representative-limit")
            }
            try await app.testing().test(.POST, "/api/v1/teams/beta-csirt/invitations", headers: bearer(rep),
                                         body: try jsonBody(["email": "intruder@alpha.example"])) { response in
                #expect(response.status == .forbidden, "a representative invites only to their own team")
            }
            let path = String(link.dropFirst("https://renkei.test".count))
            var session = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, path) { response in
                #expect(response.status == .ok && response.body.string.contains("second-rep@alpha.example"))
                session.cookie = try #require(sessionCookie(from: response))
                session.csrf = try #require(csrfToken(in: response.body.string))
            }
            try await app.testing().test(.POST, path, headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("displayName", "Sue Second"), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .seeOther)
            }
            let joined = try #require(try await UserModel.query(on: app.db).filter(\.$email == "second-rep@alpha.example").first())
            #expect(joined.roleSet == [.member, .teamRepresentative])
            try await app.testing().test(.GET, path) { response in
                #expect(response.status == .notFound, "an invitation works once")
            }
        }
    }

    @Test func theApplicationFormShowsEveryProblemAtOnceAndStoresNothing() async throws {
        try await withRenkei { app, _ in
            var cookie = "", csrf = ""
            try await app.testing().test(.GET, "/membership/apply") { response in
                #expect(response.status == .ok)
                let html = response.body.string
                #expect(html.components(separatedBy: "name=\"level[").count - 1 == SIM3.parameters.count, "every SIM3 parameter is rated")
                cookie = try #require(sessionCookie(from: response))
                csrf = try #require(csrfToken(in: html))
            }
            let headers: HTTPHeaders = ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"]
            var fields = [("_csrf", csrf), ("accountEmail", "not-an-address"), ("accountName", "Ada"),
                          ("shortName", "Epsilon-CERT"), ("officialName", "Epsilon CERT"), ("countryCode", "XX"), ("email", "cert@epsilon.example"),
                          ("membershipType", "Full Member"), ("hostOrganisation", "Epsilon Group"), ("services", "Incident handling."),
                          ("sponsors", "alpha-cert")]
            fields += SIM3.parameters.map { ("level[\($0.id)]", "2") }
            try await app.testing().test(.POST, "/membership/apply", headers: headers, body: formBody(fields)) { response in
                #expect(response.status == .unprocessableEntity)
                let html = response.body.string
                for message in ["Give your e-mail address.", "needs exactly 2 sponsor(s)"] {
                    #expect(html.contains(message), "the form shows: \(message)")
                }
                #expect(html.contains("field invalid") && html.contains("value=\"Epsilon-CERT\""), "errors beside the fields, input kept")
            }
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "not-an-address").count() == 0)
            #expect(try await ApplicationModel.query(on: app.db).count() == 0)
        }
    }

    @Test func peopleOfATeamWhoseMembershipEndedReadAsVisitorsDo() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let secretariat = try await apiToken(app, "secretariat@test.example")
            for (change, stillMembers) in [("suspend", true), ("terminate", false)] {
                try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/membership", headers: bearer(secretariat),
                                             body: try jsonBody(["change": change, "reason": "Board decision 2026-11"])) { response in
                    #expect(response.status == .ok)
                }
                try await app.testing().test(.GET, "/api/v1/teams/beta-csirt", headers: bearer(member)) { response in
                    #expect(response.body.string.contains("secret@beta.example") == stillMembers,
                            "after \(change), members-only data is \(stillMembers ? "still" : "no longer") readable")
                }
            }
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.GET, "/teams/beta-csirt", headers: session.headers) { response in
                #expect(response.body.string.contains("members-only-notice") && !response.body.string.contains("secret@beta.example"))
            }
        }
    }

    @Test func aCandidateWithoutATeamReadsTheDirectoryAsAVisitorDoes() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            try await app.testing().test(.GET, "/api/v1/teams/alpha-cert", headers: bearer(candidate)) { response in
                #expect(response.status == .ok)
                #expect(!response.body.string.contains(Fixture.alphaInternal) && !response.body.string.contains(Fixture.alphaEmergency))
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
