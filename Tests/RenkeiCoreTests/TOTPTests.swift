import Foundation
import Testing
@testable import RenkeiCore

@Suite struct TOTPTests {
    /// RFC 6238 Appendix B: the ASCII seeds, one per hash, sized to its block.
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    static func seed(_ algorithm: TOTP.Algorithm) -> [UInt8] {
        switch algorithm {
        case .sha1: sha1Seed
        case .sha256: sha256Seed
        case .sha512: sha512Seed
        }
    }

    /// RFC 6238 Appendix B, every row: time, mode, 8-digit TOTP.
    @Test(arguments: [
        (59, .sha1, "94287082"), (59, .sha256, "46119246"), (59, .sha512, "90693936"),
        (1_111_111_109, .sha1, "07081804"), (1_111_111_109, .sha256, "68084774"), (1_111_111_109, .sha512, "25091201"),
        (1_111_111_111, .sha1, "14050471"), (1_111_111_111, .sha256, "67062674"), (1_111_111_111, .sha512, "99943326"),
        (1_234_567_890, .sha1, "89005924"), (1_234_567_890, .sha256, "91819424"), (1_234_567_890, .sha512, "93441116"),
        (2_000_000_000, .sha1, "69279037"), (2_000_000_000, .sha256, "90698825"), (2_000_000_000, .sha512, "38618901"),
        (20_000_000_000, .sha1, "65353130"), (20_000_000_000, .sha256, "77737706"), (20_000_000_000, .sha512, "47863826"),
    ] as [(TimeInterval, TOTP.Algorithm, String)])
    func rfc6238Vectors(time: TimeInterval, algorithm: TOTP.Algorithm, expected: String) {
        let totp = TOTP(secret: Self.seed(algorithm), digits: 8, algorithm: algorithm)
        #expect(totp.code(at: Date(timeIntervalSince1970: time)) == expected)
    }

    @Test func stepIsThirtySecondsSinceTheEpoch() {
        let totp = TOTP(secret: Self.sha1Seed)
        #expect(totp.step(at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(totp.step(at: Date(timeIntervalSince1970: 20_000_000_000)) == 0x27BC86AA)
    }

    /// RFC 4226 Appendix D: HOTP with the SHA-1 seed for counters 0 to 9.
    @Test func rfc4226Vectors() {
        let hotp = TOTP(secret: Self.sha1Seed, digits: 6)
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { hotp.code(step: UInt64($0)) } == expected)
    }

    @Test func codeAcceptsOneStepOfDriftEitherWay() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_111_111_109)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(for: totp.code(step: step), at: now, lastUsedStep: nil) == step)
        #expect(totp.matchingStep(for: totp.code(step: step - 1), at: now, lastUsedStep: nil) == step - 1)
        #expect(totp.matchingStep(for: totp.code(step: step + 1), at: now, lastUsedStep: nil) == step + 1)
        #expect(totp.matchingStep(for: totp.code(step: step - 2), at: now, lastUsedStep: nil) == nil)
        #expect(totp.matchingStep(for: totp.code(step: step + 2), at: now, lastUsedStep: nil) == nil)
        // People type codes in two groups of three.
        let spaced = String(totp.code(step: step).prefix(3)) + " " + String(totp.code(step: step).suffix(3))
        #expect(totp.matchingStep(for: spaced, at: now, lastUsedStep: nil) == step)
    }

    @Test func usedCodeIsNotAcceptedAgain() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_111_111_109)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(for: totp.code(step: step), at: now, lastUsedStep: step) == nil)
        #expect(totp.matchingStep(for: totp.code(step: step - 1), at: now, lastUsedStep: step) == nil)
        #expect(totp.matchingStep(for: totp.code(step: step + 1), at: now, lastUsedStep: step) == step + 1)
    }

    @Test func malformedCodesAreRefused() {
        let totp = TOTP(secret: Self.sha1Seed)
        let now = Date(timeIntervalSince1970: 1_111_111_109)
        let code = totp.code(at: now)
        for input in ["", "12345", "1234567", String(code.dropLast()) + "x", "０" + code.dropFirst(), code + "0"] {
            #expect(totp.matchingStep(for: input, at: now, lastUsedStep: nil) == nil, "\(input)")
        }
    }

    @Test func provisioningURICarriesTheSecretAndIssuer() throws {
        let totp = TOTP(secret: Self.sha1Seed)
        let uri = totp.provisioningURI(issuer: "Renkei", account: "alice@cert.example")
        #expect(uri.hasPrefix("otpauth://totp/"))
        #expect(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(uri.contains("issuer=Renkei"))
        let components = try #require(URLComponents(string: uri))
        #expect(components.path == "/Renkei:alice@cert.example")
        let items = try #require(components.queryItems)
        let query = Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value ?? "") })
        #expect(query["algorithm"] == "SHA1" && query["digits"] == "6" && query["period"] == "30")
        #expect(Base32.decode(query["secret"] ?? "") == Self.sha1Seed)
    }

    @Test func generatedSecretIsTwentyRandomBytes() {
        let secret = TOTP.generateSecret()
        #expect(secret.count == 20)
        #expect(secret != TOTP.generateSecret())
    }
}

@Suite struct Base32Tests {
    /// RFC 4648 §10, without the padding Renkei leaves off.
    static let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]

    @Test func rfc4648Vectors() {
        for (text, encoded) in Self.vectors {
            #expect(Base32.encode(Array(text.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(text.utf8))
        }
    }

    @Test func decodingIgnoresCaseSpacesAndPadding() {
        #expect(Base32.decode("MZXW6YQ=") == Array("foob".utf8))
        #expect(Base32.decode("mzxw 6ytb oi") == Array("foobar".utf8))
        #expect(Base32.decode("MY======") == Array("f".utf8))
    }

    @Test func decodingRefusesOtherCharacters() {
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZ-XW") == nil)
    }

    @Test func roundTripOfEveryLength() {
        for length in 0...41 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }
}

@Suite struct RecoveryCodeTests {
    @Test func tenDistinctCodesInTwoGroups() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 11 && Array(code)[5] == "-", "\(code)")
            #expect(code.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567-".contains($0) }, "\(code)")
        }
    }

    @Test func hashIgnoresCaseSpacesAndDashes() {
        let stored = RecoveryCodes.hash("abcde-fgh23")
        #expect(stored.count == 64 && stored.allSatisfy(\.isHexDigit))
        #expect(RecoveryCodes.hash("ABCDEFGH23") == stored)
        #expect(RecoveryCodes.hash(" abcde fgh23 ") == stored)
        #expect(RecoveryCodes.hash("abcde-fgh24") != stored)
    }
}
