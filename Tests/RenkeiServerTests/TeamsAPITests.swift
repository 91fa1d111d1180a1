import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// Creates a personal token on the account page, as a user would.
    func createToken(_ app: Application, _ session: BrowserSession, name: String = "script") async throws -> String {
        var token = ""
        try await app.testing().test(.POST, "/account/tokens", headers: session.formHeaders(),
                                     body: formBody([("_csrf", session.csrf), ("name", name)])) { response in
            let html = response.body.string
            let range = try #require(html.range(of: #"<code id="new-token">rk_[A-Za-z0-9_-]+</code>"#, options: .regularExpression))
            token = String(html[range].dropFirst(#"<code id="new-token">"#.count).dropLast("</code>".count))
        }
        return token
    }

    func bearer(_ token: String, json: Bool = true) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if json { headers.add(name: .contentType, value: "application/json") }
        return headers
    }

    @Test func apiTokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            let token = try await createToken(app, session)
            #expect(token.count > 40)
            try await app.testing().test(.GET, "/account", headers: session.headers) { response in
                #expect(!response.body.string.contains(token), "the secret is shown only once")
                #expect(response.body.string.contains(String(token.prefix(9))), "its first characters identify it")
            }
            let stored = try #require(try await APITokenModel.query(on: app.db).first())
            #expect(stored.tokenHash == APITokens.hash(token) && stored.tokenHash != token)

            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["phoneNumbers": ["+49 30 5555 0300"], "operatingHours": ["sat": ["10:00-12:00"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect(team["phoneNumbers"] as? [String] == ["+49 30 5555 0300"])
                let hours = try #require(team["operatingHours"] as? [String: Any])
                #expect(hours["sat"] as? [String] == ["10:00-12:00"])
                #expect(hours["mon"] as? [String] == ["09:00-17:00"], "nested objects merge")
                #expect(team["lastModifiedBy"] as? String == "Rita Rep")
            }
            let change = try await TeamChangeModel.query(on: app.db).filter(\.$channel == "api").first()
            #expect(change?.fields == ["phoneNumbers", "operatingHours"])

            try await app.testing().test(.POST, "/account/tokens/\(stored.requireID().uuidString)/revoke", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token), body: try jsonBody(["email": "x@alpha.example"])) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                #expect(response.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            }
        }
    }

    @Test func apiErrorsAreProblemDocumentsWithFieldDetails() async throws {
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "rep-alpha@test.example"))
            func expectProblem(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?, status: HTTPResponseStatus,
                               field: String? = nil, detailContains: String? = nil) async throws {
                try await app.testing().test(method, path, headers: headers, body: body) { response in
                    #expect(response.status == status, "\(method) \(path)")
                    #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                    let problem = try jsonObject(response)
                    #expect(problem["status"] as? Int == Int(status.code))
                    #expect(problem["title"] as? String == status.reasonPhrase)
                    if let field {
                        let errors = try #require(problem["errors"] as? [[String: Any]])
                        #expect(errors.contains { $0["field"] as? String == field }, "\(errors)")
                    }
                    if let detailContains {
                        #expect(response.body.string.contains(detailContains), "\(response.body.string)")
                    }
                }
            }
            try await expectProblem(.GET, "/api/v1/teams/nope", headers: [:], body: nil, status: .notFound)
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: ["Content-Type": "application/json"],
                                    body: try jsonBody(["email": "a@b.example"]), status: .unauthorized)
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token), body: ByteBuffer(string: "{\"email\": "),
                                    status: .badRequest, detailContains: "not valid JSON")
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token, json: false), body: ByteBuffer(string: "email=x"),
                                    status: .unsupportedMediaType)
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token), body: try jsonBody(["colour": "red"]),
                                    status: .unprocessableEntity, field: "colour")
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token), body: try jsonBody(["email": 42]),
                                    status: .badRequest, detailContains: "email")
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                    body: try jsonBody(["constituency": ["prefixes": ["198.51.100.7/24"], "asns": ["AS4294967296"]]]),
                                    status: .unprocessableEntity, field: "constituency.prefixes[0]", detailContains: "198.51.100.0/24")
            try await expectProblem(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token), body: try jsonBody(["memberType": "Associate"]),
                                    status: .unprocessableEntity, field: "memberType")
            try await expectProblem(.PATCH, "/api/v1/teams/beta-csirt", headers: bearer(token), body: try jsonBody(["email": "a@beta.example"]),
                                    status: .forbidden)
            try await expectProblem(.POST, "/api/v1/teams", headers: bearer(token), body: try jsonBody(["shortName": "New"]), status: .forbidden)
            try await expectProblem(.GET, "/api/v1/teams?region=Atlantis", headers: [:], body: nil, status: .unprocessableEntity, field: "region")
            let alpha = try await TeamModel.find(slug: "alpha-cert", on: app.db)
            #expect(alpha?.record.memberType == .fullMember && alpha?.record.constituency.prefixes == ["192.0.2.0/24"], "nothing half-written")
        }
    }

    @Test func theSessionCookieDoesNotAuthenticateTheAPI() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            var headers = session.headers
            headers.add(name: .contentType, value: "application/json")
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: headers, body: try jsonBody(["email": "evil@alpha.example"])) { response in
                #expect(response.status == .unauthorized)
            }
            try await app.testing().test(.GET, "/api/v1/teams/alpha-cert", headers: session.headers) { response in
                let team = try jsonObject(response)
                #expect(team["internalEmails"] as? [String] == [], "reads through the API use the token's rights only")
            }
        }
    }

    @Test func membersReadEveryFieldWithAToken() async throws {
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "member-alpha@test.example"))
            try await app.testing().test(.GET, "/api/v1/teams?country=jp", headers: bearer(token, json: false)) { response in
                let teams = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                #expect(teams.map { $0["slug"] as? String } == ["beta-csirt"])
                #expect(teams.first?["internalEmails"] as? [String] == ["secret@beta.example"])
                #expect(response.headers.first(name: "X-Total-Count") == "1")
            }
        }
    }

    @Test func secretariatCreatesTeamsThroughTheAPI() async throws {
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "secretariat@test.example"))
            let body: [String: Any] = ["shortName": "Delta CSIRT", "officialName": "Delta Sector CSIRT", "countryCode": "br",
                                       "email": "csirt@delta.example", "teamTypes": ["sector"], "memberType": "Full Member",
                                       "constituency": ["asns": ["64501"], "domains": ["Delta.Example"]]]
            try await app.testing().test(.POST, "/api/v1/teams", headers: bearer(token), body: try jsonBody(body)) { response in
                #expect(response.status == .created)
                #expect(response.headers.first(name: .location) == "/api/v1/teams/delta-csirt")
                let team = try jsonObject(response)
                #expect(team["countryCode"] as? String == "BR")
                let constituency = try #require(team["constituency"] as? [String: Any])
                #expect(constituency["asns"] as? [String] == ["AS64501"] && constituency["domains"] as? [String] == ["delta.example"])
            }
            try await app.testing().test(.POST, "/api/v1/teams", headers: bearer(token), body: try jsonBody(body)) { response in
                #expect(response.status == .unprocessableEntity, "the slug is taken")
                #expect(response.body.string.contains("\"slug\""))
            }
            try await app.testing().test(.GET, "/api/v1/teams/delta-csirt") { response in
                let team = try jsonObject(response)
                #expect(team["shortName"] as? String == "Delta CSIRT")
            }
        }
    }

    @Test func pgpKeysAreReadByGnuPGAndChecked() async throws {
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "rep-alpha@test.example"))
            let key = try fixtureKey("csirt")
            let expired = try fixtureKey("old")
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": key, "fingerprint": "0x7557 E6E1 B9A0 7498 5902  8C3C 94C8 A1AA 21D8 B1E6"]]])) { response in
                #expect(response.status == .ok)
                let keys = try #require(try jsonObject(response)["pgpKeys"] as? [[String: Any]])
                #expect(keys.first?["fingerprint"] as? String == "7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6")
                #expect(keys.first?["userIDs"] as? [String] == ["Example Team CSIRT (fictional test key) <csirt@team.example>"])
                #expect(keys.first?["algorithm"] as? String == "ed25519")
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": expired, "fingerprint": "7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6"]]])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("4A40955E7CE059DBE9589079811E76C09EDE95F2"), "the message names the key's real fingerprint")
                #expect(response.body.string.contains("pgpKeys[0].fingerprint"))
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----"]]])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("pgpKeys[0].armored"))
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": key + "\n" + expired]]])) { response in
                #expect(response.status == .unprocessableEntity, "one key per entry")
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": key], ["armored": expired]], "publicFields": ["email", "pgpKeys"]])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/teams/alpha-cert") { response in
                let html = response.body.string
                #expect(html.contains("7557 E6E1 B9A0 7498 5902 8C3C 94C8 A1AA 21D8 B1E6"))
                #expect(html.contains("expired 2020-12-31"), "an expired key is flagged")
            }
            let session = try await signIn(app, "rep-alpha@test.example")
            try await app.testing().test(.GET, "/teams/alpha-cert/edit", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("value=\"7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6\""), "each key can be removed")
            }
            try await app.testing().test(.GET, "/global-irt/v1/teams?team=alpha&fields=enckeys") { response in
                #expect(response.body.string.contains("0x7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6"))
            }
        }
    }
}
