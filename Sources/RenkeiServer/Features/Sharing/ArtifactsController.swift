import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The artifact registry in pages and the API: register a sample (upload or hashes), read
/// what the policy allows, download it as an encrypted ZIP, and share it with whoever asked.
struct ArtifactsController {
    static let uploadLimit = ByteCount(value: Artifact.maximumSize + (1 << 20))

    func register(pages: any RoutesBuilder, uploads: any RoutesBuilder, forms: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.artifacts, use: list)
        pages.get(.artifactNew, use: newForm)
        uploads.on(.POST, SiteURL.artifacts.pathComponents, body: .collect(maxSize: Self.uploadLimit), use: createFromPage)
        pages.get(.artifact(.key), use: show)
        pages.get(.artifactSample(.key), use: download)
        forms.post(.artifactShares(.key), use: shareFromPage)
        api.get(.apiArtifacts, use: apiList)
        api.on(.POST, SiteURL.apiArtifacts.pathComponents, body: .collect(maxSize: Self.uploadLimit), use: apiCreate)
        api.get(.apiArtifact(.key), use: apiShow)
        api.get(.apiArtifactSample(.key), use: download)
        api.post(.apiArtifactShares(.key), use: apiShare)
    }

    /// A registration as a form (multipart, with the file) or as JSON (hashes only).
    struct RegistrationInput: Content {
        var file: File?
        var sha256: String?
        var sha1: String?
        var md5: String?
        var names: String?
        var tlp: String?
        var audience: String?
        var teams: String?
        var people: String?
        /// The SIG's slug, for the audience `sig`.
        var sig: String?
    }

    private func artifact(from input: RegistrationInput, request: Request) async throws -> (Artifact, [UInt8]?) {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in to register a sample.") }
        guard Artifact.canRegister(actor) else { throw AppError.forbidden("Samples are registered by people of active member teams, for their team.") }
        guard let label = input.tlp.map(TLPLabel.init(parsing:)) ?? .default else {
            throw AppError.invalid([FieldError(field: "tlp", message: "“\(input.tlp ?? "")” is not a TLP 2.0 label.")])
        }
        let items = SharedItemsController.ItemForm.items
        let audience = try await SharedItemStore.audience(kind: input.audience ?? "community", teams: items(input.teams), people: items(input.people), sig: input.sig, on: request.db)
        let now = request.application.renkei.clock.now
        if let file = input.file, file.data.readableBytes > 0 {
            let bytes = Array(file.data.readableBytesView)
            let names = items(input.names) + [file.filename]
            var artifact = try Artifact.uploaded(bytes, name: file.filename, id: UUID(), tlp: label, audience: audience, by: actor, at: now)
            artifact.names = Array(Set(names.filter { !$0.isEmpty })).sorted()
            return (artifact, bytes)
        }
        return (try Artifact.hashesOnly(sha256: input.sha256 ?? "", sha1: input.sha1, md5: input.md5, names: items(input.names), id: UUID(),
                                        tlp: label, audience: audience, by: actor, at: now), nil)
    }

    func apiCreate(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let (artifact, bytes) = try await artifact(from: try request.content.decode(RegistrationInput.self), request: request)
        let stored = try await ArtifactStore.register(artifact, content: bytes, by: user, request: request)
        return try await ArtifactDocument(stored, for: request.currentActor, names: try await request.displayNames(for: [stored]))
            .encodeResponse(status: .created, for: request)
    }

    /// `GET /api/v1/artifacts`: a page of the entries the reader may read, with `next`.
    func apiList(request: Request) async throws -> Response {
        let page = try await ArtifactStore.readable(by: request.currentActor, page: try request.pageRequest(), on: request.db)
        try await ArtifactStore.recordReads(page.items, channel: "api", request: request)
        let names = try await request.displayNames(for: page.items)
        return try await page.response(for: request) { ArtifactDocument($0, for: request.currentActor, names: names) }
    }

    func apiShow(request: Request) async throws -> ArtifactDocument {
        let (_, artifact) = try await ArtifactStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await ArtifactStore.recordReads([artifact], channel: "api", request: request)
        return ArtifactDocument(artifact, for: request.currentActor, names: try await request.displayNames(for: [artifact]))
    }

    /// The sample as `<name>.bin` inside a ZIP encrypted with the password `infected`.
    func download(request: Request) async throws -> Response {
        let (_, artifact) = try await ArtifactStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        guard artifact.hasSample else { throw AppError.notFound("The registry holds only the hashes of this sample.") }
        guard artifact.canDownload(request.currentActor) else {
            throw AppError.forbidden("The sample goes to its holder teams and to the people they shared it with; ask for it with a request.")
        }
        let zip = try await ArtifactStore.sampleZip(artifact, on: request.db)
        try await AuditLog.record("artifact.download", subject: AuditPolicy.artifactSubject(artifact.id), detail: artifact.tlp.text, request: request)
        let response = Response(status: .ok, body: .init(data: Data(zip)))
        response.headers.contentType = .zip
        response.headers.setAttachment(named: "\(artifact.sha256).zip")
        response.headers.replaceOrAdd(name: "X-Archive-Password", value: EncryptedZip.conventionalPassword)
        return response
    }

    struct ShareInput: Content {
        /// The request that asked for the sample.
        var request: UUID
    }

    func apiShare(request: Request) async throws -> ArtifactDocument {
        let user = try request.requireUser()
        let artifact = try await ArtifactStore.share(try request.itemID(), askedBy: try request.content.decode(ShareInput.self).request, by: user, request: request)
        return ArtifactDocument(artifact, for: request.currentActor, names: try await request.displayNames(for: [artifact]))
    }

    func shareFromPage(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let id = try request.itemID()
        _ = try await ArtifactStore.share(id, askedBy: try request.content.decode(ShareInput.self).request, by: user, request: request)
        return request.redirect(to: SiteURL.artifact(.value(id.uuidString)).path, flash: "Your request was sent to the holder teams")
    }

    // MARK: - Pages

    struct ListPage: Encodable {
        struct Row: Encodable {
            var url: String
            var label: SharedItemsController.Label
            var sha256: String
            var names: String
            var fileType: String
            var holders: String
        }
        var chrome: Chrome
        var rows: [Row]?
        var canRegister: Bool
        var newURL: String
        /// The next page (nil on the last page).
        var olderURL: String?
    }

    func list(request: Request) async throws -> View {
        let page = try await ArtifactStore.readable(by: request.currentActor, page: try request.pageRequest(), on: request.db)
        let artifacts = page.items
        try await ArtifactStore.recordReads(artifacts, channel: "web list", request: request)
        let names = try await request.displayNames(for: artifacts)
        return try await ListPage(
            chrome: Chrome(request: request, title: "Artifact registry"),
            rows: artifacts.nonEmpty?.map {
                ListPage.Row(url: SiteURL.artifact(.value($0.id.uuidString)).path, label: .init($0.tlp), sha256: $0.sha256,
                             names: $0.names.joined(separator: ", "), fileType: $0.fileType ?? "hashes only",
                             holders: $0.holderTeamIDs.map(names.team).joined(separator: ", "))
            },
            canRegister: request.currentActor?.teamID != nil && SharedItem.canShare(request.currentActor), newURL: SiteURL.artifactNew.path,
            olderURL: page.next.map(request.nextPagePath)
        ).render("artifacts", on: request)
    }

    struct ShowPage: Encodable {
        struct AskRow: Encodable {
            var requester: String
            var requestURL: String
            var requestID: String
            var at: String
            var shared: Bool
        }
        var chrome: Chrome
        var document: ArtifactDocument
        var label: SharedItemsController.Label
        var firstSeen: String
        var downloadURL: String?
        var asks: [AskRow]?
        var sharesURL: String
        var stixURL: String
    }

    func show(request: Request) async throws -> View {
        let (_, artifact) = try await ArtifactStore.require(try request.itemID(), readableBy: request.currentActor, on: request.db)
        try await ArtifactStore.recordReads([artifact], channel: "web", request: request)
        let document = ArtifactDocument(artifact, for: request.currentActor, names: try await request.displayNames(for: [artifact]))
        return try await ShowPage(
            chrome: Chrome(request: request, title: "Sample " + artifact.sha256.prefix(12)), document: document, label: .init(artifact.tlp),
            firstSeen: TeamView.minute(artifact.firstSeen),
            downloadURL: artifact.canDownload(request.currentActor) ? SiteURL.artifactSample(.value(artifact.id.uuidString)).path : nil,
            asks: document.asks?.nonEmpty?.map {
                ShowPage.AskRow(requester: $0.requesterName, requestURL: SiteURL.item(.value($0.requestID.uuidString)).path,
                                requestID: $0.requestID.uuidString, at: TeamView.minute($0.at), shared: $0.shared)
            },
            sharesURL: SiteURL.artifactShares(.value(artifact.id.uuidString)).path,
            stixURL: SiteURL.artifactSTIX(.value(artifact.id.uuidString)).path
        ).render("artifact", on: request)
    }

    struct FormPage: Encodable {
        var chrome: Chrome
        var labels: [String]
        var error: String?
        var maximumMiB: Int
    }

    func newForm(request: Request) async throws -> View {
        guard request.currentUser != nil else { throw AppError.unauthorized("Sign in to register a sample.") }
        return try await FormPage(chrome: Chrome(request: request, title: "Register a sample"), labels: TLPLabel.allCases.map(\.text), error: nil,
                                  maximumMiB: Artifact.maximumSize >> 20).render("artifact-form", on: request)
    }

    func createFromPage(request: Request) async throws -> Response {
        let user = try request.requireUser()
        do {
            let (artifact, bytes) = try await artifact(from: try request.content.decode(RegistrationInput.self), request: request)
            let stored = try await ArtifactStore.register(artifact, content: bytes, by: user, request: request)
            return request.redirect(to: SiteURL.artifact(.value(stored.id.uuidString)).path, flash: "Sample registered")
        } catch let failure as ValidationFailure {
            return try await FormPage(chrome: Chrome(request: request, title: "Register a sample"), labels: TLPLabel.allCases.map(\.text),
                                      error: failure.errors.map(\.message).joined(separator: " "), maximumMiB: Artifact.maximumSize >> 20)
                .render("artifact-form", on: request).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }
}
