import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The artifact registry in and out of the database, every read through `AccessPolicy`.
enum ArtifactStore {
    /// One page of the entries `actor` may read, newest first. The label and audience live in
    /// each entry's document, so the rule (`Artifact.canRead`) is applied row by row to keyset
    /// batches (`KeysetScan`) until the page is full.
    static func readable(by actor: Actor?, page request: PageRequest, on database: any Database) async throws -> Page<Artifact> {
        try await KeysetScan.page(request, query: { ArtifactModel.query(on: database) }, by: \.$createdAt) { model in
            let artifact = try model.artifact()
            return artifact.canRead(actor) ? artifact : nil
        }
    }

    static func require(_ id: UUID, readableBy actor: Actor?, on database: any Database) async throws -> (ArtifactModel, Artifact) {
        guard let model = try await ArtifactModel.find(id, on: database), case let artifact = try model.artifact(), artifact.canRead(actor) else {
            throw AppError.notFound("There is no such artifact, or it is not shared with you.")
        }
        return (model, artifact)
    }

    /// One audit line per read request, naming each AMBER, AMBER+STRICT and RED entry by its id
    /// (never by a hash: `AuditPolicy.artifactSubject`).
    static func recordReads(_ artifacts: [Artifact], channel: String, request: Request) async throws {
        let audited = artifacts.filter(\.tlp.auditsReads)
        guard let first = audited.first else { return }
        if audited.count == 1 {
            try await AuditLog.record("artifact.read", subject: AuditPolicy.artifactSubject(first.id), detail: "\(first.tlp.text) via \(channel)", request: request)
        } else {
            try await AuditLog.record("artifact.read", subject: "\(audited.count) artifacts",
                                      detail: "via \(channel): " + audited.map { "\($0.tlp.text) \(AuditPolicy.artifactSubject($0.id))" }.joined(separator: ", "),
                                      request: request)
        }
    }

    /// Stores a registration as `Artifact.registration` decides: a new entry, the registering
    /// team joining the holders of an entry the person may read (an upload), or a refusal when
    /// they may read the entry and gave only hashes. Entries the person cannot read are neither
    /// changed nor revealed: the answer is the one a sample nobody registered gets.
    static func register(_ artifact: Artifact, content: [UInt8]?, by user: UserModel, request: Request) async throws -> Artifact {
        let now = request.application.renkei.clock.now
        let actor = request.currentActor
        return try await request.db.writeTransaction { database in
            let models = try await ArtifactModel.query(on: database).filter(\.$sha256 == artifact.sha256).all()
            let known = try models.map { try $0.artifact() }
            var stored = artifact
            switch Artifact.registration(of: artifact, withSample: content != nil, known: known, by: actor) {
            case .alreadyRegistered:
                throw AppError.conflict("This sample is already registered. Upload the file to be listed as a holder, or ask for it with a request.")
            case .joinHolders(let id):
                guard let existing = models.first(where: { $0.id == id }), case var entry = try existing.artifact() else {
                    throw AppError.conflict("The entry changed at the same moment; try again.")
                }
                entry.addHolders(from: artifact)
                try existing.apply(entry)
                existing.version += 1
                try await existing.save(on: database)
                stored = entry
            case .new:
                try await ArtifactModel(artifact).create(on: database)
            }
            if let content, try await ArtifactSampleModel.find(artifact.sha256, on: database) == nil {
                try await ArtifactSampleModel(sha256: artifact.sha256, content: Data(content)).create(on: database)
            }
            try await AuditLog.record("artifact.register", subject: AuditPolicy.artifactSubject(stored.id), detail: "\(stored.tlp.text); sample \(content != nil)",
                                      actor: user, address: request.clientAddress, at: now, on: database)
            return stored
        }
    }

    /// The sample, wrapped in a ZIP encrypted with the password `infected`.
    static func sampleZip(_ artifact: Artifact, on database: any Database) async throws -> [UInt8] {
        guard let sample = try await ArtifactSampleModel.find(artifact.sha256, on: database) else {
            throw AppError.notFound("The registry holds only the hashes of this sample.")
        }
        let name = (artifact.names.first ?? artifact.sha256) + ".bin"
        return EncryptedZip.archive(Array(sample.content), named: name, modified: artifact.firstSeen,
                                    comment: "\(artifact.tlp.text) · SHA-256 \(artifact.sha256) · password: \(EncryptedZip.conventionalPassword) · Renkei artifact registry")
    }

    /// A request for a sample the registry knows: the holders who may read the entry hear of it
    /// and decide (`Artifact.askNotices`); the requester learns that the registry knows it only
    /// when they may read the entry (`Artifact.tellsRequester`).
    static func noteAsk(for item: SharedItem, requester: Actor, at now: Date, mail: MailAddressing?, on database: any Database) async throws -> [Artifact] {
        guard item.request?.kind == .sample, let subject = item.request?.subject.nonBlank?.lowercased() else { return [] }
        var known: [Artifact] = []
        for model in try await ArtifactModel.query(on: database).group(.or, { group in
            group.filter(\.$sha256 == subject).filter(\.$sha1 == subject).filter(\.$md5 == subject)
        }).all() {
            var artifact = try model.artifact()
            guard !artifact.asks.contains(where: { $0.requestID == item.id }) else { continue }
            artifact.recordAsk(requestID: item.id, requester: item.authorUserID, requesterName: item.authorName, at: now)
            try model.apply(artifact)
            model.version += 1
            try await model.save(on: database)
            let holders = try await ListStore.readers(try await UserModel.query(on: database).filter(\.$team.$id ~~ artifact.holderTeamIDs).all(), on: database)
            let notices = artifact.askNotices(for: item, holders: Array(holders.values))
            for showsRequest in [true, false] {
                let people = notices.filter { $0.showsRequest == showsRequest }.map(\.userID)
                guard !people.isEmpty else { continue }
                try await Notify.people(people, text: (showsRequest ? "\(item.authorName) asks" : "A request you cannot read asks")
                                            + " for a sample your team holds (\(artifact.sha256.prefix(16))…); you decide whether to share it.",
                                        link: SiteURL.artifact(.value(artifact.id.uuidString)).path, at: now, mail: mail, on: database)
            }
            if artifact.tellsRequester(requester) { known.append(artifact) }
        }
        return known
    }

    /// A holder shares the sample with the person whose request asked for it.
    static func share(_ id: UUID, askedBy requestID: UUID, by user: UserModel, request: Request) async throws -> Artifact {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        let now = request.application.renkei.clock.now
        return try await request.db.writeTransaction { database in
            let (model, found) = try await require(id, readableBy: actor, on: database)
            guard found.isHolder(actor) else { throw AppError.forbidden("Only people of a team that holds the sample share it.") }
            var artifact = found
            let requester = try artifact.share(askedBy: requestID, by: actor)
            try model.apply(artifact)
            model.version += 1
            try await model.save(on: database)
            try await Notify.people([requester], text: "\(user.displayName) shared the sample \(artifact.sha256.prefix(16))… with you.",
                                    link: SiteURL.artifact(.value(id.uuidString)).path, at: now, mail: request.application.renkei.mail, on: database)
            try await AuditLog.record("artifact.share", subject: AuditPolicy.artifactSubject(artifact.id), detail: "with \(requester.uuidString) for request \(requestID.uuidString)",
                                      actor: user, address: request.clientAddress, at: now, on: database)
            return artifact
        }
    }
}
