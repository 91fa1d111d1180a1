import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13: invitations are mailed through the outbox and name the role and the expiry as
/// people read them, in the mail, on the page after inviting and on the invitation page.
extension ServerTests {
    /// "19 December 2026, 14:05 UTC", formatted here independently of the code under test.
    private func humanUTC(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(parts.day!) \(months[parts.month! - 1]) \(parts.year!), \(String(format: "%02d:%02d", parts.hour!, parts.minute!)) UTC"
    }

    @Test func invitationsAreMailedWithRoleNamesAndAReadableExpiry() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            var page = ""
            try await app.testing().test(.POST, "/teams/alpha-cert/invitations", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("email", "Nina@Alpha.example"), ("displayName", "Nina"),
                                                         ("role", "team-representative")])) { response in
                #expect(response.status == .ok)
                page = response.body.string
            }
            let invitation = try #require(try await InvitationModel.query(on: app.db).filter(\.$email == "nina@alpha.example").first())
            let expiry = humanUTC(invitation.expiresAt)
            #expect(page.contains("The invitation was mailed to <strong>nina@alpha.example</strong>, as <strong>Member, Team representative</strong>."))
            #expect(page.contains(#"<span id="invitation-expires">\#(expiry)</span>"#))
            let linkRange = try #require(page.range(of: #"https://renkei\.test/invitations/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let link = String(page[linkRange])

            let mails = try await mailTexts(to: "nina@alpha.example", app)
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            let delivery = try #require(try await MailDeliveryModel.query(on: app.db).filter(\.$recipient == "nina@alpha.example").with(\.$message).first())
            #expect(delivery.message.subject == "Invitation to join Alpha-CERT on Renkei")
            #expect(mail.contains("Rita Rep invited you to join Alpha-CERT"))
            #expect(mail.contains("Your role: Member, Team representative."))
            #expect(mail.contains(link))
            #expect(mail.contains("until \(expiry)."))
            #expect(!mail.contains("team-representative"))
            let unix = String(Int(invitation.expiresAt.timeIntervalSince1970))
            #expect(!mail.contains(unix) && !page.contains(unix))

            try await app.testing().test(.GET, String(link.dropFirst("https://renkei.test".count))) { response in
                #expect(response.body.string.contains(#"<strong id="invited-role">Member, Team representative</strong>"#))
                #expect(response.body.string.contains(#"<span id="invitation-expires">\#(expiry)</span>"#))
            }
        }
    }

    @Test func invitationsFromTheAPIAreMailedToo() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(try await apiToken(app, "rep-alpha@test.example")),
                                         body: try jsonBody(["email": "omar@alpha.example"])) { response in
                #expect(response.status == .created)
                let document = try jsonObject(response)
                #expect(document["role"] as? String == "member")
                #expect(document["roleName"] as? String == "Member")
            }
            let mails = try await mailTexts(to: "omar@alpha.example", app)
            #expect(mails.count == 1)
            #expect(mails.first?.contains("Your role: Member.") == true)
            // A refused invitation queues nothing.
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(try await apiToken(app, "member-alpha@test.example")),
                                         body: try jsonBody(["email": "zoe@alpha.example"])) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try await mailTexts(to: "zoe@alpha.example", app).isEmpty)
        }
    }
}
