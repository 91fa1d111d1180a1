import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The pages of mailing lists: the lists a member may join, with their subscription; each
/// list's archive, threaded and searchable, as far as the access policy lets the reader see
/// it; posting from the web; and the secretariat's form for a new list.
struct ListsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.lists, use: index)
        pages.get(.listNew, use: newForm)
        forms.post(.lists, use: create)
        pages.get(.listKey, use: Self.publicKey)
        pages.get(.list(.key), use: archive)
        forms.post(.listSubscription(.key), use: subscribe)
        forms.post(.listPosts(.key), use: post)
    }

    struct IndexPage: Encodable {
        struct Row: Encodable {
            var name: String
            var url: String
            var address: String
            var description: String
            var kind: String
            var label: SharedItemsController.Label
            var ends: String?
            var subscription: String?
            var subscriptionURL: String
        }
        var chrome: Chrome
        var rows: [Row]?
        var canCreate: Bool
        var newURL: String
    }

    func index(request: Request) async throws -> View {
        let user = try request.requireUser()
        let actor = request.currentActor
        let rows = try await ListStore.visible(to: user, as: actor, on: request.db).map { list, subscription in
            IndexPage.Row(name: list.name, url: SiteURL.list(.value(list.slug)).path, address: request.application.renkei.mail.listAddress(list.slug),
                          description: list.description, kind: list.kind.rawValue, label: .init(list.defaultLabel),
                          ends: list.endsAt.map(TeamView.minute), subscription: subscription?.rawValue,
                          subscriptionURL: SiteURL.listSubscription(.value(list.slug)).path)
        }
        return try await IndexPage(chrome: Chrome(request: request, title: "Lists"), rows: rows.nonEmpty, canCreate: MailingList.canCreate(actor),
                                   newURL: SiteURL.listNew.path).render("lists", on: request)
    }

    struct SubscriptionForm: Content {
        /// `per-message`, `digest` or `none`.
        var mode: String
    }

    func subscribe(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let list = try await ListStore.require(slug: try request.slugParameter(), visibleTo: request.currentActor, on: request.db)
        let text = try request.content.decode(SubscriptionForm.self).mode
        guard text == "none" || DeliveryMode(rawValue: text) != nil else {
            throw AppError.invalid([FieldError(field: "mode", message: "Receive “per-message”, as a “digest”, or “none”.")])
        }
        try await ListStore.setSubscription(DeliveryMode(rawValue: text), of: user, to: list, at: request.application.renkei.clock.now, on: request.db)
        return request.redirect(to: SiteURL.lists.path, flash: text == "none" ? "Unsubscribed from \(list.name)" : "Subscribed to \(list.name) (\(text))")
    }

    struct ArchivePage: Encodable {
        struct Row: Encodable {
            var url: String
            var title: String
            var label: SharedItemsController.Label
            var author: String
            var created: String
            /// Indentation of an answer, in steps.
            var depth: Int
        }
        var chrome: Chrome
        var name: String
        var address: String
        var description: String?
        var label: SharedItemsController.Label
        var posting: String
        var retentionDays: Int
        var ends: String?
        var rows: [Row]?
        var search: String?
        var searchURL: String
        var canPost: Bool
        var postURL: String
        var labels: [String]
        var error: String?
        /// The next page of the archive, with the same search (nil on the last page).
        var olderURL: String?
    }

    func archive(request: Request) async throws -> View {
        try await archivePage(request: request, error: nil)
    }

    private func archivePage(request: Request, error: String?) async throws -> View {
        _ = try request.requireUser()
        let list = try await visibleList(request)
        let search = request.query[String.self, at: "q"]?.nonBlank
        let now = request.application.renkei.clock.now
        let page = try await ListStore.archive(of: list, readBy: request.currentActor, search: search, page: try request.pageRequest(), at: now, on: request.db)
        let items = page.items
        try await SharedItemStore.recordReads(items, channel: "list archive \(list.slug)", request: request)
        let entries = search == nil ? ListArchive.threads(items) : items.map { ListArchive.Entry(item: $0, depth: 0) }
        return try await ArchivePage(
            chrome: Chrome(request: request, title: list.name), name: list.name, address: request.application.renkei.mail.listAddress(list.slug),
            description: list.description.nonBlank, label: .init(list.defaultLabel),
            posting: list.posting == .members ? "any member who may share" : "the secretariat", retentionDays: list.retentionDays,
            ends: list.endsAt.map(TeamView.minute),
            rows: entries.nonEmpty?.map { entry in
                ArchivePage.Row(url: SiteURL.item(.value(entry.item.id.uuidString)).path, title: entry.item.title, label: .init(entry.item.tlp),
                                author: entry.item.authorName + (entry.item.authorTeamName.map { " (\($0))" } ?? ""),
                                created: TeamView.minute(entry.item.createdAt), depth: min(entry.depth, 8))
            },
            search: search, searchURL: SiteURL.list(.value(list.slug)).path, canPost: list.canPost(request.currentActor, at: now),
            postURL: SiteURL.listPosts(.value(list.slug)).path, labels: TLPLabel.allCases.filter { $0 != .red }.map(\.text), error: error,
            olderURL: request.method == .GET ? page.next.map(request.nextPagePath) : nil
        ).render("list", on: request)
    }

    func post(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let list = try await visibleList(request)
        let form = try request.content.decode(ListPostInput.self)
        do {
            let item = try await Self.post(title: form.title, body: form.body, tlp: form.tlp, to: list, by: user, request: request)
            return request.redirect(to: SiteURL.item(.value(item.id.uuidString)).path, flash: "Posted to \(list.name)")
        } catch let failure as ValidationFailure {
            return try await archivePage(request: request, error: failure.errors.map(\.message).joined(separator: " "))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    /// Posts to a list from the web or the API: the list's audience, its default label unless one is chosen.
    static func post(title: String, body: String, tlp: String?, to list: MailingList, by user: UserModel, request: Request) async throws -> SharedItem {
        var label: TLPLabel?
        if let text = tlp?.nonBlank {
            guard let parsed = TLPLabel(parsing: text) else {
                throw ValidationFailure([FieldError(field: "tlp", message: "The label is CLEAR, GREEN, AMBER or AMBER+STRICT.")])
            }
            label = parsed
        }
        let now = request.application.renkei.clock.now
        let draft = try await ListStore.draft(SharedItemDraft(title: title, body: body, tlp: label ?? list.defaultLabel, audience: list.audience),
                                              for: list, labelled: label != nil, by: user, at: now, on: request.db)
        return try await SharedItemStore.create(draft, by: user, list: list, request: request)
    }

    private func visibleList(_ request: Request) async throws -> MailingList {
        try await ListStore.require(slug: try request.slugParameter(), visibleTo: request.currentActor, on: request.db)
    }

    struct NewListPage: Encodable {
        var chrome: Chrome
        var input: MailingListInput?
        var labels: [String]
        var error: String?
        var actionURL: String
    }

    func newForm(request: Request) async throws -> View {
        guard MailingList.canCreate(try request.requireUser().actor) else { throw AppError.forbidden("Only the secretariat opens lists.") }
        return try await NewListPage(chrome: Chrome(request: request, title: "Open a list"), input: nil, labels: Self.listLabels, error: nil,
                                     actionURL: SiteURL.lists.path).render("list-form", on: request)
    }

    func create(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let input = try request.content.decode(MailingListInput.self)
        let now = request.application.renkei.clock.now
        do {
            let list = try input.list(at: now)
            try await ListStore.create(list, by: user, at: now, on: request.db)
            return request.redirect(to: SiteURL.list(.value(list.slug)).path, flash: "List created")
        } catch let failure as ValidationFailure {
            return try await NewListPage(chrome: Chrome(request: request, title: "Open a list"), input: input, labels: Self.listLabels,
                                         error: failure.errors.map(\.message).joined(separator: " "), actionURL: SiteURL.lists.path)
                .render("list-form", on: request).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    private static let listLabels = TLPLabel.allCases.filter { $0 != .red }.map(\.rawValue)

    /// The lists' public key, for anyone to check list mail with.
    @Sendable
    static func publicKey(request: Request) async throws -> Response {
        let key = try await request.application.renkei.keyring.publicKey()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pgp-keys")
        return Response(status: .ok, headers: headers, body: .init(string: key))
    }
}
