import Foundation

/// Who may bring whom into a member team's accounts.
public enum InvitationRules {
    /// How long an invitation link works.
    public static let validity: TimeInterval = 14 * 86_400

    /// A team's representatives (or the secretariat) invite people to an active member team,
    /// as members or as representatives while the team has fewer than two.
    public static func check(role: Role, invitedBy actor: Actor, team: TeamStanding, representatives: Int) throws(MembershipRefusal) {
        let ownRepresentative = actor.roles.contains(.teamRepresentative) && actor.teamID == team.id
        guard ownRepresentative || actor.roles.contains(.secretariat) else {
            throw MembershipRefusal(.wrongRole, "Only \(team.name)'s representatives invite people to its accounts.")
        }
        guard team.isActiveMember else {
            throw MembershipRefusal(.wrongState, "\(team.name) is not an active member; nobody can be invited to it.")
        }
        switch role {
        case .member:
            return
        case .teamRepresentative:
            guard representatives < MembershipRules.representativeLimit else {
                throw MembershipRefusal(.representativeLimit, "\(team.name) already has \(MembershipRules.representativeLimit) representatives (invitations included).")
            }
        default:
            throw .invalid([FieldError(field: "role", message: "An invitation makes someone a member or a team representative.")])
        }
    }

    /// The roles an invitation as `role` gives: every invited person is a member.
    public static func roles(for role: Role) -> Set<Role> {
        [.member, role]
    }

    /// Whether stored invitation roles make a representative, parsed exactly (a stored list
    /// that does not parse makes nobody a representative, and is not accepted either).
    public static func invitesRepresentative(_ storedRoles: String) -> Bool {
        Role.parseList(storedRoles)?.contains(.teamRepresentative) ?? false
    }

    /// An invitation is accepted only while its team is still an active member (an invitation
    /// made before a suspension or the end of the membership lapses with it), and only by an
    /// address that has no account yet (the person signs in instead).
    public static func checkAcceptance(team: TeamStanding, email: String, accountExists: Bool) throws(MembershipRefusal) {
        guard team.isActiveMember else {
            throw MembershipRefusal(.wrongState, "\(team.name) is not an active member any more; its invitations no longer work.")
        }
        guard !accountExists else {
            throw MembershipRefusal(.wrongState, "There is already an account for \(email): sign in with it instead. If it belongs to another team, ask the secretariat to move it.")
        }
    }
}
