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
}

/// A reply as a member writes it.
public enum ReplyDraft: Sendable, Hashable {
    case answer(String)
    case referral(to: TeamStanding, note: String)
    case privateOffer(String)
}

extension SharedItem {
    /// Adds a reply by `actor` (who can read the item; the caller checked). A referral makes the
    /// referred team part of the audience of a request shared with teams; an offer returns the
    /// TLP:RED conversation it opens between the two people, for the caller to store.
    public mutating func reply(_ draft: ReplyDraft, by actor: Actor, authorName: String, authorTeamName: String?, at now: Date,
                               conversationID: UUID = UUID()) throws(ValidationFailure) -> SharedItem? {
        guard kind == .request || kind == .conversation, var details = request ?? (kind == .conversation ? RequestDetails(kind: .information) : nil) else {
            throw ValidationFailure([FieldError(field: "item", message: "Only requests and conversations take replies.")])
        }
        guard SharedItem.canShare(actor) else {
            throw ValidationFailure([FieldError(field: "author", message: "Only people of active member teams and the secretariat reply.")])
        }
        guard details.status != .closed else { throw ValidationFailure([FieldError(field: "item", message: "The request is closed.")]) }
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
            case .teams(let teams):
                if !teams.contains(team.id) { audience = .teams(teams + [team.id]) }
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
            reply.kind = .privateOffer
            reply.text = try text(body, "text")
            reply.conversationID = conversationID
            conversation = SharedItem(
                id: conversationID, kind: .conversation, title: "Private: " + title, body: reply.text, tags: [], tlp: .red,
                audience: .individuals([authorUserID, actor.userID]), authorUserID: actor.userID, authorName: authorName, authorTeamID: actor.teamID,
                authorTeamName: authorTeamName, createdAt: now, indicators: ExtractedIndicator.extract(from: reply.text), request: nil, replies: [],
                attachments: [])
        }
        if kind == .request {
            if details.firstReplyAt == nil { details.firstReplyAt = now }
            request = details
        }
        replies.append(reply)
        return conversation
    }

    /// Who hears of a reply: the requester, and for a referral the people of the referred team
    /// (who may read the request from then on). Nobody is told of their own reply.
    public func recipients(of reply: Reply) -> (people: Set<UUID>, team: UUID?) {
        (reply.authorUserID == authorUserID ? [] : [authorUserID], reply.referredTeamID)
    }

    /// The lookup engine's answer to a point-of-contact request, added at once.
    public mutating func addLookupAnswer(_ text: String, at now: Date) {
        replies.append(Reply(id: UUID(), kind: .lookup, text: text, authorUserID: nil, authorName: "Renkei lookup", at: now))
    }

    /// The requester (or the secretariat) changes a request's status.
    public func canSetStatus(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return actor.userID == authorUserID || actor.roles.contains(.secretariat)
    }

    /// The requester marks the request answered or closed (or reopens it).
    public mutating func setStatus(_ status: RequestDetails.Status, by actor: Actor) throws(ValidationFailure) {
        guard var details = request else { throw ValidationFailure([FieldError(field: "item", message: "Only requests have a status.")]) }
        guard canSetStatus(actor) else {
            throw ValidationFailure([FieldError(field: "status", message: "Only the requester (or the secretariat) changes the status.")])
        }
        details.status = status
        request = details
    }

    /// Time from the request to its first reply, when there was one.
    public var timeToFirstReply: TimeInterval? { request?.firstReplyAt.map { $0.timeIntervalSince(createdAt) } }
}
