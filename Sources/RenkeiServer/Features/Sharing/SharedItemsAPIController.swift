import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `GET/POST /api/v1/items`, `GET /api/v1/items/{id}`: what the caller may read (anonymous
/// callers: TLP:CLEAR only), and sharing from scripts.
struct SharedItemsAPIController {
    func register(_ api: any RoutesBuilder) {
        api.get(.apiItems, use: list)
        api.on(.POST, SiteURL.apiItems.pathComponents, body: .collect(maxSize: SharedItemsController.uploadLimit), use: create)
        api.get(.apiItem(.key), use: show)
        api.get(.apiItemAttachment(.key, .key), use: SharedItemsController.attachment)
        api.post(.apiItemReplies(.key), use: reply)
        api.post(.apiItemStatus(.key), use: status)
        api.post(.apiItemCorrection(.key), use: correct)
        api.post(.apiItemWithdrawal(.key), use: withdraw)
        api.get(.apiItemVersions(.key), use: versions)
        api.post(.apiItemReferral(.key, .key), use: decideReferral)
    }

    /// `{"decision": "confirm"}` or `{"decision": "decline"}` on a suggested referral.
    struct ReferralDecisionInput: Content {
        var decision: String

        static func decision(of request: Request) throws -> (reply: UUID, confirm: Bool) {
            guard let reply = request.parameters.get(SiteURL.replyKey, as: UUID.self) else {
                throw AppError.notFound("There is no such suggested referral on this request.")
            }
            switch try request.content.decode(Self.self).decision {
            case "confirm": return (reply, true)
            case "decline": return (reply, false)
            default: throw AppError.invalid([FieldError(field: "decision", message: "The decision is “confirm” or “decline”.")])
            }
        }
    }

    func decideReferral(request: Request) async throws -> SharedItemDocument {
        let user = try request.requireUser()
        let (reply, confirm) = try ReferralDecisionInput.decision(of: request)
        let item = try await SharedItemStore.decideReferral(reply, confirm: confirm, on: try request.itemID(), by: user, request: request)
        return SharedItemDocument(item, names: try await request.displayNames(for: [item]))
    }

    func reply(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let draft = try await request.content.decode(ReplyInput.self).draft(on: request.db)
        let item = try await SharedItemStore.reply(draft, to: try request.itemID(), by: user, request: request)
        return try await SharedItemDocument(item, names: try await request.displayNames(for: [item])).encodeResponse(status: .created, for: request)
    }

    struct StatusInput: Content {
        var status: String
    }

    func status(request: Request) async throws -> SharedItemDocument {
        guard let status = RequestDetails.Status(rawValue: try request.content.decode(StatusInput.self).status) else {
            throw AppError.invalid([FieldError(field: "status", message: "The status is open, answered or closed.")])
        }
        let item = try await SharedItemStore.setStatus(status, of: try request.itemID(), request: request)
        return SharedItemDocument(item, names: try await request.displayNames(for: [item]))
    }

    /// A page of what the caller may read (`limit`, default 50, at most 500; `cursor` from the
    /// previous page's `next`), newest first; with `q`, of the items matching every word; with
    /// `sig`, of the items shared with that SIG.
    func list(request: Request) async throws -> Response {
        let search = request.query[String.self, at: "q"]?.nonBlank
        let sig = try await SIGStore.filter(request.query[String.self, at: "sig"], for: request.currentActor, on: request.db)
        let page = try await SharedItemStore.readableVersions(by: request.currentActor, search: search, sharedWith: sig, page: try request.pageRequest(),
                                                              decoded: request.application.renkei.decodedItems, on: request.db)
        let items = page.items.map(\.item)
        try await SharedItemStore.recordReads(items, channel: search == nil ? "api" : "api search", request: request)
        return try ItemPageJSON.response(page, names: try await request.displayNames(for: items), for: request)
    }

    func show(request: Request) async throws -> SharedItemDocument {
        let item = try await SharedItemStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await SharedItemStore.recordReads([item], channel: "api", request: request)
        return SharedItemDocument(item, names: try await request.displayNames(for: [item]))
    }

    func create(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let input = try request.content.decode(SharedItemInput.self)
        let item = try await SharedItemStore.create(try await input.draft(on: request.db), attachments: try input.files(), by: user, request: request)
        return try await SharedItemDocument(item, names: try await request.displayNames(for: [item])).encodeResponse(status: .created, for: request)
    }
}

extension Request {
    func itemID() throws -> UUID {
        guard let id = parameters.get(SiteURL.itemKey, as: UUID.self) else { throw AppError.notFound("There is no such item, or it is not shared with you.") }
        return id
    }
}
