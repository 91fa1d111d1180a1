import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// A routing file of its own for each import, so each import is told apart by its answers.
private func routingFile(origin: Int) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pfx2as-\(origin)-\(UUID()).txt")
    try "198.51.100.0\t24\t\(origin)\n2001:db8::\t32\t\(origin)\n".write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

private func announcedBy(_ app: Application) async throws -> (fact: String?, dataset: String?) {
    var result: (String?, String?) = (nil, nil)
    try await app.testing().test(.GET, "/api/v1/lookup?q=198.51.100.7") { response in
        let answer = try jsonObject(response)
        let facts = answer["facts"] as? [String] ?? []
        let datasets = answer["datasets"] as? [[String: Any]] ?? []
        result = (facts.first { $0.contains("announced") }, datasets.first { $0["kind"] as? String == "pfx2as" }?["id"] as? String)
    }
    return result
}

extension ServerTests {
    @Test func aLookupIsAnsweredFromThePreviousTablesWhileNewOnesAreBuilt() async throws {
        try await withRenkei { app, _ in
            let first = try await DatasetImport.run(kind: .pfx2as, files: [try routingFile(origin: 64501)], keep: 3, database: app.db)
            _ = try await app.lookup.upToDateResolver(on: app.db)
            let before = try await announcedBy(app)
            #expect(before.fact == "198.51.100.0/24 is announced by AS64501 (routing data).")
            #expect(before.dataset == first.id?.uuidString)

            let second = try await DatasetImport.run(kind: .pfx2as, files: [try routingFile(origin: 64502)], keep: 3, database: app.db)
            // The import moved the data on; the next lookup starts the rebuild and does not wait for it.
            let meanwhile = try await app.lookup.resolver(on: app.db)
            #expect(meanwhile.dataset(.pfx2as)?.id == first.id, "answered from the tables there were")
            #expect(try meanwhile.resolve("198.51.100.7", audience: .members).facts.contains("198.51.100.0/24 is announced by AS64501 (routing data)."))

            let rebuilt = try await app.lookup.upToDateResolver(on: app.db)
            #expect(rebuilt.dataset(.pfx2as)?.id == second.id)
            let after = try await announcedBy(app)
            #expect(after.fact == "198.51.100.0/24 is announced by AS64502 (routing data).")
            #expect(after.dataset == second.id?.uuidString)
        }
    }

