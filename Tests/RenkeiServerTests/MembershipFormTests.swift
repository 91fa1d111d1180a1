import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// The options of the team page's membership form, in page order ("" when there is no form).
private func offeredChanges(_ app: Application, _ session: BrowserSession, team: String) async throws -> String {
    var offered = ""
    try await app.testing().test(.GET, "/teams/\(team)", headers: session.headers) { response in
        let html = response.body.string
        guard let form = html.range(of: #"<form[^>]*id="membership-change"[\s\S]*?</form>"#, options: .regularExpression) else { return }
        let options = html[form].matches(of: /<option value="([a-z]+)">/).map { String($0.output.1) }
        offered = options.joined(separator: ",") + (html[form].contains("name=\"reason\"") ? " +reason" : "")
    }
    return offered
}

extension ServerTests {
    // MARK: the team page asks the core who may change a membership (issue 12, "Making it permanent")

    @Test func theTeamPageOffersTheMembershipChangesTheCoreAllows() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await signIn(app, "secretariat@test.example")
            let representative = try await signIn(app, "rep-alpha@test.example")
            let member = try await signIn(app, "member-alpha@test.example")
            let otherRepresentative = try await signIn(app, "rep-beta@test.example")
            #expect(try await offeredChanges(app, secretariat, team: "alpha-cert") == "suspend,resign,terminate +reason")
            #expect(try await offeredChanges(app, representative, team: "alpha-cert") == "resign", "a representative may resign their own team")
            #expect(try await offeredChanges(app, member, team: "alpha-cert") == "")
            #expect(try await offeredChanges(app, otherRepresentative, team: "alpha-cert") == "")

            try await app.testing().test(.POST, "/teams/alpha-cert/membership", headers: representative.formHeaders(),
                                         body: formBody([("_csrf", representative.csrf), ("change", "resign")])) { response in
                #expect(response.status == .seeOther)
            }
            try await app.testing().test(.GET, "/teams/alpha-cert", headers: secretariat.headers) { response in
                #expect(response.body.string.contains("id=\"membership-status\">Resigned<"))
            }
            #expect(try await offeredChanges(app, secretariat, team: "alpha-cert") == "", "an ended membership has no further changes")
        }
    }
}
