import Foundation

/// Why and by whom an item was withdrawn.
public struct Withdrawal: Sendable, Hashable, Codable {
    public var at: Date
    public var byUserID: UUID
    public var byName: String
    public var reason: String

    public init(at: Date, byUserID: UUID, byName: String, reason: String) {
        self.at = at
        self.byUserID = byUserID
        self.byName = byName
        self.reason = reason
    }
}

/// A text an item had before a correction: read under the item's own label and audience.
public struct ItemVersion: Sendable, Hashable, Codable {
    /// 1 for the text as first shared.
    public var number: Int
    public var title: String
    public var body: String
    public var tags: [String]
    /// When this text was written (shared or corrected) and when a correction replaced it.
    public var writtenAt: Date
    public var replacedAt: Date

    public init(number: Int, title: String, body: String, tags: [String], writtenAt: Date, replacedAt: Date) {
        self.number = number
        self.title = title
        self.body = body
        self.tags = tags
        self.writtenAt = writtenAt
        self.replacedAt = replacedAt
    }
}

extension SharedItem.Kind {
    /// The statuses an item of this kind can have: only a request is open, answered or closed;
    /// an announcement or a private conversation has no status at all.
    public var statuses: [RequestDetails.Status] {
        self == .request ? RequestDetails.Status.allCases : []
    }
}

extension SharedItem {
    public var isWithdrawn: Bool { withdrawal != nil }

    /// When the item's own words last changed: shared, corrected or withdrawn.
    public var textChangedAt: Date { withdrawal?.at ?? correctedAt ?? createdAt }

    /// When anything of the item last changed, its replies included: what machine readers
    /// poll by (a TAXII collection's `date_added`).
    public var lastChangedAt: Date { max(textChangedAt, replies.map(\.at).max() ?? createdAt) }

    /// How many texts the item has had (1 until corrected).
    public var versionCount: Int { versionNumber ?? 1 }

    /// The statuses `actor` may set now, for the page's buttons: those the kind has, other than
    /// the current one, for the requester (or the secretariat), never on a withdrawn item.
    public func statusChoices(for actor: Actor?) -> [RequestDetails.Status] {
        guard canSetStatus(actor), !isWithdrawn, let current = request?.status else { return [] }
        return kind.statuses.filter { $0 != current }
    }

    /// Whether the kind has `status` at all (an announcement has none): a refusal is a 422.
    public func allowsStatus(_ status: RequestDetails.Status) -> Bool { kind.statuses.contains(status) }

    /// The author corrects their own words; nobody else does, not even the secretariat, whose
    /// moderation is to withdraw. A withdrawn item is no longer corrected.
    public func canCorrect(_ actor: Actor?) -> Bool {
        guard let actor, !isWithdrawn else { return false }
        return actor.userID == authorUserID
    }

    /// The author withdraws their item; the secretariat withdraws, as moderation, an item it
    /// can read (TLP gives it no more: a RED item is the named people's alone).
    public func canWithdraw(_ actor: Actor?) -> Bool {
        guard let actor, !isWithdrawn else { return false }
        if actor.userID == authorUserID { return true }
        return actor.roles.contains(.secretariat) && AccessPolicy.canRead(access, reader: actor)
    }

    /// Replaces the title, text and tags (checked as when sharing) and returns the text they
    /// replace, for the history; the label and the audience stay as they are: a correction
    /// never widens who reads the item.
    public mutating func correct(title: String, body: String, tags: [String], by actor: Actor, at now: Date) throws(ValidationFailure) -> ItemVersion {
        guard canCorrect(actor) else {
            throw ValidationFailure([FieldError(field: "item", message: isWithdrawn ? "The item was withdrawn; it is no longer corrected."
                                                    : "Only the author corrects an item.")])
        }
        let (newTitle, newBody, newTags, errors) = SharedItem.checkText(title: title, body: body, tags: tags)
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        guard newTitle != self.title || newBody != self.body || newTags != self.tags else {
            throw ValidationFailure([FieldError(field: "body", message: "Nothing was changed: correct the title, the text or the tags.")])
        }
        let previous = ItemVersion(number: versionCount, title: self.title, body: self.body, tags: self.tags,
                                   writtenAt: correctedAt ?? createdAt, replacedAt: now)
        self.title = newTitle
        self.body = newBody
        self.tags = newTags
        indicators = ExtractedIndicator.extract(from: newTitle + "\n" + newBody + "\n" + (request?.subject ?? ""))
        correctedAt = now
        versionNumber = versionCount + 1
        return previous
    }

    /// Withdraws the item with a reason its readers see.
    public mutating func withdraw(reason: String, by actor: Actor, name: String, at now: Date) throws(ValidationFailure) {
        guard canWithdraw(actor) else {
            throw ValidationFailure([FieldError(field: "item", message: isWithdrawn ? "The item was withdrawn already."
                                                    : "Only the author (or the secretariat, as moderation) withdraws an item.")])
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(reason.count) else {
            throw ValidationFailure([FieldError(field: "reason", message: "Say why the item is withdrawn (up to 1000 characters).")])
        }
        withdrawal = Withdrawal(at: now, byUserID: actor.userID, byName: name, reason: reason)
    }

    /// Who hears of a correction or a withdrawal: of `candidates` (the people the item was
    /// shared with, as the caller found them), those the access policy lets read it, less the
    /// person who made the change. Nobody who cannot read the item learns of it.
    public func peopleToTell(among candidates: some Sequence<Actor>, except changer: UUID) -> Set<UUID> {
        Set(candidates.filter { $0.userID != changer && AccessPolicy.canRead(access, reader: $0) }.map(\.userID))
    }
}