    @Test func importsKeepTheirHistoryAndRollBackOneAtATime() async throws {
        try await withRenkei { app, _ in
            var ids: [UUID] = []
            for origin in 64501...64504 {
                let report = try await DatasetImport.run(kind: .pfx2as, files: [try routingFile(origin: origin)], keep: 3, database: app.db)
                ids.append(try #require(report.id))
            }
            #expect(try await DatasetImportModel.history(of: .pfx2as, on: app.db).compactMap(\.id) == [ids[3], ids[2], ids[1]],
                    "the last three are kept, newest first")

            let (dropped, current) = try await DatasetImport.rollback(kind: .pfx2as, database: app.db)
            #expect(dropped.id == ids[3] && current.id == ids[2])
            _ = try await app.lookup.upToDateResolver(on: app.db)
            #expect(try await announcedBy(app).fact == "198.51.100.0/24 is announced by AS64503 (routing data).")

            _ = try await DatasetImport.rollback(kind: .pfx2as, database: app.db)
            await #expect(throws: UsageError.self, "one import left: nothing earlier to return to") {
                try await DatasetImport.rollback(kind: .pfx2as, database: app.db)
            }
            #expect(try await DatasetImportModel.history(of: .pfx2as, on: app.db).compactMap(\.id) == [ids[1]])
            await #expect(throws: UsageError.self) { try await DatasetImport.rollback(kind: .rir, database: app.db) }
        }
    }

    /// A constituency file is as private as its entries: answers name it to members only.
    @Test func answersNameTheConstituencyFileToMembersOnly() async throws {
        try await withRenkei { app, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("customers-\(UUID()).csv")
            try "indicator,team\n198.51.100.0/25,beta-csirt\n".write(to: file, atomically: true, encoding: .utf8)
            _ = try await DatasetImport.run(kind: .constituency, files: [file.path], keep: 3, database: app.db)
            _ = try await DatasetImport.run(kind: .pfx2as, files: [try routingFile(origin: 64501)], keep: 3, database: app.db)
            _ = try await app.lookup.upToDateResolver(on: app.db)
            let token = try await createToken(app, try await signIn(app, "rep-beta@test.example"))
            for (headers, kinds) in [(HTTPHeaders([("Content-Type", "application/json")]), ["pfx2as"]), (bearer(token), ["pfx2as", "constituency"])] {
                try await app.testing().test(.GET, "/api/v1/lookup?q=198.51.100.7", headers: headers) { response in
                    let datasets = try #require(try jsonObject(response)["datasets"] as? [[String: Any]])
                    #expect(datasets.compactMap { $0["kind"] as? String } == kinds)
                    #expect(!response.body.string.contains("customers-") || kinds.contains("constituency"))
                }
                try await app.testing().test(.POST, "/api/v1/lookup", headers: headers,
                                             body: try jsonBody(["198.51.100.7"])) { response in
                    let answer = try jsonObject(response)
                    let datasets = try #require(answer["datasets"] as? [[String: Any]])
                    #expect(datasets.compactMap { $0["kind"] as? String } == kinds)
                    #expect(!response.body.string.contains("customers-") || kinds.contains("constituency"))
                    let results = try #require(answer["results"] as? [[String: Any]])
                    #expect(results.count == 1 && results.allSatisfy { $0["datasets"] == nil }, "named once, not in every result")
                }
            }
        }
    }

    @Test func theLookupPageSaysWhichImportAnswered() async throws {
        try await withRenkei { app, _ in
            let file = try routingFile(origin: 64501)
            _ = try await DatasetImport.run(kind: .pfx2as, files: [file], keep: 3, database: app.db)
            _ = try await app.lookup.upToDateResolver(on: app.db)
            try await app.testing().test(.GET, "/lookup?q=198.51.100.7") { response in
                let html = response.body.string
                #expect(html.contains("Routing data: \(URL(fileURLWithPath: file).lastPathComponent), imported "))
                #expect(html.contains("(2 entries)") && html.contains("No RIR data imported"))
            }
        }
        #expect([0, 7, 999, 1_000, 1_050_000, -1_234].map(DatasetSource.grouped) == ["0", "7", "999", "1,000", "1,050,000", "-1,234"])
    }

    /// A stored import damaged on disk is left out of the tables: lookups go on with the rest,
    /// and the server does not try again every second (the tables are for that version).
    @Test func aDamagedStoredImportIsLeftOutAndLookupsGoOn() async throws {
        try await withRenkei { app, _ in
            _ = try await DatasetImport.run(kind: .rir, files: [registryFixture("delegated-extended-sample.txt")], keep: 3, database: app.db)
            let routes = try await DatasetImport.run(kind: .pfx2as, files: [try routingFile(origin: 64501)], keep: 3, database: app.db)
            let stored = try #require(try await DatasetImportModel.find(routes.id, on: app.db))
            stored.payload = stored.payload.prefix(20)
            try await stored.save(on: app.db)
            try await DataVersions.bump(DataVersions.dataset(DatasetKind.pfx2as.rawValue), on: app.db)

            let resolver = try await app.lookup.upToDateResolver(on: app.db)
            #expect(resolver.dataset(.pfx2as) == nil && resolver.dataset(.rir) != nil)
            try await app.testing().test(.GET, "/api/v1/lookup?q=203.0.113.7") { response in
                #expect(response.status == .ok)
                let facts = try jsonObject(response)["facts"] as? [String] ?? []
                #expect(facts == ["203.0.113.0/24 is registered to Japan (JP) (RIR data)."])
            }
            _ = try await app.lookup.resolver(on: app.db)
            #expect(!app.lookup.isBuilding, "the tables without the damaged import are current: no new build")
        }
    }

    @Test func aFileWithNothingUsableSaysWhy() async throws {
        try await withRenkei { app, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).pfx2as")
            try "192.0.2.1\t24\t64500\n".write(to: file, atomically: true, encoding: .utf8)
            await #expect { try await DatasetImport.run(kind: .pfx2as, files: [file.path], keep: 3, database: app.db) } throws: { error in
                (error as? UsageError)?.message.contains("host bits set") == true
            }
        }
    }

    @Test func theNumberOfKeptImportsIsConfigured() throws {
        #expect(try Settings.fromEnvironment(["RENKEI_DATASET_HISTORY": "5"]).datasetHistory == 5)
        #expect(try Settings.fromEnvironment([:]).datasetHistory == 3)
        for bad in ["0", "-1", "many", "101"] {
            #expect(throws: Settings.Problem.self) { try Settings.fromEnvironment(["RENKEI_DATASET_HISTORY": bad]) }
        }
    }
}
