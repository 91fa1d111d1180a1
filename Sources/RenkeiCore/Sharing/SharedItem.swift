import Foundation

/// Something a member shares under a TLP label with an audience: an announcement (alert,
/// advisory, news), a request for information or assistance, or the private conversation a
/// request's offer opens.
public struct SharedItem: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case announcement, request, conversation }

    public var id: UUID
    public var kind: Kind
    public var title: String
    /// Markdown as written; pages show it as text, never as HTML.
    public var body: String
    public var tags: [String]
    public var tlp: TLPLabel
    public var audience: Audience
    public var authorUserID: UUID
    public var authorName: String
    public var authorTeamID: UUID?
    public var authorTeamName: String?
    public var createdAt: Date
    public var indicators: [ExtractedIndicator]
    /// For requests: what is asked, how urgently, and where it stands.
    public var request: RequestDetails?
    /// Answers, referrals and offers (requests and conversations).
    public var replies: [Reply]
    /// Files attached by the author; read under the item's label and audience.
    public var attachments: [Attachment]
    /// The mailing list it was posted to; its archive shows it.
    public var listID: UUID? = nil
    /// The post it answers on its list (by mail, `In-Reply-To`), for the archive's threads.
    public var parentID: UUID? = nil
    /// When the author last corrected the text, and how many versions there are (the first is
    /// 1); nil for an item never corrected (`SharedItem+Corrections.swift`).
    public var correctedAt: Date? = nil
    public var versionNumber: Int? = nil
    /// Set when the author (or the secretariat) withdrew the item: it leaves lists and feeds.
    public var withdrawal: Withdrawal? = nil

    /// A file attached to an item: its bytes are stored apart, under `id`.
    public struct Attachment: Sendable, Hashable, Codable {
        public var id: UUID
        public var name: String
        public var size: Int
        public var sha256: String
        public var fileType: String

        public static let maximumSize = 10 * 1024 * 1024
        public static let maximumCount = 5

        /// Describes an upload, refusing empty, oversized or unnamed files.
        public static func describe(_ bytes: [UInt8], name: String, id: UUID) throws(ValidationFailure) -> Attachment {
            guard !bytes.isEmpty, bytes.count <= maximumSize, let clean = FileName.clean(name) else {
                throw ValidationFailure([FieldError(field: "attachments", message: "Attach named files of 1 byte to \(maximumSize >> 20) MiB each.")])
            }
            return Attachment(id: id, name: clean, size: bytes.count, sha256: Artifact.sha256Hex(bytes), fileType: FileMagic.identify(bytes))
        }
    }

    public var access: SharedItemAccess { SharedItemAccess(tlp: tlp, audience: audience, authorUserID: authorUserID, authorTeamID: authorTeamID) }
}

/// What a member submits; the audience names teams and people by id (the server resolves
/// slugs and e-mail addresses to ids first).
public struct SharedItemDraft: Sendable, Hashable {
    public var kind: SharedItem.Kind
    public var title: String
    public var body: String
    public var tags: [String]
    public var tlp: TLPLabel
    public var audience: Audience
    public var request: RequestDetails?

    public init(kind: SharedItem.Kind = .announcement, title: String, body: String, tags: [String] = [], tlp: TLPLabel = .default, audience: Audience,
                request: RequestDetails? = nil) {
        self.kind = kind
        self.title = title
        self.body = body
        self.tags = tags
        self.tlp = tlp
        self.audience = audience
        self.request = request
    }
}

extension SharedItem {
    public static let maximumBody = 100_000

    /// Who may share: people of member teams and the secretariat.
    public static func canShare(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        if actor.roles.contains(.secretariat) { return true }
        return actor.teamID != nil && actor.teamStatus == .active
    }

    /// The title, text and tags as stored (trimmed; tags lower-cased, unique, sorted), with what
    /// is wrong with them: the same rules when an item is shared and when it is corrected.
    static func checkText(title rawTitle: String, body rawBody: String, tags rawTags: [String]) -> (String, String, [String], [FieldError]) {
        var errors: [FieldError] = []
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(title.count) { errors.append(FieldError(field: "title", message: "Give a title of 1 to 200 characters.")) }
        let body = rawBody.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty || body.utf8.count > maximumBody {
            errors.append(FieldError(field: "body", message: "Write the text (up to \(maximumBody / 1000) kB)."))
        }
        var tags = Set<String>()
        for (index, raw) in rawTags.enumerated() {
            let tag = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !tag.isEmpty else { continue }
            if tag.count > 40 || !tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                errors.append(FieldError(field: "tags[\(index)]", message: "A tag is up to 40 letters, digits and hyphens: “\(tag)” is not."))
            }
            tags.insert(tag)
        }
        if tags.count > 20 { errors.append(FieldError(field: "tags", message: "At most 20 tags.")) }
        return (title, body, tags.sorted(), errors)
    }

    /// Checks a draft and makes the item, with the indicators found in its text.
    public static func compose(_ draft: SharedItemDraft, id: UUID, by actor: Actor?, authorName: String, authorTeam: (id: UUID, name: String)?,
                               at now: Date) throws(ValidationFailure) -> SharedItem {
        guard let actor, canShare(actor) else {
            throw ValidationFailure([FieldError(field: "author", message: "Only people of active member teams and the secretariat share items.")])
        }
        let (title, body, tags, textErrors) = checkText(title: draft.title, body: draft.body, tags: draft.tags)
        var errors = textErrors
        errors += AccessPolicy.problems(tlp: draft.tlp, audience: draft.audience, sharedBy: actor)
        if (draft.kind == .request) != (draft.request != nil) {
            errors.append(FieldError(field: "request", message: "A request says what it asks for; other items do not."))
        }
        if let request = draft.request, request.kind == .pointOfContact, (try? Indicator(parsing: request.subject)) == nil {
            errors.append(FieldError(field: "request.subject", message: "A point-of-contact request names an address, network, domain, AS or country."))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return SharedItem(id: id, kind: draft.kind, title: title, body: body, tags: tags, tlp: draft.tlp,
                          audience: draft.audience, authorUserID: actor.userID, authorName: authorName, authorTeamID: authorTeam?.id,
                          authorTeamName: authorTeam?.name, createdAt: now,
                          indicators: ExtractedIndicator.extract(from: title + "\n" + body + "\n" + (draft.request?.subject ?? "")),
                          request: draft.request, replies: [], attachments: [])
    }
}
