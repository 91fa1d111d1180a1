import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The secretariat's view of the audit log, filtered by action, actor, subject and time.
/// There is deliberately no route that changes or deletes an entry.
struct AuditController {
    func register(pages: any RoutesBuilder) {
        pages.get(.audit, use: page)
    }

    struct Page: Encodable {
        struct Entry: Encodable {
            var at: String
            var actor: String
            var action: String
            var subject: String
            var detail: String
            var address: String
        }
        var chrome: Chrome
        var filter: [String: String]
        var entries: [Entry]?
        var error: String?
    }

    func page(request: Request) async throws -> View {
        _ = try request.requireUser()
        guard AuditPolicy.canRead(request.currentActor) else { throw AppError.forbidden("Only the secretariat reads the audit log.") }
        let query = try request.query.decode([String: String].self)
        let filter: AuditLog.Filter
        var error: String?
        do {
            filter = try AuditLog.Filter(query: query)
        } catch AppError.invalid(let errors) {
            error = errors.map(\.message).joined(separator: " ")
            filter = try AuditLog.Filter(query: [:])
        }
        let entries = try await AuditLog.events(matching: filter, on: request.db).map {
            Page.Entry(at: TeamView.minute($0.at), actor: $0.actor, action: $0.action, subject: $0.subject, detail: $0.detail, address: $0.address)
        }
        return try await Page(chrome: Chrome(request: request, title: "Audit log"), filter: query, entries: entries.nonEmpty, error: error)
            .render("audit", on: request)
    }
}
