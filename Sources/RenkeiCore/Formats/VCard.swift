import Foundation

/// A team as a vCard 4.0 (RFC 6350) card, for an address book. Built from a record already cut
/// to what the reader may see (`TeamRecord.visible(to:)`): the card holds nothing else.
public enum VCard {
    public static let mediaType = "text/vcard"

    /// The card: `pageURL` is the team's directory page (its UID and URL), `keysURL` where its
    /// PGP keys are fetched (named only when the record holds keys), `revision` the record's
    /// last change.
    public static func card(for record: TeamRecord, pageURL: String, keysURL: String, revision: Date?) -> String {
        var lines = ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//Renkei//Team directory//EN", "KIND:org"]
        lines.append("FN:" + text(record.shortName))
        if !record.officialName.isEmpty { lines.append("ORG:" + text(record.officialName)) }
        lines.append("NICKNAME:" + text(record.slug))
        if !record.email.isEmpty { lines.append("EMAIL;TYPE=work;PREF=1:" + text(record.email)) }
        for address in record.internalEmails { lines.append("EMAIL;TYPE=work:" + text(address)) }
        for number in record.phoneNumbers {
            if let uri = telURI(number), uri.hasPrefix("tel:+") {
                lines.append("TEL;VALUE=uri;TYPE=work,voice:" + uri)
            } else {
                lines.append("TEL;TYPE=work,voice:" + text(number))
            }
        }
        for site in record.websites { lines.append("URL:" + text(site)) }
        lines.append("URL;TYPE=work:" + text(pageURL))
        if !record.postalAddress.isEmpty || !record.countryCode.isEmpty {
            // The stored address is free text: it goes whole into the street component, with the
            // country's name in the country component.
            let country = Country.named(record.countryCode)?.name ?? record.countryCode
            lines.append("ADR;TYPE=work:;;" + text(record.postalAddress) + ";;;;" + text(country))
        }
        if !record.operatingHours.timeZone.isEmpty, !record.operatingHours.isEmpty {
            lines.append("TZ:" + text(record.operatingHours.timeZone))
        }
        for (index, language) in record.languages.enumerated() { lines.append("LANG;PREF=\(index + 1):" + text(language)) }
        if !record.pgpKeys.isEmpty { lines.append("KEY;MEDIATYPE=application/pgp-keys:" + text(keysURL)) }
        var notes: [String] = []
        if !record.emergencyContact.isEmpty { notes.append("Emergency contact: " + record.emergencyContact) }
        let hours = record.operatingHours.summary
        if !hours.isEmpty { notes.append("Operating hours: " + hours) }
        if !record.pgpKeys.isEmpty { notes.append("PGP: " + record.pgpKeys.map(\.fingerprint).joined(separator: ", ")) }
        if !notes.isEmpty { lines.append("NOTE:" + text(notes.joined(separator: "\n"))) }
        lines.append("UID:" + text(pageURL))
        if let revision { lines.append("REV:" + DateFormatter.fixed("yyyyMMdd'T'HHmmss'Z'").string(from: revision)) }
        lines.append("END:VCARD")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A TEXT value (RFC 6350 section 3.4): backslash, comma and semicolon escaped, line breaks
    /// written `\n`, other control characters dropped so no value can start a line of its own.
    public static func text(_ value: String) -> String {
        var result = ""
        var previousCR = false
        for scalar in value.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case ",": result += "\\,"
            case ";": result += "\\;"
            case "\r": result += "\\n"
            case "\n": if !previousCR { result += "\\n" }
            case _ where scalar.properties.generalCategory == .control: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Lines longer than 75 octets continue on the next line after a space (section 3.2), never
    /// inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            let limit = lines.isEmpty ? 75 : 74
            if octets + size > limit {
                lines.append(current)
                current = ""
                octets = 0
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// A `tel:` URI (RFC 3966) for a number as the directory stores it ("+49 30 5555 0100"):
    /// digits and a leading "+" kept, spaces and punctuation left out; text after the number
    /// (a name in brackets, an extension in words) ends it. Nil when there are fewer than three digits.
    public static func telURI(_ number: String) -> String? {
        var digits = ""
        for character in number.trimmingCharacters(in: .whitespaces) {
            if character == "+" && digits.isEmpty {
                digits.append(character)
            } else if character.isASCII && character.isNumber {
                digits.append(character)
            } else if [" ", "-", ".", "/", "(", ")"].contains(character) {
                if character == "(" && digits.count > 3 { break }
                continue
            } else {
                break
            }
        }
        guard digits.filter(\.isNumber).count >= 3 else { return nil }
        return "tel:" + digits
    }
}
