import Fluent
import Foundation
import RenkeiCore
import Vapor

/// In-app notifications: what happened that the reader must act on or know about.
struct NotificationsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.notifications, use: list)
        forms.post(.notifications, use: markAllRead)
    }

    struct Page: Encodable {
        struct Entry: Encodable {
            var text: String
            var link: String
            var at: String
            var unread: Bool
        }
        var chrome: Chrome
        var entries: [Entry]?
        /// The next page, keeping the reader's place (nil on the last page).
        var olderURL: String?
    }

    /// The reader's notifications, newest first, a page at a time (keyset on the time).
    func list(request: Request) async throws -> View {
        let user = try request.requireUser()
        let paging = try request.pageRequest()
        let rows = try await NotificationModel.query(on: request.db).filter(\.$userID == user.requireID())
            .keyset(\.$createdAt, after: paging.after).limit(paging.limit + 1).all()
        let page = try RenkeiCore.Page(probing: rows, limit: paging.limit, by: \.$createdAt)
        return try await Page(chrome: Chrome(request: request, title: "Notifications"), entries: page.items.nonEmpty?.map {
            Page.Entry(text: $0.text, link: $0.link, at: TeamView.minute($0.createdAt), unread: $0.readAt == nil)
        }, olderURL: page.next.map(request.nextPagePath)).render("notifications", on: request)
    }

    func markAllRead(request: Request) async throws -> Response {
        let user = try request.requireUser()
        try await NotificationModel.query(on: request.db).filter(\.$userID == user.requireID()).filter(\.$readAt == nil)
            .set(\.$readAt, to: request.application.renkei.clock.now).update()
        return request.redirect(to: SiteURL.notifications.path, flash: "All notifications marked read")
    }
}

/// Counts the signed-in user's unread notifications for the navigation bar.
struct NotificationCountMiddleware: AsyncMiddleware {
    enum Key: StorageKey { typealias Value = Int }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let id = request.currentUser?.id, request.method == .GET {
            request.storage[Key.self] = try await NotificationModel.query(on: request.db).filter(\.$userID == id).filter(\.$readAt == nil).count()
        }
        return try await next.respond(to: request)
    }
}
