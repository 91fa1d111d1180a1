import Foundation

/// Who a shared item is for.
public enum Audience: Sendable, Hashable, Codable {
    /// Every member of the community.
    case community
    /// The members of one Special Interest Group.
    case sig(UUID)
    /// The people of the teams listed.
    case teams([UUID])
    /// The people named, and nobody else.
    case individuals([UUID])

    public var kind: String {
        switch self {
        case .community: "community"
        case .sig: "sig"
        case .teams: "teams"
        case .individuals: "individuals"
        }
    }
}

/// What the policy needs to know of a shared item.
public struct SharedItemAccess: Sendable, Hashable {
    public var tlp: TLPLabel
    public var audience: Audience
    public var authorUserID: UUID
    /// The author's team, which reads what its people share with teams (see `AccessPolicy`).
    public var authorTeamID: UUID?

    public init(tlp: TLPLabel, audience: Audience, authorUserID: UUID, authorTeamID: UUID? = nil) {
        self.tlp = tlp
        self.audience = audience
        self.authorUserID = authorUserID
        self.authorTeamID = authorTeamID
    }

    /// The audience the policy applies: for GREEN, AMBER and AMBER+STRICT shared with teams, the
    /// author's own team is one of them. TLP 2.0 lets AMBER+STRICT go to the recipient's own
    /// organisation, and a colleague taking over a shift must read what the author shared;
    /// RED stays with the people named.
    public var effectiveAudience: Audience {
        guard case .teams(let teams) = audience, let team = authorTeamID, tlp != .red, tlp != .clear, !teams.contains(team) else { return audience }
        return .teams(teams + [team])
    }
}

/// Where an item's content would go when it leaves the platform's own pages and API.
public enum OnwardChannel: Sendable, Hashable, CaseIterable {
    /// A feed anyone may fetch (`/feeds/public.atom`).
    case publicFeed
    /// A feed fetched with a member's own token: the member's reading, outside the browser.
    case memberFeed
}

/// The one place that decides who reads shared content (README.md, "Security"):
/// - CLEAR: anyone, signed in or not.
/// - GREEN: signed-in members of the audience.
/// - AMBER and AMBER+STRICT: people of the audience teams or SIG (or the people named) only.
///   A SIG's audience is its participants (`takesPart`): people of member teams for the team
///   they joined for, and guests the chairs invited, who read their SIGs and nothing else.
/// - RED: the named individuals only: never a whole team, never an officer by virtue of the role.
/// The author always reads what they wrote, and the author's team is part of every teams
/// audience of GREEN, AMBER and AMBER+STRICT (`SharedItemAccess.effectiveAudience`).
/// A person counts as a member while their team's membership is active or suspended; the board
/// and the secretariat count as members of the community for CLEAR and GREEN, and for nothing more:
/// never a SIG's content by role.
public enum AccessPolicy {
    /// Whether `reader` may read the item: the one rule, stated once as grants in
    /// `readableScope(for:)`, which the store's SQL filter uses too.
    public static func canRead(_ item: SharedItemAccess, reader: Actor?) -> Bool {
        readableScope(for: reader).allows(item)
    }

    /// Whether an item may go out through `channel` at all (the onward rule); the reader of a
    /// member feed is then checked with `canRead` like anywhere else.
    public static func mayLeave(_ tlp: TLPLabel, through channel: OnwardChannel) -> Bool {
        switch channel {
        case .publicFeed: tlp == .clear
        case .memberFeed: true
        }
    }

    /// The label and audience are a valid pair: RED needs named people; a list must not be empty.
    public static func problems(tlp: TLPLabel, audience: Audience) -> [FieldError] {
        var errors: [FieldError] = []
        switch audience {
        case .teams(let teams) where teams.isEmpty:
            errors.append(FieldError(field: "audience", message: "Name at least one team."))
        case .individuals(let people) where people.isEmpty:
            errors.append(FieldError(field: "audience", message: "Name at least one person."))
        default:
            break
        }
        if tlp == .red, audience.kind != "individuals" {
            errors.append(FieldError(field: "audience", message: "TLP:RED goes to named people only, never to a whole team, SIG or the community."))
        }
        return errors
    }

    /// `problems(tlp:audience:)`, and a SIG audience only from the SIG's participants.
    public static func problems(tlp: TLPLabel, audience: Audience, sharedBy actor: Actor) -> [FieldError] {
        var errors = problems(tlp: tlp, audience: audience)
        if case .sig(let sig) = audience, !takesPart(actor, in: sig) {
            errors.append(FieldError(field: "audience", message: "Only the SIG's participants share with it."))
        }
        return errors
    }

    /// Whether `person` may be named in an audience: people of member teams (active or
    /// suspended) and the platform's officers, who read what is shared with them. An address
    /// that is not one of these is refused with the same words as an unknown address, so the
    /// audience field does not tell who has an account (`SharedItemStore.audience`).
    public static func mayBeNamed(_ person: Actor) -> Bool {
        isCommunityMember(person)
    }

    /// The words for an address that cannot be named, the same whether or not it has an account.
    public static func cannotBeNamed(_ address: String) -> String {
        "“\(address)” cannot be named: name people of member teams by the e-mail address of their account."
    }

    static func isCommunityMember(_ reader: Actor) -> Bool {
        DirectoryPolicy.audience(for: reader) == .members
    }

    /// A person of a member team whose membership is active or suspended.
    public static func isMemberOfMemberTeam(_ person: Actor) -> Bool {
        guard person.teamID != nil, let status = person.teamStatus else { return false }
        return status == .active || status == .suspended
    }

    /// Whether `person` takes part in the SIG: a guest's seat counts as such; a member's only
    /// for the team they joined for, while its membership is active or suspended. A person who
    /// changed team, or whose team's membership ended, reads nothing of the SIG until its
    /// chairs decide (`SIGParticipant.affiliationChanged`).
    public static func takesPart(_ person: Actor, in sig: UUID) -> Bool {
        person.sigSeats.contains { seat in
            seat.sigID == sig && (seat.teamID == nil || (seat.teamID == person.teamID && isMemberOfMemberTeam(person)))
        }
    }

    static func isInAudience(_ reader: Actor, _ audience: Audience) -> Bool {
        switch audience {
        case .community:
            // Officers read community items by role only up to GREEN (see canRead).
            return isMemberOfMemberTeam(reader)
        case .sig(let sig):
            return takesPart(reader, in: sig)
        case .teams(let teams):
            guard let team = reader.teamID else { return false }
            return teams.contains(team) && isMemberOfMemberTeam(reader)
        case .individuals(let people):
            return people.contains(reader.userID)
        }
    }
}
