import Foundation
import SQLKit
import Subprocess
import SystemPackage

/// One archive holding a SQLite installation: the database (an online, consistent copy made
/// with `VACUUM INTO` while the server keeps running), the lists' GnuPG home and the signing
/// key file when there is one. The archive is a gzipped tar made by the system's `tar`:
///
///     renkei-backup/manifest.json     format, version, time, and which parts follow
///     renkei-backup/renkei.sqlite
///     renkei-backup/gnupg/...         RENKEI_GPG_HOME, without gpg-agent's sockets and locks
///     renkei-backup/signing-key.jwk   the RENKEI_SIGNING_KEY_FILE, if set
///
/// It holds secret keys, so it is written with mode 0600.
enum Backup {
    static let folder = "renkei-backup"
    static let databaseName = "renkei.sqlite"
    static let keyFileName = "signing-key.jwk"

    struct Manifest: Codable {
        var format = "renkei-backup"
        var version = 1
        var createdAt: Date
        var gnupg: Bool
        var signingKey: Bool
    }

    /// Refusals and failures, said to the operator.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the archive to `output`, which must not exist yet; `progress` hears each step.
    static func create(to output: String, database: any SQLDatabase, gpgHome: String, signingKeyFile: String?,
                       progress: (String) -> Void) async throws {
        guard !FileManager.default.fileExists(atPath: output) else { throw Problem(description: "\(output) exists; name a new file") }
        let outputURL = URL(fileURLWithPath: output)
        let staging = try scratchDirectory(in: outputURL.deletingLastPathComponent())
        defer { try? FileManager.default.removeItem(at: staging) }
        let root = staging.appendingPathComponent(folder)
        try makeDirectory(root)

        let started = Date()
        progress("Copying the database (online: the server may keep running)…")
        let copy = root.appendingPathComponent(databaseName).path
        try await database.raw("VACUUM INTO \(bind: copy)").run()
        progress("Database copied: \(megabytes(size(of: copy))) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")

        let hasHome = FileManager.default.fileExists(atPath: gpgHome)
        if hasHome {
            progress("Copying the GnuPG home \(gpgHome)…")
            try copyKeyHome(from: URL(fileURLWithPath: gpgHome), to: root.appendingPathComponent("gnupg"))
        } else {
            progress("No GnuPG home at \(gpgHome): the lists have no key yet.")
        }
        if let signingKeyFile {
            progress("Adding the signing key file \(signingKeyFile)…")
            let key = try SigningKeyFile.read(signingKeyFile)
            try SigningKeyFile.write(key, to: root.appendingPathComponent(keyFileName).path, replacing: false)
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Manifest(createdAt: Date(), gnupg: hasHome, signingKey: signingKeyFile != nil))
            .write(to: root.appendingPathComponent("manifest.json"))

        progress("Writing \(output)…")
        // Made 0600 before tar writes into it (tar keeps an existing file's mode), then renamed
        // into place, so no one else can open it and no half-written archive has its name.
        let partial = outputURL.deletingLastPathComponent().appendingPathComponent(".\(outputURL.lastPathComponent).partial-\(UUID().uuidString)").path
        do {
            try FileDescriptor.open(FilePath(partial), .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite]).close()
        } catch {
            throw Problem(description: "cannot write next to \(output): \(error)")
        }
        do {
            try await tar(["--create", "--gzip", "--file", partial, "--directory", staging.path, folder])
            try FileManager.default.moveItem(atPath: partial, toPath: output)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        progress("Wrote \(output) (\(megabytes(size(of: output))), mode 0600: it holds secret keys) in "
                     + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
    }

    struct Restored {
        var database: String
        var gpgHome: String?
        var signingKeyFile: String?
    }

    /// Unpacks `archive` into an empty installation: refused when `dataDirectory` already has
    /// a database, `gpgHome` holds anything, or the key file exists. Every check comes before
    /// anything is moved into place. A signing key in the archive goes to `signingKeyFile` or,
    /// when none is set, to `signing-key.jwk` in the data directory.
    static func restore(from archive: String, dataDirectory: String, gpgHome: String, signingKeyFile: String?,
                        progress: (String) -> Void) async throws -> Restored {
        let fileManager = FileManager.default
        guard fileManager.isReadableFile(atPath: archive) else { throw Problem(description: "cannot read \(archive)") }
        let data = URL(fileURLWithPath: dataDirectory)
        let database = data.appendingPathComponent(databaseName).path
        for existing in [database, database + "-wal"] where fileManager.fileExists(atPath: existing) {
            throw Problem(description: "\(dataDirectory) already has a database (\(existing)); restore into an empty data directory")
        }
        if let contents = try? fileManager.contentsOfDirectory(atPath: gpgHome), !contents.isEmpty {
            throw Problem(description: "the GnuPG home \(gpgHome) is not empty; restore into an empty one")
        }
        if !fileManager.fileExists(atPath: dataDirectory) {
            try makeDirectory(data)
        }
        let staging = try scratchDirectory(in: data)
        defer { try? fileManager.removeItem(at: staging) }
        progress("Unpacking \(archive)…")
        try await tar(["--extract", "--gzip", "--file", archive, "--directory", staging.path, "--no-same-owner"])
        let root = staging.appendingPathComponent(folder)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifestData = fileManager.contents(atPath: root.appendingPathComponent("manifest.json").path),
              let manifest = try? decoder.decode(Manifest.self, from: manifestData), manifest.format == "renkei-backup" else {
            throw Problem(description: "\(archive) is not a Renkei backup (no \(folder)/manifest.json)")
        }
        guard manifest.version == 1 else { throw Problem(description: "\(archive) is a version \(manifest.version) backup; this Renkei reads version 1") }
        let copy = root.appendingPathComponent(databaseName).path
        guard let header = FileHandle(forReadingAtPath: copy).map({ handle in defer { try? handle.close() }; return handle.readData(ofLength: 16) }),
              header == Data("SQLite format 3\0".utf8) else {
            throw Problem(description: "\(archive) holds no SQLite database")
        }
        let keyTarget = manifest.signingKey ? signingKeyFile ?? data.appendingPathComponent(keyFileName).path : nil
        if let keyTarget, fileManager.fileExists(atPath: keyTarget) {
            throw Problem(description: "the signing key file \(keyTarget) exists; move it away or restore into an empty installation")
        }

        try fileManager.moveItem(atPath: copy, toPath: database)
        try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: database)
        progress("Restored the database to \(database) (written \(ISO8601DateFormatter().string(from: manifest.createdAt))).")
        var restored = Restored(database: database)
        if manifest.gnupg {
            if fileManager.fileExists(atPath: gpgHome) { try fileManager.removeItem(atPath: gpgHome) }
            try fileManager.createDirectory(at: URL(fileURLWithPath: gpgHome).deletingLastPathComponent(), withIntermediateDirectories: true)
            try fileManager.moveItem(at: root.appendingPathComponent("gnupg"), to: URL(fileURLWithPath: gpgHome))
            try ownerOnly(URL(fileURLWithPath: gpgHome))
            restored.gpgHome = gpgHome
            progress("Restored the GnuPG home to \(gpgHome) (mode 0700).")
        }
        if let keyTarget {
            try fileManager.moveItem(atPath: root.appendingPathComponent(keyFileName).path, toPath: keyTarget)
            try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyTarget)
            restored.signingKeyFile = keyTarget
            progress("Restored the signing key to \(keyTarget) (mode 0600)"
                         + (signingKeyFile == nil ? "; set \(SigningKeyFile.variable)=\(keyTarget) to sign with it." : "."))
        }
        return restored
    }

    /// Copies directories and regular files; gpg-agent's sockets and GnuPG's lock files belong
    /// to the running installation, not to its keys.
    private static func copyKeyHome(from source: URL, to target: URL) throws {
        let fileManager = FileManager.default
        try makeDirectory(target)
        for name in try fileManager.contentsOfDirectory(atPath: source.path).sorted()
        where !name.hasPrefix("S.") && !name.hasPrefix(".#lk") && !name.hasSuffix(".lock") {
            let from = source.appendingPathComponent(name)
            let to = target.appendingPathComponent(name)
            switch try fileManager.attributesOfItem(atPath: from.path)[.type] as? FileAttributeType {
            case .typeDirectory?: try copyKeyHome(from: from, to: to)
            case .typeRegular?: try fileManager.copyItem(at: from, to: to)
            default: continue
            }
        }
    }

    /// Directories 0700, files 0600, as GnuPG wants its home.
    private static func ownerOnly(_ url: URL) throws {
        let fileManager = FileManager.default
        let isDirectory = (try fileManager.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeDirectory
        try fileManager.setAttributes([.posixPermissions: isDirectory ? 0o700 : 0o600], ofItemAtPath: url.path)
        guard isDirectory else { return }
        for name in try fileManager.contentsOfDirectory(atPath: url.path) { try ownerOnly(url.appendingPathComponent(name)) }
    }

    private static func scratchDirectory(in parent: URL) throws -> URL {
        let url = parent.appendingPathComponent(".renkei-backup-\(UUID().uuidString)")
        try makeDirectory(url)
        return url
    }

    private static func makeDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    private static func tar(_ arguments: [String]) async throws {
        let failure: String?
        do {
            let result = try await Subprocess.run(.name("tar"), arguments: Arguments(arguments), output: .discarded, error: .string(limit: 1 << 16))
            failure = result.terminationStatus.isSuccess ? nil : result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw Problem(description: "tar could not be run: \(error)")
        }
        if let failure { throw Problem(description: "tar failed: \(failure)") }
    }

    private static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
