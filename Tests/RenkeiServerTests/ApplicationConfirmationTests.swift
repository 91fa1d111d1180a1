import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// A visitor's application form, filled in for `email`, with the session that opened it.
private func applicationForm(_ app: Application, email: String) async throws -> (BrowserSession, [(String, String)]) {
    var session = BrowserSession(cookie: "", csrf: "")
    try await app.testing().test(.GET, "/membership/apply") { response in
        session.cookie = try #require(sessionCookie(from: response))
        session.csrf = try #require(csrfToken(in: response.body.string))
    }
    var fields = [("_csrf", session.csrf), ("accountEmail", email), ("accountName", "Ada Applicant"),
                  ("shortName", "Epsilon-CERT"), ("officialName", "Epsilon CERT"),
                  ("countryCode", "FR"), ("email", "cert@epsilon.example"), ("membershipType", "Liaison"),
                  ("hostOrganisation", "Epsilon Group"), ("services", "Incident handling."), ("sponsors", "alpha-cert")]
    fields += SIM3.parameters.map { ("level[\($0.id)]", "2") }
    return (session, fields)
}

/// Applies as a visitor and returns the status and page the form answered with.
private func apply(_ app: Application, email: String) async throws -> (HTTPStatus, String, BrowserSession) {
    let (session, fields) = try await applicationForm(app, email: email)
    var answer: (HTTPStatus, String) = (.internalServerError, "")
    try await app.testing().test(.POST, "/membership/apply", headers: session.formHeaders(), body: formBody(fields)) { response in
        answer = (response.status, response.body.string)
    }
    return (answer.0, answer.1, session)
}

extension ServerTests {
    // MARK: whether an address has an account cannot be learned from the application form (issue 12, item 16)

