import Foundation
import RenkeiCore
import Vapor

/// The secretariat's queue of constituency claims waiting for approval: a page with a form per
/// claim, and `GET /api/v1/claims`, `POST /api/v1/claims/{id}` for scripts.
struct ClaimsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.adminClaims, use: page)
        forms.post(.adminClaim(.key), use: decideForm)
        api.get(.apiClaims, use: list)
        api.post(.apiClaim(.key), use: decide)
    }

    struct DecisionInput: Content {
        var decision: String?
        var reason: String?

        /// True to approve, false to reject.
        func approves() throws -> Bool {
            switch decision?.lowercased() {
            case "approve": return true
            case "reject": return false
            default:
                throw AppError.invalid([FieldError(field: "decision", message: "Choose “approve” or “reject”.")])
            }
        }
    }

    struct Page: Encodable {
        struct Row: Encodable {
            var claim: PendingClaimDocument
            var teamURL: String
            var reasons: [String]
            var requestedAt: String
            var actionURL: String
        }
        var chrome: Chrome
        var rows: [Row]?
    }

    func page(request: Request) async throws -> View {
        guard DirectoryPolicy.canDecideClaims(actor: try request.requireUser().actor) else {
            throw AppError.forbidden("Only the secretariat decides constituency claims.")
        }
        let rows = try await ClaimStore.visible(to: request.currentActor, on: request.db).map { claim in
            Page.Row(claim: claim, teamURL: SiteURL.team(.value(claim.team)).path,
                     reasons: claim.reasons.map { ClaimReason(rawValue: $0)?.label ?? $0 },
                     requestedAt: TeamView.minute(claim.requestedAt), actionURL: SiteURL.adminClaim(.value(claim.id.uuidString)).path)
        }
        return try await Page(chrome: Chrome(request: request, title: "Constituency claims"), rows: rows.nonEmpty)
            .render("claims", on: request)
    }

    func decideForm(request: Request) async throws -> Response {
        guard DirectoryPolicy.canDecideClaims(actor: try request.requireUser().actor) else {
            throw AppError.forbidden("Only the secretariat decides constituency claims.")
        }
        let input = try request.content.decode(DecisionInput.self)
        _ = try await ClaimStore.decide(try claimID(request), approve: try input.approves(), reason: input.reason ?? "", request: request)
        return request.redirect(to: SiteURL.adminClaims.path, flash: "Decision saved")
    }

    func list(request: Request) async throws -> [PendingClaimDocument] {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Send a personal API token: Authorization: Bearer <token>.") }
        return try await ClaimStore.visible(to: actor, on: request.db)
    }

    func decide(request: Request) async throws -> PendingClaimDocument {
        guard request.currentActor != nil else { throw AppError.unauthorized("Send a personal API token: Authorization: Bearer <token>.") }
        guard DirectoryPolicy.canDecideClaims(actor: request.currentActor) else {
            throw AppError.forbidden("Only the secretariat decides constituency claims.")
        }
        try request.requireJSONBody("the decision")
        let input = try request.content.decode(DecisionInput.self)
        return try await ClaimStore.decide(try claimID(request), approve: try input.approves(), reason: input.reason ?? "", request: request)
    }

    private func claimID(_ request: Request) throws -> UUID {
        guard let text = request.parameters.get(SiteURL.claimKey), let id = UUID(uuidString: text) else {
            throw AppError.notFound("There is no such claim.")
        }
        return id
    }
}
