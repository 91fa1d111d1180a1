import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Shared items in and out of the database; every read goes through `AccessPolicy` here.
enum SharedItemStore {
    /// The items `actor` may read, newest first, or (with `search`) the best matches first.
    static func readable(by actor: Actor?, search: String? = nil, on database: any Database, limit: Int = 500) async throws -> [SharedItem] {
        var models: [SharedItemModel]
        if let search = search?.nonBlank {
            let ids = try await SharedItemSearch.matchingIDs(search, on: database)
            let found = Dictionary(uniqueKeysWithValues: try await SharedItemModel.query(on: database).filter(\.$id ~~ ids).all().compactMap { model in
                model.id.map { ($0, model) }
            })
            models = ids.compactMap { found[$0] }
        } else {
            var query = SharedItemModel.query(on: database).sort(\.$createdAt, .descending)
            if actor == nil { query = query.filter(\.$tlp == TLPLabel.clear.rawValue) }
            models = try await query.all()
        }
        var items: [SharedItem] = []
        for model in models {
            let item = try model.item()
            if AccessPolicy.canRead(item.access, reader: actor) { items.append(item) }
            if items.count == limit { break }
        }
        return items
    }

    /// One item, or 404 whether it does not exist or may not be read: the answer does not tell.
    static func require(_ id: UUID, readableBy actor: Actor?, on database: any Database) async throws -> SharedItem {
        guard let model = try await SharedItemModel.find(id, on: database), case let item = try model.item(),
              AccessPolicy.canRead(item.access, reader: actor) else {
            throw AppError.notFound("There is no such item, or it is not shared with you.")
        }
        return item
    }

    /// Appends a line to the audit log for each AMBER, AMBER+STRICT and RED item read.
    static func recordReads(_ items: [SharedItem], channel: String, request: Request) async throws {
        for item in items where item.tlp.auditsReads {
            try await AuditLog.record("item.read", subject: "item \(item.id.uuidString)", detail: "\(item.tlp.text) via \(channel)", request: request)
        }
    }

    /// The audience as people write it (team slugs, e-mail addresses) turned into ids.
    static func audience(kind: String, teams: [String], people: [String], on database: any Database) async throws -> Audience {
        switch kind {
        case "community":
            return .community
        case "teams":
            var ids: [UUID] = []
            for slug in teams {
                guard let team = try await TeamModel.find(slug: slug.lowercased(), on: database) else {
                    throw AppError.invalid([FieldError(field: "audience.teams", message: "There is no team “\(slug)” in the directory.")])
                }
                ids.append(try team.requireID())
            }
            return .teams(ids)
        case "individuals":
            var ids: [UUID] = []
            for email in people {
                guard let user = try await UserModel.query(on: database).filter(\.$email == email.lowercased()).first() else {
                    throw AppError.invalid([FieldError(field: "audience.people", message: "There is no account “\(email)”.")])
                }
                ids.append(try user.requireID())
            }
            return .individuals(ids)
        case "sig":
            throw AppError.invalid([FieldError(field: "audience.kind", message: "There are no Special Interest Groups yet; share with the community, teams or people.")])
        default:
            throw AppError.invalid([FieldError(field: "audience.kind", message: "The audience is “community”, “teams” or “individuals”.")])
        }
    }

    /// Checks and stores a new item with its audit line; `address` is where the request came
    /// from ("cli" for the command line).
    static func create(_ draft: SharedItemDraft, by user: UserModel, address: String?, at now: Date, on database: any Database) async throws -> SharedItem {
        let team = try await user.$team.get(on: database)
        var actor = user.actor
        if let team { actor.teamStatus = try await MembershipStore.standing(of: team, on: database).membership?.status }
        let item = try SharedItem.compose(draft, id: UUID(), by: actor, authorName: user.displayName,
                                          authorTeam: try team.map { (try $0.requireID(), $0.shortName) }, at: now)
        try await database.transaction { database in
            let model = try SharedItemModel(item)
            try await model.create(on: database)
            try await SharedItemSearch.index(model, on: database)
            try await AuditLog.record("item.create", subject: "item \(item.id.uuidString)", detail: "\(item.tlp.text) to \(item.audience.kind)",
                                      actor: user, address: address, at: now, on: database)
        }
        return item
    }

    static func create(_ draft: SharedItemDraft, by user: UserModel, request: Request) async throws -> SharedItem {
        try await create(draft, by: user, address: request.remoteAddress?.ipAddress, at: request.application.renkei.clock.now, on: request.db)
    }
}
