import Foundation
import RenkeiCore
import Subprocess
import SystemPackage

/// Reads OpenPGP keys with the system's GnuPG in a throwaway home directory, so nothing is
/// imported into any keyring and every answer comes from GnuPG's own parser.
struct GnuPG: Sendable {
    var binary: String

    /// The absolute path of `binary` found on PATH (as given when it names a path or is not
    /// found): spawning by name makes the process library try every PATH entry on each call.
    static func resolve(_ binary: String) -> String {
        guard !binary.contains("/") else { return binary }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(binary)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? binary
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case unreadable(String)
        case notOneKey(Int)
        case unavailable(String)

        /// Said to whoever gave the key.
        var description: String {
            switch self {
            case .unreadable(let reason): "GnuPG could not read this key: \(reason)"
            case .notOneKey(let count): "The block holds \(count) keys; give one key."
            case .unavailable(let reason): reason
            }
        }
    }

    /// The one key in `armored`, with fingerprint, user ids, algorithm, creation and expiry.
    func inspect(armored: String) async throws(Problem) -> PGPKey {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-gpg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try Self.createHome(home.path)
        let result = try await run(home: home.path, ["--with-colons", "--fixed-list-mode", "--import-options", "show-only", "--import"],
                                   input: Array(armored.utf8))
        guard result.succeeded, !result.output.isEmpty else { throw .unreadable(result.succeeded ? "no key found" : result.error) }
        let keys = Self.parseColons(String(decoding: result.output, as: UTF8.self), armored: armored)
        guard keys.count == 1 else {
            throw keys.isEmpty ? .unreadable("no public key found") : .notOneKey(keys.count)
        }
        return keys[0]
    }

    /// What one GnuPG run gave: whether it succeeded, its output, and its last line of errors.
    struct Run: Sendable {
        var succeeded: Bool
        var output: [UInt8]
        var error: String
    }

    /// Runs GnuPG in `home`, never asking anyone anything. `input` goes in a file named as the
    /// last argument, not through a pipe: a GnuPG that stops early at bad input must not leave
    /// its writer with a half-written pipe (and a SIGPIPE).
    func run(home: String, _ arguments: [String], input: [UInt8]? = nil) async throws(Problem) -> Run {
        var operands: [String] = []
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-gpg-input-\(UUID().uuidString)")
        defer { if input != nil { try? FileManager.default.removeItem(at: inputFile) } }
        do {
            if let input {
                try Data(input).write(to: inputFile)
                operands = [inputFile.path]
            }
            let result = try await Subprocess.run(
                binary.contains("/") ? .path(FilePath(binary)) : .name(binary),
                // Without a random seed file, concurrent GnuPG processes do not queue for its lock
                // (they sleep up to half a second each); the kernel's randomness is enough.
                arguments: Arguments(["--homedir", home, "--batch", "--no-tty", "--quiet", "--pinentry-mode", "loopback", "--no-random-seed-file"]
                                     + arguments + operands),
                output: .bytes(limit: 64 << 20),
                error: .string(limit: 1 << 16)
            )
            let error = result.standardError.split(separator: "\n").last.map(String.init) ?? "failed"
            return Run(succeeded: result.terminationStatus.isSuccess, output: result.standardOutput, error: error)
        } catch {
            throw .unavailable("GnuPG could not be run (\(binary)): \(error)")
        }
    }

    /// A GnuPG home directory only its owner may enter.
    static func createHome(_ path: String) throws(Problem) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable("could not create the GnuPG home \(path): \(error)")
        }
    }

    /// Parses `--with-colons` output: `pub` starts a key, its first `fpr` is the primary
    /// fingerprint, `uid` records carry user ids (field 10).
    static func parseColons(_ text: String, armored: String) -> [PGPKey] {
        var keys: [PGPKey] = []
        var inPrimary = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let kind = fields.first else { continue }
            switch kind {
            case "pub":
                let algorithm = fields.count > 16 && !fields[16].isEmpty ? fields[16] : Self.algorithmName(fields[safe: 3], bits: fields[safe: 2])
                keys.append(PGPKey(fingerprint: "", armored: armored, algorithm: algorithm,
                                   created: fields[safe: 5].flatMap(TimeInterval.init).map { Date(timeIntervalSince1970: $0) },
                                   expires: fields[safe: 6].flatMap(TimeInterval.init).map { Date(timeIntervalSince1970: $0) },
                                   // Field 12 holds the whole key's capabilities; a capital E means some part encrypts.
                                   canEncrypt: fields[safe: 11].map { $0.contains("E") }))
                inPrimary = true
            case "fpr" where inPrimary && !keys.isEmpty:
                keys[keys.count - 1].fingerprint = fields[safe: 9] ?? ""
                inPrimary = false
            case "uid" where !keys.isEmpty:
                if let uid = fields[safe: 9], !uid.isEmpty { keys[keys.count - 1].userIDs.append(uid.replacingOccurrences(of: "\\x3a", with: ":")) }
            case "sub":
                inPrimary = false
            default:
                break
            }
        }
        return keys
    }

    private static func algorithmName(_ code: String?, bits: String?) -> String {
        let name = switch code {
        case "1": "RSA"
        case "17": "DSA"
        case "18": "ECDH"
        case "19": "ECDSA"
        case "22": "EdDSA"
        default: "algorithm \(code ?? "?")"
        }
        return "\(name) \(bits ?? "")".trimmingCharacters(in: .whitespaces)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
