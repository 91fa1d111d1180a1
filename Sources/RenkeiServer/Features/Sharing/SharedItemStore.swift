import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Shared items in and out of the database; every read goes through `AccessPolicy` here, and
/// every item leaves without the text of its private offers (`SharedItem.withoutPrivateOfferText`).
enum SharedItemStore {
    /// One page of the items `actor` may read, newest first (by `created_ms`, then id); with
    /// `search`, of the items matching every word (newest first too, so a cursor stays valid
    /// while items are added); with `listID`, of the posts to that list; with `notBefore`, of
    /// the items created then or later; with `sig`, of the items shared with that SIG. The database filters by the reader's grants
    /// (`AccessPolicy.readableScope`, `ItemReadIndex`) and reads `limit + 1` rows; only the
    /// page is decoded (or taken from `decoded`), and each item is checked again with
    /// `AccessPolicy.canRead`.
    static func readable(by actor: Actor?, search: String? = nil, inList listID: UUID? = nil, sharedWith sig: UUID? = nil, notBefore: Date? = nil,
                         page: PageRequest = PageRequest(), searchWindow: Int = SharedItemSearch.window, decoded: VersionedItemCache<SharedItem>? = nil,
                         on database: any Database) async throws -> Page<SharedItem> {
        let found = try await readableVersions(by: actor, search: search, inList: listID, sharedWith: sig, notBefore: notBefore, page: page,
                                               searchWindow: searchWindow, decoded: decoded, on: database)
        return Page(items: found.items.map(\.item), next: found.next)
    }

    /// An item with the version of its row, which whatever is made from it is kept by.
    struct VersionedItem: Sendable {
        var item: SharedItem
        var version: Int
    }

