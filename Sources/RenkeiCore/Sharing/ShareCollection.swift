import Foundation

/// One audience a reader reads, as machines pull it: a TAXII 2.1 collection and a MISP feed.
/// A collection is a subset of the reader's grants (`AccessPolicy.readableScope`), so it can
/// never hold an item the reader may not read; "everything" is the whole scope.
public enum ShareCollection: Sendable, Hashable {
    /// All the reader may read.
    case everything
    /// TLP:CLEAR, for everyone.
    case publicItems
    /// Shared with the whole community (GREEN to AMBER+STRICT, as the reader's role allows).
    case community
    /// Shared with the reader's team.
    case team(UUID)
    /// Shared with a SIG the reader takes part in.
    case sig(UUID)
    /// Shared with the reader by name (RED conversations among them).
    case named

    /// The collections `reader` may list and read; an anonymous reader has the public one only.
    public static func collections(for reader: Actor?) -> [ShareCollection] {
        guard let reader else { return [.publicItems] }
        var collections: [ShareCollection] = [.everything, .publicItems]
        if AccessPolicy.isCommunityMember(reader) { collections.append(.community) }
        if let team = reader.teamID, AccessPolicy.isMemberOfMemberTeam(reader) { collections.append(.team(team)) }
        collections += reader.sigSeats.map(\.sigID).filter { AccessPolicy.takesPart(reader, in: $0) }.map(ShareCollection.sig)
        collections.append(.named)
        return collections
    }

    /// The collection `id` names for `reader`; nil for an id they may not read, whether or not
    /// it exists, so an id never tells of a team or SIG the reader is not in.
    public static func collection(_ id: UUID, for reader: Actor?) -> ShareCollection? {
        collections(for: reader).first { $0.id == id }
    }

    /// Stable ids: fixed for the shared ones; derived from the team or SIG (and Renkei's
    /// namespace) for the others, revealing neither.
    public var id: UUID {
        switch self {
        case .everything: UUID(uuidString: "5a3e1b9c-0d47-4f62-8e1a-2b7c9d4e6f01")!
        case .publicItems: UUID(uuidString: "9c2f7e14-3a6b-4d85-b1e0-7f4a2c8d5e93")!
        case .community: UUID(uuidString: "e41b6d27-8f3c-4a90-a2d5-1c6e9b7f0a48")!
        case .named: UUID(uuidString: "2d8a4f63-b19e-47c0-9d3a-5e0f7b1c8a26")!
        case .team(let team): STIX21.nameBasedUUID(STIX21.namespace, "collection:team:" + team.uuidString.lowercased(), version: 4)
        case .sig(let sig): STIX21.nameBasedUUID(STIX21.namespace, "collection:sig:" + sig.uuidString.lowercased(), version: 4)
        }
    }

    /// Of the reader's grants, those that open items of this collection.
    public func grants(in scope: ReadableScope) -> Set<ReadGrant> {
        scope.grants.filter { grant in
            switch self {
            case .everything: true
            case .publicItems: grant.kind == .anyone
            case .community: grant.kind == .community
            case .team(let team): grant.kind == .team && grant.memberID == team
            case .sig(let sig): grant.kind == .sig && grant.memberID == sig
            case .named: grant.kind == .person
            }
        }
    }

    /// The labels `poster` may post into this collection at, and the audience such an item
    /// has; nil where nobody posts (what is shared by name names its people, which a bundle
    /// does not). The collection must be one the poster reads.
    public func posting(by poster: Actor?) -> (labels: [TLPLabel], audience: Audience)? {
        guard let poster, SharedItem.canShare(poster), Self.collections(for: poster).contains(self) else { return nil }
        let shared: [TLPLabel] = [.green, .amber, .amberStrict]
        switch self {
        case .publicItems: return ([.clear], .community)
        case .community: return AccessPolicy.isMemberOfMemberTeam(poster) ? (shared, .community) : ([.green], .community)
        case .team(let team): return (shared, .teams([team]))
        case .sig(let sig): return (shared, .sig(sig))
        case .everything, .named: return nil
        }
    }
}
