import Foundation

/// A SIG's document (a paper, a deliverable, a meeting's minutes): Markdown with a TLP label
/// and every version kept. A draft is for the SIG's participants whatever its label; a
/// published document is for whom its label allows, and carries the disclaimer line.
public struct SIGDocument: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case draft, published }

    public struct Version: Sendable, Hashable, Codable {
        public var number: Int
        public var title: String
        public var body: String
        public var tlp: TLPLabel
        public var editedBy: UUID
        public var editedAt: Date

        public init(number: Int, title: String, body: String, tlp: TLPLabel, editedBy: UUID, editedAt: Date) {
            self.number = number
            self.title = title
            self.body = body
            self.tlp = tlp
            self.editedBy = editedBy
            self.editedAt = editedAt
        }
    }

    public var id: UUID
    public var sigID: UUID
    public var state: State
    public var publishedAt: Date?
    /// Every version, oldest first; the last is the document.
    public var versions: [Version]

    public init(id: UUID, sigID: UUID, state: State, publishedAt: Date?, versions: [Version]) {
        self.id = id
        self.sigID = sigID
        self.state = state
        self.publishedAt = publishedAt
        self.versions = versions
    }

    public var current: Version { versions[versions.count - 1] }
    public var title: String { current.title }
    public var tlp: TLPLabel { current.tlp }

    /// The line every published paper carries, so a reader elsewhere knows what it is and is not.
    public static func disclaimer(sigName: String) -> String {
        "This document was produced by the \(sigName) Special Interest Group. It reflects the views of its authors, not necessarily those of every member team, and comes with no warranty."
    }

    // MARK: - Who reads it

    /// The grants that open the document (see `ReadGrant`): a draft to the SIG's participants;
    /// published, CLEAR to everyone, GREEN to the community and the SIG (guests included),
    /// AMBER and AMBER+STRICT to the SIG.
    public var grants: Set<ReadGrant> {
        guard state == .published else { return [ReadGrant(.sig, sigID, .amber)] }
        switch tlp {
        case .clear: return [ReadGrant(.anyone, .clear)]
        case .green: return [ReadGrant(.community, .green), ReadGrant(.sig, sigID, .green)]
        case .amber, .amberStrict: return [ReadGrant(.sig, sigID, tlp)]
        case .red: return []
        }
    }

    public func isReadable(by actor: Actor?) -> Bool {
        !AccessPolicy.readableScope(for: actor).grants.isDisjoint(with: grants)
    }

    /// The versions `actor` reads: every one for the SIG's participants; for anyone else the
    /// published text alone, never the drafts before it (which carried their own labels).
    public func versions(readBy actor: Actor?) -> [Version] {
        guard isReadable(by: actor) else { return [] }
        return actor.map { AccessPolicy.takesPart($0, in: sigID) } == true ? versions : [current]
    }

    // MARK: - Writing

    /// A new draft by a participant of the SIG.
    public static func draft(id: UUID, in sig: SpecialInterestGroup, title: String, body: String, tlp: TLPLabel, by actor: Actor,
                             at now: Date) throws(SIGRefusal) -> SIGDocument {
        try requireWriter(actor, in: sig)
        let version = try checked(number: 1, title: title, body: body, tlp: tlp, by: actor.userID, at: now)
        return SIGDocument(id: id, sigID: sig.id, state: .draft, publishedAt: nil, versions: [version])
    }

    /// The document with a new version. A draft is revised by any participant; a published
    /// document only by a chair, since its new version (and label) is what readers see at once.
    public func revised(in sig: SpecialInterestGroup, title: String, body: String, tlp: TLPLabel, by actor: Actor, actorIsChair: Bool,
                        at now: Date) throws(SIGRefusal) -> SIGDocument {
        try Self.requireWriter(actor, in: sig)
        guard state == .draft || actorIsChair else {
            throw SIGRefusal(.wrongRole, "A published document is changed by the SIG's chairs only; write a new draft to propose changes.")
        }
        var next = self
        next.versions.append(try Self.checked(number: versions.count + 1, title: title, body: body, tlp: tlp, by: actor.userID, at: now))
        return next
    }

    /// A chair publishes the document as of `version`, the one they read: from then on its
    /// label decides who reads it. A version written since is not published unread.
    public func published(version: Int, in sig: SpecialInterestGroup, by actor: Actor, actorIsChair: Bool, at now: Date) throws(SIGRefusal) -> SIGDocument {
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue); its documents are closed.") }
        guard actorIsChair else { throw SIGRefusal(.wrongRole, "Only the SIG's chairs publish a document.") }
        guard state == .draft else { throw SIGRefusal(.wrongState, "The document is already published.") }
        guard version == current.number else {
            throw SIGRefusal(.wrongState, "The document changed since you read it (it is at version \(current.number)); read it again before publishing.")
        }
        var next = self
        next.state = .published
        next.publishedAt = now
        return next
    }

    static func requireWriter(_ actor: Actor, in sig: SpecialInterestGroup) throws(SIGRefusal) {
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue); its documents are closed.") }
        guard AccessPolicy.takesPart(actor, in: sig.id) else { throw SIGRefusal(.wrongRole, "Only the SIG's participants write its documents.") }
    }

    static func checked(number: Int, title rawTitle: String, body rawBody: String, tlp: TLPLabel, by author: UUID, at now: Date) throws(SIGRefusal) -> Version {
        var errors: [FieldError] = []
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = rawBody.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(title.count) { errors.append(FieldError(field: "title", message: "The title is 1 to 200 characters.")) }
        if body.isEmpty || body.utf8.count > 200_000 { errors.append(FieldError(field: "body", message: "The text is 1 byte to 200 KB of Markdown.")) }
        if tlp == .red {
            errors.append(FieldError(field: "tlp", message: "TLP:RED goes to named people only; share it as an item with the people named."))
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return Version(number: number, title: title, body: body, tlp: tlp, editedBy: author, editedAt: now)
    }
}

