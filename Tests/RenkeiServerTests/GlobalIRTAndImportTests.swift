import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    @Test func globalIRTEndpointHeadersFormatsAndErrors() async throws {
        try await withRenkei { app, _ in
            var lastModified = ""
            try await app.testing().test(.GET, "/global-irt/v1/teams?limit=1&fields=short-team-name,email") { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "X-Total-Count") == "2")
                #expect(response.headers.first(name: "X-Version") == "1.0")
                lastModified = try #require(response.headers.first(name: .lastModified))
                #expect(response.headers.contentType == .json)
                let teams = try jsonArray(response)
                #expect(teams.count == 1 && Set(teams[0].keys) == ["short-team-name", "email"])
            }
            try await app.testing().test(.GET, "/global-irt/v1/teams", headers: ["If-Modified-Since": lastModified]) { response in
                #expect(response.status == .notModified)
            }
            try await app.testing().test(.GET, "/global-irt/v1/teams.csv?fields=short-team-name,country-code&sort=-short-team-name") { response in
                #expect(response.headers.contentType?.subType == "csv")
                #expect(response.body.string == "short-team-name,country-code\r\nBeta-CSIRT,JP\r\nAlpha-CERT,DE\r\n")
            }
            try await app.testing().test(.GET, "/global-irt/v1/teams.json?envelope=1&pretty=0&country=jp") { response in
                #expect(!response.body.string.trimmingCharacters(in: .newlines).contains("\n"))
                let envelope = try jsonObject(response)
                #expect(envelope["status"] as? String == "OK" && envelope["total"] as? Int == 1)
                #expect((envelope["data"] as? [[String: Any]])?.first?["short-team-name"] as? String == "Beta-CSIRT")
            }
            try await app.testing().test(.GET, "/global-irt/v1/teams?limit=500") { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                #expect(response.body.string.contains("\"limit\""))
            }
        }
    }

    @Test func exportedDirectoryImportsIntoAnEmptyOneUnchanged() async throws {
        var exported = Data()
        var original: [TeamRecord] = []
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "rep-alpha@test.example"))
            try await app.testing().test(.PATCH, "/api/v1/teams/alpha-cert", headers: bearer(token),
                                         body: try jsonBody(["pgpKeys": [["armored": try fixtureKey("csirt")]]])) { #expect($0.status == .ok) }
            let teams = try await TeamModel.all(on: app.db)
            original = teams.map(\.record)
            exported = Data(JSONValue.array(teams.map { GlobalIRT.object(for: $0.record, lastModified: $0.modifiedAt) }).serialized(pretty: true).utf8)
        }
        try await withApp(configure: { app in
            try await configure(app, settings: Settings(database: .sqliteMemory, dataDirectory: NSTemporaryDirectory(), publicURL: "https://renkei.test"))
        }) { app in
            let incoming = try GlobalIRT.parseDocument(exported).map { team in
                var record = team.record
                record.pgpKeys = team.armoredKeys.map { PGPKey(fingerprint: "", armored: $0) }
                return DirectoryImport.Incoming(record: record, fingerprints: team.declaredFingerprints)
            }
            let summary = try await DirectoryImport.run(incoming, source: "export.json", app: app)
            #expect(summary == .init(total: 2, created: 2))
            let imported = try await TeamModel.all(on: app.db).map(\.record)
            #expect(imported == original)
            let again = try await DirectoryImport.run(incoming, source: "export.json", app: app)
            #expect(again == .init(total: 2, unchanged: 2))
        }
    }

    @Test func anImportWithOneBadTeamWritesNothing() async throws {
        try await withRenkei { app, _ in
            let good = TeamRecord(shortName: "Epsilon", officialName: "Epsilon CSIRT", countryCode: "FR", email: "csirt@epsilon.example")
            var bad = good
            bad.shortName = "Zeta"
            bad.constituency.prefixes = ["203.0.113.9/24"]
            await #expect {
                try await DirectoryImport.run([.init(record: good, fingerprints: []), .init(record: bad, fingerprints: [])], source: "f", app: app)
            } throws: { error in
                let message = (error as? UsageError)?.message ?? ""
                return message.contains("team 2 Zeta: constituency.prefixes[0]") && message.contains("203.0.113.0/24")
            }
            let count = try await TeamModel.query(on: app.db).count()
            #expect(count == 2)
        }
    }
}
