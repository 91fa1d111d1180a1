import Foundation

/// Where a team stands in the community after its application was approved.
public enum MembershipStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active, suspended, resigned, terminated

    public var label: String { rawValue.capitalized }

    /// A member team's status from what is recorded of it: a team approved as a member and
    /// never changed since has no record, and is active. A record naming a status this
    /// version does not know (one a newer server wrote) grants nothing: terminated, since
    /// even a suspended team keeps reading.
    public init(recorded: String?) {
        guard let recorded else {
            self = .active
            return
        }
        self = MembershipStatus(rawValue: recorded) ?? .terminated
    }
}

/// A team's membership: its type, since when, and its status with the reason for the last change.
public struct TeamMembership: Sendable, Hashable, Codable {
    public var type: MemberType
    /// ISO 8601 date (YYYY-MM-DD).
    public var since: String
    public var status: MembershipStatus
    public var reason: String
    public var changedAt: Date

    public init(type: MemberType, since: String, status: MembershipStatus = .active, reason: String = "", changedAt: Date) {
        self.type = type
        self.since = since
        self.status = status
        self.reason = reason
        self.changedAt = changedAt
    }

    /// The later transitions of a membership.
    public enum Change: Sendable, Hashable {
        case suspend(reason: String)
        case reinstate
        case resign
        case terminate(reason: String)

        /// The change as a record of it is named ("Record a suspension").
        public var noun: String {
            switch self {
            case .suspend: "suspension"
            case .reinstate: "reinstatement"
            case .resign: "resignation"
            case .terminate: "termination"
            }
        }

        public var needsReason: Bool {
            switch self {
            case .suspend, .terminate: true
            case .reinstate, .resign: false
            }
        }

        public var name: String {
            switch self {
            case .suspend: "suspend"
            case .reinstate: "reinstate"
            case .resign: "resign"
            case .terminate: "terminate"
            }
        }
    }

    /// Applies `change` for `actor`: the secretariat records suspension, reinstatement and
    /// termination (decided by the board); a team's own representative may also resign it.
    public func applying(_ change: Change, teamID: UUID, by actor: Actor, at now: Date) throws(MembershipRefusal) -> TeamMembership {
        let isSecretariat = actor.roles.contains(.secretariat)
        var next = self
        next.changedAt = now
        switch change {
        case .suspend(let reason):
            guard isSecretariat else { throw MembershipRefusal(.wrongRole, "Only the secretariat records a suspension.") }
            guard status == .active else { throw MembershipRefusal(.wrongState, "Only an active membership can be suspended; it is \(status.rawValue).") }
            next.status = .suspended
            next.reason = try Self.requiredReason(reason)
        case .reinstate:
            guard isSecretariat else { throw MembershipRefusal(.wrongRole, "Only the secretariat records a reinstatement.") }
            guard status == .suspended else { throw MembershipRefusal(.wrongState, "Only a suspended membership can be reinstated; it is \(status.rawValue).") }
            next.status = .active
            next.reason = ""
        case .resign:
            let ownRepresentative = actor.roles.contains(.teamRepresentative) && actor.teamID == teamID
            guard isSecretariat || ownRepresentative else {
                throw MembershipRefusal(.wrongRole, "Only the team's representative or the secretariat records a resignation.")
            }
            guard status == .active || status == .suspended else { throw MembershipRefusal(.wrongState, "The membership has already ended (\(status.rawValue)).") }
            next.status = .resigned
            next.reason = ""
        case .terminate(let reason):
            guard isSecretariat else { throw MembershipRefusal(.wrongRole, "Only the secretariat records a termination.") }
            guard status == .active || status == .suspended else { throw MembershipRefusal(.wrongState, "The membership has already ended (\(status.rawValue)).") }
            next.status = .terminated
            next.reason = try Self.requiredReason(reason)
        }
        return next
    }

    /// The changes `actor` may record on this membership now, by the rule of `applying`: what
    /// a page offers them.
    public func availableChanges(teamID: UUID, to actor: Actor) -> [Change] {
        [Change.suspend(reason: "—"), .reinstate, .resign, .terminate(reason: "—")].filter {
            (try? applying($0, teamID: teamID, by: actor, at: changedAt)) != nil
        }
    }

    private static func requiredReason(_ text: String) throws(MembershipRefusal) -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(reason.count) else {
            throw .invalid([FieldError(field: "reason", message: "Give the reason (1 to 2000 characters); it is recorded.")])
        }
        return reason
    }
}

/// What the membership rules need to know about a team taking part in the process.
public struct TeamStanding: Sendable, Hashable, Codable {
    public var id: UUID
    public var slug: String
    public var name: String
    /// The host organisation as the directory records it.
    public var host: String
    public var membership: TeamMembership?

    public init(id: UUID, slug: String, name: String, host: String, membership: TeamMembership?) {
        self.id = id
        self.slug = slug
        self.name = name
        self.host = host
        self.membership = membership
    }

    public var isActiveFullMember: Bool { membership?.type == .fullMember && membership?.status == .active }
    public var isActiveMember: Bool { membership?.status == .active }
}

extension TeamStanding {
    /// Host organisations compared as people write them: case, spacing and punctuation differ.
    static func sameOrganisation(_ lhs: String, _ rhs: String) -> Bool {
        let key = { (text: String) in text.lowercased().unicodeScalars.filter(CharacterSet.alphanumerics.contains).map(String.init).joined() }
        let left = key(lhs)
        return !left.isEmpty && left == key(rhs)
    }
}
