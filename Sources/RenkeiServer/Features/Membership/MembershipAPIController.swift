import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The membership process over the JSON API, the signed membership statements and the
/// platform's public keys.
struct MembershipAPIController {
    func register(_ api: any RoutesBuilder, app: Application) {
        api.get(.apiApplications, use: list)
        api.post(.apiApplications, use: submit)
        api.get(.apiApplication(.key), use: show)
        api.post(.apiApplicationSteps(.key), use: perform)
        api.get(.apiTeamMembership(.key), use: statement)
        api.post(.apiTeamMembership(.key), use: change)
        api.get(.apiAudit, use: AuditController().api)
        // Public keys are fetched by anyone, with or without a token.
        app.get(.jwks, use: jwks)
    }

    /// `GET /api/v1/membership/applications`: a page of the applications the reader may read, with `next`.
    func list(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let paging = try request.pageRequest()
        let now = request.application.renkei.clock.now
        let boardSize = try await MembershipStore.boardSize(on: request.db)
        let actorTeam = try await MembershipStore.standing(teamID: user.$team.id, on: request.db)
        let page = try await MembershipStore.readable(by: user.actor, page: paging, on: request.db)
        try await MembershipStore.recordRedReads(page.items, by: user, request: request)
        return try await page.response(for: request) { ApplicationDocument($0, for: user.actor, actorTeam: actorTeam, at: now, boardSize: boardSize) }
    }

    func submit(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let application = try await MembershipStore.submit(try ApplicationInput.draft(from: request.body.data), applicant: user, request: request)
        return try await document(application, request: request).encodeResponse(status: .created, for: request)
    }

    func show(request: Request) async throws -> ApplicationDocument {
        let user = try request.requireUser()
        let model = try await MembershipStore.require(try request.applicationID(), on: request.db)
        return try await document(try model.application(), request: request, user: user)
    }

    func perform(request: Request) async throws -> ApplicationDocument {
        let user = try request.requireUser()
        let input = try request.content.decode(MembershipStepInput.self)
        let step = try await input.step(on: request.db)
        let application = try await MembershipStore.perform(step, on: try request.applicationID(), by: user, request: request)
        return try await document(application, request: request, user: user)
    }

    private func document(_ application: MembershipApplication, request: Request, user: UserModel? = nil) async throws -> ApplicationDocument {
        let user = try user ?? request.requireUser()
        let actorTeam = try await MembershipStore.standing(teamID: user.$team.id, on: request.db)
        guard let readable = application.readable(by: user.actor, actorTeam: actorTeam) else { throw AppError.notFound("There is no such application.") }
        try await MembershipStore.recordRedReads([readable], by: user, request: request)
        return ApplicationDocument(readable, for: user.actor, actorTeam: actorTeam, at: request.application.renkei.clock.now,
                                   boardSize: try await MembershipStore.boardSize(on: request.db))
    }

    /// The signed statement of a team's membership; public, like the membership it states.
    func statement(request: Request) async throws -> Response {
        let team = try await TeamModel.require(slug: try request.slugParameter(), on: request.db)
        guard let membership = try await MembershipStore.standing(of: team, on: request.db).membership else {
            throw AppError.notFound("\(team.shortName) is not a member of this community.")
        }
        let settings = request.application.renkei.settings
        let now = request.application.renkei.clock.now
        let statement = MembershipStatement(team: team.record, membership: membership, issuer: settings.publicURL,
                                            issuedAt: now, validity: settings.membershipRules.statementValidity)
        let token = try statement.signed(with: try await PlatformKeys.signingKey(keyFile: settings.signingKeyFile, on: request.db, now: now))
        // Compared by name: a wildcard such as */* would equal any media type.
        if request.headers.accept.contains(where: { $0.mediaType.type == "application" && $0.mediaType.subType == "jwt" }) {
            let response = Response(status: .ok, body: .init(string: token))
            response.headers.contentType = .jwt
            return response
        }
        return try await StatementDocument(statement: token, claims: statement, jwks: settings.publicURL + SiteURL.jwks.path)
            .encodeResponse(for: request)
    }

    struct StatementDocument: Content {
        var statement: String
        var claims: MembershipStatement
        var jwks: String
    }

    struct ChangeInput: Content {
        var change: String
        var reason: String?
    }

    func change(request: Request) async throws -> TeamMembership {
        let user = try request.requireUser()
        let team = try await TeamModel.require(slug: try request.slugParameter(), on: request.db)
        return try await MembershipStore.change(try request.content.decode(ChangeInput.self).membershipChange(), team: team, by: user, request: request)
    }

    func jwks(request: Request) async throws -> Response {
        let response = try await PlatformKeys.jwks(keyFile: request.application.renkei.settings.signingKeyFile, on: request.db,
                                                    now: request.application.renkei.clock.now).encodeResponse(for: request)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "jwk-set+json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}

extension MembershipAPIController.ChangeInput {
    func membershipChange() throws -> TeamMembership.Change {
        switch change {
        case "suspend": .suspend(reason: reason ?? "")
        case "reinstate": .reinstate
        case "resign": .resign
        case "terminate": .terminate(reason: reason ?? "")
        default: throw AppError.invalid([FieldError(field: "change", message: "“\(change)” is not a membership change; use suspend, reinstate, resign or terminate.")])
        }
    }
}

extension HTTPMediaType {
    static let jwt = HTTPMediaType(type: "application", subType: "jwt")
}

extension JWKSet: Content {}
extension TeamMembership: Content {}
extension MembershipStatement: Content {}
extension AuditEventModel: Content {}

/// An application as the API returns it: as the reader may see it, where it stands, and the
/// steps the reader can take now.
struct ApplicationDocument: Content {
    var application: MembershipApplication
    var phase: MembershipApplication.Phase
    var deadline: Date?
    var steps: [String]
    var url: String

    init(_ application: MembershipApplication, for actor: Actor, actorTeam: TeamStanding?, at now: Date, boardSize: Int) {
        self.application = application
        phase = application.phase(at: now)
        deadline = application.deadline(at: now)
        steps = application.availableSteps(for: actor, actorTeam: actorTeam, at: now, boardSize: boardSize).sorted()
        url = SiteURL.membershipApplication(.value(application.id.uuidString)).path
    }
}

extension Request {
    func applicationID() throws -> UUID {
        guard let id = parameters.get(SiteURL.applicationKey, as: UUID.self) else { throw AppError.notFound("There is no such application.") }
        return id
    }
}
