import Foundation

/// PGP/MIME (RFC 3156) entities around content signed or encrypted elsewhere (by GnuPG).
public enum PGPMIME {
    /// `multipart/signed` from the content that was signed (its `rendered` form, byte for byte)
    /// and the ASCII-armored detached signature over it.
    public static func signed(_ content: MIMEPart, signature armored: String) -> MIMEPart {
        let signaturePart = MIMEPart(headers: [("Content-Type", "application/pgp-signature; name=\"signature.asc\""),
                                               ("Content-Description", "OpenPGP digital signature")],
                                     body: crlf(armored))
        return .multipart("signed", parameters: [("micalg", "pgp-sha256"), ("protocol", "application/pgp-signature")],
                          parts: [content, signaturePart])
    }

    /// `multipart/encrypted` around an ASCII-armored OpenPGP message.
    public static func encrypted(_ armored: String) -> MIMEPart {
        .multipart("encrypted", parameters: [("protocol", "application/pgp-encrypted")], parts: [
            MIMEPart(headers: [("Content-Type", "application/pgp-encrypted"), ("Content-Description", "PGP/MIME version identification")],
                     body: "Version: 1"),
            MIMEPart(headers: [("Content-Type", "application/octet-stream; name=\"encrypted.asc\""),
                               ("Content-Description", "OpenPGP encrypted message"), ("Content-Disposition", "inline; filename=\"encrypted.asc\"")],
                     body: crlf(armored)),
        ])
    }

    /// Armor as GnuPG writes it (LF, trailing newline) in the entity's CRLF form.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// What a received message is, for a list that accepts signed and encrypted posts.
    public enum Received {
        /// Signed: the signed entity's exact bytes and the armored signature.
        case signed(content: ReceivedEntity, signature: String)
        /// Encrypted to the list key: the armored message to decrypt (and read again).
        case encrypted(String)
        case unsigned
    }

    public static func classify(_ entity: ReceivedEntity) -> Received {
        switch entity.contentType {
        case "multipart/signed":
            let parts = entity.parts
            guard parts.count == 2, parts[1].contentType == "application/pgp-signature" else { return .unsigned }
            return .signed(content: parts[0], signature: parts[1].decodedText)
        case "multipart/encrypted":
            let parts = entity.parts
            guard parts.count == 2 else { return .unsigned }
            return .encrypted(parts[1].decodedText)
        default:
            return .unsigned
        }
    }
}
