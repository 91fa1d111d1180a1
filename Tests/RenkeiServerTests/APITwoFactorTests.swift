import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 12, item 4: the second factor holds on the API too. Every path that gives someone a
/// role needing it, or takes their factor away, stops the tokens they made before, and tells
/// them; a person whose roles need the factor uses tokens only once it is enrolled.
extension ServerTests {
    /// The status of an authenticated API read with `token`, as a Bearer header or in the query.
    func tokenStatus(_ app: Application, _ token: String, inQuery: Bool = false) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        if inQuery {
            try await app.testing().test(.GET, "/feeds/items.atom?token=\(token)") { result = ($0.status, $0.body.string) }
        } else {
            try await app.testing().test(.GET, "/api/v1/membership/applications", headers: ["Authorization": "Bearer \(token)"]) {
                result = ($0.status, $0.body.string)
            }
        }
        return result
    }

    /// Runs `renkei user ARGUMENTS` against `app`, as the command line does.
    func runUserCommand(_ app: Application, _ arguments: [String]) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["renkei"] + arguments))
        context.application = app
        try await UserCommand().run(using: &context)
    }

    func notifications(_ app: Application, _ email: String) async throws -> [String] {
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        return try await NotificationModel.query(on: app.db).filter(\.$userID == user.requireID()).all().map(\.text)
    }

    func mails(_ app: Application, to email: String) async throws -> Int {
        try await MailDeliveryModel.query(on: app.db).filter(\.$recipient == email).count()
    }

    @Test func aRoleGrantedOnTheCommandLineStopsOlderTokens() async throws {
        try await withRenkei { app, _ in
            let email = "member-alpha@test.example"
            let token = try await apiToken(app, email)
            #expect(try await tokenStatus(app, token).0 == .ok)
            #expect(try await tokenStatus(app, token, inQuery: true).0 == .ok)

            try await runUserCommand(app, ["roles", "--email", email, "--roles", "member,board"])

            let (status, body) = try await tokenStatus(app, token)
            #expect(status == .unauthorized, "a member made board keeps no token from before")
            #expect(body.contains("revoked"))
            #expect(try await tokenStatus(app, token, inQuery: true).0 == .unauthorized, "nor in a feed URL")
            let revoked = try await APITokenModel.query(on: app.db).filter(\.$tokenHash == APITokens.hash(token)).first()
            #expect(revoked?.revokedAt != nil)
            let notes = try await notifications(app, email)
            #expect(notes.contains { $0.contains("Board") && $0.contains("revoked") }, "the owner is told: \(notes)")
            #expect(try await mails(app, to: email) == 1, "by mail too")

            // Without a second factor a new token does not work either, and none can be made on the account page.
            let fresh = try await apiToken(app, email)
            let (freshStatus, freshBody) = try await tokenStatus(app, fresh)
            #expect(freshStatus == .unauthorized && freshBody.contains("two-factor sign-in"))
        }
    }

    @Test func rolesThatNeedNoSecondFactorKeepTheTokens() async throws {
        try await withRenkei { app, _ in
            let email = "member-alpha@test.example"
            let token = try await apiToken(app, email)
            try await runUserCommand(app, ["roles", "--email", email, "--roles", "member,sig-chair"])
            #expect(try await tokenStatus(app, token).0 == .ok)
            #expect(try await notifications(app, email).isEmpty)
        }
    }

    @Test func resettingTheSecondFactorStopsTheTokens() async throws {
        try await withRenkei { app, _ in
            let email = "rep-alpha@test.example"
            let token = try await apiToken(app, email)
            #expect(try await tokenStatus(app, token).0 == .ok)

            try await runUserCommand(app, ["reset-two-factor", "--email", email])

            #expect(try await tokenStatus(app, token).0 == .unauthorized)
            let notes = try await notifications(app, email)
            #expect(notes.contains { $0.contains("second factor was removed") && $0.contains("revoked") }, "the owner is told: \(notes)")
            #expect(try await mails(app, to: email) == 1)
            // A token made while the factor is missing does not act either.
            let (status, body) = try await tokenStatus(app, try await apiToken(app, email))
            #expect(status == .unauthorized && body.contains("two-factor sign-in"))
        }
    }

    @Test func aTokenOlderThanTheSecondFactorDoesNotAct() async throws {
        try await withRenkei { app, _ in
            // The state a token left from before this fix is in: made, then the factor enrolled later.
            let email = "rep-beta@test.example"
            let token = try await apiToken(app, email)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
            user.secondFactorEnrolledAt = app.renkei.clock.now.addingTimeInterval(1)
            try await user.save(on: app.db)
            let (status, body) = try await tokenStatus(app, token)
            #expect(status == .unauthorized && body.contains("before your current second factor"))
        }
    }

    @Test func anApprovedApplicantBecomesARepresentativeAndLosesOlderTokens() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let candidate = try await apiToken(app, MembershipCast.candidate)
            let id = try await submitApplication(app, candidate)
            try await bringToReview(app, id)
            app.renkei.clock.advance(by: 15 * 86_400)
            for board in MembershipCast.boardMembers {
                #expect(try await step(app, try await apiToken(app, board), id, ["step": "vote", "choice": "yes"]).0 == .ok)
            }
            #expect(try await tokenStatus(app, candidate).0 == .ok, "the candidate's token works until the decision")
            let (decided, decision) = try await step(app, try await apiToken(app, "secretariat@test.example"), id, ["step": "record-decision"])
            #expect(decided == .ok && decision["phase"] as? String == "approved")

            let (status, _) = try await tokenStatus(app, candidate)
            #expect(status == .unauthorized, "a representative's token made without a second factor does not act")
            let notes = try await notifications(app, MembershipCast.candidate)
            #expect(notes.contains { $0.contains("Team representative") && $0.contains("revoked") }, "the new representative is told: \(notes)")
        }
    }

    @Test func anInvitedRepresentativeUsesTokensOnlyWithASecondFactor() async throws {
        try await withRenkei { app, _ in
            var link = ""
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(try await apiToken(app, "rep-alpha@test.example")),
                                         body: try jsonBody(["email": "second-rep@alpha.example", "role": "team-representative"])) { response in
                #expect(response.status == .created)
                link = try #require(try jsonObject(response)["link"] as? String)
            }
            let path = String(link.dropFirst("https://renkei.test".count))
            var session = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, path) { response in
                session.cookie = try #require(sessionCookie(from: response))
                session.csrf = try #require(csrfToken(in: response.body.string))
            }
            try await app.testing().test(.POST, path, headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("displayName", "Sue Second"), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .seeOther)
                if let renewed = sessionCookie(from: response) { session.cookie = renewed }
            }
            let (status, body) = try await tokenStatus(app, try await apiToken(app, "second-rep@alpha.example"))
            #expect(status == .unauthorized && body.contains("two-factor sign-in"))
            // The account page does not make one either: it sends the person to set up the factor.
            let before = try await APITokenModel.query(on: app.db).count()
            try await app.testing().test(.POST, "/account/tokens", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("name", "script")])) { response in
                #expect(response.status != .ok)
            }
            #expect(try await APITokenModel.query(on: app.db).count() == before)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "second-rep@alpha.example").first())
            await #expect(throws: AppError.self) { try await APITokens.create(for: user, name: "script", at: app.renkei.clock.now, on: app.db) }
        }
    }

    @Test func anAccountMadeWithAPrivilegedRoleUsesTokensOnlyWithASecondFactor() async throws {
        try await withRenkei { app, _ in
            setenv("RENKEI_PASSWORD", "a-long-password-for-cli", 1)
            defer { unsetenv("RENKEI_PASSWORD") }
            try await runUserCommand(app, ["create", "--email", "new-officer@test.example", "--name", "Olga Officer", "--roles", "secretariat"])
            let (status, body) = try await tokenStatus(app, try await apiToken(app, "new-officer@test.example"))
            #expect(status == .unauthorized && body.contains("two-factor sign-in"))
        }
    }

    @Test func theLastUseOfATokenIsWrittenAtMostOnceAMinute() async throws {
        try await withRenkei { app, _ in
            let token = try await apiToken(app, "member-alpha@test.example")
            func lastUsed() async throws -> Date? {
                try await APITokenModel.query(on: app.db).filter(\.$tokenHash == APITokens.hash(token)).first()?.lastUsedAt
            }
            #expect(try await tokenStatus(app, token).0 == .ok)
            let first = try #require(try await lastUsed())
            app.renkei.clock.advance(by: 30)
            #expect(try await tokenStatus(app, token).0 == .ok)
            #expect(try await lastUsed() == first, "not written again within a minute")
            app.renkei.clock.advance(by: 31)
            #expect(try await tokenStatus(app, token).0 == .ok)
            let later = try #require(try await lastUsed())
            #expect(later.timeIntervalSince(first) >= 60)
        }
    }
}
