import Foundation
import RenkeiCore
import Vapor

/// A MISP feed per collection (`ShareCollection`), for the same reader as TAXII: a MISP
/// instance subscribes with the URL `/feeds/misp/{collection}` and an `Authorization` header
/// (Bearer token, or Basic with the account's e-mail and the token). Each event carries the
/// TLP 2.0 tag and an explicit distribution (`MISPFeed.distribution`), never the feed's default.
struct MISPFeedController {
    /// The manifest lists the newest items of the collection: what a subscriber fetches is
    /// what changed, and a manifest of a million events would be a download of its own.
    static let manifestSize = 5_000

    func register(_ feeds: any RoutesBuilder) {
        feeds.get(.mispManifest(.key), use: manifest)
        feeds.get(.mispHashes(.key), use: hashes)
        feeds.get(.mispEvent(.key, .key), use: event)
    }

    private func collection(_ request: Request) throws -> ShareCollection {
        try request.readableCollection(notFound: "There is no such feed, or it is not yours to read.")
    }

    /// The manifest's items; their titles and indicator hashes are read as the items are.
    private func items(_ request: Request) async throws -> [SharedItem] {
        let items = try await TAXIIStore.newestItems(in: try collection(request), for: request.currentActor, limit: Self.manifestSize,
                                                     decoded: request.application.renkei.decodedItems, on: request.db)
        try await SharedItemStore.recordReads(items, channel: "misp", request: request)
        return items
    }

    /// The platform as the organisation of what the secretariat shares without a team.
    static let platform = UUID(uuidString: "0c5e8f2a-7d41-4b96-a3e8-1f9b2d6c4a70")!

    static func organisation(of item: SharedItem) -> MISPFeed.Organisation {
        MISPFeed.Organisation(name: item.authorTeamName ?? "Renkei", uuid: item.authorTeamID ?? platform)
    }

    func manifest(request: Request) async throws -> Response {
        let entries = try await items(request).map { MISPFeed.manifestEntry(for: $0, organisation: Self.organisation(of: $0)) }
        return json(.object(entries.map { ($0.key, $0.value) }))
    }

    func hashes(request: Request) async throws -> Response {
        let lines = try await items(request).flatMap { MISPFeed.hashLines(for: $0, url: Self.page(of: $0, request)) }
        let response = Response(status: .ok, body: .init(string: lines.map { $0 + "\n" }.joined()))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        return response
    }

    func event(request: Request) async throws -> Response {
        let collection = try collection(request)
        let name = request.parameters.get(SiteURL.eventKey) ?? ""
        guard name.hasSuffix(".json"), let id = UUID(uuidString: String(name.dropLast(5))) else {
            throw AppError.notFound("There is no such event in this feed, or it is not yours to read.")
        }
        let item = try await SharedItemStore.require(id, readableBy: request.currentActor, on: request.db)
        let scope = ReadableScope(grants: collection.grants(in: AccessPolicy.readableScope(for: request.currentActor)))
        guard scope.allows(item.access) else { throw AppError.notFound("There is no such event in this feed, or it is not yours to read.") }
        try await SharedItemStore.recordReads([item], channel: "misp", request: request)
        return json(MISPFeed.event(for: item, organisation: Self.organisation(of: item), url: Self.page(of: item, request)))
    }

    private static func page(of item: SharedItem, _ request: Request) -> String {
        request.application.renkei.settings.publicURL + SiteURL.item(.value(item.id.uuidString.lowercased())).path
    }

    private func json(_ value: JSONValue) -> Response {
        let response = Response(status: .ok, body: .init(string: value.serialized(pretty: false)))
        response.headers.contentType = .json
        return response
    }
}
