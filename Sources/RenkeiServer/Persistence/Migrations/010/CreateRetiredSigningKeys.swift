import Fluent

/// Signing keys replaced by `renkei keys rotate`: their public half and how long the key set
/// still publishes them (see PlatformKeys).
struct CreateRetiredSigningKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RetiredSigningKeyModel.schema)
            .field("kid", .string, .identifier(auto: false))
            .field("public_key", .string, .required)
            .field("retired_at", .datetime, .required)
            .field("published_until", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RetiredSigningKeyModel.schema).delete()
    }
}
