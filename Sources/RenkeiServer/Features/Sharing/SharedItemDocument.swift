import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A shared item as the API returns it; `tlp` is the TLP 2.0 label text (`TLP:AMBER+STRICT`).
struct SharedItemDocument: Content {
    struct AudienceDocument: Content {
        var kind: String
        var teams: [String]?
        var people: [String]?
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

    init(_ item: SharedItem, names: DisplayNames) {
        id = item.id
        kind = item.kind.rawValue
        url = SiteURL.item(.value(item.id.uuidString)).path
        tlp = item.tlp.text
        title = item.title
        body = item.body
        tags = item.tags
        audience = switch item.audience {
        case .community: AudienceDocument(kind: "community")
        case .sig: AudienceDocument(kind: "sig")
        case .teams(let teams): AudienceDocument(kind: "teams", teams: teams.map(names.teamSlug))
        case .individuals(let people): AudienceDocument(kind: "individuals", people: people.map(names.user))
        }
        author = Author(name: item.authorName, team: item.authorTeamName)
        created = item.createdAt
        indicators = item.indicators
    }

    /// The audience in words, for pages and feeds.
    var audienceText: String {
        switch audience.kind {
        case "community": "the whole community"
        case "teams": "the teams " + (audience.teams ?? []).joined(separator: ", ")
        case "individuals": "named people only: " + (audience.people ?? []).joined(separator: ", ")
        default: "a Special Interest Group"
        }
    }
}

/// A new item as the API and the CLI take it.
struct SharedItemInput: Content {
    struct AudienceInput: Content {
        var kind: String
        var teams: [String]?
        var people: [String]?
    }
    var title: String
    var body: String
    var tags: [String]?
    /// Default TLP:AMBER.
    var tlp: String?
    var audience: AudienceInput

    func draft(on database: any Database) async throws -> SharedItemDraft {
        guard let label = tlp.map(TLPLabel.init(parsing:)) ?? .default else {
            throw AppError.invalid([FieldError(field: "tlp", message: "“\(tlp ?? "")” is not a TLP 2.0 label: use TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED.")])
        }
        let audience = try await SharedItemStore.audience(kind: audience.kind, teams: audience.teams ?? [], people: audience.people ?? [], on: database)
        return SharedItemDraft(title: title, body: body, tags: tags ?? [], tlp: label, audience: audience)
    }
}

extension ExtractedIndicator: Content {}
