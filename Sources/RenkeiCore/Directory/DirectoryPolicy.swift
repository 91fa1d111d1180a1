import Foundation

/// Who is asking: a signed-in user (with roles, the id of their team and where that team
/// stands in the community) or nobody.
public struct Actor: Sendable, Hashable {
    public var userID: UUID
    public var roles: Set<Role>
    public var teamID: UUID?
    /// The membership status of the actor's team; nil when it has none (or is not known).
    public var teamStatus: MembershipStatus?
    /// The SIGs the actor takes part in (`SIGParticipant.seat`); whether a seat opens the SIG's
    /// content is the access rule's to say (`AccessPolicy.takesPart`).
    public var sigSeats: [SIGSeat]

    public init(userID: UUID, roles: Set<Role>, teamID: UUID?, teamStatus: MembershipStatus? = nil, sigSeats: [SIGSeat] = []) {
        self.userID = userID
        self.roles = roles
        self.teamID = teamID
        self.teamStatus = teamStatus
        self.sigSeats = sigSeats
    }
}

/// How much of a team record a reader may see.
public enum DirectoryAudience: Sendable, Hashable {
    /// Anonymous visitors and public feeds: identity fields plus what the team marked public.
    case everyone
    /// Signed-in members of the community: every field.
    case members
}

/// The directory's rules: who sees which fields, who may change which team.
public enum DirectoryPolicy {
    /// Members-only fields are for people of a member team (active, or suspended for a while)
    /// and the platform's officers. An account without a team (a candidate still applying) or
    /// of a team whose membership ended reads what everyone reads.
    public static func audience(for actor: Actor?) -> DirectoryAudience {
        guard let actor else { return .everyone }
        if !actor.roles.isDisjoint(with: [.board, .secretariat]) { return .members }
        guard actor.teamID != nil, let status = actor.teamStatus else { return .everyone }
        return status == .active || status == .suspended ? .members : .everyone
    }

    /// A team representative edits their own team; the secretariat edits any team.
    public static func canEdit(teamID: UUID, actor: Actor?) -> Bool {
        guard let actor else { return false }
        if actor.roles.contains(.secretariat) { return true }
        return actor.roles.contains(.teamRepresentative) && actor.teamID == teamID
    }

    public static func canCreateTeam(actor: Actor?) -> Bool {
        actor?.roles.contains(.secretariat) ?? false
    }

    /// Membership data (member type, member since) changes through the membership process,
    /// which the secretariat records; a representative cannot promote their own team.
    public static func canChangeMembership(actor: Actor?) -> Bool {
        actor?.roles.contains(.secretariat) ?? false
    }
}

extension TeamRecord {
    /// The record as `audience` may see it: fields the team did not mark public are emptied
    /// for `.everyone`, and internal e-mail addresses are never public.
    public func visible(to audience: DirectoryAudience) -> TeamRecord {
        guard audience == .everyone else { return self }
        var record = self
        let shown = publicFields
        record.internalEmails = []
        if !shown.contains(.postalAddress) { record.postalAddress = "" }
        if !shown.contains(.websites) { record.websites = [] }
        if !shown.contains(.email) { record.email = "" }
        if !shown.contains(.host) { record.host = "" }
        if !shown.contains(.establishment) { record.establishment = "" }
        if !shown.contains(.phoneNumbers) { record.phoneNumbers = [] }
        if !shown.contains(.operatingHours) { record.operatingHours = OperatingHours(timeZone: "") }
        if !shown.contains(.constituencyDescription) { record.constituencyDescription = "" }
        if !shown.contains(.constituency) { record.constituency = Constituency() }
        if !shown.contains(.languages) { record.languages = [] }
        if !shown.contains(.pgpKeys) { record.pgpKeys = [] }
        if !shown.contains(.emergencyContact) { record.emergencyContact = "" }
        return record
    }
}

extension DirectoryPolicy {
    /// Changes `actor` may not make from `old` (nil for a new team) to `new`: membership data
    /// and the slug belong to the secretariat.
    public static func forbiddenChanges(from old: TeamRecord?, to new: TeamRecord, actor: Actor?) -> [FieldError] {
        guard !canChangeMembership(actor: actor) else { return [] }
        var errors: [FieldError] = []
        if new.memberType != old?.memberType {
            errors.append(FieldError(field: "memberType", message: "Only the secretariat records membership changes."))
        }
        if new.memberSince != (old?.memberSince ?? "") {
            errors.append(FieldError(field: "memberSince", message: "Only the secretariat records membership changes."))
        }
        if let old, new.slug != old.slug {
            errors.append(FieldError(field: "slug", message: "The slug is the team's stable address; only the secretariat changes it."))
        }
        return errors
    }
}
