import Foundation
@testable import RenkeiServer
import Testing

/// The templates and static files are found wherever the server is started from: started
/// outside the checkout, every page was a 500.
struct ProgramFilesTests {
    private func folder(withTemplates: Bool) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(withTemplates ? ProgramFiles.templates : "elsewhere"),
                                                withIntermediateDirectories: true)
        return root.path
    }

    @Test func theWorkingDirectoryComesFirstThenTheFolderAboveTheProgram() throws {
        let checkout = try folder(withTemplates: true), elsewhere = try folder(withTemplates: false)
        defer { for path in [checkout, elsewhere] { try? FileManager.default.removeItem(atPath: path) } }
        let program = checkout + "/.build/release/renkei"
        #expect(try ProgramFiles.directory(environment: [:], workingDirectory: checkout, executable: "/usr/bin/renkei", serving: true) == checkout)
        #expect(try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: program, serving: true) == checkout)
        #expect(try ProgramFiles.directory(environment: ["RENKEI_HOME": checkout], workingDirectory: elsewhere, executable: nil, serving: true) == checkout)
    }

    /// A program built in `/tmp/x` and started from `/` must not render templates another user
    /// planted in `/tmp`, which everybody may write to.
    @Test func templatesInAFolderOthersCanWriteToAreNotTaken() throws {
        let shared = try folder(withTemplates: true)
        defer { try? FileManager.default.removeItem(atPath: shared) }
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: shared)
        let program = shared + "/x/renkei", elsewhere = FileManager.default.temporaryDirectory.path + "/renkei-nowhere-\(UUID().uuidString)"
        #expect { try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: program, serving: true) }
            throws: { ($0 as? Settings.Problem)?.description.contains("RENKEI_HOME") == true }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: shared)
        #expect(try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: program, serving: true) == shared)
    }

    /// A writable template below a folder only its owner may write to, and a working directory
    /// others may write to, are refused alike.
    @Test func templatesOthersCouldHaveChangedAreNotTaken() throws {
        let checkout = try folder(withTemplates: true)
        defer { try? FileManager.default.removeItem(atPath: checkout) }
        let page = checkout + "/" + ProgramFiles.templates + "/lookup.leaf"
        try "<h1>Who to call?</h1>".write(toFile: page, atomically: true, encoding: .utf8)
        let program = checkout + "/.build/release/renkei", elsewhere = FileManager.default.temporaryDirectory.path + "/renkei-nowhere-\(UUID().uuidString)"
        #expect(try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: program, serving: true) == checkout)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: page)
        #expect { try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: program, serving: true) }
            throws: { ($0 as? Settings.Problem)?.description.contains("RENKEI_HOME") == true }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: page)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: checkout + "/Resources")
        #expect { try ProgramFiles.directory(environment: [:], workingDirectory: checkout, executable: nil, serving: true) }
            throws: { ($0 as? Settings.Problem)?.description.contains("RENKEI_HOME") == true }
    }

    @Test func aServerThatCannotFindItsTemplatesSaysWhatToSet() throws {
        let elsewhere = try folder(withTemplates: false)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        #expect { try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: elsewhere + "/renkei", serving: true) }
            throws: { ($0 as? Settings.Problem)?.description.contains("RENKEI_HOME") == true }
        #expect { try ProgramFiles.directory(environment: ["RENKEI_HOME": elsewhere], workingDirectory: elsewhere, executable: nil, serving: false) }
            throws: { ($0 as? Settings.Problem)?.description.contains("holds no Resources/Views") == true }
        // A command that serves no pages goes on where it was started.
        #expect(try ProgramFiles.directory(environment: [:], workingDirectory: elsewhere, executable: nil, serving: false) == elsewhere)
    }
}
