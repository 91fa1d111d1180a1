import Fluent

/// One counter per kind of data that servers keep in memory (the directory, each lookup
/// dataset): a writer bumps it in its own transaction, and every server rebuilds what it
/// derived from that data when the counter moves (`DataVersions`).
struct CreateDataVersions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DataVersions.schema)
            .field("name", .string, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DataVersions.schema).delete()
    }
}
