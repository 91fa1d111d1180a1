import Crypto
import Foundation
import Testing
@testable import RenkeiCore

/// The error `body` throws, or nil when it succeeds. The closure is untyped because closures
/// do not infer a typed `throws` from their context.
private func jwsFailure(_ body: () throws -> Void) -> JWSError? {
    guard case .failure(let error) = Result(catching: body) else { return nil }
    return error as? JWSError
}

private func isMalformed(_ error: JWSError?) -> Bool {
    if case .malformed = error { true } else { false }
}

@Suite struct JWSTests {
    /// RFC 8037 Appendix A.1 and A.2: the Ed25519 key pair every JOSE library tests with.
    static let rfcPrivateKey = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    static let rfcPublicKey = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    /// RFC 8037 Appendix A.4: the compact JWS of "Example of Ed25519 signing" with header {"alg":"EdDSA"}.
    static let rfcJWS = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        + "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    func keySet(_ keys: Curve25519.Signing.PrivateKey...) -> JWKSet {
        JWKSet(keys: keys.map { Ed25519JWK(publicKey: $0.publicKey) })
    }

    @Test func base64URLRoundTripWithoutPadding() {
        #expect(Base64URL.encode(Data([0xfb, 0xff])) == "-_8")
        #expect(Base64URL.decode("-_8") == Data([0xfb, 0xff]))
        for length in 0...10 {
            let data = Data((0..<length).map { _ in UInt8.random(in: .min ... .max) })
            let encoded = Base64URL.encode(data)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == data)
        }
    }

    @Test func base64URLRefusesStandardBase64() {
        #expect(Base64URL.decode("+/8=") == nil)
        #expect(Base64URL.decode("-_8=") == nil)
    }

    @Test func rfc8037KeyAndThumbprint() throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: #require(Base64URL.decode(Self.rfcPrivateKey)))
        let jwk = Ed25519JWK(publicKey: key.publicKey)
        #expect(jwk.x == Self.rfcPublicKey)
        // RFC 8037 Appendix A.3.
        #expect(jwk.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        #expect(Ed25519JWK.thumbprint(x: Self.rfcPublicKey) == jwk.kid)
        #expect(jwk.publicKey()?.rawRepresentation == key.publicKey.rawRepresentation)
    }

    @Test func rfc8037SignatureVerifies() throws {
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: #require(Base64URL.decode(Self.rfcPublicKey)))
        // The RFC's header has no kid, so every key of the set is tried.
        let payload = try CompactJWS.verifiedPayload(Self.rfcJWS, keys: JWKSet(keys: [Ed25519JWK(publicKey: publicKey)]), type: nil)
        #expect(String(decoding: payload, as: UTF8.self) == "Example of Ed25519 signing")
    }

    @Test func signedPayloadVerifies() throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try CompactJWS.sign(payload: Data(#"{"n":1}"#.utf8), key: key, typ: "test+jwt")
        let header = try #require(Base64URL.decode(token.split(separator: ".")[0]))
        let fields = try #require(JSONSerialization.jsonObject(with: header) as? [String: String])
        #expect(fields == ["alg": "Ed25519", "kid": Ed25519JWK(publicKey: key.publicKey).kid, "typ": "test+jwt"])
        #expect(try CompactJWS.verifiedPayload(token, keys: keySet(Curve25519.Signing.PrivateKey(), key), type: nil) == Data(#"{"n":1}"#.utf8))
    }

    @Test func tamperedPayloadFailsTheSignature() throws {
        let key = Curve25519.Signing.PrivateKey()
        var parts = try CompactJWS.sign(payload: Data(#"{"n":1}"#.utf8), key: key, typ: "test+jwt").split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Data(#"{"n":2}"#.utf8))
        let tampered = parts.joined(separator: ".")
        let error = jwsFailure { _ = try CompactJWS.verifiedPayload(tampered, keys: keySet(key), type: nil) }
        #expect(error == .badSignature)
    }

    @Test func tokenFromAnUnknownKeyIsRefused() throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try CompactJWS.sign(payload: Data("{}".utf8), key: key, typ: "test+jwt")
        let kid = Ed25519JWK(publicKey: key.publicKey).kid
        let error = jwsFailure { _ = try CompactJWS.verifiedPayload(token, keys: keySet(Curve25519.Signing.PrivateKey()), type: nil) }
        #expect(error == .unknownKey(kid))
    }

    @Test(arguments: ["none", "HS256"])
    func otherAlgorithmsAreRefused(alg: String) throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try CompactJWS.sign(payload: Data("{}".utf8), key: key, typ: "test+jwt")
        let payloadAndSignature = token.split(separator: ".").dropFirst().joined(separator: ".")
        let header = Base64URL.encode(Data(#"{"alg":"\#(alg)","kid":"\#(Ed25519JWK(publicKey: key.publicKey).kid)"}"#.utf8))
        let signed = jwsFailure { _ = try CompactJWS.verifiedPayload(header + "." + payloadAndSignature, keys: keySet(key), type: nil) }
        #expect(isMalformed(signed))
        // The classic "alg: none" token has an empty signature.
        let unsigned = header + "." + Base64URL.encode(Data("{}".utf8)) + "."
        let unsignedError = jwsFailure { _ = try CompactJWS.verifiedPayload(unsigned, keys: keySet(key), type: nil) }
        #expect(isMalformed(unsignedError))
    }

    @Test func tokenWithoutThreePartsIsMalformed() {
        let twoParts = jwsFailure { _ = try CompactJWS.verifiedPayload("a.b", keys: JWKSet(keys: []), type: nil) }
        #expect(isMalformed(twoParts))
        let notBase64 = jwsFailure { _ = try CompactJWS.verifiedPayload("!!.b.c", keys: JWKSet(keys: []), type: nil) }
        #expect(isMalformed(notBase64))
    }

    @Test func keySetKeepsOnlyEd25519Keys() throws {
        let json = """
        {"keys": [
          {"kty": "RSA", "kid": "rsa-2024", "use": "sig", "alg": "RS256", "e": "AQAB",
           "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
          {"kty": "OKP", "crv": "Ed25519", "kid": "rfc8037", "x": "\(Self.rfcPublicKey)"}
        ]}
        """
        let set = try JWKSet.parse(Data(json.utf8))
        #expect(set.keys.map(\.kid) == ["rfc8037"])
        #expect(set.keys.first?.x == Self.rfcPublicKey)
        let notASet = jwsFailure { _ = try JWKSet.parse(Data("[]".utf8)) }
        #expect(isMalformed(notASet))
    }

    @Test func publishedKeySetRoundTrips() throws {
        let set = keySet(Curve25519.Signing.PrivateKey(), Curve25519.Signing.PrivateKey())
        #expect(try JWKSet.parse(JSONEncoder().encode(set)) == set)
    }

    @Test func tokenSignedForAnotherPurposeIsRefused() throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try CompactJWS.sign(payload: Data("{}".utf8), key: key, typ: "test+jwt")
        let error = jwsFailure { _ = try CompactJWS.verifiedPayload(token, keys: keySet(key), type: MembershipStatement.mediaType) }
        guard case .malformed = error else { Issue.record("expected a refused type, got \(String(describing: error))"); return }
    }
}

@Suite struct MembershipStatementTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let team = TeamRecord(slug: "alpha-cert", shortName: "Alpha CERT", officialName: "Alpha Computer Emergency Response Team", countryCode: "DE")
    static let membership = TeamMembership(type: .fullMember, since: "2015-03-01", changedAt: start)

    func statement(_ membership: TeamMembership = Self.membership) -> MembershipStatement {
        MembershipStatement(team: Self.team, membership: membership, issuer: "https://renkei.example", issuedAt: Self.start, validity: 30 * 86_400)
    }

    @Test func statementSaysWhoIsAMemberUntilWhen() {
        let statement = statement()
        #expect(statement.sub == "https://renkei.example/teams/alpha-cert")
        #expect(statement.nbf == 1_800_000_000 && statement.iat == statement.nbf)
        #expect(statement.expires == Self.start + 30 * 86_400)
        #expect(statement.membership.name == "Alpha Computer Emergency Response Team")
        #expect(statement.membership.type == "Full Member" && statement.membership.status == "active")
    }

    @Test func signedStatementVerifies() throws {
        let key = Curve25519.Signing.PrivateKey()
        let keys = JWKSet(keys: [Ed25519JWK(publicKey: key.publicKey)])
        let token = try statement().signed(with: key)
        #expect(try MembershipStatement.verify(token, keys: keys, at: Self.start + 86_400) == statement())
    }

    @Test func statementIsValidOnlyInItsPeriod() throws {
        let key = Curve25519.Signing.PrivateKey()
        let keys = JWKSet(keys: [Ed25519JWK(publicKey: key.publicKey)])
        let statement = statement()
        let token = try statement.signed(with: key)
        let late = jwsFailure { _ = try MembershipStatement.verify(token, keys: keys, at: statement.expires) }
        #expect(late == .expired(statement.expires))
        let early = jwsFailure { _ = try MembershipStatement.verify(token, keys: keys, at: Self.start - 1) }
        #expect(early == .notYetValid(Self.start))
    }

    @Test func otherSignedPayloadIsNotAStatement() throws {
        let key = Curve25519.Signing.PrivateKey()
        let token = try CompactJWS.sign(payload: Data(#"{"n":1}"#.utf8), key: key, typ: "test+jwt")
        let error = jwsFailure { _ = try MembershipStatement.verify(token, keys: JWKSet(keys: [Ed25519JWK(publicKey: key.publicKey)]), at: Self.start) }
        #expect(isMalformed(error))
    }

    /// The statement is public; the reason for a suspension stays inside the community.
    @Test func suspendedMembershipIsStatedWithoutItsReason() throws {
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        let suspended = try Self.membership.applying(.suspend(reason: "Fees unpaid"), teamID: UUID(), by: secretariat, at: Self.start)
        let key = Curve25519.Signing.PrivateKey()
        let token = try statement(suspended).signed(with: key)
        let verified = try MembershipStatement.verify(token, keys: JWKSet(keys: [Ed25519JWK(publicKey: key.publicKey)]), at: Self.start)
        #expect(verified.membership.status == "suspended")
        let payload = try #require(Base64URL.decode(token.split(separator: ".")[1]))
        #expect(!String(decoding: payload, as: UTF8.self).contains("Fees unpaid"))
    }
}
