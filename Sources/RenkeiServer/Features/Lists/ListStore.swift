import Fluent
import Foundation
import RenkeiCore

/// Queries of mailing lists and subscriptions, and the fan-out of a post into the outbox.
enum ListStore {
    static func all(on database: any Database) async throws -> [MailingList] {
        try await MailingListModel.query(on: database).sort(\.$slug).all().map { try $0.list() }
    }

    static func require(slug: String, on database: any Database) async throws -> MailingList {
        guard let model = try await MailingListModel.query(on: database).filter(\.$slug == slug.lowercased()).first() else {
            throw AppError.notFound("There is no list \(slug).")
        }
        return try model.list()
    }

    /// A list the reader may see (subscribe to, or manage as the secretariat); 404 otherwise,
    /// without telling whether it exists.
    static func require(slug: String, visibleTo actor: Actor?, on database: any Database) async throws -> MailingList {
        let list = try await require(slug: slug, on: database)
        guard list.isVisible(to: actor) else { throw AppError.notFound("There is no list \(slug).") }
        return list
    }

    /// One page of the posts of a list's archive the reader may read (the access policy
    /// decides), newest first, within the list's retention period: the retention cut and the
    /// keyset are applied in SQL (`SharedItemStore.readable`).
    static func archive(of list: MailingList, readBy actor: Actor?, search: String?, page: PageRequest, at now: Date,
                        on database: any Database) async throws -> Page<SharedItem> {
        let cutoff = list.retentionCutoff(at: now)
        let found = try await SharedItemStore.readable(by: actor, search: search, inList: list.id, notBefore: cutoff, page: page, on: database)
        return Page(items: found.items.filter { $0.createdAt >= cutoff }, next: found.next)
    }

    /// The lists `user` sees, each with their subscription.
    static func visible(to user: UserModel, as actor: Actor?, on database: any Database) async throws -> [(list: MailingList, subscription: DeliveryMode?)] {
        let subscriptions = try await ListSubscriptionModel.query(on: database).filter(\.$user.$id == user.requireID()).all()
        return try await all(on: database).filter { $0.isVisible(to: actor) }.map { list in
            (list, subscriptions.first { $0.$list.id == list.id }?.deliveryMode)
        }
    }

    /// Every community has its list; a new installation gets `members` (TLP:AMBER by default).
    static func ensureCommunityList(at now: Date, on database: any Database) async throws {
        guard try await MailingListModel.query(on: database).filter(\.$kind == MailingList.Kind.community.rawValue).count() == 0 else { return }
        let list = MailingList(id: UUID(), slug: "members", name: "Members",
                               description: "The community's list: announcements and requests to every member team.",
                               kind: .community, audience: .community, createdAt: now)
        try await MailingListModel(list).create(on: database)
    }

