import Fluent
import Foundation
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
    }

    func list(request: Request) async throws -> View {
        let user = try request.requireUser()
        let notices = try await NotificationModel.query(on: request.db).filter(\.$userID == user.requireID())
            .sort(\.$createdAt, .descending).limit(200).all()
        return try await Page(chrome: Chrome(request: request, title: "Notifications"), entries: notices.nonEmpty?.map {
            Page.Entry(text: $0.text, link: $0.link, at: TeamView.minute($0.createdAt), unread: $0.readAt == nil)
        }).render("notifications", on: request)
    }

    func markAllRead(request: Request) async throws -> Response {
        let user = try request.requireUser()
        try await NotificationModel.query(on: request.db).filter(\.$userID == user.requireID()).filter(\.$readAt == nil)
            .set(\.$readAt, to: request.application.renkei.clock.now).update()
        return request.redirect(to: SiteURL.notifications.path)
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
