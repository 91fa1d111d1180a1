import Foundation

/// One way an item is open to readers: its label together with everyone, its author, or one
/// member of its audience. The store keeps an item's grants as rows (`item_audiences`), so a
/// list is filtered by the database and still decided by the one rule below.
public struct ReadGrant: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Everyone, signed in or not.
        case anyone
        /// The person who wrote the item.
        case author
        /// Every member of the community.
        case community
        case sig
        case team
        case person
    }

    /// The member id of the kinds that name nobody in particular (`anyone`, `community`).
    public static let nobody = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public var kind: Kind
    public var memberID: UUID
    public var tlp: TLPLabel

    public init(_ kind: Kind, _ memberID: UUID, _ tlp: TLPLabel) {
        self.kind = kind
        self.memberID = memberID
        self.tlp = tlp
    }

    /// A grant of a kind that names nobody in particular (`anyone`, `community`).
    public init(_ kind: Kind, _ tlp: TLPLabel) {
        self.init(kind, ReadGrant.nobody, tlp)
    }
}

extension SharedItemAccess {
    /// The item's grants: a CLEAR item is open to everyone; any other to its author and to each
    /// member of its effective audience (the author's team included, see `effectiveAudience`).
    public var grants: Set<ReadGrant> {
        var grants: Set<ReadGrant> = []
        _ = hasGrant { grants.insert($0); return false }
        return grants
    }

    /// Whether `isHeld` accepts one of the item's grants (`grants`), made one at a time: the
    /// access check of every item that leaves a list need not build the set.
    func hasGrant(where isHeld: (ReadGrant) -> Bool) -> Bool {
        if tlp == .clear { return isHeld(ReadGrant(.anyone, tlp)) }
        if isHeld(ReadGrant(.author, authorUserID, tlp)) { return true }
        switch effectiveAudience {
        case .community: return isHeld(ReadGrant(.community, tlp))
        case .sig(let sig): return isHeld(ReadGrant(.sig, sig, tlp))
        case .teams(let teams): return teams.contains { isHeld(ReadGrant(.team, $0, tlp)) }
        case .individuals(let people): return people.contains { isHeld(ReadGrant(.person, $0, tlp)) }
        }
    }
}

/// Everything one reader may read, as the grants that open an item to them: an item is
/// readable exactly when it has one of them. `AccessPolicy.canRead` is this test on one item;
/// the store turns the same grants into its SQL filter, so the two cannot disagree.
public struct ReadableScope: Sendable, Hashable {
    public var grants: Set<ReadGrant>

    public init(grants: Set<ReadGrant>) {
        self.grants = grants
    }

    public func allows(_ item: SharedItemAccess) -> Bool {
        item.hasGrant(where: grants.contains)
    }
}

extension AccessPolicy {
    /// The read rule (see `AccessPolicy`) stated as grants:
    /// - CLEAR: everyone.
    /// - the author: every label.
    /// - GREEN to the community: members of the community, officers included.
    /// - GREEN, AMBER and AMBER+STRICT to the community or a team: people of an active or
    ///   suspended member team (of that team); to a SIG: its participants (`takesPart`);
    ///   to named people: those people.
    /// - RED: the people named, and nobody by role or team.
    public static func readableScope(for reader: Actor?) -> ReadableScope {
        var grants: Set<ReadGrant> = [ReadGrant(.anyone, .clear)]
        guard let reader else { return ReadableScope(grants: grants) }
        let shared: [TLPLabel] = [.green, .amber, .amberStrict]
        grants.formUnion(TLPLabel.allCases.filter { $0 != .clear }.map { ReadGrant(.author, reader.userID, $0) })
        grants.formUnion((shared + [.red]).map { ReadGrant(.person, reader.userID, $0) })
        if isCommunityMember(reader) { grants.insert(ReadGrant(.community, .green)) }
        for seat in reader.sigSeats where takesPart(reader, in: seat.sigID) {
            grants.formUnion(shared.map { ReadGrant(.sig, seat.sigID, $0) })
        }
        if let team = reader.teamID, isMemberOfMemberTeam(reader) {
            grants.formUnion([ReadGrant(.community, .amber), ReadGrant(.community, .amberStrict)])
            grants.formUnion(shared.map { ReadGrant(.team, team, $0) })
        }
        return ReadableScope(grants: grants)
    }
}
