import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

func registryFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/registry/\(name)").path
}

extension ServerTests {
    @Test func lookupAPIAnswersWithRankedReasons() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/api/v1/lookup?q=192.0.2.9") { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response)
                #expect(answer["type"] as? String == "ipv4")
                let candidates = try #require(answer["candidates"] as? [[String: Any]])
                let first = try #require(candidates.first)
                #expect((first["team"] as? [String: Any])?["slug"] as? String == "alpha-cert")
                #expect(first["kind"] as? String == "constituency-prefix")
                #expect((first["reasons"] as? [String])?.first == "192.0.2.9 is inside 192.0.2.0/24, in Alpha-CERT's declared constituency.")
            }
            try await app.testing().test(.GET, "/api/v1/lookup?q=mail.example.jp") { response in
                let candidates = try #require(try jsonObject(response)["candidates"] as? [[String: Any]])
                #expect(candidates.compactMap { ($0["team"] as? [String: Any])?["slug"] as? String } == ["beta-csirt"])
            }
            try await app.testing().test(.GET, "/api/v1/lookup?q=192.0.2.1%2F24") { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("192.0.2.0/24"))
            }
        }
    }

    @Test func bulkLookupReportsUnreadableLinesOneByOne() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "application/json"],
                                         body: try jsonBody(["192.0.2.9", "AS64500", "jp", "not an indicator!"])) { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response)
                #expect((answer["results"] as? [Any])?.count == 3)
                let errors = try #require(answer["errors"] as? [[String: Any]])
                #expect(errors.count == 1 && errors[0]["line"] as? Int == 4 && errors[0]["input"] as? String == "not an indicator!")
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/csv"],
                                         body: ByteBuffer(string: "indicator,comment\n192.0.2.9,\"a, quoted note\"\n999.1.1.1,x\n")) { response in
                let answer = try jsonObject(response)
                #expect(answer["count"] as? Int == 2)
                #expect((answer["errors"] as? [[String: Any]])?.first?["line"] as? Int == 3)
            }
            let tooMany = [String](repeating: "192.0.2.1", count: LookupAPIController.maxIndicators + 1)
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "application/json"], body: try jsonBody(tooMany)) { response in
                #expect(response.status == .payloadTooLarge)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{\"q\": 1}")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func importedRegistryDataIsUsedAndReplacedWhole() async throws {
        try await withRenkei { app, _ in
            let rir = try await DatasetImport.run(kind: .rir, files: [registryFixture("delegated-extended-sample.txt")], keep: 3, database: app.db)
            #expect(rir.entries == 10 && rir.skipped.count == 3)
            #expect(rir.skipped[0].hasPrefix("delegated-extended-sample.txt: line 16:"))
            _ = try await DatasetImport.run(kind: .pfx2as, files: [registryFixture("routeviews-pfx2as-sample.txt")], keep: 3, database: app.db)
            _ = try await app.lookup.upToDateResolver(on: app.db)
            try await app.testing().test(.GET, "/api/v1/lookup?q=203.0.113.7") { response in
                let answer = try jsonObject(response)
                #expect((answer["facts"] as? [String]) == ["203.0.113.0/24 is announced by AS64500 (routing data).",
                                                           "203.0.113.0/24 is registered to Japan (JP) (RIR data)."])
                let candidates = try #require(answer["candidates"] as? [[String: Any]])
                #expect(candidates.compactMap { ($0["team"] as? [String: Any])?["slug"] as? String } == ["alpha-cert", "beta-csirt"],
                        "alpha declares AS64500; beta is Japan's national team")
            }
            // A file with nothing usable leaves the dataset as it was.
            let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID()).txt")
            try "garbage|line\n".write(to: empty, atomically: true, encoding: .utf8)
            await #expect(throws: UsageError.self) { try await DatasetImport.run(kind: .rir, files: [empty.path], keep: 3, database: app.db) }
            let datasets = try await DatasetImportModel.history(of: .rir, on: app.db)
            #expect(datasets.count == 1 && datasets[0].entries == 10)
        }
    }

    @Test func lookupPageAnswersOneOrAListPerTeam() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/lookup?q=alpha.example") { response in
                #expect(response.status == .ok)
                let html = response.body.string
                #expect(html.contains("id=\"lookup-result\"") && html.contains("Alpha-CERT"))
                #expect(html.contains("<title>“alpha.example” · Who to call? · Renkei</title>"))
                #expect(html.contains("The domain alpha.example is in Alpha-CERT&#39;s declared constituency.")
                        || html.contains("The domain alpha.example is in Alpha-CERT's declared constituency."))
            }
            try await app.testing().test(.POST, "/lookup", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("q", "# ticket 4711\n192.0.2.9:443\nhxxps://www[.]example[.]jp/login\nexample.jp\n8.8.8.8\nbad input!")])) { response in
                let html = response.body.string
                #expect(html.contains("id=\"lookup-groups\""))
                // Each row shows its line as pasted, and what it was read as when that differs.
                // A comment line is no question; the rest keep their numbers in the paste.
                #expect(html.contains("line 2: 192.0.2.9:443<br><span class=\"hint\">read as 192.0.2.9</span>"))
                #expect(html.contains("line 3: hxxps://www[.]example[.]jp/login<br><span class=\"hint\">read as www.example.jp</span>"))
                #expect(!html.contains("ticket 4711</"))
                #expect(html.contains("5 lines: 3 answered for 2 teams, 1 without a team, 1 unreadable."))
                #expect(html.contains("<title>5 lines · Who to call? · Renkei</title>"))
                #expect(html.contains("line 6"))
                #expect(html.contains("id=\"lookup-unmatched\""))
            }
            let lines = (0...LookupController.maxLines).map { "192.0.2.\($0 % 250)" }.joined(separator: "\n")
            try await app.testing().test(.POST, "/lookup", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("q", lines)])) { response in
                #expect(response.status == .payloadTooLarge)
            }
        }
    }

    @Test func routingSplitsEventsByTeam() async throws {
        try await withRenkei { app, _ in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("route-\(UUID())")
            let events = directory.appendingPathExtension("csv")
            try "time,ip,note\n1,192.0.2.9,\"phish, kit\"\n2,198.51.100.1,x\n3,nonsense,y\n4,192.0.2.200,z\n".write(to: events, atomically: true, encoding: .utf8)
            let resolver = try await app.lookup.resolver(on: app.db)
            let summary = try EventRouting.route(file: events.path, column: "ip", outputDirectory: directory.path, resolver: resolver)
            #expect(summary.rows == 4 && summary.routed == 2 && summary.unrouted == 2 && summary.unreadable == 1)
            #expect(summary.teams == ["alpha-cert": 2])
            let alpha = try String(contentsOf: directory.appendingPathComponent("alpha-cert.csv"), encoding: .utf8)
            #expect(alpha == "time,ip,note\n1,192.0.2.9,\"phish, kit\"\n4,192.0.2.200,z\n")
            let unrouted = try String(contentsOf: directory.appendingPathComponent("unrouted.csv"), encoding: .utf8)
            #expect(unrouted == "time,ip,note\n2,198.51.100.1,x\n3,nonsense,y\n")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("summary.json").path))
            #expect(throws: UsageError.self) {
                try EventRouting.route(file: events.path, column: "address", outputDirectory: directory.path, resolver: resolver)
            }
        }
    }

    @Test func anEditedConstituencyIsUsedOnceTheTablesAreRebuilt() async throws {
        try await withRenkei { app, _ in
            let token = try await createToken(app, try await signIn(app, "rep-beta@test.example"))
            try await app.testing().test(.GET, "/api/v1/lookup?q=198.51.100.7") { response in
                let answer = try jsonObject(response)
                #expect((answer["candidates"] as? [Any])?.isEmpty == true)
            }
            try await app.testing().test(.PATCH, "/api/v1/teams/beta-csirt", headers: bearer(token),
                                         body: try jsonBody(["constituency": ["prefixes": ["198.51.100.0/24"]]])) { #expect($0.status == .ok) }
            _ = try await app.lookup.upToDateResolver(on: app.db)
            try await app.testing().test(.GET, "/api/v1/lookup?q=198.51.100.7") { response in
                let candidates = try #require(try jsonObject(response)["candidates"] as? [[String: Any]])
                #expect(candidates.first.flatMap { ($0["team"] as? [String: Any])?["slug"] as? String } == "beta-csirt")
            }
        }
    }
}
