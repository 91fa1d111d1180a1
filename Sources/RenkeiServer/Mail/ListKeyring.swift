import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore

/// The lists' own OpenPGP key in a GnuPG home directory that holds nothing else
/// (`RENKEI_GPG_HOME`, by default `gnupg` in the data directory). Recipients' keys are never
/// imported there: encryption reads each key from a file, and signatures on posts are checked
/// in a throwaway home holding only the sender's key.
///
/// `rotate()` adds a new key that signs from then on; earlier keys stay in the home, so posts
/// encrypted to them are still opened, and stay published, so signatures on earlier mail
/// still verify.
struct ListKeyring: Sendable {
    var gnupg: GnuPG
    var home: String
    /// `Renkei lists <lists@example.org>`
    var userID: String
    /// The signing key's fingerprint once known (asking GnuPG costs a process per message),
    /// with the keyring's modification time then: a rotation by another process changes it.
    private let known = NIOLockedValueBox<(fingerprint: String, stamp: Date?)?>(nil)

    init(gnupg: GnuPG, home: String, userID: String) {
        self.gnupg = gnupg
        self.home = home
        self.userID = userID
    }

    enum Failure: Error, CustomStringConvertible {
        case gpg(String)
        var description: String { switch self { case .gpg(let message): message } }
    }

    /// The signing key's fingerprint, making the key (Ed25519 to sign, Curve25519 to receive
    /// encrypted posts) on first use.
    @discardableResult
    func fingerprint() async throws(Failure) -> String {
        let stamp = keyringStamp()
        if let cached = known.withLockedValue({ $0 }), cached.stamp == stamp { return cached.fingerprint }
        if let existing = try await signingFingerprint() {
            known.withLockedValue { $0 = (existing, stamp) }
            return existing
        }
        try createHome()
        let created = try await makeKey()
        known.withLockedValue { $0 = (created, keyringStamp()) }
        return created
    }

    /// Every key of the lists, the signing key and the ones it replaced, in one armored block:
    /// what `/lists/key.asc` serves, so signatures on mail from before a rotation still verify.
    func publicKey() async throws(Failure) -> String {
        try await fingerprint()
        return String(decoding: try await gpg(["--armor", "--export"]), as: UTF8.self)
    }

    /// The signing key alone.
    func signingPublicKey() async throws(Failure) -> String {
        let fingerprint = try await fingerprint()
        return String(decoding: try await gpg(["--armor", "--export", fingerprint]), as: UTF8.self)
    }

    /// A new key that signs from now on; the previous one stays in the home (it still opens
    /// posts encrypted to it) and in `publicKey()`.
    func rotate() async throws(Failure) -> (previous: String, current: String) {
        let previous = try await fingerprint()
        let created = try await makeKey()
        known.withLockedValue { $0 = (created, keyringStamp()) }
        return (previous, created)
    }

    /// A signing key and its encryption subkey; the user id is the same on every list key, so
    /// GnuPG is told to make one more.
    private func makeKey() async throws(Failure) -> String {
        let before = Set(try await secretKeys().map(\.fingerprint))
        _ = try await gpg(["--yes", "--passphrase", "", "--quick-gen-key", userID, "ed25519", "sign", "0"])
        guard let created = try await secretKeys().map(\.fingerprint).first(where: { !before.contains($0) }) else {
            throw .gpg("GnuPG made no list key in \(home)")
        }
        _ = try await gpg(["--passphrase", "", "--quick-add-key", created, "cv25519", "encr", "0"])
        return created
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

    /// The newest secret key that can receive encrypted posts: a key whose encryption subkey
    /// is not made yet (mid-rotation) does not sign yet.
    private func signingFingerprint() async throws(Failure) -> String? {
        let keys = try await secretKeys()
        return Self.newest(keys.filter(\.canEncrypt)) ?? Self.newest(keys)
    }

    struct SecretKey {
        var fingerprint: String
        var created: Int
        var canEncrypt: Bool
    }

    /// The secret keys in keyring order (the order they were made in).
    private func secretKeys() async throws(Failure) -> [SecretKey] {
        guard FileManager.default.fileExists(atPath: home) else { return [] }
        return Self.secretKeys(String(decoding: try await gpg(["--with-colons", "--list-secret-keys"], allowFailure: true), as: UTF8.self))
    }

    /// `sec` records give the creation time (field 6) and the whole key's capabilities
    /// (field 12, a capital E when some part encrypts); the next `fpr` is the fingerprint.
    static func secretKeys(_ colons: String) -> [SecretKey] {
        var keys: [SecretKey] = []
        var pending: (created: Int, canEncrypt: Bool)?
        for line in colons.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if fields.first == "sec" {
                pending = (Int(fields[safe: 5] ?? "") ?? 0, fields[safe: 11]?.contains("E") ?? false)
            } else if fields.first == "fpr", let key = pending, let fingerprint = fields[safe: 9] {
                keys.append(SecretKey(fingerprint: fingerprint, created: key.created, canEncrypt: key.canEncrypt))
                pending = nil
            }
        }
        return keys
    }

    /// The latest made; of keys made in the same second, the last in keyring order.
    private static func newest(_ keys: [SecretKey]) -> String? {
        keys.enumerated().max { ($0.element.created, $0.offset) < ($1.element.created, $1.offset) }?.element.fingerprint
    }

    private func keyringStamp() -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: home + "/pubring.kbx"))?[.modificationDate] as? Date
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

extension ListKeyring {
    /// `renkei mail key rotate`: a new signing key, recorded in the audit log.
    func rotate(auditingOn database: any Database, at now: Date) async throws -> (previous: String, current: String) {
        let rotation = try await rotate()
        try await AuditLog.record("list-key.rotate", subject: rotation.current,
                                  detail: "replaces \(rotation.previous), kept to open mail encrypted to it and published at \(SiteURL.listKey.path)",
                                  actor: nil, address: nil, at: now, on: database)
        return rotation
    }
}
