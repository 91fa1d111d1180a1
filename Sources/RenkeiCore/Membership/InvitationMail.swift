import Foundation

/// What an invited person reads, in the mail and on the invitation pages: role names as people
/// say them and a date a person can read (UTC, as every date the platform mails).
public enum InvitationMail {
    public static func subject(team: String) -> String { "Invitation to join \(team) on Renkei" }

    /// "19 December 2026, 14:05 UTC".
    public static func readable(_ date: Date) -> String {
        DateFormatter.fixed("d MMMM yyyy, HH:mm").string(from: date) + " UTC"
    }

    /// The roles an invitation gives, by name: "Member, Team representative".
    public static func roleNames(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.label).joined(separator: ", ")
    }

    public static func text(team: String, roles: Set<Role>, invitedBy: String, link: String, expires: Date) -> String {
        """
        \(invitedBy) invited you to join \(team) on Renkei, the platform the community's teams share on, with this address.

        Your role: \(roleNames(roles)).

        To accept, open this link, give your name and choose a password:
        \(link)

        The link works once, until \(readable(expires)). If you did not expect this invitation, ignore this mail: nothing happens until the link is used.
        """
    }
}
