import Foundation
import RenkeiCore
import Vapor

/// A team's contact card (vCard 4.0) and its PGP keys (`.asc`), as downloads, each cut to what
/// the reader may see of the directory (`DirectoryPolicy`), like the team's page.
enum TeamCards {
    @Sendable static func vCard(request: Request) async throws -> Response {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let record = model.record.visible(to: DirectoryPolicy.audience(for: request.currentActor))
        let publicURL = request.application.renkei.settings.publicURL
        let text = VCard.card(for: record, pageURL: publicURL + SiteURL.team(.value(model.slug)).path,
                              keysURL: publicURL + SiteURL.teamKeys(.value(model.slug)).path, revision: model.modifiedAt)
        return download(text, type: HTTPMediaType(type: "text", subType: "vcard", parameters: ["charset": "utf-8"]), name: model.slug + ".vcf")
    }

    /// The armored keys one after the other (what `gpg --import` reads); 404 when the team has
    /// none the reader may see, the same answer whether it has none or they are members-only.
    @Sendable static func keys(request: Request) async throws -> Response {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let record = model.record.visible(to: DirectoryPolicy.audience(for: request.currentActor))
        guard !record.pgpKeys.isEmpty else {
            throw AppError.notFound("\(model.shortName) has no PGP key in the directory that you may see.")
        }
        let text = record.pgpKeys.map { $0.armored.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" }.joined(separator: "\n")
        return download(text, type: HTTPMediaType(type: "application", subType: "pgp-keys"), name: model.slug + ".asc")
    }

    private static func download(_ text: String, type: HTTPMediaType, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.setAttachment(named: name)
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
