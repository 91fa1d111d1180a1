import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226), as authenticator apps
/// implement them: 30-second steps, 6 digits, HMAC-SHA-1 unless told otherwise.
public struct TOTP: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable { case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512" }

    public var secret: [UInt8]
    public var digits: Int
    public var period: TimeInterval
    public var algorithm: Algorithm

    public init(secret: [UInt8], digits: Int = 6, period: TimeInterval = 30, algorithm: Algorithm = .sha1) {
        precondition((6...8).contains(digits), "RFC 4226 codes have 6 to 8 digits")
        self.secret = secret
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
    }

    /// A new secret of 20 random bytes, the HMAC-SHA-1 block RFC 4226 recommends.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The time step a moment falls in (T in RFC 6238).
    public func step(at date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for `step` (HOTP with the step as counter), zero-padded to `digits`.
    public func code(step: UInt64) -> String {
        let counter = withUnsafeBytes(of: step.bigEndian) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] = switch algorithm {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: counter, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: counter, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step whose code matches, allowing one step of clock drift either way, or nil.
    /// Codes at or before `lastUsedStep` are refused so a code cannot be replayed.
    public func matchingStep(for input: String, at date: Date, lastUsedStep: UInt64?) -> UInt64? {
        let typed = input.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        for candidate in [now, now &- 1, now + 1] where candidate <= now + 1 {
            if let lastUsedStep, candidate <= lastUsedStep { continue }
            if constantTimeEqual(code(step: candidate), typed) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` URI authenticator apps read (Key Uri Format), for a QR code or typing.
    public func provisioningURI(issuer: String, account: String) -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/" + issuer + ":" + account
        components.queryItems = [
            URLQueryItem(name: "secret", value: Base32.encode(secret)), URLQueryItem(name: "issuer", value: issuer),
            URLQueryItem(name: "algorithm", value: algorithm.rawValue), URLQueryItem(name: "digits", value: String(digits)),
            URLQueryItem(name: "period", value: String(Int(period))),
        ]
        return components.string ?? ""
    }

    private func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// One-time recovery codes for when the authenticator is lost; only their SHA-256 is stored.
public enum RecoveryCodes {
    /// Ten codes of ten base32 characters (50 bits each), grouped for reading aloud.
    public static func generate(count: Int = 10) -> [String] {
        (0..<count).map { _ in
            let text = Base32.encode((0..<7).map { _ in UInt8.random(in: .min ... .max) }).lowercased().prefix(10)
            return String(text.prefix(5)) + "-" + String(text.suffix(5))
        }
    }

    /// The stored form: case, spaces and dashes do not matter when a code is typed.
    public static func hash(_ code: String) -> String {
        let normalised = code.lowercased().filter { $0.isLetter || $0.isNumber }
        return Hex.lowercase(SHA256.hash(data: Data(normalised.utf8)))
    }
}

/// Base32 of RFC 4648 (upper case, no padding), the alphabet TOTP secrets are shared in.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes ignoring case, spaces and padding; nil on any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0, bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
