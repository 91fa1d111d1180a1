import Fluent

struct CreateDatasets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("datasets")
            .id()
            .field("kind", .string, .required)
            .field("source", .string, .required)
            .field("imported_at", .datetime, .required)
            .field("entries", .int, .required)
            .field("skipped", .int, .required)
            .field("content", .sql(unsafeRaw: "TEXT"), .required)
            .unique(on: "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("datasets").delete()
    }
}
