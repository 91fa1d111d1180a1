import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// `renkei demo scale`: the demo's accounts in a directory of `teams` teams with `items` shared
/// items (`ScaleData`), for measuring the platform at a real community's size. One transaction
/// on one connection: a failed load leaves nothing behind. On SQLite the load relaxes syncing
/// for its own connection only while it runs (the data is all new: a crash loses only the load).
enum ScaleLoader {
    struct Counts: Sendable {
        var teams: Int
        var people: Int
        var items: Int
    }

    /// Items per `SharedItemStore.insert(batch:on:)` call.
    static let chunk = 20_000

    static func load(teams teamCount: Int, items itemCount: Int, seed: UInt64, on database: any Database, hasher: AsyncPasswordHasher,
                     progress: @escaping @Sendable (String) -> Void) async throws -> Counts {
        let records = ScaleData.teams(count: teamCount, seed: seed)
        let analysts = ScaleData.analysts(for: records, seed: seed)
        let passwordHashes = try await DemoLoader.hashPasswords(hasher)
        // The analysts sign in only after a password reset: nobody knows this password.
        let unknownPassword = try await hasher.hash(Data([UInt8].random(count: 32)).base64EncodedString())
        return try await database.withConnection { connection in
            let sqlite = (connection as? any SQLDatabase).flatMap { $0.dialect.name == "sqlite" ? $0 : nil }
            let previousSync = try await sqlite?.raw("PRAGMA synchronous").first().flatMap { try $0.decode(column: "synchronous", as: Int.self) }
            if let sqlite {
                try await sqlite.raw("PRAGMA synchronous=OFF").run()
                try await sqlite.raw("PRAGMA cache_size=-262144").run()
                try await sqlite.raw("PRAGMA temp_store=MEMORY").run()
            }
            do {
                let counts = try await connection.transaction { database in
                    try await requireEmpty(database)
                    progress("teams: writing \(records.count)")
                    let directory = try await DemoLoader.loadDirectory(records, passwordHashes: passwordHashes, on: database)
                    let population = try await people(analysts, teams: records, directory: directory, passwordHash: unknownPassword, on: database)
                    progress("people: \(population.authors.count + 2) accounts")
                    try await insertItems(itemCount, seed: seed, population: population, on: database, progress: progress)
                    return Counts(teams: records.count, people: analysts.count + DemoNetwork.accounts.count, items: itemCount)
                }
                if let sqlite { try await restore(sqlite, synchronous: previousSync) }
                return counts
            } catch {
                if let sqlite { try? await restore(sqlite, synchronous: previousSync) }
                throw error
            }
        }
    }

    /// The load refuses a database that holds teams, people or items (PostgreSQL's case; on
    /// SQLite the command refuses a data directory that is not empty before it opens one).
    private static func requireEmpty(_ database: any Database) async throws {
        let teams = try await TeamModel.query(on: database).count()
        let users = try await UserModel.query(on: database).count()
        let items = try await SharedItemModel.query(on: database).count()
        guard teams + users + items == 0 else {
            throw UsageError(message: "the database holds \(teams) teams, \(users) people and \(items) items; demo scale loads only into an empty one")
        }
    }

    private static func restore(_ sqlite: any SQLDatabase, synchronous: Int?) async throws {
        try await sqlite.raw("PRAGMA synchronous=\(unsafeRaw: String(synchronous ?? 2))").run()
        try await sqlite.raw("PRAGMA cache_size=-2000").run()
        try await sqlite.raw("PRAGMA temp_store=DEFAULT").run()
    }

    /// The analysts' accounts, and everyone who shares with their ids (demo accounts first).
    private static func people(_ analysts: [ScaleData.Person], teams: [TeamRecord], directory: DemoLoader.DemoDirectory, passwordHash: String,
                               on database: any Database) async throws -> ScaleData.Population {
        let teamNames = try await TeamModel.query(on: database).all().reduce(into: [UUID: String]()) { names, team in
            if let id = team.id { names[id] = team.shortName }
        }
        let now = Date()
        let models = analysts.map { person in
            UserModel(id: UUID(), email: person.email, displayName: person.displayName, passwordHash: passwordHash, roles: [.member],
                      teamID: person.teamSlug.flatMap { directory.teams[$0] }, createdAt: now)
        }
        try await models.create(on: database, inBatchesOf: 500)
        let demo = DemoNetwork.accounts.compactMap { account -> ScaleData.Population.Author? in
            guard let user = directory.users[account.email], let userID = user.id, let teamID = user.$team.id else { return nil }
            return .init(userID: userID, name: user.displayName, teamID: teamID, teamName: teamNames[teamID] ?? "")
        }
        let others = models.compactMap { user -> ScaleData.Population.Author? in
            guard let userID = user.id, let teamID = user.$team.id else { return nil }
            return .init(userID: userID, name: user.displayName, teamID: teamID, teamName: teamNames[teamID] ?? "")
        }
        return ScaleData.Population(teamIDs: teams.compactMap { directory.teams[$0.slug] }, authors: demo + others, demoAuthors: demo.count)
    }

    /// The items in chunks, the next chunk made and encoded while the last one is written. On
    /// SQLite the items' secondary indexes are dropped for the load and made again after it,
    /// in the same transaction: one sort each instead of a million random insertions.
    private static func insertItems(_ count: Int, seed: UInt64, population: ScaleData.Population, on database: any Database,
                                    progress: @escaping @Sendable (String) -> Void) async throws {
        guard count > 0 else { return }
        let started = ContinuousClock.now
        func seconds() -> Int { Int((ContinuousClock.now - started).components.seconds) }
        @Sendable func make(_ start: Int) throws -> SharedItemStore.EncodedBatch {
            try SharedItemStore.EncodedBatch((start..<min(start + chunk, count)).map { ScaleData.item($0, of: count, seed: seed, in: population) })
        }
        let sqlite = (database as? any SQLDatabase).flatMap { $0.dialect.name == "sqlite" ? $0 : nil }
        var indexes: [String] = []
        if let sqlite { indexes = try await dropIndexes(on: sqlite) }
        var next = Task { try make(0) }
        for start in stride(from: 0, to: count, by: chunk) {
            let batch = try await next.value
            if start + chunk < count { next = Task { try make(start + chunk) } }
            try await SharedItemStore.insert(batch: batch, on: database)
            progress("items: \(min(start + chunk, count))/\(count) (\(seconds()) s)")
        }
        if let sqlite, !indexes.isEmpty {
            progress("items: indexing")
            for index in indexes { try await sqlite.raw(SQLQueryString(index)).run() }
            progress("items: indexed (\(seconds()) s)")
        }
    }

    /// The tables a load fills whose indexes it drops and makes again.
    private static let bulkTables = [SharedItemModel.schema, ItemReadIndex.table]

    /// Drops the declared indexes of `bulkTables` (not the primary keys' own) and returns the
    /// statements that make them again, as the schema stores them.
    private static func dropIndexes(on sqlite: any SQLDatabase) async throws -> [String] {
        struct Index: Decodable { var name: String; var sql: String }
        var statements: [String] = []
        for table in bulkTables {
            let indexes = try await sqlite.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table) AND sql IS NOT NULL")
                .all(decoding: Index.self)
            for index in indexes {
                try await sqlite.raw("DROP INDEX \(ident: index.name)").run()
                statements.append(index.sql)
            }
        }
        return statements
    }
}
