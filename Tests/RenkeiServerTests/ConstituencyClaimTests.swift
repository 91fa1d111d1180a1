import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 12: constituency claims are verified before lookups trust them.
extension ServerTests {
    /// The teams a lookup names once the tables caught up with the decisions (they are rebuilt
    /// in the background).
    private func lookupSlugs(_ app: Application, _ query: String) async throws -> [String] {
        _ = try await app.lookup.upToDateResolver(on: app.db)
        var slugs: [String] = []
        try await app.testing().test(.GET, "/api/v1/lookup?q=\(query)") { response in
            #expect(response.status == .ok)
            let candidates = try #require(try jsonObject(response)["candidates"] as? [[String: Any]])
            slugs = candidates.compactMap { ($0["team"] as? [String: Any])?["slug"] as? String }
        }
        return slugs
    }

    private func page(_ app: Application, _ path: String, _ session: BrowserSession?) async throws -> String {
        var html = ""
        try await app.testing().test(.GET, path, headers: session?.headers ?? [:]) { response in
            #expect(response.status == .ok, "GET \(path)")
            html = response.body.string
        }
        return html
    }

    @Test func theWholeInternetWaitsForTheSecretariat() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-alpha@test.example")
            var claimID = ""
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(rep),
                                         body: try jsonBody(["constituency": ["prefixes": ["192.0.2.0/24", "0.0.0.0/0"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect((team["constituency"] as? [String: Any])?["prefixes"] as? [String] == ["192.0.2.0/24"])
                let pending = try #require(team["pendingClaims"] as? [[String: Any]])
                #expect(pending.count == 1)
                #expect(pending.first?["value"] as? String == "0.0.0.0/0" && pending.first?["kind"] as? String == "prefix")
                #expect(pending.first?["status"] as? String == "waiting-for-approval")
                #expect(pending.first?["reasons"] as? [String] == ["broad-prefix"])
                claimID = try #require(pending.first?["id"] as? String)
            }
            let stored = try #require(try await TeamModel.find(slug: "alpha-cert", on: app.db))
            #expect(stored.record.constituency.prefixes == ["192.0.2.0/24"], "the lookup's record holds approved claims only")
            #expect(try await lookupSlugs(app, "203.0.113.77") == [])

            let html = try await page(app, "/teams/alpha-cert", try await signIn(app, "rep-alpha@test.example"))
            #expect(html.contains("id=\"claims-waiting\"") && html.contains("network 0.0.0.0/0") && html.contains("waiting for approval"))
            #expect(!(try await page(app, "/teams/alpha-cert", nil)).contains("0.0.0.0/0"), "anonymous readers do not see waiting claims")

            try await app.testing().test(.POST, "/api/v1/claims/\(claimID)", headers: bearer(rep),
                                         body: try jsonBody(["decision": "approve"])) { response in
                #expect(response.status == .forbidden, "a representative cannot approve their own claim")
            }
            let secretariat = try await apiToken(app, "secretariat@test.example")
            try await app.testing().test(.GET, "/api/v1/claims", headers: bearer(secretariat)) { response in
                #expect(response.status == .ok)
                let claims = try jsonArray(response)
                #expect(claims.map { $0["team"] as? String } == ["alpha-cert"] && claims.first?["value"] as? String == "0.0.0.0/0")
            }
            try await app.testing().test(.POST, "/api/v1/claims/\(claimID)", headers: bearer(secretariat),
                                         body: try jsonBody(["decision": "maybe"])) { response in
                #expect(response.status == .unprocessableEntity)
            }
            try await app.testing().test(.POST, "/api/v1/claims/\(claimID)", headers: bearer(secretariat),
                                         body: try jsonBody(["decision": "approve", "reason": "Transit provider, confirmed by phone"])) { response in
                #expect(response.status == .ok)
                let decided = try jsonObject(response)
                #expect(decided["status"] as? String == "approved")
            }
            #expect(try await lookupSlugs(app, "203.0.113.77") == ["alpha-cert"])
            try await app.testing().test(.GET, "/api/v1/claims", headers: bearer(secretariat)) { response in
                let claims = try jsonArray(response)
                #expect(claims.isEmpty)
            }
            try await app.testing().test(.POST, "/api/v1/claims/\(claimID)", headers: bearer(secretariat),
                                         body: try jsonBody(["decision": "approve"])) { response in
                #expect(response.status == .notFound, "a claim is decided once")
            }
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "claim.approve").all()
            #expect(audit.count == 1)
            #expect(audit.first?.subject == "team alpha-cert" && audit.first?.actor == "secretariat@test.example")
            #expect(audit.first?.detail == "network 0.0.0.0/0; reason: Transit provider, confirmed by phone")
        }
    }

