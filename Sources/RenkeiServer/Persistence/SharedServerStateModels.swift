import Fluent
import Foundation

/// One periodic job (`JobLeases`): when it is next due, and which server last took it.
final class JobLeaseModel: Model, @unchecked Sendable {
    static let schema = "job_leases"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "due_at") var dueAt: Date
    /// `host:pid` of the server that took the last round.
    @Field(key: "holder") var holder: String
    @OptionalField(key: "started_at") var startedAt: Date?
    /// Rounds taken so far, over all servers.
    @Field(key: "runs") var runs: Int

    init() {}
}

/// One failed sign-in under one throttle key (`SignInThrottle`).
final class SignInFailureModel: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failed_at") var failedAt: Date

    init() {}

    init(key: String, failedAt: Date) {
        id = UUID()
        self.key = key
        self.failedAt = failedAt
    }
}
