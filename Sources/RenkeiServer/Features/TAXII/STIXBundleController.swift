import Foundation
import RenkeiCore
import Vapor

/// One item's or one registry sample's STIX 2.1 bundle, for whoever may read it (404 for
/// everyone else, as for the item itself): from the API with a token, and from the page.
struct STIXBundleController {
    func register(pages: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.itemSTIX(.key), use: item)
        api.get(.apiItemSTIX(.key), use: item)
        pages.get(.artifactSTIX(.key), use: artifact)
        api.get(.apiArtifactSTIX(.key), use: artifact)
    }

    func item(request: Request) async throws -> Response {
        let item = try await SharedItemStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await SharedItemStore.recordReads([item], channel: "stix", request: request)
        let url = request.application.renkei.settings.publicURL + SiteURL.item(.value(item.id.uuidString.lowercased())).path
        return bundle(STIX21.objects(for: item, url: url), name: "item-\(item.id.uuidString.lowercased())")
    }

    func artifact(request: Request) async throws -> Response {
        let (_, artifact) = try await ArtifactStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await ArtifactStore.recordReads([artifact], channel: "stix", request: request)
        return bundle(STIX21.objects(for: artifact), name: "sample-\(artifact.sha256.prefix(12))")
    }

    private func bundle(_ objects: [JSONValue], name: String) -> Response {
        let response = TAXIIMedia.response(STIX21.bundle(objects), type: TAXIIMedia.stix)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(name).stix.json\"")
        return response
    }
}