    @Test func narrowNonOverlappingClaimsApplyAtOnce() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-alpha@test.example")
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(rep),
                                         body: try jsonBody(["constituency": ["prefixes": ["192.0.2.0/24", "198.51.100.0/24"],
                                                                              "domains": ["alpha.example", "alpha-cert.example"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect((team["constituency"] as? [String: Any])?["prefixes"] as? [String] == ["192.0.2.0/24", "198.51.100.0/24"])
                #expect(team["pendingClaims"] as? [Any] != nil && (team["pendingClaims"] as? [Any])?.isEmpty == true)
            }
            #expect(try await lookupSlugs(app, "198.51.100.9") == ["alpha-cert"])
            #expect(try await lookupSlugs(app, "www.alpha-cert.example").first == "alpha-cert")
            #expect(try await PendingClaimModel.query(on: app.db).count() == 0)
        }
    }

    @Test func overlapsWaitAndAreShownToBothTeamsThenARejectionIsAudited() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-beta@test.example")
            try await app.testing().test(.PATCH, "/api/v1/teams/beta-csirt", headers: bearer(rep),
                                         body: try jsonBody(["constituency": ["domains": ["jp", "mail.alpha.example"], "asns": ["AS64500"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect((team["constituency"] as? [String: Any])?["domains"] as? [String] == ["jp"])
                #expect((team["constituency"] as? [String: Any])?["asns"] as? [String] == [])
                let pending = try #require(team["pendingClaims"] as? [[String: Any]])
                #expect(pending.compactMap { $0["value"] as? String } == ["AS64500", "mail.alpha.example"])
                let overlaps = pending.compactMap { ($0["overlaps"] as? [[String: Any]])?.first?["value"] as? String }
                #expect(overlaps == ["AS64500", "alpha.example"])
            }
            #expect(try await lookupSlugs(app, "mail.alpha.example") == ["alpha-cert"])

            let betaRep = try await signIn(app, "rep-beta@test.example")
            let beta = try await page(app, "/teams/beta-csirt", betaRep)
            #expect(beta.contains("id=\"claims-waiting\"") && beta.contains("domain mail.alpha.example") && beta.contains("waiting for approval"))
            #expect(beta.contains("Alpha-CERT&#39;s domain alpha.example") || beta.contains("Alpha-CERT's domain alpha.example"))
            let alpha = try await page(app, "/teams/alpha-cert", try await signIn(app, "member-alpha@test.example"))
            #expect(alpha.contains("id=\"claims-others-waiting\"") && alpha.contains("Beta-CSIRT asks for") && alpha.contains("domain mail.alpha.example"))
            let outsider = try await page(app, "/teams/alpha-cert", betaRep)
            #expect(!outsider.contains("id=\"constituency-claims\""), "another team's page shows its claims only to its own people")

            let secretariat = try await signIn(app, "secretariat@test.example")
            let queue = try await page(app, "/admin/claims", secretariat)
            let rows = try await PendingClaimModel.query(on: app.db).all()
            let domainClaim = try #require(rows.first { $0.value == "mail.alpha.example" })
            let id = try domainClaim.requireID().uuidString
            #expect(queue.contains("id=\"claim-\(id)\"") && queue.contains("action=\"/admin/claims/\(id)\"") && queue.contains("Alpha-CERT: domain alpha.example"))
            #expect(try await page(app, "/admin/audit", secretariat).contains("href=\"/admin/claims\""))
            try await app.testing().test(.POST, "/admin/claims/\(id)", headers: secretariat.formHeaders(),
                                         body: formBody([("decision", "reject"), ("reason", "Alpha runs that mail host")])) { response in
                #expect(response.status == .forbidden, "the form needs its CSRF token")
            }
            try await app.testing().test(.GET, "/admin/claims", headers: betaRep.headers) { response in
                #expect(response.status == .forbidden)
            }
            try await app.testing().test(.POST, "/admin/claims/\(id)", headers: secretariat.formHeaders(),
                                         body: formBody([("_csrf", secretariat.csrf), ("decision", "reject"), ("reason", "Alpha runs that mail host")])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/admin/claims")
            }
            #expect(try await PendingClaimModel.query(on: app.db).all().map(\.value) == ["AS64500"])
            #expect(try await TeamModel.find(slug: "beta-csirt", on: app.db)?.record.constituency.domains == ["jp"])
            #expect(try await lookupSlugs(app, "mail.alpha.example") == ["alpha-cert"])
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "claim.reject").all()
            #expect(audit.map(\.detail) == ["domain mail.alpha.example; overlaps alpha-cert domain alpha.example; reason: Alpha runs that mail host"])
            #expect(audit.first?.subject == "team beta-csirt")
            let requests = try await AuditEventModel.query(on: app.db).filter(\.$action == "claim.request").count()
            #expect(requests == 2)
        }
    }

    @Test func countriesAndCoordinatorRolesWait() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-beta@test.example")
            try await app.testing().test(.PATCH, "/api/v1/teams/beta-csirt", headers: bearer(rep),
                                         body: try jsonBody(["teamTypes": ["national", "government", "regional-coordinator"],
                                                             "constituency": ["countries": ["KR"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect(team["teamTypes"] as? [String] == ["national", "government"])
                let pending = try #require(team["pendingClaims"] as? [[String: Any]])
                #expect(pending.compactMap { $0["claim"] as? String } == ["country South Korea (KR)", "role: regional coordinator team"])
            }
            #expect(try await lookupSlugs(app, "KR") == [], "no team answers for a country it only asked for")
            let record = try #require(try await TeamModel.find(slug: "beta-csirt", on: app.db)?.record)
            #expect(record.constituency.countries == [] && record.teamTypes == [.national, .government])
        }
    }

    @Test func theSecretariatsOwnEditsApplyAtOnceAndAreAudited() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await apiToken(app, "secretariat@test.example")
            try await app.testing().test(.PATCH, "/api/v1/teams/beta-csirt", headers: bearer(secretariat),
                                         body: try jsonBody(["constituency": ["prefixes": ["::/0", "192.0.2.128/25"]]])) { response in
                #expect(response.status == .ok)
                let team = try jsonObject(response)
                #expect((team["pendingClaims"] as? [Any])?.isEmpty == true)
            }
            #expect(try await lookupSlugs(app, "2001:db8::1") == ["beta-csirt"])
            let applied = try await AuditEventModel.query(on: app.db).filter(\.$action == "claim.apply").sort(\.$detail).all().map(\.detail)
            #expect(applied == ["network 192.0.2.128/25: overlaps another team's constituency (alpha-cert network 192.0.2.0/24)",
                                "network ::/0: a network larger than /16 (IPv4) or /32 (IPv6)"])
            let alpha = try await page(app, "/teams/alpha-cert", try await signIn(app, "member-alpha@test.example"))
            #expect(alpha.contains("id=\"claims-overlaps\"") && alpha.contains("Beta-CSIRT</a>&#39;s <span class=\"mono\">network 192.0.2.128/25")
                    || alpha.contains("Beta-CSIRT</a>'s <span class=\"mono\">network 192.0.2.128/25"))
        }
    }

    @Test func aRepresentativesFormEditShowsTheWaitOnTheTeamPage() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-alpha@test.example")
            var fields: [(String, String)] = []
            try await app.testing().test(.GET, "/teams/alpha-cert/edit", headers: session.headers) { response in
                fields = editableFields(in: response.body.string)
            }
            fields = fields.map { $0.0 == "constituency_domains" ? ($0.0, "alpha.example\ncom") : $0 }
            fields.append(("_csrf", session.csrf))
            try await app.testing().test(.POST, "/teams/alpha-cert/edit", headers: session.formHeaders(), body: formBody(fields)) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await TeamModel.find(slug: "alpha-cert", on: app.db)?.record.constituency.domains == ["alpha.example"])
            let html = try await page(app, "/teams/alpha-cert", session)
            #expect(html.contains("domain com</span>: waiting for approval"))
            #expect(try await lookupSlugs(app, "anything.com") == [])
        }
    }
}
