import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `GET /api/v1/lists`; `PUT/DELETE /api/v1/lists/{slug}/subscription`;
/// `GET/POST /api/v1/lists/{slug}/posts`: the archive (through the access policy) and posting.
struct ListsAPIController {
    func register(_ api: any RoutesBuilder) {
        api.get(.apiLists, use: list)
        api.on(.PUT, SiteURL.apiListSubscription(.key).pathComponents, use: subscribe)
        api.on(.DELETE, SiteURL.apiListSubscription(.key).pathComponents, use: unsubscribe)
        api.get(.apiListPosts(.key), use: posts)
        api.post(.apiListPosts(.key), use: post)
        AccountPGPKey.register(api: api)
    }

    func list(request: Request) async throws -> [ListDocument] {
        let user = try request.requireUser()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        return try await ListStore.visible(to: user, as: actor, on: request.db).map { list, subscription in
            ListDocument(list, address: request.application.renkei.mail.listAddress(list.slug), subscription: subscription, canPost: list.canPost(actor, at: now))
        }
    }

    struct SubscriptionInput: Content {
        /// `per-message` (the default) or `digest`.
        var mode: String?
    }

    func subscribe(request: Request) async throws -> ListDocument {
        let user = try request.requireUser()
        let list = try await ListStore.require(slug: try request.slugParameter(), visibleTo: request.currentActor, on: request.db)
        let text = (try? request.content.decode(SubscriptionInput.self))?.mode ?? DeliveryMode.perMessage.rawValue
        guard let mode = DeliveryMode(rawValue: text) else {
            throw AppError.invalid([FieldError(field: "mode", message: "Receive “per-message” or as a “digest”.")])
        }
        let now = request.application.renkei.clock.now
        try await ListStore.setSubscription(mode, of: user, to: list, at: now, on: request.db)
        return ListDocument(list, address: request.application.renkei.mail.listAddress(list.slug), subscription: mode,
                            canPost: list.canPost(request.currentActor, at: now))
    }

    func unsubscribe(request: Request) async throws -> HTTPStatus {
        let list = try await ListStore.require(slug: try request.slugParameter(), on: request.db)
        try await ListStore.setSubscription(nil, of: try request.requireUser(), to: list, at: request.application.renkei.clock.now, on: request.db)
        return .noContent
    }

    /// A page of the list's archive, newest first, with `next`.
    func posts(request: Request) async throws -> Response {
        _ = try request.requireUser()
        let paging = try request.pageRequest()
        let list = try await ListStore.require(slug: try request.slugParameter(), visibleTo: request.currentActor, on: request.db)
        let page = try await ListStore.archive(of: list, readBy: request.currentActor, search: request.query[String.self, at: "q"], page: paging,
                                               at: request.application.renkei.clock.now, on: request.db)
        try await SharedItemStore.recordReads(page.items, channel: "api list \(list.slug)", request: request)
        let names = try await request.displayNames(for: page.items)
        return try await page.response(for: request) { SharedItemDocument($0, names: names) }
    }

    func post(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let list = try await ListStore.require(slug: try request.slugParameter(), visibleTo: request.currentActor, on: request.db)
        let input = try request.content.decode(ListPostInput.self)
        let item = try await ListsController.post(title: input.title, body: input.body, tlp: input.tlp, to: list, by: user, request: request)
        return try await SharedItemDocument(item, names: try await request.displayNames(for: [item])).encodeResponse(status: .created, for: request)
    }
}
