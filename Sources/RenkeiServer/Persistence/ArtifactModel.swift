import Fluent
import Foundation
import RenkeiCore

final class ArtifactModel: Model, @unchecked Sendable {
    static let schema = "artifacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "sha256") var sha256: String
    @OptionalField(key: "sha1") var sha1: String?
    @OptionalField(key: "md5") var md5: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "version") var version: Int
    @Field(key: "document") var document: String

    init() {}

    init(_ artifact: Artifact) throws {
        id = artifact.id
        createdAt = artifact.firstSeen
        version = 1
        try apply(artifact)
    }

    func apply(_ artifact: Artifact) throws {
        sha256 = artifact.sha256
        sha1 = artifact.sha1
        md5 = artifact.md5
        document = String(decoding: try JSONEncoder().encode(artifact), as: UTF8.self)
    }

    func artifact() throws -> Artifact {
        try JSONDecoder().decode(Artifact.self, from: Data(document.utf8))
    }
}

/// A sample's bytes, as uploaded, keyed by SHA-256.
final class ArtifactSampleModel: Model, @unchecked Sendable {
    static let schema = "artifact_samples"

    @ID(custom: "sha256", generatedBy: .user) var id: String?
    @Field(key: "content") var content: Data

    init() {}

    init(sha256: String, content: Data) {
        id = sha256
        self.content = content
    }
}
