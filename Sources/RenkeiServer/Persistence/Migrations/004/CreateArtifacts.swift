import Fluent

/// The artifact registry: each sample's record as JSON with its hashes as columns for lookup,
/// and the samples' bytes in their own table, written in the same transaction.
struct CreateArtifacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ArtifactModel.schema)
            .id()
            .field("sha256", .string, .required)
            .field("sha1", .string)
            .field("md5", .string)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .field("document", .sql(unsafeRaw: "TEXT"), .required)
            .create()
        try await database.schema(ArtifactSampleModel.schema)
            .field("sha256", .string, .identifier(auto: false))
            .field("content", .data, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ArtifactSampleModel.schema).delete()
        try await database.schema(ArtifactModel.schema).delete()
    }
}