/// A SIG meeting: when, where, the agenda, and the minutes once written (a document).
public struct SIGMeeting: Sendable, Hashable, Codable {
    public var id: UUID
    public var sigID: UUID
    public var title: String
    public var startsAt: Date
    /// The IANA zone the meeting is held in.
    public var timeZone: String
    /// A room and address, or "online".
    public var location: String
    public var agenda: String
    public var minutesDocumentID: UUID?

    public init(id: UUID, sigID: UUID, title: String, startsAt: Date, timeZone: String, location: String, agenda: String, minutesDocumentID: UUID? = nil) {
        self.id = id
        self.sigID = sigID
        self.title = title
        self.startsAt = startsAt
        self.timeZone = timeZone
        self.location = location
        self.agenda = agenda
        self.minutesDocumentID = minutesDocumentID
    }

    /// A chair plans a meeting; its list is part of the SIG's private space.
    public static func plan(id: UUID, in sig: SpecialInterestGroup, title rawTitle: String, startsAt: Date?, timeZone: String, location rawLocation: String,
                            agenda rawAgenda: String, actorIsChair: Bool) throws(SIGRefusal) -> SIGMeeting {
        guard actorIsChair else { throw SIGRefusal(.wrongRole, "Only the SIG's chairs plan its meetings.") }
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue).") }
        var errors: [FieldError] = []
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        let location = rawLocation.trimmingCharacters(in: .whitespacesAndNewlines)
        let agenda = rawAgenda.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(title.count) { errors.append(FieldError(field: "title", message: "The title is 1 to 200 characters.")) }
        if startsAt == nil { errors.append(FieldError(field: "startsAt", message: "Give the date and time the meeting starts.")) }
        if TimeZone(identifier: timeZone) == nil || !timeZone.contains("/") && timeZone != "UTC" {
            errors.append(FieldError(field: "timeZone", message: "Give the venue's IANA time zone, such as Europe/Berlin or UTC."))
        }
        if !(1...300).contains(location.count) { errors.append(FieldError(field: "location", message: "Say where (a room and address, or “online”), up to 300 characters.")) }
        if agenda.utf8.count > 50_000 { errors.append(FieldError(field: "agenda", message: "The agenda is at most 50 KB.")) }
        guard errors.isEmpty, let startsAt else { throw .invalid(errors) }
        return SIGMeeting(id: id, sigID: sig.id, title: title, startsAt: startsAt, timeZone: timeZone, location: location, agenda: agenda)
    }
}
