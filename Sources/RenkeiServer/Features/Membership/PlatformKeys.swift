import Crypto
import Fluent
import Foundation
import RenkeiCore

/// The platform's Ed25519 keys. The first statement creates one; the newest signs, and every
/// key stays published so statements signed before a rotation still verify.
enum PlatformKeys {
    static func signingKey(on database: any Database, now: Date) async throws -> Curve25519.Signing.PrivateKey {
        if let newest = try await SigningKeyModel.query(on: database).sort(\.$createdAt, .descending).first(),
           let raw = Data(base64Encoded: newest.privateKey) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        }
        let key = Curve25519.Signing.PrivateKey()
        try await SigningKeyModel(kid: Ed25519JWK(publicKey: key.publicKey).kid, privateKey: key.rawRepresentation.base64EncodedString(),
                                  createdAt: now).create(on: database)
        return key
    }

    /// Every key, newest first; the first request of a new platform creates its key, so the
    /// set is never empty when someone fetches it to verify later.
    static func jwks(on database: any Database, now: Date) async throws -> JWKSet {
        _ = try await signingKey(on: database, now: now)
        let keys = try await SigningKeyModel.query(on: database).sort(\.$createdAt, .descending).all().compactMap { model in
            Data(base64Encoded: model.privateKey).flatMap { try? Curve25519.Signing.PrivateKey(rawRepresentation: $0) }
        }
        return JWKSet(keys: keys.map { Ed25519JWK(publicKey: $0.publicKey) })
    }
}