    static func create(_ list: MailingList, by user: UserModel, at now: Date, on database: any Database) async throws {
        guard MailingList.canCreate(user.actor) else { throw AppError.forbidden("Only the secretariat opens lists.") }
        var errors = MailingList.problems(slug: list.slug, name: list.name, kind: list.kind, audience: list.audience, defaultLabel: list.defaultLabel,
                                          retentionDays: list.retentionDays, endsAt: list.endsAt, at: now)
        if errors.isEmpty, try await MailingListModel.query(on: database).filter(\.$slug == list.slug).count() > 0 {
            errors.append(FieldError(field: "slug", message: "A list \(list.slug) exists already."))
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        try await database.transaction { database in
            try await MailingListModel(list).create(on: database)
            try await AuditLog.record("list.create", subject: "list \(list.slug)", detail: "\(list.kind.rawValue), default \(list.defaultLabel.text)",
                                      actor: user, address: nil, at: now, on: database)
        }
    }

    /// Each user as the access policy sees them, with their team's membership status and their SIG seats.
    static func readers(_ users: [UserModel], on database: any Database) async throws -> [UUID: Actor] {
        let teamIDs = Set(users.compactMap { $0.$team.id })
        let teams = teamIDs.isEmpty ? [] : try await TeamModel.query(on: database).filter(\.$id ~~ Array(teamIDs)).all()
        let statuses = teamIDs.isEmpty ? [] : try await MembershipStatusModel.query(on: database).filter(\.$id ~~ Array(teamIDs)).all()
        var standing: [UUID: MembershipStatus] = [:]
        for team in teams {
            let id = try team.requireID()
            standing[id] = try MembershipStore.standing(of: team, status: statuses.first { $0.id == id }).membership?.status
        }
        let seats = try await SIGRegistry.seats(of: Set(users.compactMap(\.id)), on: database)
        var actors: [UUID: Actor] = [:]
        for user in users {
            var actor = user.actor
            actor.teamStatus = user.$team.id.flatMap { standing[$0] }
            actor.sigSeats = seats[actor.userID] ?? []
            actors[actor.userID] = actor
        }
        return actors
    }

    static func subscription(of userID: UUID, to listID: UUID, on database: any Database) async throws -> ListSubscriptionModel? {
        try await ListSubscriptionModel.query(on: database).filter(\.$list.$id == listID).filter(\.$user.$id == userID).first()
    }

    /// Subscribes (or changes the mode), or unsubscribes with `mode` nil.
    static func setSubscription(_ mode: DeliveryMode?, of user: UserModel, to list: MailingList, at now: Date, on database: any Database) async throws {
        let userID = try user.requireID()
        let existing = try await subscription(of: userID, to: list.id, on: database)
        guard let mode else {
            try await existing?.delete(on: database)
            return
        }
        let readers = try await readers([user], on: database)
        guard list.canSubscribe(readers[userID]) else {
            throw AppError.forbidden("Only those who read the list's posts (\(list.audience.kind)) may subscribe to it.")
        }
        if let existing {
            existing.mode = mode.rawValue
            try await existing.save(on: database)
        } else {
            try await ListSubscriptionModel(listID: list.id, userID: userID, mode: mode, createdAt: now).create(on: database)
        }
    }

    /// A draft as posted to `list` by `user` (the core's `MailingList.post`), refusals as HTTP errors.
    static func draft(_ draft: SharedItemDraft, for list: MailingList, labelled: Bool, by user: UserModel, at now: Date,
                      on database: any Database) async throws -> SharedItemDraft {
        let actor = try await readers([user], on: database)[try user.requireID()]
        do {
            return try list.post(draft, labelled: labelled, by: actor, at: now)
        } catch .notAnAnnouncement {
            throw ValidationFailure([FieldError(field: "kind", message: PostRefusal.notAnAnnouncement.message)])
        } catch {
            throw AppError.forbidden(error.message)
        }
    }

    /// Queues the mail an item causes: a list post to the subscribers who may read it (each
    /// checked by the access policy), a TLP:RED item to its named people. Runs inside the
    /// transaction that stores the item.
    static func enqueueMail(for item: SharedItem, on list: MailingList?, addressing: MailAddressing, at now: Date, on database: any Database) async throws {
        let users: [UserModel]
        if let list {
            users = try await UserModel.query(on: database)
                .join(ListSubscriptionModel.self, on: \ListSubscriptionModel.$user.$id == \UserModel.$id)
                .filter(ListSubscriptionModel.self, \.$list.$id == list.id)
                .filter(ListSubscriptionModel.self, \.$mode == DeliveryMode.perMessage.rawValue).all()
        } else if item.tlp == .red, case .individuals(let people) = item.audience {
            users = try await UserModel.query(on: database).filter(\.$id ~~ people).all()
        } else {
            return
        }
        let actors = try await readers(users, on: database)
        let byID = Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
        let plan = MailFanOut.plan(item, to: users.compactMap { user in
            user.id.flatMap { actors[$0] }.map { MailReader(actor: $0, key: user.keyHealth(at: now)) }
        })
        var content: [Outbox.Recipient] = [], notices: [Outbox.Recipient] = [], expired: [(UserModel, Date)] = []
        for planned in plan {
            guard let user = byID[planned.userID] else { continue }
            let recipient = Outbox.Recipient(address: user.email, userID: planned.userID, form: planned.form)
            if planned.form == .notice { notices.append(recipient) } else { content.append(recipient) }
            if let date = planned.expiredKey { expired.append((user, date)) }
        }
        let list = addressing.addressing(for: list)
        let itemURL = addressing.itemURL(item.id)
        var headers = [("List-Id", list.listID), ("List-Archive", "<\(list.archiveURL)>"), ("List-Unsubscribe", "<\(list.subscriptionURL)>"),
                       ("List-Post", "<mailto:\(list.listAddress)>"), ("Precedence", "list")]
        if let parent = item.parentID { headers.append(("In-Reply-To", addressing.messageID(forItem: parent))) }
        let from = (name: item.authorName + " via " + list.listName, address: list.listAddress)
        try await Outbox.enqueue(from: from, subject: ListMail.subject(of: item, on: list), content: ListMail.post(item, itemURL: itemURL, on: list),
                                 extraHeaders: headers, messageID: addressing.messageID(forItem: item.id), itemID: item.id, to: content, at: now, on: database)
        try await Outbox.enqueue(from: from, subject: ListMail.noticeSubject(for: item.tlp, on: list),
                                 content: ListMail.notice(for: item.tlp, itemURL: itemURL, on: list), extraHeaders: headers,
                                 messageID: addressing.messageID(), itemID: item.id, to: notices, at: now, on: database)
        for (user, date) in expired {
            try await reportKeyProblem(of: user, expired: date, item: item, list: list, addressing: addressing, at: now, on: database)
        }
    }

    /// Tells the author and the recipient's team that a restricted message could not be
    /// encrypted to the recipient's key, expired or unusable (so nobody wonders where it went).
    static func reportKeyProblem(of user: UserModel, expired: Date?, item: SharedItem, list: ListAddressing, addressing: MailAddressing, at now: Date,
                                 on database: any Database) async throws {
        let itemURL = addressing.itemURL(item.id)
        if let author = try await UserModel.find(item.authorUserID, on: database) {
            let report = ListMail.keyProblemReport(recipientName: user.displayName, expired: expired, label: item.tlp, itemURL: itemURL, on: list, toAuthor: true)
            try await Outbox.enqueue(from: ("Renkei", addressing.platformAddress), subject: report.subject, content: report.content,
                                     messageID: addressing.messageID(), itemID: item.id,
                                     to: [Outbox.Recipient(address: author.email, userID: author.id, form: .signed)], at: now, on: database)
        }
        if let team = try await user.$team.get(on: database), !team.record.email.isEmpty {
            let report = ListMail.keyProblemReport(recipientName: user.displayName, expired: expired, label: item.tlp, itemURL: itemURL, on: list, toAuthor: false)
            try await Outbox.enqueue(from: ("Renkei", addressing.platformAddress), subject: report.subject, content: report.content,
                                     messageID: addressing.messageID(), itemID: item.id,
                                     to: [Outbox.Recipient(address: team.record.email, userID: nil, form: .signed)], at: now, on: database)
        }
    }
}
