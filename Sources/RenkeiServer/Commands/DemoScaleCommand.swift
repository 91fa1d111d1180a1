import Foundation
import RenkeiCore
import Vapor

/// `renkei demo scale --teams N --items N [--seed S]`: fills a new or empty data directory (or
/// an empty PostgreSQL database) with the demo's accounts, N teams and N shared items
/// (`ScaleLoader`), showing its progress on standard error.
enum DemoScaleCommand {
    struct Options: Sendable, Equatable {
        var teams: Int
        var items: Int
        var seed: UInt64
    }

    static let usage = "usage: renkei demo scale --teams N --items N [--seed S]"

    static func options(_ arguments: [String]) throws -> Options {
        let parsed: CommandArguments
        do {
            parsed = try CommandArguments(arguments, options: ["teams", "items", "seed"])
        } catch let error as UsageError {
            throw UsageError(message: "\(error.message); \(usage)")
        }
        guard parsed.operands.isEmpty else { throw UsageError(message: "unexpected \(parsed.operands.joined(separator: " ")); \(usage)") }
        guard let teams = parsed.options["teams"].flatMap({ Int($0) }), (ScaleData.minimumTeams...ScaleData.maximumTeams).contains(teams) else {
            throw UsageError(message: "--teams takes a number from \(ScaleData.minimumTeams) (the demo accounts' teams) to \(ScaleData.maximumTeams); \(usage)")
        }
        guard let items = parsed.options["items"].flatMap({ Int($0) }), (0...100_000_000).contains(items) else {
            throw UsageError(message: "--items takes a number from 0 to 100,000,000; \(usage)")
        }
        guard let seed = UInt64(parsed.options["seed"] ?? "1") else { throw UsageError(message: "--seed takes a whole number from 0 to 2^64-1; \(usage)") }
        return Options(teams: teams, items: items, seed: seed)
    }

    /// Checked before the application opens the database, which would create files in the
    /// directory: on SQLite the data directory must be new or empty.
    static func prepare(_ arguments: [String], settings: Settings) throws {
        _ = try options(arguments)
        guard case .sqliteFile = settings.database else { return }
        let directory = settings.dataDirectory
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory), !entries.isEmpty {
            throw UsageError(message: "the data directory \(directory) is not empty; demo scale fills only a new or empty one (set RENKEI_DATA_DIR)")
        }
    }

    static func run(_ arguments: [String], app: Application) async throws {
        let options = try options(arguments)
        let started = ContinuousClock.now
        let counts = try await ScaleLoader.load(teams: options.teams, items: options.items, seed: options.seed, on: app.db,
                                                hasher: app.password.async) { line in
            FileHandle.standardError.write(Data("renkei: demo scale: \(line)\n".utf8))
        }
        let seconds = LPMBenchmark.seconds(since: started)
        FileHandle.standardError.write(Data(String(format: "renkei: demo scale: loaded %d teams, %d people and %d items in %.1f s\n",
                                                   counts.teams, counts.people, counts.items, seconds).utf8))
        print(DemoNetwork.notice + "\n" + DemoLoader.credentials)
    }
}
