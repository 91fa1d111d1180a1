import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The PGP key on a person's account: restricted list mail is encrypted to it, and posts by
/// mail must be signed with it. GnuPG reads the key; only a single public key is taken.
enum AccountPGPKey {
    /// Sets (or, with nil, removes) the key and writes the change to the audit log.
    static func set(_ armored: String?, for user: UserModel, gnupg: GnuPG, actor: UserModel?, address: String, at now: Date,
                    on database: any Database) async throws {
        var key: PGPKey?
        if let armored = armored?.trimmingCharacters(in: .whitespacesAndNewlines), !armored.isEmpty {
            do {
                key = try await gnupg.inspect(armored: armored)
            } catch {
                throw ValidationFailure([FieldError(field: "key", message: error.description)])
            }
            if let problem = key?.problemForMail(at: now) { throw ValidationFailure([FieldError(field: "key", message: problem)]) }
        }
        let inspected = key
        try await database.transaction { database in
            let key = inspected
            user.pgpKey = key?.armored
            user.pgpFingerprint = key?.fingerprint
            user.pgpExpiresAt = key?.expires
            try await user.save(on: database)
            try await AuditLog.record(key == nil ? "account.pgp-key.remove" : "account.pgp-key.set", subject: user.email,
                                      detail: key.map { "fingerprint \($0.fingerprint)" } ?? "", actor: actor, address: address, at: now, on: database)
        }
    }

    struct Input: Content {
        var key: String?
    }

    /// What the API says of a key.
    struct Document: Content {
        var fingerprint: String?
        var expires: Date?
        /// `missing`, `valid`, `expiring-soon` or `expired`.
        var health: String

        init(_ user: UserModel, at now: Date) {
            fingerprint = user.pgpFingerprint
            expires = user.pgpExpiresAt
            health = switch user.keyHealth(at: now) {
            case .missing: "missing"
            case .valid: "valid"
            case .expiringSoon: "expiring-soon"
            case .expired: "expired"
            }
        }
    }

    static func register(api: any RoutesBuilder) {
        api.on(.PUT, SiteURL.apiAccountPGPKey.pathComponents) { request async throws -> Document in
            let user = try request.requireUser()
            try request.requireJSONBody("the key")
            try await set(try request.content.decode(Input.self).key, for: user, request: request)
            return Document(user, at: request.application.renkei.clock.now)
        }
        api.on(.GET, SiteURL.apiAccountPGPKey.pathComponents) { request async throws -> Document in
            Document(try request.requireUser(), at: request.application.renkei.clock.now)
        }
    }

    static func set(_ armored: String?, for user: UserModel, request: Request) async throws {
        try await set(armored, for: user, gnupg: request.application.renkei.editing.gnupg, actor: user,
                      address: request.clientAddress ?? "", at: request.application.renkei.clock.now, on: request.db)
    }
}
