import Crypto
import Foundation
import Testing
@testable import RenkeiCore

@Suite struct SigningKeyFileTests {
    /// RFC 8037 Appendix A.1 (private key), A.2 (its public half) and A.3 (its thumbprint).
    static let rfcJWK = #"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
    static let rfcThumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

    @Test func theRFCPrivateKeyIsReadAndWrittenBackWithItsKeyID() throws {
        let key = try Ed25519PrivateJWK.decode(Data(Self.rfcJWK.utf8))
        #expect(Base64URL.encode(key.publicKey.rawRepresentation) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        let written = try #require(try JSONSerialization.jsonObject(with: Ed25519PrivateJWK.encode(key)) as? [String: String])
        #expect(written == ["kty": "OKP", "crv": "Ed25519", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
                            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": Self.rfcThumbprint, "use": "sig", "alg": "Ed25519"])
    }

    @Test(arguments: [
        "not json",
        #"["OKP"]"#,
        #"{"kty":"RSA","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#,
        #"{"kty":"OKP","crv":"X25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#,
        #"{"kty":"OKP","crv":"Ed25519"}"#,
        #"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJ"}"#,
        #"{"kty":"OKP","crv":"Ed25519","d":"nWGxne+9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#,
        // x of another key: the parts were mixed from two keys.
        #"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"AAqYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    ])
    func whatIsNotOneEd25519PrivateKeyIsRefused(_ text: String) {
        #expect(throws: Ed25519PrivateJWK.Problem.self) { try Ed25519PrivateJWK.decode(Data(text.utf8)) }
    }

    @Test func aRetiredKeyIsPublishedUntilItsLastStatementExpires() throws {
        func jwk(_ seed: UInt8) throws -> Ed25519JWK {
            Ed25519JWK(publicKey: try Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: seed, count: 32)).publicKey)
        }
        let (current, earlier, retired) = (try jwk(1), try jwk(2), try jwk(3))
        let retiredAt = Date(timeIntervalSince1970: 1_800_000_000)
        let thirtyDays: TimeInterval = 30 * 86_400
        let record = RetiredSigningKey(jwk: retired, retiredAt: retiredAt, statementValidity: thirtyDays)
        #expect(record.publishedUntil == Date(timeIntervalSince1970: 1_802_592_000))

        let during = JWKSet.published(signing: current, earlier: [earlier, current], retired: [record], at: Date(timeIntervalSince1970: 1_802_591_999))
        #expect(during.keys.map(\.kid) == [current.kid, earlier.kid, retired.kid], "signing first, each key once")
        let after = JWKSet.published(signing: current, earlier: [earlier], retired: [record], at: Date(timeIntervalSince1970: 1_802_592_000))
        #expect(after.keys.map(\.kid) == [current.kid, earlier.kid])
        // A key both in the database and retired follows its retirement.
        let retiredEarlier = RetiredSigningKey(jwk: earlier, retiredAt: retiredAt, statementValidity: thirtyDays)
        #expect(JWKSet.published(signing: current, earlier: [earlier], retired: [retiredEarlier], at: retiredAt.addingTimeInterval(thirtyDays))
            .keys.map(\.kid) == [current.kid])
    }
}
