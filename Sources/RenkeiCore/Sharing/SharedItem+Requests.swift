import Foundation

/// What a request asks for.
public struct RequestDetails: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case information, sample, pointOfContact = "point-of-contact", takedown
    }
    public enum Urgency: String, Sendable, Hashable, Codable, CaseIterable { case low, normal, high, critical }
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case open, answered, closed }

    public var kind: Kind
    public var urgency: Urgency
    public var status: Status
    /// The indicator, hash or site the request is about (required for point of contact).
    public var subject: String
    public var firstReplyAt: Date?

    public init(kind: Kind, urgency: Urgency = .normal, subject: String = "") {
        self.kind = kind
        self.urgency = urgency
        self.status = .open
        self.subject = subject.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One reply to a request: an answer, a referral to a team that can help, an offer to share
/// privately (which opens a TLP:RED conversation), or the lookup engine's answer.
public struct Reply: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case answer, referral, privateOffer = "private-offer", lookup }

    public var id: UUID
    public var kind: Kind
    public var text: String
    /// Nil for what Renkei answers itself (the lookup).
    public var authorUserID: UUID?
    public var authorName: String
    public var authorTeamName: String?
    public var referredTeamID: UUID?
    public var referredTeamName: String?
    /// The private conversation an offer opened.
    public var conversationID: UUID?
    public var at: Date
    /// For a referral that would widen the audience, written by someone other than the author
    /// or the author's team: the author's decision on it. Nil for a referral that applied at once.
    public var proposal: Proposal?

    public enum Proposal: String, Sendable, Hashable, Codable, CaseIterable { case pending, confirmed, declined }

    /// Whether this is a referral still waiting for the author's decision.
    public var isPendingSuggestion: Bool { kind == .referral && proposal == .pending }
}

/// A reply as a member writes it.
public enum ReplyDraft: Sendable, Hashable {
    case answer(String)
    case referral(to: TeamStanding, note: String)
    case privateOffer(String)
}

extension SharedItem {
    /// Whether `actor` may reply: a request still open or answered, or a private conversation,
    /// that they may read, by people of active member teams and the secretariat.
    public func canReply(_ actor: Actor?) -> Bool {
        guard kind == .request && request?.status != .closed || kind == .conversation, !isWithdrawn else { return false }
        return SharedItem.canShare(actor) && AccessPolicy.canRead(access, reader: actor)
    }

    /// The author and the people of the author's team speak for the item: they refer it
    /// further at once, and they confirm or decline what others suggest.
    public func speaksForItem(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        if actor.userID == authorUserID { return true }
        guard let team = actor.teamID, team == authorTeamID else { return false }
        return actor.teamStatus == .active || actor.teamStatus == .suspended
    }

