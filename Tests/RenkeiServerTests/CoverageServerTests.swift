import Foundation
import Fluent
import RenkeiCore
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// The coverage page, CSV, API: figures written out by hand from the seed (Alpha-CERT: DE,
/// national, full member since 2010, declares 192.0.2.0/24 and AS64500; Beta-CSIRT: JP,
/// national, liaison, no member-since date) and the registry files below.
extension ServerTests {
    /// DE has 192.0.2.0/24 (Alpha's prefix) and 198.51.100.0/24 (announced by Alpha's AS);
    /// JP has 203.0.113.0/24 (only Beta, its national team, answers); FR has 100.64.0.0/24,
    /// announced by AS64512, which nobody declares.
    private func importRegistry(_ app: Application) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coverage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            (DatasetKind.rir, "delegated", """
                test|DE|ipv4|192.0.2.0|256|20100101|allocated
                test|DE|ipv4|198.51.100.0|256|20100101|allocated
                test|JP|ipv4|203.0.113.0|256|20100101|allocated
                test|FR|ipv4|100.64.0.0|256|20100101|allocated

                """),
            (.pfx2as, "pfx2as", "198.51.100.0\t24\t64500\n203.0.113.0\t24\t64511\n100.64.0.0\t24\t64512\n"),
        ]
        for (kind, name, text) in files {
            let file = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            _ = try await DatasetImport.run(kind: kind, files: [file.path], keep: 1, database: app.db)
        }
        _ = try await app.lookup.upToDateResolver(on: app.db)
    }

    private func fetch(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(.GET, path, headers: headers) { result = $0 }
        return try #require(result)
    }

    @Test func coverageShowsEveryoneTheCommunityFromPublicData() async throws {
        try await withRenkei { app, _ in
            try await importRegistry(app)
            let json = try jsonObject(try await fetch(app, "/api/v1/coverage"))
            #expect(json["teams"] as? Int == 2 && json["memberTeams"] as? Int == 2 && json["countriesWithTeam"] as? Int == 2)
            let countries = try #require(json["countries"] as? [[String: Any]])
            #expect(countries.count == Country.all.count)
            let standing = Dictionary(uniqueKeysWithValues: countries.map { ($0["code"] as! String, $0["standing"] as! String) })
            #expect(standing["DE"] == "national" && standing["JP"] == "national" && standing["FR"] == "none")
            let growth = try #require(json["growth"] as? [[String: Any]])
            let thisYear = CoverageTeam.year(of: app.renkei.clock.now)
            #expect(growth.first?["year"] as? Int == 2010 && growth.last?["year"] as? Int == thisYear && growth.last?["members"] as? Int == 1,
                    "Alpha since 2010; Beta has no member-since date")

            let space = try #require(json["addressSpace"] as? [String: Any])
            let ipv4 = try #require(space["ipv4"] as? [String: Int])
            #expect(ipv4 == ["registered": 1024, "constituency": 512, "nationalOnly": 256, "none": 256])
            #expect(space["largestUncoveredIPv4Blocks"] == nil && space["largestUncoveredASes"] == nil, "the secretariat's lists")
            #expect((json["datasets"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }.sorted() == ["pfx2as", "rir"])

            let csv = try await fetch(app, "/coverage.csv")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.components(separatedBy: "\r\n")
            #expect(lines[0] == "country,name,region,sub_region,standing,national_teams,member_teams,liaisons,listed_teams,"
                    + "ipv4_registered,ipv4_constituency_percent,ipv4_national_only_percent,ipv4_none_percent")
            #expect(lines.contains("DE,Germany,Europe,Western Europe,national,1,1,0,0,512,100.0,0.0,0.0"))
            #expect(lines.contains("JP,Japan,Asia,Eastern Asia,national,1,0,1,0,256,0.0,100.0,0.0"))
            #expect(lines.contains("FR,France,Europe,Western Europe,none,0,0,0,0,256,0.0,0.0,100.0"))
            #expect(lines.count == Country.all.count + 2, "a header, a row per country, and the final line break")

            let page = try await fetch(app, "/coverage")
            let html = page.body.string
            #expect(page.status == .ok && html.contains("id=\"country-DE\" data-standing=\"national\"") && html.contains("id=\"country-FR\" data-standing=\"none\""))
            #expect(html.contains("2 teams in 2 countries") && !html.contains("uncovered-ases") && !html.contains("100.64.0.0/24"))
            for text in [Fixture.alphaInternal, Fixture.alphaEmergency, "secret@beta.example"] { #expect(!html.contains(text) && !csv.body.string.contains(text)) }
        }
    }

    @Test func aHiddenConstituencyCountsForMembersOnlyAndTheSecretariatSeesWhatNobodyAnswersFor() async throws {
        try await withRenkei { app, fixture in
            let model = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            var record = model.record
            record.publicFields.remove(.constituency)
            try await TeamWrites.save(record, existing: model, author: ChangeAuthor(userID: nil, name: "test", channel: "cli"), on: app.db)
            try await importRegistry(app)

            func ipv4(_ headers: HTTPHeaders) async throws -> [String: Int] {
                let space = try #require(try jsonObject(try await fetch(app, "/api/v1/coverage", headers))["addressSpace"] as? [String: Any])
                return try #require(space["ipv4"] as? [String: Int])
            }
            #expect(try await ipv4([:]) == ["registered": 1024, "constituency": 0, "nationalOnly": 768, "none": 256],
                    "anonymously, Alpha answers for DE only as its national team")
            let member = try await apiToken(app, "member-alpha@test.example")
            #expect(try await ipv4(["Authorization": "Bearer \(member)"]) == ["registered": 1024, "constituency": 512, "nationalOnly": 256, "none": 256])
            let memberView = try jsonObject(try await fetch(app, "/api/v1/coverage", ["Authorization": "Bearer \(member)"]))
            #expect((memberView["addressSpace"] as? [String: Any])?["largestUncoveredASes"] == nil)

            let officer = try await apiToken(app, "secretariat@test.example")
            let full = try #require(try jsonObject(try await fetch(app, "/api/v1/coverage", ["Authorization": "Bearer \(officer)"]))["addressSpace"] as? [String: Any])
            #expect((full["largestUncoveredIPv4Blocks"] as? [[String: Any]])?.map { $0["prefix"] as? String } == ["100.64.0.0/24"])
            let ases = try #require(full["largestUncoveredASes"] as? [[String: Any]])
            #expect(ases.map { $0["asn"] as? String } == ["AS64512"] && ases.first?["announcedIPv4"] as? Int == 256)
            let secretariat = try await signIn(app, "secretariat@test.example")
            let page = try await fetch(app, "/coverage", secretariat.headers).body.string
            #expect(page.contains("id=\"uncovered-ases\"") && page.contains("AS64512") && page.contains("100.64.0.0/24"))
        }
    }
}
