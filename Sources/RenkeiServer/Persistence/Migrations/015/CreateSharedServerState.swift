import Fluent
import SQLKit

/// What several servers on one database must agree on (README, "Several servers"): which of
/// them runs each periodic job (`JobLeases`) and the failed sign-ins the throttle counts
/// (`SignInThrottle`).
struct CreateSharedServerState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JobLeaseModel.schema)
            .field("name", .string, .identifier(auto: false))
            .field("due_at", .datetime, .required)
            .field("holder", .string, .required)
            .field("started_at", .datetime)
            .field("runs", .int64, .required)
            .create()
        try await database.schema(SignInFailureModel.schema)
            .id()
            .field("key", .string, .required)
            .field("failed_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX sign_in_failures_key ON sign_in_failures (key, failed_at)").run()
        try await sql.raw("CREATE INDEX sign_in_failures_age ON sign_in_failures (failed_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SignInFailureModel.schema).delete()
        try await database.schema(JobLeaseModel.schema).delete()
    }
}
