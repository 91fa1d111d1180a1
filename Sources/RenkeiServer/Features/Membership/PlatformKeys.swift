import Crypto
import Fluent
import Foundation
import RenkeiCore
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The platform's Ed25519 keys for membership statements. The signing key lives in the
/// database (the first statement makes one) or, with `RENKEI_SIGNING_KEY_FILE`, in a file
/// only the server's user reads. A rotation makes a new signing key; the keys it replaces
/// lose their private half and stay published until the last statement they signed expires.
enum PlatformKeys {
    /// The key that signs now: the key file's, or the newest database key not retired.
    static func signingKey(keyFile: String?, on database: any Database, now: Date) async throws -> Curve25519.Signing.PrivateKey {
        if let keyFile { return try SigningKeyFile.read(keyFile) }
        if let current = try await databaseKeys(on: database).first { return current }
        let key = Curve25519.Signing.PrivateKey()
        try await SigningKeyModel(kid: Ed25519JWK(publicKey: key.publicKey).kid, privateKey: key.rawRepresentation.base64EncodedString(),
                                  createdAt: now).create(on: database)
        return key
    }

    /// The signing key, keys that signed before it and were never retired (a database key
    /// from before the key file was set), and retired keys whose statements may still be
    /// valid. Fetching the set of a new platform makes its key, so it is never empty.
    static func jwks(keyFile: String?, on database: any Database, now: Date) async throws -> JWKSet {
        let signing = try await signingKey(keyFile: keyFile, on: database, now: now)
        let earlier = try await databaseKeys(on: database).map { Ed25519JWK(publicKey: $0.publicKey) }
        return JWKSet.published(signing: Ed25519JWK(publicKey: signing.publicKey), earlier: earlier,
                                retired: try await retiredKeys(on: database), at: now)
    }

    struct Rotation {
        var signing: String
        var retired: [String]
        var publishedUntil: Date
    }

    /// Makes a new signing key and retires the ones it replaces, audited in the same
    /// transaction. With a key file the new key replaces the file's (written after the
    /// database kept the old public key, so a failed write loses no published key); without
    /// one it is stored in the database.
    static func rotate(keyFile: String?, statementValidity: TimeInterval, on database: any Database, now: Date) async throws -> Rotation {
        let fresh = Curve25519.Signing.PrivateKey()
        let kid = Ed25519JWK(publicKey: fresh.publicKey).kid
        let previousFileKey = try keyFile.map(SigningKeyFile.read).map { Ed25519JWK(publicKey: $0.publicKey) }
        let freshSeed = fresh.rawRepresentation.base64EncodedString()
        let publishedUntil = now.addingTimeInterval(statementValidity)
        let retired = try await database.transaction { database in
            var replaced = try await SigningKeyModel.query(on: database).all().filter { !$0.privateKey.isEmpty }
            let retiredKids = Set(try await RetiredSigningKeyModel.query(on: database).all().compactMap(\.id))
            replaced.removeAll { retiredKids.contains($0.id ?? "") }
            var retiring = try replaced.map { model in
                guard let raw = Data(base64Encoded: model.privateKey) else { throw RotationFailure(message: "signing key \(model.id ?? "") is unreadable") }
                return Ed25519JWK(publicKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey)
            }
            if let previousFileKey { retiring.append(previousFileKey) }
            for jwk in retiring {
                let row = try await RetiredSigningKeyModel.find(jwk.kid, on: database) ?? RetiredSigningKeyModel()
                row.id = jwk.kid
                row.publicKey = jwk.x
                row.retiredAt = now
                row.publishedUntil = publishedUntil
                try await row.save(on: database)
            }
            // A retired key signs nothing more: its private half is not kept.
            for model in replaced {
                model.privateKey = ""
                try await model.save(on: database)
            }
            if keyFile == nil {
                try await SigningKeyModel(kid: kid, privateKey: freshSeed, createdAt: now).create(on: database)
            }
            let formatter = ISO8601DateFormatter()
            let detail = retiring.isEmpty ? "first signing key"
                : "retired \(retiring.map(\.kid).joined(separator: ", ")), published until \(formatter.string(from: publishedUntil))"
            try await AuditLog.record("signing-key.rotate", subject: kid, detail: detail + (keyFile == nil ? "" : "; key in the key file"),
                                      actor: nil, address: nil, at: now, on: database)
            return retiring.map(\.kid)
        }
        if let keyFile { try SigningKeyFile.write(fresh, to: keyFile, replacing: true) }
        return Rotation(signing: kid, retired: retired, publishedUntil: publishedUntil)
    }

