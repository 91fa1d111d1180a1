import Foundation

/// Where a `next` parameter may send a browser after signing in: only a path on this site.
///
/// Browsers strip tabs and newlines from URLs and treat `\` as `/`, so `/%09/evil.example` and
/// `/\evil.example` both leave the site; a CR or LF would also start a new response header.
/// The value is percent-decoded once and judged in that form, which catches both the raw and
/// the encoded spelling of each trick.
public enum SafeRedirect {
    /// Where a refused or empty `next` goes.
    public static let fallback = "/"

    /// `next` itself when it is a safe local path, otherwise `fallback`.
    public static func target(_ next: String) -> String {
        isLocalPath(next) ? next : fallback
    }

    /// A same-site absolute path: `/` not followed by `/` or `\`, printable ASCII as given, and
    /// no control or whitespace character once percent-decoded.
    public static func isLocalPath(_ next: String) -> Bool {
        guard next.unicodeScalars.allSatisfy({ (0x21...0x7e).contains($0.value) }),
              let decoded = next.removingPercentEncoding else { return false }
        let scalars = Array(decoded.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        return !scalars.contains { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator
        }
    }
}
