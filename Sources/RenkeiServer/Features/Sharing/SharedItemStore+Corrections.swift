import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Corrections and withdrawals (`SharedItem+Corrections.swift`): the text a correction replaces
/// is kept in `shared_item_versions`, read under the item's own label; a withdrawn item loses
/// its rows of the read index (`ItemReadIndex`), so no list, search or feed selects it, while
/// its page still tells its readers that and why it was withdrawn. Those the item was shared
/// with and who may read it are told of either.
extension SharedItemStore {
    /// The author replaces the title, text and tags; the text replaced joins the history.
    static func correct(_ id: UUID, title: String, body: String, tags: [String], request: Request) async throws -> SharedItem {
        guard let actor = request.currentActor, let user = request.currentUser else { throw AppError.unauthorized("Sign in first.") }
        let now = request.application.renkei.clock.now
        let mail = request.application.renkei.mail
        return try await request.db.writeTransaction { database in
            let (model, original) = try await readableModel(id, actor: actor, on: database)
            guard original.canCorrect(actor) || original.isWithdrawn else { throw AppError.forbidden("Only the author corrects an item.") }
            var item = original
            let previous = try item.correct(title: title, body: body, tags: tags, by: actor, at: now)
            try await save(item, model: model, on: database)
            try await SharedItemVersionModel(itemID: id, previous).create(on: database)
            try await AuditLog.record("item.correct", subject: "item \(id.uuidString)", detail: "version \(item.versionCount)",
                                      actor: user, address: request.clientAddress, at: now, on: database)
            try await tellReaders(of: item, text: "\(user.displayName) corrected “\(item.title)” (version \(item.versionCount)).",
                                  except: actor.userID, at: now, mail: mail, on: database)
            return item.withoutPrivateOfferText()
        }
    }

    /// The author (or the secretariat, as moderation) withdraws an item, with a reason.
    static func withdraw(_ id: UUID, reason: String, request: Request) async throws -> SharedItem {
        guard let actor = request.currentActor, let user = request.currentUser else { throw AppError.unauthorized("Sign in first.") }
        let now = request.application.renkei.clock.now
        let mail = request.application.renkei.mail
        return try await request.db.writeTransaction { database in
            let (model, original) = try await readableModel(id, actor: actor, on: database)
            guard original.canWithdraw(actor) || original.isWithdrawn else {
                throw AppError.forbidden("Only the author (or the secretariat, as moderation) withdraws an item.")
            }
            var item = original
            try item.withdraw(reason: reason, by: actor, name: user.displayName, at: now)
            try await save(item, model: model, on: database)
            if let sql = database as? any SQLDatabase { try await ItemReadIndex.remove(id, on: sql) }
            try await AuditLog.record("item.withdraw", subject: "item \(id.uuidString)", detail: item.withdrawal?.reason ?? "",
                                      actor: user, address: request.clientAddress, at: now, on: database)
            try await tellReaders(of: item, text: "\(user.displayName) withdrew “\(item.title)”: \(item.withdrawal?.reason ?? "")",
                                  except: actor.userID, at: now, mail: mail, on: database)
            return item.withoutPrivateOfferText()
        }
    }

    /// The texts an item had before its corrections, newest first, for those who may read the
    /// item (404 for everyone else, as for the item itself).
    static func versions(of id: UUID, readableBy actor: Actor?, on database: any Database) async throws -> (item: SharedItem, versions: [ItemVersion]) {
        let item = try await require(id, readableBy: actor, on: database)
        let versions = try await SharedItemVersionModel.query(on: database).filter(\.$item.$id == id).sort(\.$number, .descending).all()
        return (item, versions.map(\.version))
    }

    /// The stored item if `actor` may read it; 404 otherwise, without telling which.
    private static func readableModel(_ id: UUID, actor: Actor, on database: any Database) async throws -> (SharedItemModel, SharedItem) {
        guard let model = try await SharedItemModel.find(id, on: database), case let item = try model.item(),
              AccessPolicy.canRead(item.access, reader: actor) else {
            throw AppError.notFound("There is no such item, or it is not shared with you.")
        }
        return (model, item)
    }

    /// Writes the changed item read in the same transaction, as a new version of the row.
    private static func save(_ item: SharedItem, model: SharedItemModel, on database: any Database) async throws {
        guard try await writeNextVersion(item, of: model, on: database) else {
            throw AppError.conflict("The item changed at the same moment; reload and try again.")
        }
        // `withdrawn_at` (migration 016) is written here alone, not a field of `SharedItemModel`:
        // migrations before 016 query that model on a table without the column.
        if let at = item.withdrawal?.at, let sql = database as? any SQLDatabase {
            try await sql.update(SharedItemModel.schema).set("withdrawn_at", to: at).where("id", .equal, model.requireID()).run()
        }
    }

    /// Tells the people the item was shared with who may read it (the access policy decides
    /// for each), never the person who made the change.
    private static func tellReaders(of item: SharedItem, text: String, except changer: UUID, at now: Date, mail: MailAddressing?,
                                    on database: any Database) async throws {
        let users: [UserModel]
        switch item.access.effectiveAudience {
        case .individuals(let people): users = try await UserModel.query(on: database).filter(\.$id ~~ people).all()
        case .teams(let teams): users = try await UserModel.query(on: database).filter(\.$team.$id ~~ teams).all()
        case .community, .sig: users = try await UserModel.query(on: database).all()
        }
        let readers = try await ListStore.readers(users, on: database).values
        let people = item.peopleToTell(among: readers, except: changer)
        try await Notify.people(people, text: text, link: SiteURL.item(.value(item.id.uuidString)).path, at: now, mail: mail, on: database)
    }
}