    /// Database keys that still hold their private half and are not retired, newest first.
    private static func databaseKeys(on database: any Database) async throws -> [Curve25519.Signing.PrivateKey] {
        let retired = Set(try await RetiredSigningKeyModel.query(on: database).all().compactMap(\.id))
        return try await SigningKeyModel.query(on: database).sort(\.$createdAt, .descending).all().compactMap { model in
            guard !retired.contains(model.id ?? ""), let raw = Data(base64Encoded: model.privateKey), !raw.isEmpty else { return nil }
            return try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        }
    }

    private static func retiredKeys(on database: any Database) async throws -> [RetiredSigningKey] {
        try await RetiredSigningKeyModel.query(on: database).all().compactMap { row in
            guard let kid = row.id, let raw = Base64URL.decode(row.publicKey),
                  let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return nil }
            var jwk = Ed25519JWK(publicKey: publicKey)
            jwk.kid = kid
            return RetiredSigningKey(jwk: jwk, retiredAt: row.retiredAt, publishedUntil: row.publishedUntil)
        }
    }

    struct RotationFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A signing key that signs no more, kept for the key set until `published_until`.
final class RetiredSigningKeyModel: Model, @unchecked Sendable {
    static let schema = "retired_signing_keys"

    @ID(custom: "kid", generatedBy: .user) var id: String?
    /// The 32-byte public key, base64url (the JWK's `x`).
    @Field(key: "public_key") var publicKey: String
    @Field(key: "retired_at") var retiredAt: Date
    @Field(key: "published_until") var publishedUntil: Date

    init() {}
}

/// `RENKEI_SIGNING_KEY_FILE`: a private JWK (see `Ed25519PrivateJWK`) that only its owner may
/// read or write; the server refuses to start with a file others could read or replace.
enum SigningKeyFile {
    static let variable = "RENKEI_SIGNING_KEY_FILE"

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// What the server checks at start: a regular file, no permission for group or others,
    /// readable, and one Ed25519 private JWK.
    static func check(_ path: String) throws(Settings.Problem) {
        do {
            _ = try read(path)
        } catch {
            throw Settings.Problem(description: "\(variable): \(error.description)")
        }
    }

    static func read(_ path: String) throws(Problem) -> Curve25519.Signing.PrivateKey {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw Problem(description: "cannot read \(path): no such file (make one with `renkei keys generate --out \(path)`)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw Problem(description: "\(path) is not a regular file") }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw Problem(description: "\(path) holds the private signing key but its group or others have access (mode \(String(mode, radix: 8))); "
                              + "run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "cannot read \(path)") }
        do {
            return try Ed25519PrivateJWK.decode(data)
        } catch {
            throw Problem(description: "\(path) is not an Ed25519 private key: \(error.description)")
        }
    }

    /// Writes `key` with mode 0600. A new file is created exclusively (an existing file is
    /// never overwritten unless `replacing`); a replacement is written beside it and renamed
    /// over it, so a reader finds the old key or the new one, never half of either.
    static func write(_ key: Curve25519.Signing.PrivateKey, to path: String, replacing: Bool) throws(Problem) {
        let url = URL(fileURLWithPath: path)
        let target = replacing ? url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)").path : path
        do {
            let file = try FileDescriptor.open(FilePath(target), .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
            try file.closeAfter {
                _ = try file.writeAll(Ed25519PrivateJWK.encode(key))
                guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
        } catch {
            throw Problem(description: "cannot write \(path): \(error)")
        }
        guard replacing else { return }
        guard rename(target, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: target)
            throw Problem(description: "cannot replace \(path): \(reason)")
        }
    }
}
