import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The artifact registry in and out of the database, every read through `AccessPolicy`.
enum ArtifactStore {
    static func readable(by actor: Actor?, on database: any Database) async throws -> [Artifact] {
        try await ArtifactModel.query(on: database).sort(\.$createdAt, .descending).all().map { try $0.artifact() }.filter { $0.canRead(actor) }
    }

    static func require(_ id: UUID, readableBy actor: Actor?, on database: any Database) async throws -> (ArtifactModel, Artifact) {
        guard let model = try await ArtifactModel.find(id, on: database), case let artifact = try model.artifact(), artifact.canRead(actor) else {
            throw AppError.notFound("There is no such artifact, or it is not shared with you.")
        }
        return (model, artifact)
    }

    static func recordReads(_ artifacts: [Artifact], channel: String, request: Request) async throws {
        for artifact in artifacts where artifact.tlp.auditsReads {
            try await AuditLog.record("artifact.read", subject: "artifact \(artifact.sha256)", detail: "\(artifact.tlp.text) via \(channel)", request: request)
        }
    }

    /// Stores a new registration (with the sample's bytes when uploaded), or adds the
    /// registering team as a holder of a sample the registry already knows.
    /// Only an upload proves a team holds a sample: registering a known sample by its hashes
    /// alone is refused, or anyone who can read the entry could become a holder and download it.
    /// The answer shows the stored entry only when the registering person may read it.
    static func register(_ artifact: Artifact, content: [UInt8]?, by user: UserModel, request: Request) async throws -> Artifact {
        let now = request.application.renkei.clock.now
        let actor = request.currentActor
        return try await request.db.transaction { database in
            var stored = artifact
            if let existing = try await ArtifactModel.query(on: database).filter(\.$sha256 == artifact.sha256).first() {
                guard content != nil else {
                    throw AppError.conflict("This sample is already registered. Upload the file to be listed as a holder, or ask for it with a request.")
                }
                stored = try existing.artifact()
                stored.holderTeamIDs = Array(Set(stored.holderTeamIDs + artifact.holderTeamIDs))
                stored.names = Array(Set(stored.names + artifact.names)).sorted()
                stored.hasSample = stored.hasSample || content != nil
                stored.sha1 = stored.sha1 ?? artifact.sha1
                stored.md5 = stored.md5 ?? artifact.md5
                stored.size = stored.size ?? artifact.size
                stored.fileType = stored.fileType ?? artifact.fileType
                try existing.apply(stored)
                existing.version += 1
                try await existing.save(on: database)
            } else {
                try await ArtifactModel(artifact).create(on: database)
            }
            if let content, try await ArtifactSampleModel.find(artifact.sha256, on: database) == nil {
                try await ArtifactSampleModel(sha256: artifact.sha256, content: Data(content)).create(on: database)
            }
            try await AuditLog.record("artifact.register", subject: "artifact \(artifact.sha256)", detail: "\(artifact.tlp.text); sample \(content != nil)",
                                      actor: user, address: request.remoteAddress?.ipAddress, at: now, on: database)
            return stored.canRead(actor) ? stored : artifact
        }
    }

    /// The sample, wrapped in a ZIP encrypted with the password `infected`.
    static func sampleZip(_ artifact: Artifact, on database: any Database) async throws -> [UInt8] {
        guard let sample = try await ArtifactSampleModel.find(artifact.sha256, on: database) else {
            throw AppError.notFound("The registry holds only the hashes of this sample.")
        }
        let name = (artifact.names.first ?? artifact.sha256) + ".bin"
        return EncryptedZip.archive(Array(sample.content), named: name.replacingOccurrences(of: "/", with: "_"), modified: artifact.firstSeen,
                                    comment: "\(artifact.tlp.text) · SHA-256 \(artifact.sha256) · password: \(EncryptedZip.conventionalPassword) · Renkei artifact registry")
    }

    /// A request for a sample the registry knows: each holder team hears of it and decides;
    /// the requester learns that the registry knows it only when the artifact's label allows.
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
            let holders = try await UserModel.query(on: database).filter(\.$team.$id ~~ artifact.holderTeamIDs).all()
            try await Notify.people(holders.compactMap(\.id).filter { $0 != item.authorUserID },
                                    text: "\(item.authorName) asks for a sample your team holds (\(artifact.sha256.prefix(16))…); you decide whether to share it.",
                                    link: SiteURL.artifact(.value(artifact.id.uuidString)).path, at: now, mail: mail, on: database)
            if artifact.canRead(requester) { known.append(artifact) }
        }
        return known
    }

    /// A holder shares the sample with the person whose request asked for it.
    static func share(_ id: UUID, askedBy requestID: UUID, by user: UserModel, request: Request) async throws -> Artifact {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        let now = request.application.renkei.clock.now
        return try await request.db.transaction { database in
            let (model, found) = try await require(id, readableBy: actor, on: database)
            guard found.isHolder(actor) else { throw AppError.forbidden("Only people of a team that holds the sample share it.") }
            var artifact = found
            let requester = try artifact.share(askedBy: requestID, by: actor)
            try model.apply(artifact)
            model.version += 1
            try await model.save(on: database)
            try await Notify.people([requester], text: "\(user.displayName) shared the sample \(artifact.sha256.prefix(16))… with you.",
                                    link: SiteURL.artifact(.value(id.uuidString)).path, at: now, mail: request.application.renkei.mail, on: database)
            try await AuditLog.record("artifact.share", subject: "artifact \(artifact.sha256)", detail: "with \(requester.uuidString) for request \(requestID.uuidString)",
                                      actor: user, address: request.remoteAddress?.ipAddress, at: now, on: database)
            return artifact
        }
    }
}
