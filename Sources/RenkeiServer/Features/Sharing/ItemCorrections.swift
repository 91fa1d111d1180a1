import Fluent
import Foundation
import RenkeiCore
import Vapor

/// What an item's page shows of its corrections and withdrawal, and the controls that fit the
/// item's kind and the reader (`SharedItem+Corrections.swift` decides each).
struct ItemCorrectionsPanel: Encodable {
    struct Version: Encodable {
        var number: Int
        var title: String
        var body: String
        var tags: String?
        var written: String
        var replaced: String
    }
    struct WithdrawalNote: Encodable {
        var at: String
        var by: String
        var reason: String
    }
    struct StatusChoice: Encodable {
        var value: String
        var label: String
    }
    /// "Corrected on … (n versions)", for a corrected item.
    var corrected: String?
    /// The earlier texts, newest first; read under the item's label like the item.
    var versions: [Version]?
    var withdrawal: WithdrawalNote?
    /// The statuses the reader may set now: none for announcements and conversations.
    var statusChoices: [StatusChoice]?
    var canCorrect: Bool
    var canWithdraw: Bool
    var correctionURL: String
    var withdrawalURL: String
    /// What the correction form shows: the item's text, or what was sent back with problems.
    var draftTitle: String
    var draftBody: String
    var draftTags: String
    var draftReason: String?
    /// The form sent back stays open, its problems next to their fields.
    var correctionOpen = false
    var withdrawalOpen = false
    var errors: FieldMessages?

    /// The problems of the form sent back, by field; `correction` and `withdrawal` are those
    /// about the item as a whole, shown on their form.
    struct FieldMessages: Encodable {
        var title: String?
        var body: String?
        var tags: String?
        var correction: String?
        var reason: String?
        var withdrawal: String?
    }

    /// A correction or withdrawal sent back with its problems.
    struct Attempt {
        var form: ItemCorrectionsForm
        var isWithdrawal: Bool
        var errors: [FieldError]

        /// Each problem on the control it belongs to; one about the item as a whole on the form.
        var formErrors: FormErrors {
            FormErrors(errors) { error in
                switch (isWithdrawal, error.field) {
                case (true, "reason"): "withdraw-reason"
                case (false, "title"), (false, "body"), (false, "tags"): "correct-\(error.field)"
                default: isWithdrawal ? "withdrawal-form" : "correction-form"
                }
            }
        }
    }

    /// The panel for `item`, which the caller found readable by `actor`.
    static func load(_ item: SharedItem, actor: Actor?, attempt: Attempt? = nil, on database: any Database) async throws -> ItemCorrectionsPanel {
        let versions = item.versionCount > 1
            ? try await SharedItemVersionModel.query(on: database).filter(\.$item.$id == item.id).sort(\.$number, .descending).all().map(\.version)
            : []
        let id = item.id.uuidString
        return ItemCorrectionsPanel(
            corrected: item.correctedAt.map { "Corrected on \(TeamView.minute($0)) (\(item.versionCount) versions)" },
            versions: versions.map {
                Version(number: $0.number, title: $0.title, body: $0.body, tags: $0.tags.joined(separator: ", ").nonBlank,
                        written: TeamView.minute($0.writtenAt), replaced: TeamView.minute($0.replacedAt))
            }.nonEmpty,
            withdrawal: item.withdrawal.map { WithdrawalNote(at: TeamView.minute($0.at), by: $0.byName, reason: $0.reason) },
            statusChoices: item.statusChoices(for: actor).map { StatusChoice(value: $0.rawValue, label: Self.label($0)) }.nonEmpty,
            canCorrect: item.canCorrect(actor), canWithdraw: item.canWithdraw(actor),
            correctionURL: SiteURL.itemCorrection(.value(id)).path, withdrawalURL: SiteURL.itemWithdrawal(.value(id)).path,
            draftTitle: attempt.flatMap { $0.isWithdrawal ? nil : $0.form.title } ?? item.title,
            draftBody: attempt.flatMap { $0.isWithdrawal ? nil : $0.form.body } ?? item.body,
            draftTags: attempt.flatMap { $0.isWithdrawal ? nil : $0.form.tags } ?? item.tags.joined(separator: ", "),
            draftReason: attempt.flatMap { $0.isWithdrawal ? $0.form.reason : nil },
            correctionOpen: attempt.map { !$0.isWithdrawal } ?? false, withdrawalOpen: attempt?.isWithdrawal ?? false,
            errors: attempt.map { attempt in
                let byControl = attempt.formErrors.byControl
                return FieldMessages(title: byControl["correct-title"], body: byControl["correct-body"], tags: byControl["correct-tags"],
                                     correction: byControl["correction-form"], reason: byControl["withdraw-reason"], withdrawal: byControl["withdrawal-form"])
            })
    }

