import Crypto
import Foundation

/// The platform's signing key as a private JWK (RFC 8037 §2: `kty` OKP, `crv` Ed25519, the
/// 32-byte seed in `d`, the public key in `x`): the format of `RENKEI_SIGNING_KEY_FILE`, which
/// `renkei keys generate` and `renkei keys rotate` write.
public enum Ed25519PrivateJWK {
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// One JSON object, keys sorted, ending in a newline.
    public static func encode(_ key: Curve25519.Signing.PrivateKey) -> Data {
        let jwk = Ed25519JWK(publicKey: key.publicKey)
        let object: [String: String] = ["kty": jwk.kty, "crv": jwk.crv, "x": jwk.x, "d": Base64URL.encode(key.rawRepresentation),
                                        "kid": jwk.kid, "use": jwk.use, "alg": jwk.alg]
        // Encoding a dictionary of strings cannot fail.
        let json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return json + Data("\n".utf8)
    }

    /// The private key in `data`; `x`, when present, must be this key's public half, so a file
    /// whose parts were mixed from two keys is refused rather than publishing a key that signs nothing.
    public static func decode(_ data: Data) throws(Problem) -> Curve25519.Signing.PrivateKey {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(description: "it is not a JSON object (a private JWK such as `renkei keys generate` writes)")
        }
        guard object["kty"] as? String == "OKP", object["crv"] as? String == "Ed25519" else {
            throw Problem(description: "it is not an Ed25519 key (\"kty\": \"OKP\", \"crv\": \"Ed25519\")")
        }
        guard let d = object["d"] as? String, let seed = Base64URL.decode(d), seed.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw Problem(description: "\"d\" is not a 32-byte base64url private key")
        }
        if let x = object["x"], x as? String != Ed25519JWK(publicKey: key.publicKey).x {
            throw Problem(description: "\"x\" is not the public half of \"d\"")
        }
        return key
    }
}

/// A signing key that no longer signs. It stays in the published key set until the last
/// statement it may have signed expires: statements live `statementValidity` at most.
public struct RetiredSigningKey: Sendable, Hashable {
    public var jwk: Ed25519JWK
    public var retiredAt: Date
    public var publishedUntil: Date

    public init(jwk: Ed25519JWK, retiredAt: Date, statementValidity: TimeInterval) {
        self.jwk = jwk
        self.retiredAt = retiredAt
        publishedUntil = retiredAt.addingTimeInterval(statementValidity)
    }

    public init(jwk: Ed25519JWK, retiredAt: Date, publishedUntil: Date) {
        self.jwk = jwk
        self.retiredAt = retiredAt
        self.publishedUntil = publishedUntil
    }

    public func isPublished(at now: Date) -> Bool { now < publishedUntil }
}

extension JWKSet {
    /// The key set to publish: the signing key first, then keys that signed before it and were
    /// never retired, then retired keys whose statements may still be valid; each key once.
    public static func published(signing: Ed25519JWK, earlier: [Ed25519JWK], retired: [RetiredSigningKey], at now: Date) -> JWKSet {
        let retiredKids = Set(retired.map(\.jwk.kid))
        var seen = Set<String>()
        let keys = ([signing] + earlier.filter { !retiredKids.contains($0.kid) } + retired.filter { $0.isPublished(at: now) }.map(\.jwk))
            .filter { seen.insert($0.kid).inserted }
        return JWKSet(keys: keys)
    }
}
