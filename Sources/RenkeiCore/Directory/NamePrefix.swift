import Foundation

/// The start of a name typed into a type-ahead field, as the database compares it: names are
/// keyed by `lower(name)`, which SQLite and PostgreSQL (C collation) apply to ASCII letters
/// only, so the typed text is lowered the same way. A name starts with the prefix exactly when
/// its key lies in `key ..< upperBound` in code point order; the LIKE pattern states the same.
public struct NamePrefix: Sendable, Equatable {
    /// At most this many suggestions are returned.
    public static let limit = 10
    /// Longer input is no name prefix anyone types; it is refused rather than searched.
    public static let maximumLength = 100

    public let key: String
    /// The smallest text above every text that starts with `key`; nil when there is none.
    public let upperBound: String?
    /// `key%` with `!` escaping LIKE's wildcards and itself (used with `ESCAPE '!'`).
    public let likePattern: String

    /// Nil for empty (or all-space) input and for input longer than `maximumLength`.
    public init?(_ typed: String) {
        let text = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= Self.maximumLength else { return nil }
        key = Self.key(text)
        upperBound = Self.successor(of: key)
        likePattern = key.map { "%_!".contains($0) ? "!\($0)" : String($0) }.joined() + "%"
    }

    /// ASCII letters lowered, everything else as it is: what SQL `lower()` gives here.
    public static func key(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
        }))
    }

    public func matches(_ name: String) -> Bool { Self.key(name).hasPrefix(key) }

    /// The text with its last scalar raised by one (past the surrogate gap, dropping scalars
    /// already at the top).
    static func successor(of text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.popLast() {
            var value = last.value + 1
            if (0xD800...0xDFFF).contains(value) { value = 0xE000 }
            if let next = Unicode.Scalar(value) {
                scalars.append(next)
                return String(String.UnicodeScalarView(scalars))
            }
        }
        return nil
    }
}