    /// `readable(by:...)` with each item's row version.
    static func readableVersions(by actor: Actor?, search: String? = nil, inList listID: UUID? = nil, sharedWith sig: UUID? = nil, notBefore: Date? = nil,
                                 page: PageRequest = PageRequest(), searchWindow: Int = SharedItemSearch.window,
                                 decoded: VersionedItemCache<SharedItem>? = nil, on database: any Database) async throws -> Page<VersionedItem> {
        let sql = try database.sql
        let cursor = try keyset(page.after)
        let scope = AccessPolicy.readableScope(for: actor)
        let words = (search ?? "").split(whereSeparator: \.isWhitespace).prefix(20).map(String.init)
        var ids: SQLQueryString
        if words.isEmpty, listID == nil, sig == nil, notBefore == nil {
            ids = ItemReadIndex.newest(page.limit + 1, in: scope, olderThan: cursor)
        } else {
            let search: (from: SQLQueryString, condition: SQLQueryString) = words.isEmpty ? ("shared_items s", "1 = 1")
                : SharedItemSearch.matches(words, dialect: sql.dialect.name, window: searchWindow)
            ids = "SELECT s.id AS item_id, s.created_ms FROM " + search.from + " WHERE " + search.condition
            ids += " AND \(ItemReadIndex.opens(to: scope))"
            if let listID { ids += " AND s.list_id = \(bind: listID)" }
            if let sig { ids += " AND s.sig_id = \(bind: sig)" }
            if let notBefore { ids += " AND s.created_ms >= \(bind: SharedItemModel.milliseconds(notBefore))" }
            ids += ItemReadIndex.older(than: cursor, ms: "s.created_ms", id: "s.id")
            ids += " ORDER BY s.created_ms DESC, s.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        }
        // The page's keys and row versions first, found by index (the subquery); the stored
        // documents are then read only for the items `decoded` does not hold at that version.
        let keyRows = try await sql.raw("SELECT f.item_id, f.created_ms, d.version FROM (" + ids + ") AS f JOIN shared_items d ON d.id = f.item_id"
            + " ORDER BY f.created_ms DESC, f.item_id DESC").all()
        let rows = try keyRows.map { row in
            (id: try row.decode(column: "item_id", as: UUID.self), ms: try row.decode(column: "created_ms", as: Int64.self),
             version: try row.decode(column: "version", as: Int.self))
        }
        let keys = Page(probing: rows, limit: page.limit) { PageCursor(key: String($0.ms), id: $0.id.uuidString) }
        var found: [UUID: VersionedItem] = [:]
        var unread: [UUID] = []
        for row in keys.items {
            if let item = decoded?.cached(for: row.id, version: row.version) { found[row.id] = VersionedItem(item: item, version: row.version) } else { unread.append(row.id) }
        }
        if !unread.isEmpty {
            // A row written since the keys were read comes at its newer version: the newer
            // text, checked like every other.
            for row in try await sql.select().columns("id", "version", "document").from(SharedItemModel.schema).where("id", .in, unread).all() {
                let id = try row.decode(column: "id", as: UUID.self), version = try row.decode(column: "version", as: Int.self)
                let document = try row.decode(column: "document", as: String.self)
                let item = try decoded?.value(for: id, version: version) { (try SharedItemModel.decode(document), document.utf8.count) }
                    ?? SharedItemModel.decode(document)
                found[id] = VersionedItem(item: item, version: version)
            }
        }
        // `AccessPolicy.canRead`'s own test, with the reader's scope made once for the page; an
        // item withdrawn after its key was read leaves the list as its index rows did.
        let items = keys.items.compactMap { found[$0.id] }
            .filter { scope.allows($0.item.access) && !$0.item.isWithdrawn }
            .map { VersionedItem(item: $0.item.withoutPrivateOfferText(), version: $0.version) }
        return Page(items: items, next: keys.next)
    }

    /// The newest `limit` items `actor` may read (at most a page of the largest size), for
    /// summaries that show a few and link to the list.
    static func readable(by actor: Actor?, on database: any Database, limit: Int) async throws -> [SharedItem] {
        try await readable(by: actor, page: PageRequest(limit: min(max(limit, 1), PageRequest.maximumLimit)), on: database).items
    }

    /// The cursor as the keyset it names; one this list did not give out is a 422.
    private static func keyset(_ cursor: PageCursor?) throws -> (ms: Int64, id: UUID)? {
        guard let cursor else { return nil }
        guard let ms = Int64(cursor.key), let id = cursor.uuid else {
            throw ValidationFailure([FieldError(field: "cursor", message: "The cursor is not one this list gave out; start again from the first page.")])
        }
        return (ms, id)
    }

    /// Finished items with their rows encoded, ready for `insert(batch:on:)`; made apart from
    /// the writing, so a bulk load can encode the next batch while the last one is written.
    struct EncodedBatch: Sendable {
        let items: [SharedItem]
        fileprivate let models: [SharedItemModel]

        init(_ items: [SharedItem]) throws {
            self.items = items
            models = try items.map { try SharedItemModel($0) }
        }
    }

    /// Stores many finished items at once (the demo's scale data, imports): the items, their
    /// read index rows and search entries in one transaction, with multi-row INSERTs. Nothing
    /// is checked or audited here: the caller vouches for the items.
    static func insert(batch items: [SharedItem], on database: any Database) async throws {
        try await insert(batch: try EncodedBatch(items), on: database)
    }

    static func insert(batch: EncodedBatch, on database: any Database) async throws {
        guard !batch.items.isEmpty else { return }
        let (items, models) = (batch.items, batch.models)
        try await database.writeTransaction { database in
            let sql = try database.sql
            // Eleven binds a row: 1,000 rows stay under SQLite's and PostgreSQL's bind limits.
            for start in stride(from: 0, to: models.count, by: 1_000) {
                let insert = sql.insert(into: SharedItemModel.schema)
                    .columns("id", "kind", "tlp", "author_user_id", "created_at", "document", "search_text", "version", "list_id", "created_ms", "sig_id")
                for (item, model) in zip(items[start..<min(start + 1_000, models.count)], models[start..<min(start + 1_000, models.count)]) {
                    _ = insert.values(SQLBind(model.id), SQLBind(model.kind), SQLBind(model.tlp), SQLBind(model.authorUserID), SQLBind(model.createdAt),
                                      SQLBind(model.document), SQLBind(model.searchText), SQLBind(model.version), SQLBind(model.listID),
                                      SQLBind(SharedItemModel.milliseconds(model.createdAt)), SQLBind(ItemReadIndex.sigID(of: item)))
                }
                try await insert.run()
            }
            try await ItemReadIndex.write(items.map { ($0.id, $0.access, SharedItemModel.milliseconds($0.createdAt)) }, replacing: false, on: sql)
            try await TAXIIIndex.write(items, replacing: false, on: sql)
            try await SharedItemSearch.index(batch: models, on: sql)
        }
    }

    /// One item, or 404 whether it does not exist or may not be read: the answer does not tell.
    static func require(_ id: UUID, readableBy actor: Actor?, on database: any Database) async throws -> SharedItem {
        guard let model = try await SharedItemModel.find(id, on: database), case let item = try model.item(),
              AccessPolicy.canRead(item.access, reader: actor) else {
            throw AppError.notFound("There is no such item, or it is not shared with you.")
        }
        return item.withoutPrivateOfferText()
    }

    /// One audit line per read request, naming each AMBER, AMBER+STRICT and RED item it
    /// showed with its label (a single item is the line's subject); nothing for the others.
    static func recordReads(_ items: [SharedItem], channel: String, request: Request) async throws {
        guard let line = readLine(items, channel: channel) else { return }
        try await AuditLog.record("item.read", subject: line.subject, detail: line.detail, request: request)
    }

    /// `recordReads` for a reading outside a request (an export on the command line).
    static func recordReads(_ items: [SharedItem], channel: String, by user: UserModel?, address: String, at now: Date, on database: any Database) async throws {
        guard let line = readLine(items, channel: channel) else { return }
        try await AuditLog.record("item.read", subject: line.subject, detail: line.detail, actor: user, address: address, at: now, on: database)
    }

    private static func readLine(_ items: [SharedItem], channel: String) -> (subject: String, detail: String)? {
        let audited = items.filter(\.tlp.auditsReads)
        guard let first = audited.first else { return nil }
        if audited.count == 1 { return ("item \(first.id.uuidString)", "\(first.tlp.text) via \(channel)") }
        return ("\(audited.count) items", "via \(channel): " + audited.map { "\($0.tlp.text) item \($0.id.uuidString)" }.joined(separator: ", "))
    }

    /// The audience as people write it (team slugs, e-mail addresses, a SIG's slug) turned into
    /// ids. Whether the author may share with that SIG is the core's to say (`SharedItem.compose`).
    static func audience(kind: String, teams: [String], people: [String], sig: String? = nil, on database: any Database) async throws -> Audience {
        switch kind {
        case "community":
            return .community
        case "teams":
            var ids: [UUID] = []
            for slug in teams {
                guard let team = try await TeamModel.find(slugOrName: slug, on: database) else {
                    throw AppError.invalid([FieldError(field: "audience.teams", message: "There is no team “\(slug)” in the directory.")])
                }
                ids.append(try team.requireID())
            }
            return .teams(ids)
        case "individuals":
            // An address that is unknown and one of an account that may not be named get the
            // same answer, so the field does not tell who has an account (`AccessPolicy.mayBeNamed`).
            var ids: [UUID] = []
            for email in people {
                let user = try await UserModel.query(on: database).filter(\.$email == email.lowercased()).first()
                let person = try await ListStore.readers(user.map { [$0] } ?? [], on: database).values.first
                guard let user, let person, AccessPolicy.mayBeNamed(person) else {
                    throw AppError.invalid([FieldError(field: "audience.people", message: AccessPolicy.cannotBeNamed(email))])
                }
                ids.append(try user.requireID())
            }
            return .individuals(ids)
        case "sig":
            guard let slug = sig?.trimmingCharacters(in: .whitespaces).lowercased(), !slug.isEmpty,
                  let model = try await SIGModel.query(on: database).filter(\.$slug == slug).first(), let id = model.id else {
                throw AppError.invalid([FieldError(field: "audience.sig", message: "Name the SIG you share with by its short name, as in /sigs.")])
            }
            guard try model.sig().isOpenForWork else {
                throw AppError.invalid([FieldError(field: "audience.sig", message: "\(model.name) is \(model.status); it takes no new posts.")])
            }
            return .sig(id)
        default:
            throw AppError.invalid([FieldError(field: "audience.kind", message: "The audience is “community”, “sig”, “teams” or “individuals”.")])
        }
    }

    /// Checks and stores a new item with its audit line; `address` is where the request came
    /// from ("cli" for the command line). A point-of-contact request is answered at once with
    /// the lookup's candidates and reasons (`resolver`); a request for a sample the registry
    /// knows reaches the sample's holders, and tells the requester so when the registry
    /// entry's label allows. With `mail`, the mail the item causes is queued in the same
    /// transaction: a post to `list` (its audience is the list's), or a TLP:RED item.
    static func create(_ draft: SharedItemDraft, attachments files: [(name: String, bytes: [UInt8])] = [], by user: UserModel, address: String?,
                       at now: Date, resolver: Resolver?, mail: MailAddressing?, list: MailingList? = nil, parentID: UUID? = nil,
                       on database: any Database) async throws -> SharedItem {
        guard files.count <= SharedItem.Attachment.maximumCount else {
            throw ValidationFailure([FieldError(field: "attachments", message: "At most \(SharedItem.Attachment.maximumCount) attachments.")])
        }
        var attachments: [(SharedItem.Attachment, [UInt8])] = []
        for file in files { attachments.append((try SharedItem.Attachment.describe(file.bytes, name: file.name, id: UUID()), file.bytes)) }
        let team = try await user.$team.get(on: database)
        guard let actor = try await ListStore.readers([user], on: database)[try user.requireID()] else { throw AppError.unauthorized("Sign in first.") }
        guard SharedItem.canShare(actor) else { throw AppError.forbidden("Only people of active member teams and the secretariat share items.") }
        var item = try SharedItem.compose(draft, id: UUID(), by: actor, authorName: user.displayName,
                                          authorTeam: try team.map { (try $0.requireID(), $0.shortName) }, at: now)
        item.attachments = attachments.map(\.0)
        item.listID = list?.id
        item.parentID = parentID
        let contents = attachments
        if item.request?.kind == .pointOfContact, let resolver {
            // The answer is stored in the item and read under its label, so it shows only what
            // the item's own audience may see of the directory.
            var named: [Actor] = []
            if case .individuals(let people) = item.audience {
                named = Array(try await ListStore.readers(try await UserModel.query(on: database).filter(\.$id ~~ people).all(), on: database).values)
            }
            item.answerPointOfContact(using: resolver, namedPeople: named, at: now)
        }
        let (snapshot, requester) = (item, actor)
        return try await database.writeTransaction { database in
            let item = snapshot
            // The requester alone hears that the registry knows the sample (when they may read
            // its entry): a reply would tell everyone who reads the request.
            for artifact in try await ArtifactStore.noteAsk(for: item, requester: requester, at: now, mail: mail, on: database) {
                try await Notify.people([requester.userID], text: "The artifact registry knows the sample you asked for; its holder teams were asked and decide.",
                                        link: SiteURL.artifact(.value(artifact.id.uuidString)).path, at: now, mail: mail, on: database)
            }
            let model = try SharedItemModel(item)
            try await model.create(on: database)
            for (attachment, bytes) in contents {
                try await AttachmentModel(id: attachment.id, itemID: item.id, content: Data(bytes)).create(on: database)
            }
            try await SharedItemSearch.index(model, on: database)
            try await AuditLog.record("item.create", subject: "item \(item.id.uuidString)",
                                      detail: "\(item.tlp.text) to \(list.map { "list " + $0.slug } ?? item.audience.kind)",
                                      actor: user, address: address, at: now, on: database)
            if let mail { try await ListStore.enqueueMail(for: item, on: list, addressing: mail, at: now, on: database) }
            return item
        }
    }

    static func create(_ draft: SharedItemDraft, attachments: [(name: String, bytes: [UInt8])] = [], by user: UserModel, list: MailingList? = nil,
                       request: Request) async throws -> SharedItem {
        try await create(draft, attachments: attachments, by: user, address: request.clientAddress, at: request.application.renkei.clock.now,
                         resolver: try await request.application.lookup.resolver(on: request.db), mail: request.application.renkei.mail, list: list,
                         on: request.db)
    }

    /// Writes a changed item if nobody changed it since `expectedVersion` (or at all, without one).
    @discardableResult
    private static func update(_ item: SharedItem, from id: UUID, expectedVersion: Int? = nil, on database: any Database) async throws -> Bool {
        guard let model = try await SharedItemModel.find(id, on: database) else { return false }
        if let expectedVersion, model.version != expectedVersion { return false }
        return try await writeNextVersion(item, of: model, on: database)
    }

    /// Writes `item` as the next version of the row `model` was read from, if the row is still
    /// at that version; false when another write came first. The condition is in the UPDATE
    /// itself, so two writes at the same moment never both succeed (PostgreSQL's default
    /// isolation lets both read the same version), and one version always names one text,
    /// which the lists' caches rely on (`VersionedItemCache`).
    static func writeNextVersion(_ item: SharedItem, of model: SharedItemModel, on database: any Database) async throws -> Bool {
        let document = try SharedItemModel.encode(item), searchText = SharedItemModel.searchText(item)
        let written = try await database.sql.update(SharedItemModel.schema)
            .set("document", to: document).set("search_text", to: searchText).set("version", to: model.version + 1)
            .where("id", .equal, try model.requireID()).where("version", .equal, model.version)
            .returning("version").all()
        guard !written.isEmpty else { return false }
        model.document = document
        model.searchText = searchText
        model.version += 1
        try await SharedItemSearch.index(model, on: database)
        return true
    }

    /// Adds a reply by the signed-in user to an item they may read, notifying the requester, a
    /// referred team, and storing the private conversation an offer opens (the offer's text
    /// goes into that conversation only). A suggested referral reaches the requester alone.
    static func reply(_ draft: ReplyDraft, to id: UUID, by user: UserModel, request: Request) async throws -> SharedItem {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in to reply.") }
        guard SharedItem.canShare(actor) else { throw AppError.forbidden("Only people of active member teams and the secretariat reply.") }
        let now = request.application.renkei.clock.now
        let team = try await user.$team.get(on: request.db)
        return try await request.db.writeTransaction { database in
            guard let model = try await SharedItemModel.find(id, on: database), case var item = try model.item(),
                  AccessPolicy.canRead(item.access, reader: actor) else {
                throw AppError.notFound("There is no such item, or it is not shared with you.")
            }
            let conversation = try item.reply(draft, by: actor, authorName: user.displayName, authorTeamName: team?.shortName, at: now)
            guard try await update(item, from: id, expectedVersion: model.version, on: database) else {
                throw AppError.conflict("Someone replied at the same moment; reload and try again.")
            }
            if let conversation {
                let conversationModel = try SharedItemModel(conversation)
                try await conversationModel.create(on: database)
                try await SharedItemSearch.index(conversationModel, on: database)
            }
            let reply = item.replies.last!
            try await AuditLog.record("item.reply", subject: "item \(id.uuidString)", detail: reply.kind.rawValue + (reply.referredTeamName.map { " to \($0)" } ?? ""),
                                      actor: user, address: request.clientAddress, at: now, on: database)
            var (recipients, referred) = item.recipients(of: reply)
            if let referred {
                recipients.formUnion(try await UserModel.query(on: database).filter(\.$team.$id == referred).all().compactMap(\.id))
            }
            recipients.remove(try user.requireID())
            let link = SiteURL.item(.value((reply.conversationID ?? id).uuidString)).path
            let summary = switch reply.kind {
            case .referral where reply.isPendingSuggestion:
                "\(user.displayName) suggests referring “\(item.title)” to \(reply.referredTeamName ?? "a team"); confirm or decline on the request."
            case .referral: "\(user.displayName) referred “\(item.title)” to \(reply.referredTeamName ?? "a team")."
            case .privateOffer: "\(user.displayName) offers to share privately on “\(item.title)”."
            default: "\(user.displayName) answered “\(item.title)”."
            }
            try await Notify.people(recipients, text: summary, link: link, at: now, mail: request.application.renkei.mail, on: database)
            return item.withoutPrivateOfferText()
        }
    }

    /// The requester (or their team) confirms or declines a suggested referral; a confirmed one
    /// opens the request to the team, whose people are told.
    static func decideReferral(_ replyID: UUID, confirm: Bool, on id: UUID, by user: UserModel, request: Request) async throws -> SharedItem {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        let now = request.application.renkei.clock.now
        return try await request.db.writeTransaction { database in
            guard let model = try await SharedItemModel.find(id, on: database), case var item = try model.item(),
                  AccessPolicy.canRead(item.access, reader: actor) else {
                throw AppError.notFound("There is no such item, or it is not shared with you.")
            }
            guard item.speaksForItem(actor) else { throw AppError.forbidden("Only the requester (or their team) decides on a suggested referral.") }
            let team = try item.decideReferral(replyID, confirm: confirm, by: actor)
            guard try await update(item, from: id, expectedVersion: model.version, on: database) else {
                throw AppError.conflict("The request changed at the same moment; reload and try again.")
            }
            let reply = item.replies.first { $0.id == replyID }
            try await AuditLog.record("item.referral", subject: "item \(id.uuidString)",
                                      detail: (confirm ? "confirmed" : "declined") + (reply?.referredTeamName.map { " to \($0)" } ?? ""),
                                      actor: user, address: request.clientAddress, at: now, on: database)
            if let team {
                var recipients = Set(try await UserModel.query(on: database).filter(\.$team.$id == team).all().compactMap(\.id))
                recipients.remove(try user.requireID())
                try await Notify.people(recipients, text: "\(item.authorName) referred “\(item.title)” to \(reply?.referredTeamName ?? "your team").",
                                        link: SiteURL.item(.value(id.uuidString)).path, at: now, mail: request.application.renkei.mail, on: database)
            }
            return item.withoutPrivateOfferText()
        }
    }

    /// The requester marks a request answered, closed or open again.
    static func setStatus(_ status: RequestDetails.Status, of id: UUID, request: Request) async throws -> SharedItem {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        return try await request.db.writeTransaction { database in
            guard let model = try await SharedItemModel.find(id, on: database), case var item = try model.item(),
                  AccessPolicy.canRead(item.access, reader: actor) else {
                throw AppError.notFound("There is no such item, or it is not shared with you.")
            }
            guard item.canSetStatus(actor) else { throw AppError.forbidden("Only the requester (or the secretariat) changes the status.") }
            try item.setStatus(status, by: actor)
            guard try await update(item, from: id, expectedVersion: model.version, on: database) else {
                throw AppError.conflict("The request changed at the same moment; reload and try again.")
            }
            try await AuditLog.record("item.status", subject: "item \(id.uuidString)", detail: status.rawValue, request: request, on: database)
            return item.withoutPrivateOfferText()
        }
    }
}
