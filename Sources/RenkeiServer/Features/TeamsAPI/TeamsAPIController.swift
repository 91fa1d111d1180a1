import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `GET/POST /api/v1/teams` and `GET/PATCH /api/v1/teams/{slug}`: the directory for scripts,
/// authenticated with personal API tokens.
struct TeamsAPIController {
    func register(_ api: any RoutesBuilder) {
        api.get(.apiTeams, use: list)
        api.post(.apiTeams, use: create)
        api.get(.apiTeam(.key), use: show)
        api.patch(.apiTeam(.key), use: update)
    }

    struct ListQuery: Content {
        var country: String?
        var region: String?
        var type: String?
        var member: String?
        var q: String?
    }

    func list(request: Request) async throws -> Response {
        let query = try request.query.decode(ListQuery.self)
        var filter = DirectoryQuery(text: query.q ?? "")
        if let country = query.country, !country.isEmpty {
            let codes = country.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            if let bad = codes.first(where: { Country.named($0) == nil }) {
                throw AppError.invalid([FieldError(field: "country", message: "“\(bad)” is not an ISO 3166-1 alpha-2 code.")])
            }
            filter.countries = Set(codes)
        }
        if let type = query.type, !type.isEmpty {
            guard let parsed = TeamType(rawValue: type) else {
                throw AppError.invalid([FieldError(field: "type", message: "Use one of: " + TeamType.allCases.map(\.rawValue).joined(separator: ", ") + ".")])
            }
            filter.teamType = parsed
        }
        if let member = query.member, !member.isEmpty {
            guard let parsed = MemberType(rawValue: member) else {
                throw AppError.invalid([FieldError(field: "member", message: "Use one of: " + MemberType.allCases.map(\.rawValue).joined(separator: ", ") + ".")])
            }
            filter.memberType = parsed
        }
        filter.region = query.region
        let paging = try request.pageRequest()
        let directory = try await request.directory()
        let matched: [DirectoryView.Entry]
        do { matched = try directory.view.matching(filter) } catch {
            throw AppError.invalid([FieldError(field: "region", message: "“\(query.region ?? "")” is not an ISO 3166 / UN M49 region.")])
        }
        let page = DirectoryView.page(matched, paging)
        // The answer of `Page.response` (a `PageDocument`), pasted from the documents the
        // snapshot encoded once.
        var body = ByteBuffer()
        body.writeString("{\"items\":[")
        for (index, var document) in page.items.compactMap({ directory.documents[$0.record.slug] }).enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeBuffer(&document)
        }
        body.writeString("],\"next\":" + (page.next.map { JSONValue.string(request.nextPagePath($0)) } ?? .null).serialized(pretty: false) + "}")
        let response = Response(status: .ok, body: .init(buffer: body))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(matched.count))
        response.linkNextPage(page.next, of: request)
        return response
    }

    func show(request: Request) async throws -> TeamDocument {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        var document = TeamDocument(model, audience: DirectoryPolicy.audience(for: request.currentActor),
                                    publicURL: request.application.renkei.settings.publicURL)
        if DirectoryPolicy.canSeeClaims(of: try model.requireID(), actor: request.currentActor) {
            document.pendingClaims = try await ClaimStore.visible(to: request.currentActor, on: request.db).filter { $0.team == model.slug }
        }
        return document
    }

    func create(request: Request) async throws -> Response {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Send a personal API token: Authorization: Bearer <token>.") }
        guard DirectoryPolicy.canCreateTeam(actor: actor) else { throw AppError.forbidden("Only the secretariat adds teams.") }
        try request.requireJSONBody("the team")
        let candidate = try TeamPatch.apply(request.body.data, to: TeamRecord())
        let record = try await request.application.renkei.editing.prepare(candidate, replacing: nil, actor: actor)
        let model = try await TeamWrites.save(record, existing: nil, author: request.changeAuthor, on: request.db)
        let document = TeamDocument(model, audience: .members, publicURL: request.application.renkei.settings.publicURL)
        let response = try await document.encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .location, text: SiteURL.apiTeam(.value(model.slug)).path)
        return response
    }

    func update(request: Request) async throws -> TeamDocument {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Send a personal API token: Authorization: Bearer <token>.") }
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        guard DirectoryPolicy.canEdit(teamID: try model.requireID(), actor: actor) else {
            throw AppError.forbidden("Only \(model.shortName)'s representatives and the secretariat may change this team.")
        }
        try request.requireJSONBody("the team")
        let candidate = try TeamPatch.apply(request.body.data, to: model.record)
        let record = try await request.application.renkei.editing.prepare(candidate, replacing: model.record, actor: actor)
        let saved = try await ClaimStore.save(record, existing: model, request: request)
        var document = TeamDocument(saved, audience: .members, publicURL: request.application.renkei.settings.publicURL)
        document.pendingClaims = try await ClaimStore.visible(to: actor, on: request.db).filter { $0.team == saved.slug }
        return document
    }
}
