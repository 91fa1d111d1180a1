import Foundation
import SQLKit
import Vapor

/// `renkei backup --out FILE`: an online copy of a SQLite installation (see `Backup`),
/// made while the server runs.
struct BackupCommand: AnyAsyncCommand {
    static let usage = "usage: renkei backup --out FILE"

    var help: String {
        "--out FILE: writes the database (an online, consistent copy), the GnuPG home and the signing key file to one archive (mode 0600). SQLite only."
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    /// Before anything connects to PostgreSQL: its own tools back it up.
    static func refuseOnPostgres(_ settings: Settings) throws {
        if case .postgres = settings.database {
            throw UsageError(message: "renkei backup copies a SQLite installation; with DATABASE_URL (PostgreSQL) use pg_dump for the database "
                                 + "and copy the GnuPG home (\(settings.gpgHome)) and the signing key file yourself")
        }
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["out"])
        guard arguments.operands.isEmpty, let output = arguments.options["out"] else { throw UsageError(message: Self.usage) }
        let app = context.application
        let settings = app.renkei.settings
        try Self.refuseOnPostgres(settings)
        guard let database = app.db as? any SQLDatabase else { throw UsageError(message: "the database does not speak SQL") }
        do {
            try await Backup.create(to: output, database: database, gpgHome: settings.gpgHome, signingKeyFile: settings.signingKeyFile,
                                    progress: Self.toStandardError)
        } catch let problem as Backup.Problem {
            throw UsageError(message: problem.description)
        }
    }

    static func toStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// `renkei restore FILE`: a backup into an empty data directory. It runs before the
/// application starts, which would otherwise make a new database first; and before the
/// signing key file is checked, since restoring may be what makes it.
enum RestoreCommand {
    static func run(_ raw: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Int32 {
        let arguments = try CommandArguments(raw)
        guard arguments.operands.count == 1 else { throw UsageError(message: "usage: renkei restore FILE") }
        var unchecked = environment
        unchecked[SigningKeyFile.variable] = nil
        let settings = try Settings.fromEnvironment(unchecked)
        if case .postgres = settings.database {
            throw UsageError(message: "renkei restore fills a SQLite data directory; with DATABASE_URL (PostgreSQL) use pg_restore or psql")
        }
        let keyFile = environment[SigningKeyFile.variable].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let restored = try await Backup.restore(from: arguments.operands[0], dataDirectory: settings.dataDirectory, gpgHome: settings.gpgHome,
                                                    signingKeyFile: keyFile, progress: BackupCommand.toStandardError)
            print("Restored \(restored.database)" + (restored.gpgHome.map { ", \($0)" } ?? "") + (restored.signingKeyFile.map { ", \($0)" } ?? "")
                      + ". Start the server on \(settings.dataDirectory).")
        } catch let problem as Backup.Problem {
            throw UsageError(message: problem.description)
        } catch let problem as SigningKeyFile.Problem {
            throw UsageError(message: problem.description)
        }
        return 0
    }
}
