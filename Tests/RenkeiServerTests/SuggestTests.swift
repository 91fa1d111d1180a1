import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13: teams and people are picked by name (type-ahead), and forms still take slugs,
/// addresses and exact team names without the script.
extension ServerTests {
    private func suggestions(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> (HTTPStatus, [String: Any]) {
        var result: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
        try await app.testing().test(.GET, path, headers: headers) { response in
            result = (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
        }
        return result
    }

    @Test func teamsAreSuggestedByTheStartOfTheirName() async throws {
        try await withRenkei { app, _ in
            let author = ChangeAuthor(userID: nil, name: "Test", channel: "cli")
            for number in (1...12).reversed() {
                let record = try TeamRecord(shortName: String(format: "Zeta-%02d", number), officialName: "Zeta team \(number)", countryCode: "FR",
                                            email: "cert\(number)@zeta.example", constituency: Constituency(domains: ["zeta\(number).example"]),
                                            teamTypes: [.commercial], memberType: .fullMember).validated()
                _ = try await TeamWrites.save(record, existing: nil, author: author, on: app.db)
            }
            let (status, alpha) = try await suggestions(app, "/api/v1/suggest/teams?q=al")
            #expect(status == .ok)
            #expect(alpha["teams"] as? [[String: String]] == [["slug": "alpha-cert", "name": "Alpha-CERT", "countryCode": "DE"]])
            #expect(try await suggestions(app, "/api/v1/suggest/teams?q=BETA-c").1["teams"] as? [[String: String]]
                == [["slug": "beta-csirt", "name": "Beta-CSIRT", "countryCode": "JP"]])
            let zeta = try #require(try await suggestions(app, "/api/v1/suggest/teams?q=zeta").1["teams"] as? [[String: String]])
            #expect(zeta.map { $0["name"]! } == (1...10).map { String(format: "Zeta-%02d", $0) }, "ten at most, in name order")
            for query in ["x", "", "%25", "_eta", "a%25", "zeta-1%25"] {
                #expect(try await suggestions(app, "/api/v1/suggest/teams?q=\(query)").1["teams"] as? [[String: String]] == [],
                        "no team starts with “\(query)” (wildcards are literal)")
            }
            #expect((try await suggestions(app, "/api/v1/suggest/teams?q=zeta-1").1["teams"] as? [Any])?.count == 3, "Zeta-10 to Zeta-12")
            let (tooLong, problem) = try await suggestions(app, "/api/v1/suggest/teams?q=\(String(repeating: "a", count: 101))")
            #expect(tooLong == .unprocessableEntity && problem["status"] as? Int == 422)
        }
    }

    @Test func peopleAreSuggestedToMembersOnlyAndOnlyPeopleWhoMayBeNamed() async throws {
        try await withRenkei { app, _ in
            // An applicant's account: no member team, so nobody may name them.
            let candidate = UserModel(email: "carla@candidate.example", displayName: "Carla Candidate", passwordHash: try Bcrypt.hash("candidate-pass-1", cost: 4),
                                      roles: [.member], teamID: nil, createdAt: Date())
            try await candidate.create(on: app.db)
            let member = ["Authorization": "Bearer \(try await apiToken(app, "member-alpha@test.example"))"] as HTTPHeaders

            #expect(try await suggestions(app, "/api/v1/suggest/people?q=max").0 == .unauthorized)
            let (status, max) = try await suggestions(app, "/api/v1/suggest/people?q=max", headers: member)
            #expect(status == .ok)
            #expect(max["people"] as? [[String: String]] == [["email": "member-alpha@test.example", "name": "Max Member", "team": "Alpha-CERT"]])
            // Officers without a team may be named; the applicant may not, and is not suggested.
            #expect(try await suggestions(app, "/api/v1/suggest/people?q=SAM", headers: member).1["people"] as? [[String: String]]
                == [["email": "secretariat@test.example", "name": "Sam Secretariat"]])
            #expect(try await suggestions(app, "/api/v1/suggest/people?q=carla", headers: member).1["people"] as? [[String: String]] == [])
            // Addresses are not searched: the answer never tells whether an address has an account.
            for query in ["member-alpha", "carla%40candidate.example", "secretariat%40"] {
                #expect(try await suggestions(app, "/api/v1/suggest/people?q=\(query)", headers: member).1["people"] as? [[String: String]] == [])
            }
            // Someone who is not in the community does not get names at all.
            let outsider = ["Authorization": "Bearer \(try await apiToken(app, "carla@candidate.example"))"] as HTTPHeaders
            #expect(try await suggestions(app, "/api/v1/suggest/people?q=max", headers: outsider).0 == .forbidden)
            // The page's script calls it with the session.
            let session = try await signIn(app, "member-alpha@test.example")
            #expect(try await suggestions(app, "/api/v1/suggest/people?q=rita", headers: session.headers).1["people"] as? [[String: String]]
                == [["email": "rep-alpha@test.example", "name": "Rita Rep", "team": "Alpha-CERT"]])
        }
    }

    @Test func theItemFormOffersSuggestionsAndTakesExactTeamNames() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.GET, "/items/new", headers: session.headers) { response in
                let html = response.body.string
                #expect(html.contains(#"list="teams-suggestions" data-suggest="teams" data-suggest-url="/api/v1/suggest/teams""#))
                #expect(html.contains(#"list="people-suggestions" data-suggest="people" data-suggest-url="/api/v1/suggest/people""#))
                #expect(html.contains(#"<script src="/js/suggest.js" defer></script>"#))
            }
            try await app.testing().test(.GET, "/js/suggest.js") { response in
                #expect(response.status == .ok && response.body.string.contains("data-suggest"))
            }
            let token = try await apiToken(app, "member-alpha@test.example")
            for (teams, status) in [(["Beta-CSIRT"], HTTPStatus.created), (["beta-csirt"], .created), (["  BETA-csirt "], .created), (["Beta"], .unprocessableEntity)] {
                let body: [String: Any] = ["title": "For Beta", "tlp": "TLP:AMBER", "body": "Text", "audience": ["kind": "teams", "teams": teams]]
                try await app.testing().test(.POST, "/api/v1/items", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                             body: try jsonBody(body)) { response in
                    #expect(response.status == status, "audience teams \(teams): \(response.body.string)")
                }
            }
        }
    }
}
