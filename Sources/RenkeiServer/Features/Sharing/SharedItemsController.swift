import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The pages of shared items: what the reader may read, one item with its TLP label on top,
/// and the form to share.
struct SharedItemsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.items, use: list)
        pages.get(.itemNew, use: newForm)
        forms.post(.items, use: create)
        pages.get(.item(.key), use: show)
    }

    /// An item's TLP label as pages show it: the label text in the standard's colour.
    struct Label: Encodable {
        var text: String
        var colour: String

        init(_ tlp: TLPLabel) {
            text = tlp.text
            colour = tlp.colour
        }
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var url: String
            var title: String
            var label: Label
            var author: String
            var created: String
            var tags: [String]?
        }
        var chrome: Chrome
        var rows: [Row]?
        var canShare: Bool
        var newURL: String
        var search: String?
    }

    func list(request: Request) async throws -> View {
        let search = request.query[String.self, at: "q"]?.nonBlank
        let items = try await SharedItemStore.readable(by: request.currentActor, search: search, on: request.db)
        try await SharedItemStore.recordReads(items, channel: search == nil ? "web list" : "web search", request: request)
        return try await ListPage(
            chrome: Chrome(request: request, title: "Shared"),
            rows: items.nonEmpty?.map {
                ListPage.Row(url: SiteURL.item(.value($0.id.uuidString)).path, title: $0.title, label: Label($0.tlp),
                             author: $0.authorName + ($0.authorTeamName.map { " (\($0))" } ?? ""), created: TeamView.minute($0.createdAt),
                             tags: $0.tags.nonEmpty)
            },
            canShare: SharedItem.canShare(request.currentActor), newURL: SiteURL.itemNew.path, search: search
        ).render("items", on: request)
    }

    struct ItemPage: Encodable {
        struct Indicator: Encodable {
            var kind: String
            var value: String
            var score: String?
            var lookupURL: String?
        }
        var chrome: Chrome
        var item: SharedItemDocument
        var label: Label
        var audience: String
        var created: String
        var indicators: [Indicator]?
        var tags: [String]?
    }

    func show(request: Request) async throws -> View {
        let item = try await SharedItemStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await SharedItemStore.recordReads([item], channel: "web", request: request)
        let document = SharedItemDocument(item, names: try await DisplayNames.load(on: request.db))
        return try await ItemPage(
            chrome: Chrome(request: request, title: item.title), item: document, label: Label(item.tlp), audience: document.audienceText,
            created: TeamView.minute(item.createdAt),
            indicators: item.indicators.nonEmpty?.map { indicator in
                ItemPage.Indicator(kind: indicator.kind.rawValue, value: indicator.value, score: indicator.score.map { String(format: "%.1f", $0) },
                                   lookupURL: [.ipv4, .ipv6, .url].contains(indicator.kind) ? SiteURL.lookup.path + "?q=" + (indicator.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : nil)
            },
            tags: item.tags.nonEmpty
        ).render("item", on: request)
    }

    struct FormPage: Encodable {
        var chrome: Chrome
        var form: ItemForm
        var labels: [String]
        var errors: [String: String]?
        var error: String?
    }

    /// The share form as posted: lists separated by commas or lines.
    struct ItemForm: Content {
        var title: String?
        var body: String?
        var tags: String?
        var tlp: String?
        var audience: String?
        var teams: String?
        var people: String?

        static func items(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    func newForm(request: Request) async throws -> View {
        try requireSharer(request)
        return try await formPage(request: request, form: ItemForm(tlp: TLPLabel.default.text, audience: "community"), errors: [])
    }

    private func formPage(request: Request, form: ItemForm, errors: [FieldError]) async throws -> View {
        var byControl: [String: String] = [:]
        for error in errors where byControl[error.control.components(separatedBy: ".").last ?? error.control] == nil {
            byControl[error.control.components(separatedBy: ".").last ?? error.control] = error.message
        }
        return try await FormPage(chrome: Chrome(request: request, title: "Share"), form: form, labels: TLPLabel.allCases.map(\.text),
                                  errors: byControl.nonEmpty, error: errors.isEmpty ? nil : "Nothing was shared: \(errors.count) problem(s) below.")
            .render("item-form", on: request)
    }

    func create(request: Request) async throws -> Response {
        let user = try request.requireUser()
        try requireSharer(request)
        let form = try request.content.decode(ItemForm.self)
        let input = SharedItemInput(title: form.title ?? "", body: form.body ?? "", tags: ItemForm.items(form.tags), tlp: form.tlp,
                                    audience: .init(kind: form.audience ?? "community", teams: ItemForm.items(form.teams), people: ItemForm.items(form.people)))
        do {
            let item = try await SharedItemStore.create(try await input.draft(on: request.db), by: user, request: request)
            return request.redirect(to: SiteURL.item(.value(item.id.uuidString)).path)
        } catch let failure as ValidationFailure {
            return try await formPage(request: request, form: form, errors: failure.errors).encodeResponse(status: .unprocessableEntity, for: request)
        } catch AppError.invalid(let errors) {
            return try await formPage(request: request, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    private func requireSharer(_ request: Request) throws {
        guard request.currentUser != nil else { throw AppError.unauthorized("Sign in to share.") }
        guard SharedItem.canShare(request.currentActor) else { throw AppError.forbidden("Only people of active member teams and the secretariat share items.") }
    }
}

extension Dictionary {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
