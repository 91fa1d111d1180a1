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

    /// The mail to an address without an account: the link that submits the application.
    public static func newApplicantText(team: String, link: String, expires: Date) -> String {
        """
        Someone, probably you, applied for membership of the community for \(team) with this address.

        To confirm the address and submit the application, open this link and press "Submit the application":
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
