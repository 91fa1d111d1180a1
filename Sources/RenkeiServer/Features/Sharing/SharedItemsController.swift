import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The pages of shared items: what the reader may read, one item with its TLP label on top,
/// and the form to share.
struct SharedItemsController {
    /// Five attachments of 10 MiB, base64-encoded in JSON, with room for the text.
    static let uploadLimit = ByteCount(value: SharedItem.Attachment.maximumCount * SharedItem.Attachment.maximumSize * 4 / 3 + (1 << 20))

    func register(pages: any RoutesBuilder, uploads: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.items, use: list)
        pages.get(.itemNew, use: newForm)
        uploads.on(.POST, SiteURL.items.pathComponents, body: .collect(maxSize: Self.uploadLimit), use: create)
        pages.get(.item(.key), use: show)
        pages.get(.itemAttachment(.key, .key), use: Self.attachment)
        forms.post(.itemReplies(.key), use: reply)
        forms.post(.itemStatus(.key), use: status)
        forms.post(.itemCorrection(.key), use: correct)
        forms.post(.itemWithdrawal(.key), use: withdraw)
        forms.post(.itemReferral(.key, .key), use: decideReferral)
    }

    /// The requester confirms or declines a referral someone suggested.
    func decideReferral(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let id = try request.itemID()
        let (replyID, confirm) = try SharedItemsAPIController.ReferralDecisionInput.decision(of: request)
        do {
            _ = try await SharedItemStore.decideReferral(replyID, confirm: confirm, on: id, by: user, request: request)
            return request.redirect(to: SiteURL.item(.value(id.uuidString)).path, flash: confirm ? "Referral confirmed" : "Referral declined")
        } catch let failure as ValidationFailure {
            return try await itemPage(request: request, error: failure.errors.map(\.message).joined(separator: " ")).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func reply(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let id = try request.itemID()
        do {
            let draft = try await request.content.decode(ReplyInput.self).draft(on: request.db)
            _ = try await SharedItemStore.reply(draft, to: id, by: user, request: request)
            return request.redirect(to: SiteURL.item(.value(id.uuidString)).path, flash: "Reply posted")
        } catch let failure as ValidationFailure {
            return try await itemPage(request: request, error: failure.errors.map(\.message).joined(separator: " ")).encodeResponse(status: .unprocessableEntity, for: request)
        } catch AppError.invalid(let errors) {
            return try await itemPage(request: request, error: errors.map(\.message).joined(separator: " ")).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func status(request: Request) async throws -> Response {
        let id = try request.itemID()
        guard let status = RequestDetails.Status(rawValue: try request.content.decode(SharedItemsAPIController.StatusInput.self).status) else {
            throw AppError.invalid([FieldError(field: "status", message: "The status is open, answered or closed.")])
        }
        _ = try await SharedItemStore.setStatus(status, of: id, request: request)
        return request.redirect(to: SiteURL.item(.value(id.uuidString)).path, flash: "Marked \(status.rawValue)")
    }

    /// An item's TLP label as pages show it: the label text in the standard's colour, given by a
    /// class of `Public/css/renkei.css` (`tlp-amber-strict`) because the CSP allows no inline styles.
    struct Label: Codable {
        var text: String
        var cssClass: String

        init(_ tlp: TLPLabel) {
            text = tlp.text
            cssClass = "tlp-" + tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-")
        }
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var url: String
            var title: String
            var kind: String
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
        /// The next page, keeping the search (nil on the last page).
        var olderURL: String?
    }

    func list(request: Request) async throws -> View {
        let search = request.query[String.self, at: "q"]?.nonBlank
        let page = try await SharedItemStore.readable(by: request.currentActor, search: search, page: try request.pageRequest(),
                                                      decoded: request.application.renkei.decodedItems, on: request.db)
        let items = page.items
        try await SharedItemStore.recordReads(items, channel: search == nil ? "web list" : "web search", request: request)
        return try await ListPage(
            chrome: Chrome(request: request, title: "Shared"),
            rows: items.nonEmpty?.map {
                ListPage.Row(url: SiteURL.item(.value($0.id.uuidString)).path, title: $0.title,
                             kind: $0.request.map { "request (\($0.status.rawValue))" } ?? $0.kind.rawValue, label: Label($0.tlp),
                             author: $0.authorName + ($0.authorTeamName.map { " (\($0))" } ?? ""), created: TeamView.minute($0.createdAt),
                             tags: $0.tags.nonEmpty)
            },
            canShare: SharedItem.canShare(request.currentActor), newURL: SiteURL.itemNew.path, search: search,
            olderURL: page.next.map(request.nextPagePath)
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
        /// The Markdown body rendered by `Markdown.html`, which escapes everything it is given.
        var bodyHTML: String
        var label: Label
        var audience: String
        var created: String
        struct ReplyRow: Encodable {
            var kind: String
            var text: String
            var author: String
            var at: String
            var referredTeam: String?
            var conversationURL: String?
            /// For a suggested referral: pending, confirmed or declined.
            var proposal: String?
            /// Where the requester confirms or declines a pending suggestion (for them only).
            var decisionURL: String?
        }
        struct AttachmentRow: Encodable {
            var name: String
            var size: Int
            var fileType: String
            var sha256: String
            var url: String
        }
        var indicators: [Indicator]?
        var attachments: [AttachmentRow]?
        var tags: [String]?
        var requestKind: String?
        var urgency: String?
        var status: String?
        var subject: String?
        var firstReply: String?
        var replies: [ReplyRow]?
        var canReply: Bool
        var isRequest: Bool
        var repliesURL: String
        var statusURL: String
        var error: String?
        var corrections: ItemCorrectionsPanel
        /// The item's STIX 2.1 bundle, for the reader's own tools.
        var stixURL: String
    }

    func show(request: Request) async throws -> View {
        do {
            return try await itemPage(request: request, error: nil)
        } catch AppError.notFound where request.currentUser == nil {
            // A signed-out reader (following a link from a mail) is asked to sign in and brought
            // back; the same answer whether the item exists or not, so it tells nothing.
            throw AppError.unauthorized("Sign in to read this item.")
        }
    }

    /// The item's page; with `attempt`, a correction or withdrawal form sent back with its problems.
    func itemPage(request: Request, error: String? = nil, attempt: ItemCorrectionsPanel.Attempt? = nil) async throws -> View {
        let item = try await SharedItemStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await SharedItemStore.recordReads([item], channel: "web", request: request)
        let names = try await request.displayNames(for: [item])
        let document = SharedItemDocument(item, names: names)
        return try await ItemPage(
            chrome: attempt.map { Chrome(request: request, title: item.title).with($0.formErrors, headline: $0.isWithdrawal ? "The item was not withdrawn" : "The correction was not saved") }
                ?? Chrome(request: request, title: item.title), item: document, bodyHTML: Markdown.html(item.body), label: Label(item.tlp), audience: SharedItemDocument.audienceText(of: item, names: names),
            created: TeamView.minute(item.createdAt),
            indicators: item.indicators.nonEmpty?.map { indicator in
                ItemPage.Indicator(kind: indicator.kind.rawValue, value: indicator.value, score: indicator.score.map { String(format: "%.1f", $0) },
                                   lookupURL: [.ipv4, .ipv6, .domain, .url].contains(indicator.kind) ? SiteURL.lookup.path + "?q=" + (indicator.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "#lookup-answer" : nil)
            },
            attachments: item.attachments.nonEmpty?.map {
                ItemPage.AttachmentRow(name: $0.name, size: $0.size, fileType: $0.fileType, sha256: $0.sha256,
                                       url: SiteURL.itemAttachment(.value(item.id.uuidString), .value($0.id.uuidString)).path)
            },
            tags: item.tags.nonEmpty, requestKind: item.request?.kind.rawValue, urgency: item.request?.urgency.rawValue,
            status: item.request?.status.rawValue, subject: item.request?.subject.nonBlank,
            firstReply: item.timeToFirstReply.map { Self.duration($0) },
            replies: item.replies.nonEmpty?.map { reply in
                ItemPage.ReplyRow(kind: reply.kind.rawValue, text: reply.text, author: reply.authorName + (reply.authorTeamName.map { " (\($0))" } ?? ""),
                                  at: TeamView.minute(reply.at), referredTeam: reply.referredTeamName,
                                  conversationURL: reply.conversationID.map { SiteURL.item(.value($0.uuidString)).path },
                                  proposal: reply.proposal?.rawValue,
                                  decisionURL: reply.isPendingSuggestion && item.speaksForItem(request.currentActor)
                                      ? SiteURL.itemReferral(.value(item.id.uuidString), .value(reply.id.uuidString)).path : nil)
            },
            canReply: item.canReply(request.currentActor),
            isRequest: item.kind == .request,
            repliesURL: SiteURL.itemReplies(.value(item.id.uuidString)).path, statusURL: SiteURL.itemStatus(.value(item.id.uuidString)).path, error: error,
            corrections: try await ItemCorrectionsPanel.load(item, actor: request.currentActor, attempt: attempt, on: request.db),
            stixURL: SiteURL.itemSTIX(.value(item.id.uuidString)).path
        ).render("item", on: request)
    }

    /// An attachment, always as a download (never shown inline, so an attached HTML file cannot
    /// run in the site's origin), under the item's label and audience.
    @Sendable static func attachment(request: Request) async throws -> Response {
        let item = try await SharedItemStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        guard let fileID = request.parameters.get(SiteURL.fileKey, as: UUID.self),
              let attachment = item.attachments.first(where: { $0.id == fileID }),
              let stored = try await AttachmentModel.find(fileID, on: request.db) else {
            throw AppError.notFound("There is no such attachment.")
        }
        try await SharedItemStore.recordReads([item], channel: "attachment", request: request)
        let response = Response(status: .ok, body: .init(data: stored.content))
        response.headers.contentType = .binary
        response.headers.setAttachment(named: attachment.name)
        return response
    }

    /// "3 h 20 min", for the time a request waited for its first reply.
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes / 1440) days"
    }

    struct FormPage: Encodable {
        var chrome: Chrome
        var form: ItemForm
        var labels: [String]
        var requestKinds: [String]
        var urgencies: [String]
        /// The SIGs the author takes part in, with their default label; nil when none.
        var sigs: [SIGChoice]?
        var errors: [String: String]?
    }

    struct SIGChoice: Encodable {
        var slug: String
        var name: String
        var label: String
    }

    /// The share form as posted: lists separated by commas or lines.
    struct ItemForm: Content {
        var kind: String?
        var requestKind: String?
        var urgency: String?
        var subject: String?
        var title: String?
        var body: String?
        var tags: String?
        var tlp: String?
        var audience: String?
        var teams: String?
        var people: String?
        /// The SIG's slug, for the audience `sig`.
        var sig: String?
        var attachments: [File]?

        static func items(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    func newForm(request: Request) async throws -> View {
        try requireSharer(request)
        let kind = request.query[String.self, at: "kind"] == "request" ? "request" : "announcement"
        // Shared from a SIG's page: its audience, and its default label pre-selected, for a SIG
        // the author takes part in (any other is not offered).
        if let slug = request.query[String.self, at: "sig"]?.lowercased(), let sig = try await Self.sigChoices(request).first(where: { $0.slug == slug }) {
            return try await formPage(request: request, form: ItemForm(kind: kind, tlp: sig.label, audience: "sig", sig: sig.slug), errors: [])
        }
        return try await formPage(request: request, form: ItemForm(kind: kind, tlp: TLPLabel.default.text, audience: "community"), errors: [])
    }

    private func formPage(request: Request, form: ItemForm, errors: [FieldError]) async throws -> View {
        let formErrors = FormErrors(errors, control: { $0.control.components(separatedBy: ".").last ?? $0.control })
        return try await FormPage(chrome: Chrome(request: request, title: "Share").with(formErrors, headline: "Nothing was shared: \(errors.count.counted("problem", "problems")) to correct"),
                                  form: form, labels: TLPLabel.allCases.map(\.text),
                                  requestKinds: RequestDetails.Kind.allCases.map(\.rawValue), urgencies: RequestDetails.Urgency.allCases.map(\.rawValue),
                                  sigs: try await Self.sigChoices(request).nonEmpty, errors: formErrors.byControl.nonEmpty)
            .render("item-form", on: request)
    }

    func create(request: Request) async throws -> Response {
        let user = try request.requireUser()
        try requireSharer(request)
        let form = try request.content.decode(ItemForm.self)
        let isRequest = form.kind == "request"
        let input = SharedItemInput(kind: form.kind, title: form.title ?? "", body: form.body ?? "", tags: ItemForm.items(form.tags), tlp: form.tlp,
                                    audience: .init(kind: form.audience ?? "community", teams: ItemForm.items(form.teams), people: ItemForm.items(form.people), sig: form.sig),
                                    request: isRequest ? .init(kind: form.requestKind ?? "information", urgency: form.urgency, subject: form.subject) : nil)
        do {
            let files = (form.attachments ?? []).filter { $0.data.readableBytes > 0 }.map { ($0.filename, Array($0.data.readableBytesView)) }
            let item = try await SharedItemStore.create(try await input.draft(on: request.db), attachments: files, by: user, request: request)
            return request.redirect(to: SiteURL.item(.value(item.id.uuidString)).path, flash: Self.sharedMessage(item))
        } catch let failure as ValidationFailure {
            return try await formPage(request: request, form: form, errors: failure.errors).encodeResponse(status: .unprocessableEntity, for: request)
        } catch AppError.invalid(let errors) {
            return try await formPage(request: request, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    /// What sharing did, for the page after it: "Shared with 2 teams".
    static func sharedMessage(_ item: SharedItem) -> String {
        switch item.audience {
        case .community: "Shared with the community"
        case .sig: item.tlp == .clear ? "Shared under TLP:CLEAR: anyone may read it" : "Shared with the SIG's participants"
        case .teams(let teams): teams.count == 1 ? "Shared with 1 team" : "Shared with \(teams.count) teams"
        case .individuals(let people): people.count == 1 ? "Shared with 1 person" : "Shared with \(people.count) people"
        }
    }

    /// The SIGs the signed-in person takes part in and may post to, by name.
    static func sigChoices(_ request: Request) async throws -> [SIGChoice] {
        guard let actor = request.currentActor else { return [] }
        let snapshot = try await request.sigSnapshot()
        return actor.sigSeats.compactMap { snapshot.sigs[$0.sigID] }
            .filter { $0.isOpenForWork && AccessPolicy.takesPart(actor, in: $0.id) }
            .sorted { $0.name < $1.name }
            .map { SIGChoice(slug: $0.slug, name: $0.name, label: $0.charter.defaultLabel.text) }
    }

    private func requireSharer(_ request: Request) throws {
        guard request.currentUser != nil else { throw AppError.unauthorized("Sign in to share.") }
        guard SharedItem.canShare(request.currentActor) else { throw AppError.forbidden("Only people of active member teams and the secretariat share items.") }
    }
}

extension Dictionary {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
