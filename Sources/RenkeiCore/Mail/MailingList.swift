import Foundation

/// A mailing list: one per community, one per SIG, and temporary ones the secretariat opens
/// (for an incident, an event) until an end date. Its archive is the items posted to it.
public struct MailingList: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case community, sig, temporary }
    /// Who may post: any member who may share, or the secretariat alone (announcement lists).
    public enum Posting: String, Sendable, Hashable, Codable, CaseIterable { case members, secretariat }

    public var id: UUID
    /// The local part of the list's address and its name in URLs: `first-members`.
    public var slug: String
    public var name: String
    public var description: String
    public var kind: Kind
    /// Who reads its posts (and so who may subscribe): the community, a SIG, or named teams.
    public var audience: Audience
    public var posting: Posting
    /// The label of a post that does not name one.
    public var defaultLabel: TLPLabel
    /// Days a post stays in the archive.
    public var retentionDays: Int
    /// When a temporary list stops taking posts.
    public var endsAt: Date?
    public var createdAt: Date

    public init(id: UUID, slug: String, name: String, description: String = "", kind: Kind, audience: Audience, posting: Posting = .members,
                defaultLabel: TLPLabel = .default, retentionDays: Int = 3650, endsAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.kind = kind
        self.audience = audience
        self.posting = posting
        self.defaultLabel = defaultLabel
        self.retentionDays = retentionDays
        self.endsAt = endsAt
        self.createdAt = createdAt
    }

    public func isOpen(at now: Date) -> Bool { endsAt.map { now < $0 } ?? true }

    /// Whoever would read an AMBER post to the list may subscribe to it.
    public func canSubscribe(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return AccessPolicy.isInAudience(actor, audience)
    }

    public func canPost(_ actor: Actor?, at now: Date) -> Bool {
        guard let actor, isOpen(at: now) else { return false }
        switch posting {
        case .secretariat: return actor.roles.contains(.secretariat)
        case .members: return canSubscribe(actor) && SharedItem.canShare(actor)
        }
    }

    public static func canCreate(_ actor: Actor?) -> Bool { actor?.roles.contains(.secretariat) == true }

    /// Who may subscribe sees the list (its page, its archive); the secretariat sees every list.
    public func isVisible(to actor: Actor?) -> Bool { canSubscribe(actor) || Self.canCreate(actor) }

    /// Posts older than this leave the archive (and the database).
    public func retentionCutoff(at now: Date) -> Date { now.addingTimeInterval(-TimeInterval(retentionDays) * 86_400) }

    /// A draft as posted to this list: announcements only (requests have conversations and
    /// registry asks that must outlive a list's retention), the list's audience, and its
    /// default label unless the author chose one.
    public func post(_ draft: SharedItemDraft, labelled: Bool, by actor: Actor?, at now: Date) throws(PostRefusal) -> SharedItemDraft {
        guard draft.kind == .announcement else { throw .notAnAnnouncement }
        guard isOpen(at: now) else { throw .listClosed }
        guard canPost(actor, at: now) else { throw .mayNotPost }
        var draft = draft
        draft.audience = audience
        if !labelled { draft.tlp = defaultLabel }
        return draft
    }

    /// Checks a new list's settings, every problem at once.
    public static func problems(slug: String, name: String, kind: Kind, audience: Audience, defaultLabel: TLPLabel, retentionDays: Int,
                                endsAt: Date?, at now: Date) -> [FieldError] {
        var errors: [FieldError] = []
        if !(2...40).contains(slug.count) || !slug.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            || slug.hasPrefix("-") || slug.hasSuffix("-") {
            errors.append(FieldError(field: "slug", message: "A list address is 2 to 40 lower-case letters, digits and inner hyphens."))
        }
        if !(1...100).contains(name.trimmingCharacters(in: .whitespaces).count) {
            errors.append(FieldError(field: "name", message: "Give a name of 1 to 100 characters."))
        }
        if defaultLabel == .red {
            errors.append(FieldError(field: "defaultLabel", message: "A list reaches teams, never named people only: TLP:RED cannot be its label."))
        }
        if !(1...3650).contains(retentionDays) {
            errors.append(FieldError(field: "retentionDays", message: "Keep posts between 1 and 3650 days."))
        }
        switch kind {
        case .temporary:
            if let endsAt, endsAt <= now { errors.append(FieldError(field: "endsAt", message: "The end date must be in the future.")) }
            if endsAt == nil { errors.append(FieldError(field: "endsAt", message: "A temporary list needs an end date.")) }
        case .community, .sig:
            if endsAt != nil { errors.append(FieldError(field: "endsAt", message: "Only temporary lists end.")) }
        }
        switch audience {
        case .individuals: errors.append(FieldError(field: "audience", message: "A list is for the community, a SIG or teams."))
        case .teams(let teams) where teams.isEmpty: errors.append(FieldError(field: "audience", message: "Name at least one team."))
        default: break
        }
        return errors
    }
}

/// How a subscriber receives a list.
public enum DeliveryMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Each post as it is made.
    case perMessage = "per-message"
    /// One message a day with the day's posts.
    case digest
}
