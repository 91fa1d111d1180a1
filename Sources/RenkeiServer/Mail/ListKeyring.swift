import Foundation
import NIOConcurrencyHelpers
import RenkeiCore

/// The lists' own OpenPGP key in a GnuPG home directory that holds nothing else
/// (`RENKEI_GPG_HOME`, by default `gnupg` in the data directory). Recipients' keys are never
/// imported there: encryption reads each key from a file, and signatures on posts are checked
/// in a throwaway home holding only the sender's key.
struct ListKeyring: Sendable {
    var gnupg: GnuPG
    var home: String
    /// `Renkei lists <lists@example.org>`
    var userID: String
    /// The key's fingerprint once known: asking GnuPG costs a process per message.
    private let known = NIOLockedValueBox<String?>(nil)

    init(gnupg: GnuPG, home: String, userID: String) {
        self.gnupg = gnupg
        self.home = home
        self.userID = userID
    }

    enum Failure: Error, CustomStringConvertible {
        case gpg(String)
        var description: String { switch self { case .gpg(let message): message } }
    }

    /// The key's fingerprint, making the key (Ed25519 to sign, Curve25519 to receive encrypted
    /// posts) on first use.
    @discardableResult
    func fingerprint() async throws(Failure) -> String {
        if let cached = known.withLockedValue({ $0 }) { return cached }
        if let existing = try await secretFingerprint() {
            known.withLockedValue { $0 = existing }
            return existing
        }
        try createHome()
        _ = try await gpg(["--passphrase", "", "--quick-gen-key", userID, "ed25519", "sign", "0"])
        guard let created = try await secretFingerprint() else { throw .gpg("GnuPG made no list key in \(home)") }
        _ = try await gpg(["--passphrase", "", "--quick-add-key", created, "cv25519", "encr", "0"])
        known.withLockedValue { $0 = created }
        return created
    }

    func publicKey() async throws(Failure) -> String {
        let fingerprint = try await fingerprint()
        return String(decoding: try await gpg(["--armor", "--export", fingerprint]), as: UTF8.self)
    }

    /// An armored detached signature over `content`, exactly these bytes.
    func sign(_ content: [UInt8]) async throws(Failure) -> String {
        let fingerprint = try await fingerprint()
        return String(decoding: try await gpg(["--local-user", fingerprint, "--digest-algo", "SHA256", "--armor", "--output", "-", "--detach-sign"], input: content),
                      as: UTF8.self)
    }

    /// `content` encrypted to the armored public key (its encryption subkey), ASCII-armored.
    func encrypt(_ content: [UInt8], to armoredKey: String) async throws(Failure) -> String {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-rcpt-\(UUID().uuidString).asc")
        defer { try? FileManager.default.removeItem(at: keyFile) }
        do { try Data(armoredKey.utf8).write(to: keyFile) } catch { throw .gpg("could not write a key file: \(error)") }
        return String(decoding: try await gpg(["--trust-model", "always", "--armor", "--output", "-", "--encrypt", "--recipient-file", keyFile.path], input: content),
                      as: UTF8.self)
    }

    /// A message encrypted to the list key, decrypted; `signedInside` when the same OpenPGP
    /// message also carries a signature (RFC 3156 §6.2, as some mail programs send), which
    /// `verifyInside` checks against the sender's key.
    func decrypt(_ armored: String) async throws(Failure) -> (plaintext: [UInt8], signedInside: Bool) {
        try await fingerprint()
        let statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-status-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: statusFile) }
        // A signature by a key this home lacks makes GnuPG exit 2 even though it decrypted.
        let result = try await invoke(["--status-file", statusFile.path, "--output", "-", "--decrypt"], input: Array(armored.utf8))
        let status = (try? String(contentsOf: statusFile, encoding: .utf8)) ?? ""
        guard status.contains("[GNUPG:] DECRYPTION_OKAY") else { throw .gpg("gpg --decrypt: \(result.error)") }
        return (result.output, status.contains("[GNUPG:] NEWSIG"))
    }

    /// Whether the signature inside a message encrypted to the list key is valid and made by
    /// `signerKey`: the signed message is taken out of the encryption here and checked apart.
    func verifyInside(_ armored: String, by signerKey: String) async throws(Failure) -> Bool {
        let signed = try await invoke(["--output", "-", "--decrypt", "--unwrap"], input: Array(armored.utf8))
        return try await checkSignature(["--decrypt"], input: signed.output, by: signerKey)
    }

    /// Whether `signature` is a good signature over `content` by `signerKey`.
    func verify(_ content: [UInt8], signature: String, by signerKey: String) async throws(Failure) -> Bool {
        let signatureFile = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-signature-\(UUID().uuidString).asc")
        defer { try? FileManager.default.removeItem(at: signatureFile) }
        do { try Data(signature.utf8).write(to: signatureFile) } catch { throw .gpg("could not write the signature: \(error)") }
        return try await checkSignature(["--verify", signatureFile.path], input: content, by: signerKey)
    }

    /// Runs a signature check in a throwaway home holding `signerKey` alone: valid when GnuPG
    /// reports VALIDSIG with that key's primary fingerprint (GOODSIG alone would also accept an
    /// expired or revoked key's signature).
    private func checkSignature(_ arguments: [String], input: [UInt8], by signerKey: String) async throws(Failure) -> Bool {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let checker = ListKeyring(gnupg: gnupg, home: scratch.path, userID: userID)
        try checker.createHome()
        _ = try await checker.gpg(["--import"], input: Array(signerKey.utf8))
        guard let primary = try await checker.publicFingerprint() else { return false }
        let status = try await checker.invoke(["--status-fd", "1", "--output", "/dev/null", "--yes"] + arguments, input: input)
        let lines = String(decoding: status.output, as: UTF8.self).split(separator: "\n")
        return status.succeeded && lines.contains { $0.hasPrefix("[GNUPG:] VALIDSIG ") && $0.split(separator: " ").last.map(String.init) == primary }
    }

    private func secretFingerprint() async throws(Failure) -> String? {
        guard FileManager.default.fileExists(atPath: home) else { return nil }
        return Self.firstFingerprint(String(decoding: try await gpg(["--with-colons", "--list-secret-keys"], allowFailure: true), as: UTF8.self))
    }

    private func publicFingerprint() async throws(Failure) -> String? {
        Self.firstFingerprint(String(decoding: try await gpg(["--with-colons", "--list-keys"], allowFailure: true), as: UTF8.self))
    }

    private static func firstFingerprint(_ colons: String) -> String? {
        colons.split(separator: "\n").first { $0.hasPrefix("fpr:") }.flatMap { $0.split(separator: ":", omittingEmptySubsequences: false)[safe: 9] }
            .map(String.init)
    }

    private func createHome() throws(Failure) {
        do { try GnuPG.createHome(home) } catch { throw .gpg("\(error)") }
    }

    private func gpg(_ arguments: [String], input: [UInt8]? = nil, allowFailure: Bool = false) async throws(Failure) -> [UInt8] {
        let result = try await invoke(arguments, input: input)
        guard result.succeeded || allowFailure else { throw .gpg("gpg \(arguments.first ?? ""): \(result.error)") }
        return result.output
    }

    private func invoke(_ arguments: [String], input: [UInt8]?) async throws(Failure) -> GnuPG.Run {
        do { return try await gnupg.run(home: home, arguments, input: input) } catch { throw .gpg("\(error)") }
    }
}