    static func label(_ status: RequestDetails.Status) -> String {
        switch status {
        case .open: "Reopen"
        case .answered: "Mark answered"
        case .closed: "Close"
        }
    }
}

/// `POST /items/{id}/correction` and `/withdrawal` (forms), and their API twins with
/// `GET /api/v1/items/{id}/versions`.
struct ItemCorrectionsInput: Content {
    var title: String?
    var body: String?
    /// A list in JSON; the form sends one text separated by commas or lines.
    var tags: [String]?
    var reason: String?
}

struct ItemCorrectionsForm: Content {
    var title: String?
    var body: String?
    var tags: String?
    var reason: String?
}

extension SharedItemsController {
    func correct(request: Request) async throws -> Response {
        let id = try request.itemID()
        let form = try request.content.decode(ItemCorrectionsForm.self)
        do {
            _ = try await SharedItemStore.correct(id, title: form.title ?? "", body: form.body ?? "", tags: ItemForm.items(form.tags), request: request)
            return request.redirect(to: SiteURL.item(.value(id.uuidString)).path, flash: "Corrected; readers were told")
        } catch let failure as ValidationFailure {
            return try await itemPage(request: request, attempt: ItemCorrectionsPanel.Attempt(form: form, isWithdrawal: false, errors: failure.errors))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func withdraw(request: Request) async throws -> Response {
        let id = try request.itemID()
        let form = try request.content.decode(ItemCorrectionsForm.self)
        do {
            _ = try await SharedItemStore.withdraw(id, reason: form.reason ?? "", request: request)
            return request.redirect(to: SiteURL.item(.value(id.uuidString)).path, flash: "Withdrawn; readers were told")
        } catch let failure as ValidationFailure {
            return try await itemPage(request: request, attempt: ItemCorrectionsPanel.Attempt(form: form, isWithdrawal: true, errors: failure.errors))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }
}

extension SharedItemsAPIController {
    func correct(request: Request) async throws -> SharedItemDocument {
        let input = try request.content.decode(ItemCorrectionsInput.self)
        let item = try await SharedItemStore.correct(try request.itemID(), title: input.title ?? "", body: input.body ?? "", tags: input.tags ?? [],
                                                     request: request)
        return SharedItemDocument(item, names: try await request.displayNames(for: [item]))
    }

    func withdraw(request: Request) async throws -> SharedItemDocument {
        let input = try request.content.decode(ItemCorrectionsInput.self)
        let item = try await SharedItemStore.withdraw(try request.itemID(), reason: input.reason ?? "", request: request)
        return SharedItemDocument(item, names: try await request.displayNames(for: [item]))
    }

    struct VersionDocument: Content {
        var number: Int
        var title: String
        var body: String
        var tags: [String]
        var written: Date
        var replaced: Date
    }

    /// The earlier texts of an item the caller may read, newest first.
    func versions(request: Request) async throws -> [VersionDocument] {
        let (item, versions) = try await SharedItemStore.versions(of: try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await SharedItemStore.recordReads([item], channel: "api versions", request: request)
        return versions.map { VersionDocument(number: $0.number, title: $0.title, body: $0.body, tags: $0.tags, written: $0.writtenAt, replaced: $0.replacedAt) }
    }
}
