import Foundation
import Fluent
import RenkeiCore
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// SIM3 profiles through the pages and the API: Alpha-CERT's representative keeps its profile;
/// what each reader sees is written out by hand for each visibility.
extension ServerTests {
    private func response(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:], method: HTTPMethod = .GET,
                          body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: body) { result = $0 }
        return try #require(result)
    }

    /// Every parameter at `level`, O-1 at `first` with a comment.
    private func sim3Fields(_ session: BrowserSession, visibility: String, level: Int = 2, first: Int = 3) -> ByteBuffer {
        formBody([("_csrf", session.csrf), ("visibility", visibility)]
                 + SIM3.parameters.flatMap { [("level[\($0.id)]", String($0.id == "O-1" ? first : level)), ("comment[\($0.id)]", $0.id == "O-1" ? "Mandate by decree <b>2019</b>" : "")] })
    }

    @Test func aTeamKeepsItsProfileAndChoosesWhoReadsIt() async throws {
        try await withRenkei { app, _ in
            let rep = try await signIn(app, "rep-alpha@test.example"), member = try await signIn(app, "member-alpha@test.example")
            let beta = try await signIn(app, "rep-beta@test.example"), secretariat = try await signIn(app, "secretariat@test.example")
            #expect(try await response(app, "/teams/alpha-cert/sim3", rep.headers).status == .notFound, "no profile yet")
            #expect(try await response(app, "/teams/alpha-cert", rep.headers).body.string.contains("href=\"/teams/alpha-cert/sim3/edit\">Start your team"))

            let saved = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST, body: sim3Fields(rep, visibility: "private"))
            #expect(saved.status == .seeOther && saved.headers.first(name: .location) == "/teams/alpha-cert/sim3")

            func readers(_ path: String) async throws -> [String] {
                var allowed: [String] = []
                for (name, headers) in [("anonymous", HTTPHeaders()), ("member", member.headers), ("beta", beta.headers), ("secretariat", secretariat.headers)] {
                    let status = try await response(app, path, headers).status
                    #expect(status == .ok || status == .notFound, "\(name): \(status)")
                    if status == .ok { allowed.append(name) }
                }
                return allowed
            }
            #expect(try await readers("/teams/alpha-cert/sim3") == ["member", "secretariat"])
            let page = try await response(app, "/teams/alpha-cert/sim3", member.headers).body.string
            #expect(page.contains("<title>O-1 Mandate: 3</title>") && page.contains("Mandate by decree &lt;b&gt;2019&lt;/b&gt;"))
            #expect(page.contains("id=\"sim3-history\"") && !page.contains("id=\"sim3-edit\""), "the team's member sees the versions; only representatives edit")
            #expect(!(try await response(app, "/teams/alpha-cert", beta.headers).body.string.contains("sim3-link")), "a private profile is not linked for others")

            _ = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST, body: sim3Fields(rep, visibility: "members", first: 4))
            #expect(try await readers("/teams/alpha-cert/sim3") == ["member", "beta", "secretariat"])
            let betaPage = try await response(app, "/teams/alpha-cert/sim3", beta.headers).body.string
            #expect(betaPage.contains("<title>O-1 Mandate: 4</title>") && !betaPage.contains("id=\"sim3-history\""), "the versions are the team's")

            _ = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST, body: sim3Fields(rep, visibility: "public", first: 4))
            #expect(try await readers("/teams/alpha-cert/sim3") == ["anonymous", "member", "beta", "secretariat"])
            let document = try jsonObject(try await response(app, "/api/v1/teams/alpha-cert/sim3"))
            #expect(document["visibility"] as? String == "public" && (document["averages"] as? [String: Double])?["O"] == 2.2,
                    "O: ten parameters, one at 4 and nine at 2")
            #expect(document["communityMedian"] == nil && document["communityProfiles"] as? Int == 1)
            let secretariatPage = try await response(app, "/teams/alpha-cert/sim3", secretariat.headers).body.string
            #expect(secretariatPage.components(separatedBy: "<tr><td>").count - 1 == 3, "three saved versions, the secretariat sees them all")
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "sim3.save").count() == 3)
        }
    }

    @Test func nobodyButTheRepresentativesWritesAProfileAndBadRatingsStoreNothing() async throws {
        try await withRenkei { app, _ in
            for email in ["member-alpha@test.example", "rep-beta@test.example", "secretariat@test.example"] {
                let session = try await signIn(app, email)
                let refused = try await response(app, "/teams/alpha-cert/sim3", session.formHeaders(), method: .POST, body: sim3Fields(session, visibility: "public"))
                #expect(refused.status == .forbidden, "\(email)")
                #expect(try await response(app, "/teams/alpha-cert/sim3/edit", session.headers).status == .forbidden, "\(email)")
            }
            #expect(try await response(app, "/teams/alpha-cert/sim3/edit").status == .seeOther, "a visitor is sent to sign in")
            let rep = try await signIn(app, "rep-alpha@test.example")
            var fields = [("_csrf", rep.csrf), ("visibility", "everyone")] + SIM3.parameters.dropFirst().map { ("level[\($0.id)]", "7") }
            fields.append(("level[X-1]", "2"))
            let invalid = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST, body: formBody(fields))
            #expect(invalid.status == .unprocessableEntity)
            for text in ["O-1 Mandate is not rated", "Choose who may read the profile.", "href=\"#level-O-1\"", "aria-invalid=\"true\""] {
                #expect(invalid.body.string.contains(text), "\(text)")
            }
            #expect(!invalid.body.string.contains("X-1"), "a field no parameter has is ignored, not listed")
            let marks = "a" + String(repeating: "\u{0301}", count: 2_000)
            let cluttered = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST,
                                               body: formBody([("_csrf", rep.csrf), ("visibility", "public"), ("comment[H-1]", marks)]
                                                              + SIM3.parameters.map { ("level[\($0.id)]", "2") }))
            #expect(cluttered.status == .unprocessableEntity && cluttered.body.string.contains("The comment on H-1 has 2001 characters"),
                    "one letter and 2,000 combining marks are 2,001 characters stored")
            let forged = try await response(app, "/teams/alpha-cert/sim3", rep.formHeaders(), method: .POST, body: sim3Fields(BrowserSession(cookie: rep.cookie, csrf: "forged"), visibility: "public"))
            #expect(forged.status == .forbidden, "without the form's token")
            let profiles = try await SIM3ProfileModel.query(on: app.db).count(), versions = try await SIM3ProfileVersionModel.query(on: app.db).count()
            #expect(profiles == 0 && versions == 0)
        }
    }

    @Test func theCommunityMedianIsMadeOnlyOfProfilesTheReaderMayRead() async throws {
        try await withRenkei { app, fixture in
            let gamma = try await TeamWrites.save(try TeamRecord(slug: "gamma-cert", shortName: "Gamma-CERT", officialName: "Gamma", countryCode: "FR",
                                                                 email: "cert@gamma.example").validated(),
                                                  existing: nil, author: ChangeAuthor(userID: nil, name: "test", channel: "cli"), on: app.db)
            func store(_ team: UUID, _ level: SIM3.Level, _ visibility: SIM3Profile.Visibility) async throws {
                let ratings = Dictionary(uniqueKeysWithValues: SIM3.parameters.map { ($0.id, SIM3Assessment.Rating(level: level, comment: "")) })
                try await SIM3ProfileModel(SIM3Profile(teamID: team, assessment: SIM3Assessment(ratings: ratings), visibility: visibility, updatedAt: Date()),
                                           by: "test").create(on: app.db)
            }
            try await store(fixture.alphaID, .implicit, .public)
            try await store(fixture.betaID, .explicitInternal, .public)
            try await store(try gamma.requireID(), .assessed, .private)

            let anonymous = try await response(app, "/sim3").body.string
            #expect(anonymous.contains("Medians are taken over the 2 SIM3 profiles you may read") && anonymous.contains("id=\"too-few\""))
            #expect(anonymous.contains("/teams/alpha-cert/sim3") && !anonymous.contains("gamma-cert"), "a private profile is not listed")
            #expect(try jsonObject(try await response(app, "/api/v1/teams/alpha-cert/sim3"))["communityMedian"] == nil)

            let officer = try await apiToken(app, "secretariat@test.example")
            let full = try jsonObject(try await response(app, "/api/v1/teams/alpha-cert/sim3", ["Authorization": "Bearer \(officer)"]))
            #expect((full["communityMedian"] as? [String: Double])?["O-1"] == 2 && full["communityProfiles"] as? Int == 3, "levels 1, 2 and 4")
            let secretariat = try await signIn(app, "secretariat@test.example")
            let page = try await response(app, "/sim3", secretariat.headers).body.string
            #expect(page.contains("<tr><th scope=\"row\">O-1 Mandate</th><td class=\"number\">2.0</td><td class=\"number\">0</td><td class=\"number\">1</td><td class=\"number\">1</td><td class=\"number\">0</td><td class=\"number\">1</td></tr>"))
        }
    }
}
