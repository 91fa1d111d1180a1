import Foundation

/// A visitor applies with an e-mail address and a password; the application becomes real only
/// when the address is confirmed from a link mailed to it. The form answers the same
/// ("check your mail") whether or not the address already has an account: the account's owner
/// learns it from the mail, the stranger at the form learns nothing (README.md, "Security").
public enum AddressConfirmation {
    /// How long a confirmation link works.
    public static let validity: TimeInterval = 2 * 86_400

    public static let subject = "Confirm your membership application"

    /// The form is open to anyone and mails the address typed into it, so it must not become a
    /// way to send a stranger mail over and over: a few mails per address a day, the same count
    /// whether or not the address has an account. (Each client is slowed down as well, by the
    /// sign-in throttle.)
    public static let mailsPerAddress = RateLimit(capacity: 3, period: 86_400)

    /// The address as typed, lower-cased, when it can be a mail recipient: one `@`, a local part
    /// and a domain with a dot, at most 254 characters, nothing that could rewrite a mail header
    /// or the SMTP envelope (control characters, spaces, quotes, angle brackets, commas).
    public static func acceptableAddress(_ text: String) -> String? {
        let address = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !address.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || "\"<>,;()[]\\".unicodeScalars.contains($0) })
        else { return nil }
        return address
    }

    /// The mailbox an address most likely lands in, for counting mails: `+tags` go, so
    /// `victim+1@` and `victim@` share one count.
    public static func mailboxKey(_ address: String) -> String {
        let parts = address.lowercased().split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return address.lowercased() }
        return (parts[0].split(separator: "+", maxSplits: 1).first.map(String.init) ?? "") + "@" + parts[1]
    }

    /// The mail to an address without an account: the link that submits the application.
    public static func newApplicantText(team: String, link: String, expires: Date) -> String {
        """
        Someone, probably you, applied for membership of the community for \(team) with this address.

        To confirm the address, choose your password and submit the application, open this link:
        \(link)

        The link works until \(DateFormatter.fixed("d MMMM yyyy, HH:mm").string(from: expires)) UTC. If you did not apply, ignore this mail: nothing is stored once the link expires.
        """
    }

    /// The mail to an address that has an account: nothing was stored; apply while signed in.
    public static func existingAccountText(team: String, signInLink: String) -> String {
        """
        Someone, probably you, applied for membership of the community for \(team) with this address.

        This address already has an account, so nothing was submitted. Sign in and apply from your account:
        \(signInLink)

        If you did not apply, ignore this mail.
        """
    }
}
