import Foundation

/// Where the program's own files are: the page templates (`Resources/Views`), the API
/// description (`Resources/openapi.json`) and the static files (`Public`). Vapor looks in the
/// working directory only, so a server started anywhere but in the checkout answered every
/// page with a 500.
enum ProgramFiles {
    /// What the folder must hold.
    static let templates = "Resources/Views"

    /// `RENKEI_HOME` when set (the operator's word); else the working directory (`swift run` in
    /// the checkout), else the nearest folder above the executable (a build in the checkout,
    /// started from elsewhere), each only when it holds the templates and nobody but this user
    /// or root could have written any of it: a server started in `/tmp`, or built in `/tmp/x`,
    /// must not render pages from templates another user planted there. None of these: for a
    /// server (`serving`), a message saying what to set; a command that serves no pages goes on
    /// in the working directory.
    static func directory(environment: [String: String], workingDirectory: String, executable: String?, serving: Bool) throws(Settings.Problem) -> String {
        if let home = environment["RENKEI_HOME"], !home.isEmpty {
            guard holdsFiles(home) else {
                throw Settings.Problem(description: "RENKEI_HOME is \(home), which holds no \(templates); set it to the folder holding Resources and Public (the checkout).")
            }
            return home
        }
        if holdsFiles(workingDirectory), onlyOwnerOrSystemWrites(workingDirectory) { return workingDirectory }
        if let executable {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            while folder.path != "/" {
                if holdsFiles(folder.path), onlyOwnerOrSystemWrites(folder.path) { return folder.path }
                folder = folder.deletingLastPathComponent()
            }
        }
        guard serving else { return workingDirectory }
        throw Settings.Problem(description: "cannot find the page templates (\(templates)) in \(workingDirectory) or above the program, "
                               + "in a folder only you or root can write to; start renkei in the folder holding Resources and Public, or set RENKEI_HOME to it.")
    }

    private static func holdsFiles(_ folder: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent(templates).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// The folder, `Resources` and `Public` and all they hold are owned by this user or root,
    /// and writable by no one else: not by others, nor by a group but this user's or root's.
    private static func onlyOwnerOrSystemWrites(_ folder: String) -> Bool {
        let manager = FileManager.default
        var paths = [folder]
        for part in ["Resources", "Public"] {
            let path = folder + "/" + part
            guard manager.fileExists(atPath: path) else { continue }
            paths.append(path)
            paths += (manager.subpaths(atPath: path) ?? []).map { path + "/" + $0 }
        }
        return paths.allSatisfy { path in
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                  let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
                  let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value,
                  let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint16Value else { return false }
            return (owner == getuid() || owner == 0) && permissions & 0o002 == 0 && (permissions & 0o020 == 0 || group == getgid() || group == 0)
        }
    }

    /// This process's executable, as the system names it.
    static var executable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }
}