    @Test func applyingAnswersTheSameWhetherOrNotTheAddressHasAnAccount() async throws {
        try await withRenkei { app, _ in
            let (knownStatus, knownPage, _) = try await apply(app, email: "member-alpha@test.example")
            let (newStatus, newPage, _) = try await apply(app, email: "ada@epsilon.example")
            #expect(knownStatus == .accepted && newStatus == .accepted)
            func withoutVaryingParts(_ page: String, _ email: String) -> String {
                page.replacingOccurrences(of: email, with: "ADDRESS")
                    .replacingOccurrences(of: #"name="_csrf" value="[^"]+""#, with: "", options: .regularExpression)
            }
            #expect(withoutVaryingParts(knownPage, "member-alpha@test.example") == withoutVaryingParts(newPage, "ada@epsilon.example"))
            #expect(newPage.contains("Check your mail"))

            // Nothing is an account or an application until the address is confirmed.
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "ada@epsilon.example").count() == 0)
            #expect(try await ApplicationModel.query(on: app.db).count() == 0)
            #expect(try await PendingApplicationModel.query(on: app.db).count() == 1, "only the new address waits")

            // The owner of the account learns it from their mailbox; the new address gets the link.
            let toOwner = try #require(try await mailTexts(to: "member-alpha@test.example", app).last)
            #expect(toOwner.contains("This address already has an account, so nothing was submitted."))
            #expect(toOwner.contains("https://renkei.test/sign-in?next=/membership/apply"))
            #expect(!toOwner.contains("/membership/confirm/"))
            let toNew = try #require(try await mailTexts(to: "ada@epsilon.example", app).last)
            #expect(toNew.contains("https://renkei.test/membership/confirm/"))
            #expect(!toNew.contains("already has an account"))
        }
    }

    @Test func theConfirmationLinkSubmitsTheApplicationOnceAndSignsIn() async throws {
        try await withRenkei { app, _ in
            let (status, _, session) = try await apply(app, email: "ada@epsilon.example")
            #expect(status == .accepted)
            let path = try #require(try await confirmationPath(to: "ada@epsilon.example", app))
            try await app.testing().test(.GET, path, headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("id=\"confirm-team\">Epsilon-CERT<"))
            }
            #expect(try await ApplicationModel.query(on: app.db).count() == 0, "opening the link (a mail scanner does) submits nothing")

            try await app.testing().test(.POST, path, headers: session.formHeaders(), body: formBody([("_csrf", session.csrf), ("password", "short")])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("Choose a password of at least 12 characters."))
            }
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "ada@epsilon.example").count() == 0)
            var location = ""
            try await app.testing().test(.POST, path, headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .seeOther)
                location = response.headers.first(name: .location) ?? ""
            }
            let application = try #require(try await ApplicationModel.query(on: app.db).first())
            #expect(location == "/membership/applications/\(try application.requireID().uuidString)")
            let account = try #require(try await UserModel.query(on: app.db).filter(\.$email == "ada@epsilon.example").first())
            #expect(account.displayName == "Ada Applicant" && account.roleSet.isEmpty)
            #expect(try await PendingApplicationModel.query(on: app.db).count() == 0)
            _ = try await signIn(app, "ada@epsilon.example", password: "a-long-password-1")

            let (visitor, _) = try await applicationForm(app, email: "ada@epsilon.example")
            try await app.testing().test(.POST, path, headers: visitor.formHeaders(),
                                         body: formBody([("_csrf", visitor.csrf), ("password", "a-long-password-1")])) { response in
                #expect(response.status == .notFound, "a link works once")
            }
        }
    }

    /// Whoever gives an address on the form never knows the account's password: it is chosen
    /// by the person who follows the link, so an application made in someone else's name (or
    /// a second one beside theirs) does not hand the account to its author.
    @Test func thePasswordIsChosenByWhoeverHoldsTheMailbox() async throws {
        try await withRenkei { app, _ in
            let (session, fields) = try await applicationForm(app, email: "ada@epsilon.example")
            try await app.testing().test(.POST, "/membership/apply", headers: session.formHeaders(),
                                         body: formBody(fields + [("accountPassword", "the-attackers-password")])) { response in
                #expect(response.status == .accepted)
            }
            try await app.testing().test(.GET, "/membership/apply") { response in
                #expect(!response.body.string.contains("type=\"password\""), "the form asks for no password")
            }
            let path = try #require(try await confirmationPath(to: "ada@epsilon.example", app))
            let (owner, _) = try await applicationForm(app, email: "ada@epsilon.example")
            try await app.testing().test(.POST, path, headers: owner.formHeaders(),
                                         body: formBody([("_csrf", owner.csrf), ("password", "the-owners-password")])) { response in
                #expect(response.status == .seeOther)
            }
            let account = try #require(try await UserModel.query(on: app.db).filter(\.$email == "ada@epsilon.example").first())
            #expect(try Bcrypt.verify("the-owners-password", created: account.passwordHash))
            #expect(try !Bcrypt.verify("the-attackers-password", created: account.passwordHash))
        }
    }

    @Test func anAddressThatCouldRewriteTheMailIsRefused() async throws {
        try await withRenkei { app, _ in
            for address in ["inj@x.example>\r\nRCPT TO:<smuggled@evil.example", "two@@x.example", "no-domain@", "spaced out@x.example", "a@localhost"] {
                app.renkei.clock.advance(by: 16 * 60)
                let (status, _, _) = try await apply(app, email: address)
                #expect(status == .unprocessableEntity, "\(address)")
            }
            #expect(try await MailDeliveryModel.query(on: app.db).count() == 0)
        }
    }

    @Test func theFormMailsAnAddressOnlyAFewTimesADayWhetherOrNotItHasAnAccount() async throws {
        try await withRenkei { app, _ in
            for email in ["member-alpha@test.example", "ada@epsilon.example"] {
                for attempt in 1...3 {
                    let email = attempt == 2 ? email.replacingOccurrences(of: "@", with: "+\(attempt)@") : email
                    // Past the per-client slow-down, which is not what this test is about.
                    app.renkei.clock.advance(by: 16 * 60)
                    #expect(try await apply(app, email: email).0 == .accepted, "\(email), attempt \(attempt)")
                }
                app.renkei.clock.advance(by: 16 * 60)
                let (status, page, _) = try await apply(app, email: email)
                #expect(status == .tooManyRequests, "\(email): the fourth application in a day mails nothing")
                #expect(page.contains("Confirmation mails have already gone to this address today"))
                let tagged = email.replacingOccurrences(of: "@", with: "+2@")
                #expect(try await mailTexts(to: email, app).count + mailTexts(to: tagged, app).count == 3, "a +tag is the same mailbox")
            }
        }
    }

    @Test func anUnknownOrExpiredConfirmationLinkIsNotFound() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/membership/confirm/rk_not-a-link") { response in
                #expect(response.status == .notFound)
            }
            _ = try await apply(app, email: "ada@epsilon.example")
            let path = try #require(try await confirmationPath(to: "ada@epsilon.example", app))
            app.renkei.clock.advance(by: 2 * 86_400 + 1)
            try await app.testing().test(.GET, path) { response in
                #expect(response.status == .notFound)
                #expect(response.body.string.contains("unknown or has expired"))
            }
        }
    }
}
