import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The secretariat's view of the audit log, filtered by action, actor, subject and time, a page
/// at a time. There is deliberately no route that changes or deletes an entry.
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
            var subjectURL: String?
            var detail: String
            var address: String
        }
        var chrome: Chrome
        var filter: [String: String]
        var entries: [Entry]?
        /// A bad filter's problems: at `since`, at `until`, and the others' (a page size or cursor) on the form.
        var errors: [String: String]?
        /// The next page with the same filters (nil on the last page).
        var olderURL: String?
    }

    private func requireReader(_ request: Request) throws {
        _ = try request.requireUser()
        guard AuditPolicy.canRead(request.currentActor) else { throw AppError.forbidden("Only the secretariat reads the audit log.") }
    }

    /// The page names people, teams and items (`AuditNames`). A bad filter lists nothing, so
    /// an unfiltered log is never taken for a filtered one: the form comes back with the
    /// problem at its field and in the summary.
    func page(request: Request) async throws -> Response {
        try requireReader(request)
        let query = try request.query.decode([String: String].self)
        let chrome = Chrome(request: request, title: "Audit log")
        let filter: AuditLog.Filter, paging: PageRequest
        do {
            filter = try AuditLog.Filter(query: query)
            paging = try request.pageRequest()
        } catch let failure as ValidationFailure {
            // The dates have fields of their own; a bad page size or cursor came from a link.
            let errors = FormErrors(failure.errors) { ["since", "until"].contains($0.control) ? "audit-\($0.control)" : "audit-filter" }
            return try await Page(chrome: chrome.with(errors, headline: "The log was not filtered"), filter: query, entries: nil,
                                  errors: ["since": errors.byControl["audit-since"], "until": errors.byControl["audit-until"],
                                           "filter": errors.byControl["audit-filter"]].compactMapValues { $0 }, olderURL: nil)
                .render("audit", on: request).encodeResponse(status: .unprocessableEntity, for: request)
        }
        let page = try await AuditLog.events(matching: filter, page: paging, on: request.db)
        let names = try await AuditNames.load(for: page.items, reader: request.currentActor, on: request.db)
        let entries = page.items.map { event in
            Page.Entry(at: TeamView.minute(event.at), actor: names.actor(of: event), action: event.action, subject: names.named(event.subject),
                       subjectURL: Self.link(of: event.subject), detail: names.named(event.detail), address: event.address)
        }
        return try await Page(chrome: chrome, filter: query, entries: entries.nonEmpty, errors: nil, olderURL: page.next.map(request.nextPagePath))
            .render("audit", on: request).encodeResponse(for: request)
    }

    /// `GET /api/v1/audit`: the entries as written (ids, not names), a page at a time.
    func api(request: Request) async throws -> Response {
        try requireReader(request)
        let filter = try AuditLog.Filter(query: try request.query.decode([String: String].self))
        return try await AuditLog.events(matching: filter, page: try request.pageRequest(), on: request.db).response(for: request) { $0 }
    }

    /// Where a subject that names an item, an application or a team is shown.
    private static func link(of subject: String) -> String? {
        let words = subject.split(separator: " ")
        guard words.count >= 2 else { return nil }
        switch words[0] {
        case "item": return UUID(uuidString: String(words[1])).map { SiteURL.item(.value($0.uuidString)).path }
        case "application": return UUID(uuidString: String(words[1])).map { SiteURL.membershipApplication(.value($0.uuidString)).path }
        case "team" where words.count == 2: return SiteURL.team(.value(String(words[1]))).path
        default: return nil
        }
    }
}
