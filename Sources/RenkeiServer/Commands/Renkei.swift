import Foundation
import RenkeiCore
import Logging
import Vapor

/// The `renkei` program: Vapor's commands (`serve`, `migrate`, `routes`) and Renkei's own.
public enum Renkei {
    /// Runs the command line and returns the process exit status: 0 success, 2 bad input or
    /// configuration (with a message), 1 anything else.
    public static func main(arguments: [String] = CommandLine.arguments) async -> Int32 {
        var arguments = arguments
        // `serve --demo` is ours, not Vapor's: take it out before Vapor parses `serve`.
        let loadDemo = arguments.contains("--demo")
        arguments.removeAll { $0 == "--demo" }
        // An MTA reads 75 as "try again later": anything but a verdict on the message itself.
        let receivingMail = arguments.count > 2 && ["mail", "abuse"].contains(arguments[1]) && arguments[2] == "receive"
        let troubleStatus: (Int32) -> Int32 = { receivingMail ? SendmailExit.tempFail.rawValue : $0 }
        do {
            if arguments.count > 1 && arguments[1] == "cvss" {
                return CVSSCommand.run(Array(arguments.dropFirst(2)))
            }
            if arguments.count > 1 && arguments[1] == "verify-membership" {
                return try VerifyMembershipCommand.run(Array(arguments.dropFirst(2)))
            }
            if arguments.count > 1 && arguments[1] == "bench" {
                print(try BenchCommand.run(Array(arguments.dropFirst(2))))
                return 0
            }
            if arguments.count > 2 && arguments[1] == "keys" && arguments[2] == "generate" {
                return try KeysCommand.generate(Array(arguments.dropFirst(3)))
            }
            if arguments.count > 1 && arguments[1] == "restore" {
                return try await RestoreCommand.run(Array(arguments.dropFirst(2)))
            }
            let environment = try Environment.detect(arguments: arguments)
            bootstrapLogging()
            let settings = try Settings.fromEnvironment(loadDemo: loadDemo)
            // Help is printed from the commands' signatures: no database is opened or created for it.
            let askingForHelp = arguments.contains("--help") || arguments.contains("-h")
            if arguments.count > 1 && arguments[1] == "backup" {
                try BackupCommand.refuseOnPostgres(settings)
            }
            if arguments.count > 2 && arguments[1] == "demo" && arguments[2] == "scale" {
                try DemoScaleCommand.prepare(Array(arguments.dropFirst(3)), settings: settings)
            }
            let serving = !askingForHelp && (arguments.count < 2 || arguments[1] == "serve")
            let programFiles = try ProgramFiles.directory(environment: ProcessInfo.processInfo.environment,
                                                          workingDirectory: FileManager.default.currentDirectoryPath, executable: ProgramFiles.executable,
                                                          serving: serving)
            let app = try await Application.make(environment)
            app.directory = DirectoryConfiguration(workingDirectory: programFiles)
            do {
                if !askingForHelp {
                    try await configure(app, settings: settings)
                }
                app.asyncCommands.use(DemoCommand(), as: "demo")
                app.asyncCommands.use(ImportCommand(), as: "import")
                app.asyncCommands.use(ExportCommand(), as: "export")
                app.asyncCommands.use(UserCommand(), as: "user")
                app.asyncCommands.use(LookupCommand(), as: "lookup")
                app.asyncCommands.use(CoverageCommand(), as: "coverage")
                app.asyncCommands.use(RouteCommand(), as: "route")
                app.asyncCommands.use(MembershipCommand(), as: "membership")
                app.asyncCommands.use(PostCommand(), as: "post")
                app.asyncCommands.use(PostCommand(asks: true), as: "ask")
                app.asyncCommands.use(MailCommand(), as: "mail")
                app.asyncCommands.use(ListCommand(), as: "list")
                app.asyncCommands.use(SIGCommand(), as: "sig")
                app.asyncCommands.use(EventCommand(), as: "event")
                app.asyncCommands.use(AbuseCommand(), as: "abuse")
                app.asyncCommands.use(ReachabilityCommand(), as: "reachability")
                app.asyncCommands.use(KeysCommand(), as: "keys")
                app.asyncCommands.use(BackupCommand(), as: "backup")
                if serving {
                    app.usePeriodicWork()
                }
                if serving && app.renkei.isDemo {
                    // Written at once, not buffered by `print`: a service's log file must show them while
                    // it runs. A closed output is no reason not to serve.
                    try? FileHandle.standardOutput.write(contentsOf: Data((DemoNetwork.notice + "\n" + DemoLoader.credentials + "\n").utf8))
                }
                // Not `execute()`: it logs a failing command's error, which main reports already.
                try await app.startup()
                try await app.running?.onStop.get()
                try await app.asyncShutdown()
                return 0
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
        } catch let error as CommandExit {
            FileHandle.standardError.write(Data("renkei: \(error.message)\n".utf8))
            return error.status
        } catch let error as Settings.Problem {
            FileHandle.standardError.write(Data("renkei: \(error.description)\n".utf8))
            return troubleStatus(2)
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("renkei: \(error.message)\n".utf8))
            return troubleStatus(2)
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("renkei: \(error)\n".utf8))
            return troubleStatus(2)
        } catch {
            FileHandle.standardError.write(Data("renkei: \(error)\n".utf8))
            return troubleStatus(1)
        }
    }
}

/// Logs go to standard error, so a command's standard output holds only its result
/// (`renkei export global-irt > teams.json`). `LOG_LEVEL` sets the level (default info).
private func bootstrapLogging() {
    let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Bad input on the command line: printed as the message, exit status 2.
struct UsageError: Error {
    var message: String
}
