import Foundation

/// Where the program's own files are: the page templates (`Resources/Views`), the API
/// description (`Resources/openapi.json`) and the static files (`Public`). Vapor looks in the
/// working directory only, so a server started anywhere but in the checkout answered every
/// page with a 500.
enum ProgramFiles {
    /// What the folder must hold.
    static let templates = "Resources/Views"

    /// `RENKEI_HOME` when set; else the working directory when it holds the files (`swift run`
    /// in the checkout); else the nearest folder above the executable that holds them (a build
    /// in the checkout, started from elsewhere) and that nobody else could have written to: a
    /// program in `/tmp/x` must not take templates planted in `/tmp` by another user, and pages
    /// rendered from them. None of these: for a server (`serving`), a
    /// message saying what to set; a command that serves no pages goes on in the working directory.
    static func directory(environment: [String: String], workingDirectory: String, executable: String?, serving: Bool) throws(Settings.Problem) -> String {
        if let home = environment["RENKEI_HOME"], !home.isEmpty {
            guard holdsFiles(home) else {
                throw Settings.Problem(description: "RENKEI_HOME is \(home), which holds no \(templates); set it to the folder holding Resources and Public (the checkout).")
            }
            return home
        }
        if holdsFiles(workingDirectory) { return workingDirectory }
        if let executable {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            while folder.path != "/" {
                if holdsFiles(folder.path), onlyOwnerOrSystemWrites(folder.path) { return folder.path }
                folder = folder.deletingLastPathComponent()
            }
        }
        guard serving else { return workingDirectory }
        throw Settings.Problem(description: "cannot find the page templates (\(templates)) in \(workingDirectory) or above the program; "
                               + "start renkei in the folder holding Resources and Public, or set RENKEI_HOME to it.")
    }

    private static func holdsFiles(_ folder: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent(templates).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Owned by this user or by the system, and not writable by others.
    private static func onlyOwnerOrSystemWrites(_ folder: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: folder),
              let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
              let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint16Value else { return false }
        return (owner == getuid() || owner == 0) && permissions & 0o002 == 0
    }

    /// This process's executable, as the system names it.
    static var executable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }
}
