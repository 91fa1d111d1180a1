import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A shared item as the API returns it; `tlp` is the TLP 2.0 label text (`TLP:AMBER+STRICT`).
struct SharedItemDocument: Content {
    struct AudienceDocument: Content, Equatable {
        var kind: String
        var teams: [String]?
        var people: [String]?
        /// The SIG's slug.
        var sig: String?
    }
    struct Author: Content {
        var name: String
        var team: String?
    }
    var id: UUID
    var kind: String
    var url: String
    var tlp: String
    var title: String
    var body: String
    var tags: [String]
    var audience: AudienceDocument
    var author: Author
    var created: Date
    var indicators: [ExtractedIndicator]
    var request: RequestDetails?
    var replies: [Reply]
    var attachments: [AttachmentDocument]

    struct AttachmentDocument: Content {
        var name: String
        var size: Int
        var sha256: String
        var fileType: String
        var url: String
    }
    /// Seconds from the request to its first reply.
    var timeToFirstReply: Double?
    /// How many texts the item has had (1 until corrected), and when it was last corrected.
    var versions: Int
    var corrected: Date?
    /// When, by whom and why the item was withdrawn; nil while it stands.
    var withdrawal: Withdrawal?

    init(_ item: SharedItem, names: DisplayNames) {
        id = item.id
        kind = item.kind.rawValue
        url = SiteURL.item(.value(item.id.uuidString)).path
        tlp = item.tlp.text
        title = item.title
        body = item.body
        tags = item.tags
        audience = Self.audience(of: item, names: names)
        author = Author(name: item.authorName, team: item.authorTeamName)
        created = item.createdAt
        indicators = item.indicators
        request = item.request
        replies = item.withoutPrivateOfferText().replies
        attachments = item.attachments.map {
            AttachmentDocument(name: $0.name, size: $0.size, sha256: $0.sha256, fileType: $0.fileType,
                               url: SiteURL.apiItemAttachment(.value(item.id.uuidString), .value($0.id.uuidString)).path)
        }
        timeToFirstReply = item.timeToFirstReply
        versions = item.versionCount
        corrected = item.correctedAt
        withdrawal = item.withdrawal
    }

    /// The audience as the document names it: teams by slug, people by name.
    static func audience(of item: SharedItem, names: DisplayNames) -> AudienceDocument {
        switch item.audience {
        case .community: AudienceDocument(kind: "community")
        case .sig(let sig): AudienceDocument(kind: "sig", sig: names.sigSlug(sig))
        case .teams(let teams): AudienceDocument(kind: "teams", teams: teams.map(names.teamSlug))
        case .individuals(let people): AudienceDocument(kind: "individuals", people: people.map(names.user))
        }
    }

    /// The audience in words, for pages and feeds: teams by name (the documents name them by
    /// their directory slug, which scripts use).
    static func audienceText(of item: SharedItem, names: DisplayNames) -> String {
        switch item.audience {
        case .community: "the whole community"
        case .teams(let teams): (teams.count == 1 ? "the team " : "the teams ") + teams.map(names.team).joined(separator: ", ")
        case .individuals(let people): "named people only: " + people.map(names.user).joined(separator: ", ")
        case .sig(let sig): names.sig(sig)
        }
    }
}

/// A new item as the API and the CLI take it.
struct SharedItemInput: Content {
    struct AudienceInput: Content {
        var kind: String
        var teams: [String]?
        var people: [String]?
        /// The SIG's slug, for the kind `sig`.
        var sig: String?
    }
    struct RequestInput: Content {
        var kind: String
        var urgency: String?
        var subject: String?
    }
    /// "announcement" (the default) or "request".
    var kind: String?
    var title: String
    var body: String
    var tags: [String]?
    /// Default TLP:AMBER.
    var tlp: String?
    var audience: AudienceInput
    /// For a request: what it asks for.
    var request: RequestInput?
    /// Files, base64-encoded in JSON.
    var attachments: [AttachmentInput]?

    struct AttachmentInput: Content {
        var name: String
        var content: String
    }

    func files() throws -> [(name: String, bytes: [UInt8])] {
        try (attachments ?? []).enumerated().map { index, attachment in
            guard let data = Data(base64Encoded: attachment.content) else {
                throw AppError.invalid([FieldError(field: "attachments[\(index)].content", message: "The content is not base64.")])
            }
            return (attachment.name, Array(data))
        }
    }

    func draft(on database: any Database) async throws -> SharedItemDraft {
        guard let itemKind = SharedItem.Kind(rawValue: kind ?? "announcement"), itemKind != .conversation else {
            throw AppError.invalid([FieldError(field: "kind", message: "Share an “announcement” or a “request”.")])
        }
        var details: RequestDetails?
        if let request {
            guard let requestKind = RequestDetails.Kind(rawValue: request.kind) else {
                throw AppError.invalid([FieldError(field: "request.kind", message: "A request asks for “information”, a “sample”, a “point-of-contact” or a “takedown”.")])
            }
            guard let urgency = RequestDetails.Urgency(rawValue: request.urgency ?? "normal") else {
                throw AppError.invalid([FieldError(field: "request.urgency", message: "Urgency is low, normal, high or critical.")])
            }
            details = RequestDetails(kind: requestKind, urgency: urgency, subject: request.subject ?? "")
        }
        guard let label = tlp.map(TLPLabel.init(parsing:)) ?? .default else {
            throw AppError.invalid([FieldError(field: "tlp", message: "“\(tlp ?? "")” is not a TLP 2.0 label: use TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED.")])
        }
        let audience = try await SharedItemStore.audience(kind: audience.kind, teams: audience.teams ?? [], people: audience.people ?? [], sig: audience.sig, on: database)
        return SharedItemDraft(kind: itemKind, title: title, body: body, tags: tags ?? [], tlp: label, audience: audience, request: details)
    }
}

extension ExtractedIndicator: Content {}
extension RequestDetails: Content {}
extension Reply: Content {}

/// A reply as the API and the page form send it.
struct ReplyInput: Content {
    /// "answer", "referral" or "private-offer".
    var kind: String
    var text: String?
    /// For a referral: the slug of the team that can help.
    var team: String?

    func draft(on database: any Database) async throws -> ReplyDraft {
        switch kind {
        case "answer": return .answer(text ?? "")
        case "private-offer": return .privateOffer(text ?? "")
        case "referral":
            guard let slug = team?.nonBlank, let standing = try await MembershipStore.standing(slug: slug.lowercased(), on: database) else {
                throw AppError.invalid([FieldError(field: "team", message: "Name the team that can help by its directory slug.")])
            }
            return .referral(to: standing, note: text ?? "")
        default:
            throw AppError.invalid([FieldError(field: "kind", message: "A reply is an “answer”, a “referral” or a “private-offer”.")])
        }
    }
}