    /// Adds a reply by `actor` (who can read the item; the caller checked). An offer returns the
    /// TLP:RED conversation it opens between the two people, for the caller to store; its text
    /// lives in that conversation only, the request keeps just that the offer was made.
    /// A referral to a team outside the audience widens the audience under TLP 2.0: never for
    /// AMBER+STRICT or RED (only the author's own organisation may read those), at once for
    /// CLEAR, and for GREEN and AMBER at once when the author (or the author's team) refers,
    /// otherwise as a suggestion the author confirms (`decideReferral`).
    public mutating func reply(_ draft: ReplyDraft, by actor: Actor, authorName: String, authorTeamName: String?, at now: Date,
                               conversationID: UUID = UUID()) throws(ValidationFailure) -> SharedItem? {
        guard kind == .request || kind == .conversation, var details = request ?? (kind == .conversation ? RequestDetails(kind: .information) : nil) else {
            throw ValidationFailure([FieldError(field: "item", message: "Only requests and conversations take replies.")])
        }
        guard SharedItem.canShare(actor) else {
            throw ValidationFailure([FieldError(field: "author", message: "Only people of active member teams and the secretariat reply.")])
        }
        guard details.status != .closed else { throw ValidationFailure([FieldError(field: "item", message: "The request is closed.")]) }
        guard !isWithdrawn else { throw ValidationFailure([FieldError(field: "item", message: "The item was withdrawn.")]) }
        func text(_ raw: String, _ field: String) throws(ValidationFailure) -> String {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...20_000).contains(text.count) else { throw ValidationFailure([FieldError(field: field, message: "Write the reply (up to 20000 characters).")]) }
            return text
        }
        var reply = Reply(id: UUID(), kind: .answer, text: "", authorUserID: actor.userID, authorName: authorName, authorTeamName: authorTeamName, at: now)
        var conversation: SharedItem?
        switch draft {
        case .answer(let body):
            reply.text = try text(body, "text")
            if kind == .request, details.status == .open { details.status = .answered }
        case .referral(let team, let note):
            guard kind == .request else { throw ValidationFailure([FieldError(field: "kind", message: "Conversations are not referred.")]) }
            guard team.isActiveMember else { throw ValidationFailure([FieldError(field: "team", message: "\(team.name) is not an active member team.")]) }
            switch audience {
            case .community:
                break
            case .teams(let teams) where teams.contains(team.id) || team.id == authorTeamID:
                break
            case .teams(let teams):
                switch tlp {
                case .amberStrict, .red:
                    throw ValidationFailure([FieldError(field: "team", message: "A \(tlp.text) request stays with its audience (TLP 2.0): it is not referred to another team; answer or offer privately instead.")])
                case .green, .amber:
                    if speaksForItem(actor) { audience = .teams(teams + [team.id]) } else { reply.proposal = .pending }
                case .clear:
                    audience = .teams(teams + [team.id])
                }
            case .sig, .individuals:
                throw ValidationFailure([FieldError(field: "team", message: "A request shared with a SIG or with named people is not opened to a whole team; answer or offer privately instead.")])
            }
            reply.kind = .referral
            reply.text = note.trimmingCharacters(in: .whitespacesAndNewlines)
            reply.referredTeamID = team.id
            reply.referredTeamName = team.name
        case .privateOffer(let body):
            guard kind == .request else { throw ValidationFailure([FieldError(field: "kind", message: "This is already a private conversation.")]) }
            guard actor.userID != authorUserID else { throw ValidationFailure([FieldError(field: "kind", message: "You cannot offer privately to yourself.")]) }
            let offer = try text(body, "text")
            reply.kind = .privateOffer
            reply.conversationID = conversationID
            conversation = SharedItem(
                id: conversationID, kind: .conversation, title: "Private: " + title, body: offer, tags: [], tlp: .red,
                audience: .individuals([authorUserID, actor.userID]), authorUserID: actor.userID, authorName: authorName, authorTeamID: actor.teamID,
                authorTeamName: authorTeamName, createdAt: now, indicators: ExtractedIndicator.extract(from: offer), request: nil, replies: [],
                attachments: [])
        }
        if kind == .request {
            if details.firstReplyAt == nil { details.firstReplyAt = now }
            request = details
        }
        replies.append(reply)
        return conversation
    }

    /// Who hears of a reply: the requester, and for a referral in force the people of the
    /// referred team (who may read the request from then on); a suggestion reaches the
    /// requester alone, who decides. Nobody is told of their own reply.
    public func recipients(of reply: Reply) -> (people: Set<UUID>, team: UUID?) {
        (reply.authorUserID == authorUserID ? [] : [authorUserID], reply.proposal == .pending || reply.proposal == .declined ? nil : reply.referredTeamID)
    }

    /// The author (or the author's team) confirms a suggested referral, which adds the team to
    /// the audience, or declines it. Returns the team to tell when confirmed.
    public mutating func decideReferral(_ replyID: UUID, confirm: Bool, by actor: Actor) throws(ValidationFailure) -> UUID? {
        guard speaksForItem(actor) else {
            throw ValidationFailure([FieldError(field: "referral", message: "Only the requester (or their team) decides on a suggested referral.")])
        }
        guard !isWithdrawn else { throw ValidationFailure([FieldError(field: "referral", message: "The request was withdrawn.")]) }
        guard let index = replies.firstIndex(where: { $0.id == replyID && $0.kind == .referral && $0.proposal != nil }),
              let team = replies[index].referredTeamID else {
            throw ValidationFailure([FieldError(field: "referral", message: "There is no such suggested referral on this request.")])
        }
        guard replies[index].proposal == .pending else {
            throw ValidationFailure([FieldError(field: "referral", message: "The suggestion was already \(replies[index].proposal?.rawValue ?? "decided").")])
        }
        guard confirm else {
            replies[index].proposal = .declined
            return nil
        }
        guard case .teams(let teams) = audience, tlp == .green || tlp == .amber || tlp == .clear else {
            throw ValidationFailure([FieldError(field: "referral", message: "A \(tlp.text) request is not referred to another team.")])
        }
        if !teams.contains(team) { audience = .teams(teams + [team]) }
        replies[index].proposal = .confirmed
        return team
    }

    /// The request as read through its own channels (page, API, search, feeds, archive): a
    /// private offer shows who offered and where the conversation is, never its text, which is
    /// TLP:RED. Offers stored before the text moved to the conversation alone are shown the same.
    public func withoutPrivateOfferText() -> SharedItem {
        guard replies.contains(where: { $0.kind == .privateOffer && !$0.text.isEmpty }) else { return self }
        var copy = self
        for index in copy.replies.indices where copy.replies[index].kind == .privateOffer { copy.replies[index].text = "" }
        return copy
    }

    /// How much of the directory every reader of the item may see: what everyone sees for
    /// CLEAR; for the other labels, what members see when each possible reader is a member
    /// (a community or teams audience, whose readers are people of member teams), and for
    /// named people the least any of them (`namedPeople`, as the caller knows them) may see.
    /// A SIG's readers may be guests from outside the membership: what everyone sees.
    public func directoryAudience(namedPeople: [Actor] = []) -> DirectoryAudience {
        guard tlp != .clear else { return .everyone }
        switch audience {
        case .sig:
            return .everyone
        case .community, .teams:
            return .members
        case .individuals(let people):
            let known = namedPeople.filter { people.contains($0.userID) }
            guard known.count == Set(people).count else { return .everyone }
            return known.allSatisfy { DirectoryPolicy.audience(for: $0) == .members } ? .members : .everyone
        }
    }

    /// The lookup's answer to a point-of-contact request, for the item's own audience: the
    /// candidates with their reasons and the contact details that audience may see.
    public mutating func answerPointOfContact(using resolver: Resolver, namedPeople: [Actor] = [], at now: Date) {
        guard kind == .request, let details = request, details.kind == .pointOfContact,
              let resolution = try? resolver.resolve(details.subject, audience: directoryAudience(namedPeople: namedPeople), now: now) else { return }
        let lines = resolution.candidates.prefix(5).map { candidate in
            "\(candidate.rank). \(candidate.team.shortName) (\(candidate.team.slug)): " + candidate.reasons.joined(separator: "; ")
                + (candidate.team.email.map { " · \($0)" } ?? "")
        }
        let text = lines.isEmpty ? (resolution.explanation ?? "No team's constituency covers \(details.subject).") : lines.joined(separator: "\n")
        replies.append(Reply(id: UUID(), kind: .lookup, text: text, authorUserID: nil, authorName: "Renkei lookup", at: now))
    }

    /// The requester (or the secretariat) changes a request's status.
    public func canSetStatus(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return actor.userID == authorUserID || actor.roles.contains(.secretariat)
    }

    /// The requester marks the request answered or closed (or reopens it).
    public mutating func setStatus(_ status: RequestDetails.Status, by actor: Actor) throws(ValidationFailure) {
        guard allowsStatus(status), var details = request else {
            throw ValidationFailure([FieldError(field: "status", message: "A \(kind.rawValue) has no status; only requests are open, answered or closed.")])
        }
        guard !isWithdrawn else { throw ValidationFailure([FieldError(field: "item", message: "The item was withdrawn; its status no longer changes.")]) }
        guard canSetStatus(actor) else {
            throw ValidationFailure([FieldError(field: "status", message: "Only the requester (or the secretariat) changes the status.")])
        }
        details.status = status
        request = details
    }

    /// Time from the request to its first reply, when there was one.
    public var timeToFirstReply: TimeInterval? { request?.firstReplyAt.map { $0.timeIntervalSince(createdAt) } }
}
