import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import SQLKit
import Testing
import VaporTesting

/// Issue 13: the directory is served from a snapshot in memory, rebuilt when the directory's
/// version moves; every kind of change shows on the very next request.
extension ServerTests {
    private func teamsPage(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> (items: [[String: Any]], next: String?, link: String?) {
        var answer: (items: [[String: Any]], next: String?, link: String?) = ([], nil, nil)
        try await app.testing().test(.GET, path, headers: headers) { response in
            #expect(response.status == .ok, "GET \(path)")
            let object = try jsonObject(response)
            answer = (try #require(object["items"] as? [[String: Any]]), object["next"] as? String, response.headers.first(name: .link))
        }
        return answer
    }

    private func body(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> String {
        var text = ""
        try await app.testing().test(.GET, path, headers: headers) { response in
            #expect(response.status == .ok, "GET \(path)")
            text = response.body.string
        }
        return text
    }

    @Test func anEditThroughTheAPIShowsOnTheNextRequestOfEveryDirectoryChannel() async throws {
        try await withRenkei { app, _ in
            for path in ["/teams", "/global-irt/v1/teams", "/api/v1/teams"] {
                #expect(try await body(app, path).contains("Alpha Computer Emergency Response Team"), "\(path) before")
            }
            let rep = try await apiToken(app, "rep-alpha@test.example")
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(rep),
                                         body: try jsonBody(["officialName": "Alpha National CSIRT"])) { #expect($0.status == .ok) }
            for path in ["/teams", "/global-irt/v1/teams", "/global-irt/v1/teams?limit=1", "/api/v1/teams", "/teams?q=national+csirt"] {
                let text = try await body(app, path)
                #expect(text.contains("Alpha National CSIRT"), "\(path) after the edit")
                #expect(!text.contains("Alpha Computer Emergency Response Team"), "\(path) after the edit")
            }
        }
    }

    @Test func aTeamMadeOnTheWebFormOrImportedIsListedOnTheNextRequest() async throws {
        try await withRenkei { app, _ in
            #expect(try await teamsPage(app, "/api/v1/teams").items.count == 2)
            let secretariat = try await signIn(app, "secretariat@test.example")
            try await app.testing().test(.POST, "/teams/new", headers: secretariat.formHeaders(), body: formBody([
                ("_csrf", secretariat.csrf), ("shortName", "Gamma-CERT"), ("officialName", "Gamma Response"), ("countryCode", "FR"),
                ("email", "cert@gamma.example"), ("operatingHours_timeZone", "Europe/Paris"),
            ])) { #expect($0.status == .seeOther) }
            #expect(try await teamsPage(app, "/api/v1/teams").items.compactMap { $0["slug"] as? String } == ["alpha-cert", "beta-csirt", "gamma-cert"])

            let imported = try TeamRecord(shortName: "Delta-SIRT", officialName: "Delta Security Incident Response", countryCode: "IT",
                                          email: "sirt@delta.example").validated()
            let summary = try await DirectoryImport.run([.init(record: imported, fingerprints: [])], source: "test.json", app: app)
            #expect(summary.created == 1)
            #expect(try await body(app, "/global-irt/v1/teams?country=IT").contains("Delta Security Incident Response"))
            #expect(try await body(app, "/teams").contains("Delta-SIRT"))
        }
    }

    @Test func anApprovedClaimShowsOnTheNextRequest() async throws {
        try await withRenkei { app, _ in
            let member = bearer(try await apiToken(app, "member-alpha@test.example"), json: false)
            func alphaPrefixes() async throws -> [String]? {
                let alpha = try await teamsPage(app, "/api/v1/teams?country=DE", headers: member).items.first
                return (alpha?["constituency"] as? [String: Any])?["prefixes"] as? [String]
            }
            #expect(try await alphaPrefixes() == ["192.0.2.0/24"])
            let rep = try await apiToken(app, "rep-alpha@test.example")
            var claimID = ""
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(rep),
                                         body: try jsonBody(["constituency": ["prefixes": ["192.0.2.0/24", "0.0.0.0/0"]]])) { response in
                let pending = try #require(try jsonObject(response)["pendingClaims"] as? [[String: Any]])
                claimID = try #require(pending.first?["id"] as? String)
            }
            #expect(try await alphaPrefixes() == ["192.0.2.0/24"], "a claim waiting for approval is not in the directory")
            try await app.testing().test(.POST, "/api/v1/claims/\(claimID)", headers: bearer(try await apiToken(app, "secretariat@test.example")),
                                         body: try jsonBody(["decision": "approve"])) { #expect($0.status == .ok) }
            #expect(try await alphaPrefixes() == ["0.0.0.0/0", "192.0.2.0/24"])
        }
    }

    @Test func aMembershipThatEndsTakesTheMembersViewAwayAtOnce() async throws {
        try await withRenkei { app, _ in
            let member = bearer(try await apiToken(app, "member-alpha@test.example"), json: false)
            #expect(try await body(app, "/api/v1/teams", headers: member).contains(Fixture.alphaInternal))
            #expect(try await body(app, "/global-irt/v1/teams", headers: member).contains(Fixture.alphaInternal))
            try await app.testing().test(.POST, "/api/v1/teams/alpha-cert/membership", headers: bearer(try await apiToken(app, "secretariat@test.example")),
                                         body: try jsonBody(["change": "terminate", "reason": "Ceased operations"])) { #expect($0.status == .ok) }
            for path in ["/api/v1/teams", "/global-irt/v1/teams", "/global-irt/v1/teams.csv"] {
                let text = try await body(app, path, headers: member)
                #expect(!text.contains(Fixture.alphaInternal) && !text.contains(Fixture.alphaEmergency), "\(path) after the membership ended")
                #expect(text.contains("cert@alpha.example"), "\(path) still shows the public fields")
            }
        }
    }

    @Test func thePublicViewOfTheSnapshotNeverHoldsMembersOnlyFields() async throws {
        try await withRenkei { app, _ in
            let member = bearer(try await apiToken(app, "member-alpha@test.example"), json: false)
            // Members first, so the snapshot's members' view is built before the public one is read.
            for path in ["/api/v1/teams", "/global-irt/v1/teams", "/global-irt/v1/teams?q=duty"] {
                #expect(try await body(app, path, headers: member).contains(Fixture.alphaInternal), "members read \(path)")
            }
            for path in ["/api/v1/teams", "/api/v1/teams?q=duty", "/global-irt/v1/teams", "/global-irt/v1/teams?pretty=false",
                         "/global-irt/v1/teams?envelope=true", "/global-irt/v1/teams.csv", "/teams", "/teams?q=duty"] {
                let text = try await body(app, path)
                for secret in [Fixture.alphaInternal, Fixture.alphaEmergency] { #expect(!text.contains(secret), "\(path) leaks \(secret)") }
            }
            #expect(try await teamsPage(app, "/api/v1/teams?q=duty").items.isEmpty, "free text never matches a field the reader cannot see")
            #expect(try await teamsPage(app, "/api/v1/teams?q=duty", headers: member).items.count == 1)
            let alpha = try #require(try await teamsPage(app, "/api/v1/teams").items.first)
            #expect(alpha["lastModifiedBy"] == nil, "who changed a team is for members")
        }
    }

    @Test func aDirectoryPageRenderedForOneVisitorIsNeverShownToASignedInReaderOrTheOtherWayRound() async throws {
        try await withRenkei { app, _ in
            let member = try await signIn(app, "member-alpha@test.example")
            let signedIn = try await body(app, "/teams?q=alpha", headers: member.headers)
            #expect(signedIn.contains(#"name="_csrf" value="\#(member.csrf)""#) && signedIn.contains("Sign out"))
            for _ in 1...2 {
                let anonymous = try await body(app, "/teams?q=alpha")
                #expect(anonymous.contains("Alpha-CERT"))
                #expect(!anonymous.contains("_csrf") && !anonymous.contains(member.csrf) && !anonymous.contains("Sign out"),
                        "a visitor without a session gets the page without anybody's name or form token")
            }
            let again = try await body(app, "/teams?q=alpha", headers: member.headers)
            #expect(again.contains(#"name="_csrf" value="\#(member.csrf)""#), "the signed-in reader is not given the visitors' page")
        }
    }

    @Test func theTeamsAPIPagesWalkEveryTeamExactlyOnce() async throws {
        try await withRenkei { app, _ in
            let author = ChangeAuthor(userID: nil, name: "Test", channel: "cli")
            // Two teams share a short name: the slug orders them, and a page may end between them.
            for (name, slug) in [("Echo", "echo"), ("Charlie", "charlie"), ("Delta", "delta-1"), ("Delta", "delta-2"), ("Foxtrot", "foxtrot")] {
                try await TeamWrites.save(try TeamRecord(slug: slug, shortName: name, officialName: "\(name) Team", countryCode: "NL",
                                                         email: "cert@\(slug).example").validated(), existing: nil, author: author, on: app.db)
            }
            let expected = ["alpha-cert", "beta-csirt", "charlie", "delta-1", "delta-2", "echo", "foxtrot"]
            for limit in [1, 2, 3, 7, 500] {
                var seen: [String] = []
                var path: String? = "/api/v1/teams?limit=\(limit)"
                var pages = 0
                while let current = path {
                    let page = try await teamsPage(app, current)
                    #expect(page.items.count <= limit)
                    seen += page.items.compactMap { $0["slug"] as? String }
                    #expect(page.link == page.next.map { "<\($0)>; rel=\"next\"" }, "the Link header names the same next page")
                    if let next = page.next { #expect(next.hasPrefix("/api/v1/teams?") && next.contains("limit=\(limit)")) }
                    path = page.next
                    pages += 1
                    if pages > 10 { break }
                }
                #expect(seen == expected, "limit \(limit)")
            }
            #expect(try await teamsPage(app, "/api/v1/teams").next == nil, "the default limit (50) holds all seven")

            // A cursor stays valid while the directory changes: a team added before it is not shown again.
            let first = try await teamsPage(app, "/api/v1/teams?limit=3&country=NL")
            #expect(first.items.compactMap { $0["slug"] as? String } == ["charlie", "delta-1", "delta-2"])
            try await TeamWrites.save(try TeamRecord(slug: "bravo", shortName: "Bravo", officialName: "Bravo Team", countryCode: "NL",
                                                     email: "cert@bravo.example").validated(), existing: nil, author: author, on: app.db)
            let second = try await teamsPage(app, try #require(first.next))
            #expect(second.items.compactMap { $0["slug"] as? String } == ["echo", "foxtrot"])
            #expect(second.next == nil)

            for bad in ["limit=0", "limit=501", "limit=ten", "cursor=not-a-cursor"] {
                try await app.testing().test(.GET, "/api/v1/teams?\(bad)") { response in
                    #expect(response.status == .unprocessableEntity, "\(bad)")
                    #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                }
            }
        }
    }

    @Test func dataVersionsAnswerFromMemoryAndFollowOtherServers() async throws {
        try await withRenkei { app, _ in
            let sql = try #require(app.db as? any SQLDatabase)
            // Another server on the same database: its own memory, no local writes to hear of.
            let other = DataVersions()
            let before = try await other.current(DataVersions.directory, on: app.db)
            #expect(before >= 2, "the seed's two teams moved the directory's version")
            try await sql.raw("UPDATE data_versions SET version = version + 5 WHERE name = 'directory'").run()
            #expect(try await other.current(DataVersions.directory, on: app.db) == before, "read from memory while this process wrote nothing")
            try await other.refresh(on: app.db)
            #expect(try await other.current(DataVersions.directory, on: app.db) == before + 5, "the poller's read brings the change in")

            // A write of this process is seen at once, without waiting for the poller.
            try await app.db.transaction { database in try await DataVersions.bump("test.counter", on: database) }
            #expect(try await other.current("test.counter", on: app.db) == 1)
            try await app.db.transaction { database in try await DataVersions.bump("test.counter", on: database) }
            #expect(try await other.current("test.counter", on: app.db) == 2)
        }
    }

    @Test func aTokensLastUseIsWrittenAtMostOnceAMinute() async throws {
        try await withRenkei { app, _ in
            let token = try await apiToken(app, "member-alpha@test.example")
            func lastUsed() async throws -> Date? {
                try await APITokenModel.query(on: app.db).filter(\.$tokenHash == APITokens.hash(token)).first()?.lastUsedAt
            }
            #expect(try await lastUsed() == nil)
            func use() async throws {
                try await app.testing().test(.GET, "/api/v1/teams", headers: bearer(token, json: false)) { #expect($0.status == .ok) }
            }
            try await use()
            let first = try #require(try await lastUsed())
            app.renkei.clock.advance(by: 30)
            try await use()
            #expect(try await lastUsed() == first, "not written again within a minute")
            app.renkei.clock.advance(by: 29)
            try await use()
            #expect(try await lastUsed() == first, "59 seconds later: still not")
            app.renkei.clock.advance(by: 2)
            try await use()
            let later = try #require(try await lastUsed())
            #expect(later.timeIntervalSince(first) >= 60, "a minute later it is written again")
        }
    }
}
