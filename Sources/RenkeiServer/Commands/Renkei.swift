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
        do {
            var environment = try Environment.detect(arguments: arguments)
            try LoggingSystem.bootstrap(from: &environment)
            let settings = try Settings.fromEnvironment(loadDemo: loadDemo)
            let app = try await Application.make(environment)
            do {
                try await configure(app, settings: settings)
                app.asyncCommands.use(DemoCommand(), as: "demo")
                app.asyncCommands.use(ImportCommand(), as: "import")
                app.asyncCommands.use(ExportCommand(), as: "export")
                app.asyncCommands.use(UserCommand(), as: "user")
                if app.renkei.isDemo && (arguments.count < 2 || arguments[1] == "serve") {
                    print(DemoNetwork.notice + "\n" + DemoLoader.credentials)
                }
                try await app.execute()
                try await app.asyncShutdown()
                return 0
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
        } catch let error as Settings.Problem {
            FileHandle.standardError.write(Data("renkei: \(error.description)\n".utf8))
            return 2
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("renkei: \(error.message)\n".utf8))
            return 2
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("renkei: \(error)\n".utf8))
            return 2
        } catch {
            FileHandle.standardError.write(Data("renkei: \(error)\n".utf8))
            return 1
        }
    }
}

/// Bad input on the command line: printed as the message, exit status 2.
struct UsageError: Error {
    var message: String
}
