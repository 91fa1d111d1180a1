import Crypto
import Foundation

/// base64url without padding (RFC 7515 §2), the encoding of every JOSE part.
public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// An Ed25519 public key as a JWK (RFC 8037) with its RFC 7638 thumbprint as key id, for the
/// fully-specified JOSE algorithm "Ed25519" (RFC 9864).
public struct Ed25519JWK: Sendable, Hashable, Codable {
    public var kty = "OKP"
    public var crv = "Ed25519"
    public var x: String
    public var kid: String
    public var use = "sig"
    public var alg = CompactJWS.algorithm

    public init(publicKey: Curve25519.Signing.PublicKey) {
        x = Base64URL.encode(publicKey.rawRepresentation)
        kid = Self.thumbprint(x: x)
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
    public static func thumbprint(x: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(#"{"crv":"Ed25519","kty":"OKP","x":"\#(x)"}"#.utf8))))
    }

    public func publicKey() -> Curve25519.Signing.PublicKey? {
        guard kty == "OKP", crv == "Ed25519", let raw = Base64URL.decode(x) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}

/// A JWK Set (RFC 7517 §5) as published at `/.well-known/jwks.json`.
public struct JWKSet: Sendable, Hashable, Codable {
    public var keys: [Ed25519JWK]

    public init(keys: [Ed25519JWK]) { self.keys = keys }

    /// Reads a JWK Set, keeping only the Ed25519 signing keys Renkei can use.
    public static func parse(_ data: Data) throws(JWSError) -> JWKSet {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let keys = object["keys"] as? [[String: Any]] else {
            throw .malformed("The key set is not a JSON object with a \"keys\" array.")
        }
        let usable = keys.compactMap { key -> Ed25519JWK? in
            guard key["kty"] as? String == "OKP", key["crv"] as? String == "Ed25519", let x = key["x"] as? String,
                  let raw = Base64URL.decode(x), let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return nil }
            var jwk = Ed25519JWK(publicKey: publicKey)
            if let kid = key["kid"] as? String { jwk.kid = kid }
            return jwk
        }
        return JWKSet(keys: usable)
    }
}

public enum JWSError: Error, Sendable, Hashable {
    case malformed(String)
    case unknownKey(String)
    case badSignature
    case expired(Date)
    case notYetValid(Date)

    public var message: String {
        switch self {
        case .malformed(let why): "Not a valid compact JWS: \(why)"
        case .unknownKey(let kid): "The statement was signed with key \"\(kid)\", which is not in the key set."
        case .badSignature: "The signature does not match: the statement was altered or signed by another key."
        case .expired(let date): "The statement expired at \(ISO8601DateFormatter().string(from: date))."
        case .notYetValid(let date): "The statement is not valid before \(ISO8601DateFormatter().string(from: date))."
        }
    }
}

/// Compact JWS (RFC 7515) signed with Ed25519. RFC 9864 replaced the polymorphic "EdDSA"
/// identifier of RFC 8037 by "Ed25519"; Renkei signs with the new name and still verifies
/// tokens that use the old one with an Ed25519 key.
public enum CompactJWS {
    public static let algorithm = "Ed25519"
    static let acceptedAlgorithms: Set<String> = ["Ed25519", "EdDSA"]

    struct Header: Codable { var alg: String; var kid: String?; var typ: String? }

    public static func sign(payload: Data, key: Curve25519.Signing.PrivateKey, typ: String) throws -> String {
        let header = Header(alg: algorithm, kid: Ed25519JWK(publicKey: key.publicKey).kid, typ: typ)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The payload of `token` once its Ed25519 signature verifies against a key of `keys` and
    /// (when `type` is given) its `typ` header is `type`, so a token signed for another purpose is not accepted.
    public static func verifiedPayload(_ token: String, keys: JWKSet, type: String?) throws(JWSError) -> Data {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected three dot-separated parts, found \(parts.count).") }
        guard let headerData = Base64URL.decode(parts[0]), let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
            throw .malformed("the header is not base64url-encoded JSON.")
        }
        guard acceptedAlgorithms.contains(header.alg) else {
            throw .malformed("algorithm \"\(header.alg)\" is not accepted; only Ed25519 (or its old name EdDSA) is.")
        }
        if let type, header.typ != type { throw .malformed("the type is \"\(header.typ ?? "")\", not \"\(type)\".") }
        guard let payload = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]) else {
            throw .malformed("the payload or signature is not base64url.")
        }
        let candidates = header.kid.map { kid in keys.keys.filter { $0.kid == kid } } ?? keys.keys
        guard !candidates.isEmpty else { throw .unknownKey(header.kid ?? "") }
        let signingInput = Data((parts[0] + "." + parts[1]).utf8)
        guard candidates.contains(where: { $0.publicKey()?.isValidSignature(signature, for: signingInput) ?? false }) else {
            throw .badSignature
        }
        return payload
    }
}
