import Foundation

/// The one rule for a file name that came from outside (an upload, a registered sample, a name
/// inside an archive): it names a file, never a path, and carries no invisible characters.
public enum FileName {
    /// Most file systems allow 255 bytes per name.
    public static let maximumBytes = 255

    /// The name cleaned, or nil when nothing usable is left: control and format characters
    /// (CR, LF, NUL, bidirectional overrides) removed, `/` and `\` replaced by `_`, runs of dots
    /// shortened to one, no leading dot (no hidden file, no `..`), no leading or trailing
    /// space, at most `maximumBytes` of UTF-8 with the extension kept.
    public static func clean(_ name: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: continue
            default: break
            }
            if scalar == "/" || scalar == "\\" {
                scalars.append("_")
            } else if scalar == ".", scalars.last == "." {
                continue
            } else {
                scalars.append(scalar.properties.isWhitespace ? " " : scalar)
            }
        }
        var text = shortened(String(scalars))
        while let first = text.first, first == "." || first == " " { text.removeFirst() }
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// Cuts the stem (on a character boundary) so the whole name fits `maximumBytes`, keeping
    /// a short extension such as `.pdf`.
    private static func shortened(_ text: String) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        var stem = Substring(text), suffix = Substring("")
        if let dot = text.lastIndex(of: "."), text.distance(from: dot, to: text.endIndex) <= 16 {
            stem = text[..<dot]
            suffix = text[dot...]
        }
        while !stem.isEmpty, stem.utf8.count + suffix.utf8.count > maximumBytes { stem.removeLast() }
        return String(stem + suffix)
    }
}

/// The one rule for an HTTP header value built from stored or user text: CR, LF, NUL and every
/// other control character except TAB become a space, so no value can end a header line and
/// start another (RFC 9110 §5.5).
public enum HeaderValue {
    public static func clean(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { scalar -> Unicode.Scalar in
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F ? " " : scalar
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `Content-Disposition` for a download (RFC 6266): always `attachment`, the name cleaned as
    /// at upload (so names stored before that rule are safe too), a quoted ASCII fallback and
    /// the exact name as `filename*` in UTF-8 (RFC 8187).
    public static func contentDisposition(attachmentNamed name: String) -> String {
        let clean = FileName.clean(name) ?? "download"
        let fallback = String(String.UnicodeScalarView(clean.unicodeScalars.map { scalar -> Unicode.Scalar in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F && !"\"\\%".unicodeScalars.contains(scalar) ? scalar : "_"
        }))
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(percentEncoded(clean))"
    }

    /// RFC 8187 `value-chars`: `attr-char` as itself, every other byte as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let attrChar = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        return text.utf8.map { attrChar.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
