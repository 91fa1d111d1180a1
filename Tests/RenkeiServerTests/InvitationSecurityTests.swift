import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 12, items 11 and 16: an invitation is accepted only while its team is an active
/// member, and a second invitation for an address that has an account is a clear 409.
extension ServerTests {
    /// Invites `email` to Alpha-CERT as its representative does, and returns the link's path.
    func invite(_ app: Application, _ email: String, role: String = "member") async throws -> String {
        var link = ""
        try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(try await apiToken(app, "rep-alpha@test.example")),
                                     body: try jsonBody(["email": email, "role": role])) { response in
            #expect(response.status == .created, "\(response.body.string)")
            link = try #require(try jsonObject(response)["link"] as? String)
        }
        return String(link.dropFirst("https://renkei.test".count))
    }

    /// Opens the invitation page and posts the acceptance form; the status of the post.
    func acceptInvitation(_ app: Application, _ path: String) async throws -> (HTTPStatus, String) {
        var cookie = "", csrf = ""
        try await app.testing().test(.GET, "/sign-in") { response in
            cookie = try #require(sessionCookie(from: response))
            csrf = try #require(csrfToken(in: response.body.string))
        }
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(.POST, path, headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                     body: formBody([("_csrf", csrf), ("displayName", "Nina New"), ("password", "a-long-password-1")])) { response in
            result = (response.status, response.body.string)
        }
        return result
    }

    @Test func aSecondInvitationForTheSameAddressSaysToSignIn() async throws {
        try await withRenkei { app, _ in
            let first = try await invite(app, "nina@alpha.example")
            let second = try await invite(app, "nina@alpha.example")
            #expect(try await acceptInvitation(app, first).0 == .seeOther)

            try await app.testing().test(.GET, second) { response in
                #expect(response.status == .conflict)
                #expect(response.body.string.contains("sign in"))
            }
            let (status, body) = try await acceptInvitation(app, second)
            #expect(status == .conflict, "not a 500")
            #expect(body.contains("There is already an account for nina@alpha.example"))
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "nina@alpha.example").count() == 1)
        }
    }

    @Test func invitationsLapseWhenTheTeamsMembershipEnds() async throws {
        try await withRenkei { app, _ in
            let path = try await invite(app, "late@alpha.example")
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/membership", headers: bearer(try await apiToken(app, "secretariat@test.example")),
                                         body: try jsonBody(["change": "terminate", "reason": "Ceased operations"])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, path) { response in
                #expect(response.status == .conflict)
                #expect(response.body.string.contains("not an active member"))
            }
            #expect(try await acceptInvitation(app, path).0 == .conflict)
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "late@alpha.example").count() == 0)

            // Nor can anyone invite to it any more, the secretariat included.
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/invitations", headers: bearer(try await apiToken(app, "secretariat@test.example")),
                                         body: try jsonBody(["email": "later@alpha.example"])) { response in
                let problem = try jsonObject(response)
                #expect(response.status == .conflict && problem["reason"] as? String == "wrong-state")
            }
        }
    }
}
