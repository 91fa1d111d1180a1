import Fluent
import Foundation
import SQLKit

/// Periodic jobs run once per period however many servers share the database: a round starts
/// only after claiming the job's row with a conditional UPDATE that moves `due_at` one period
/// ahead, so of the servers asking at once exactly one is told yes (PostgreSQL and SQLite alike).
/// A server that stops leaves the job due; the next server to ask takes it over.
enum JobLeases {
    /// This process as `job_leases.holder` names it.
    static let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// True when this caller takes the round of `job` due at `now`; false when another took it
    /// less than `period` ago.
    static func claim(_ job: String, every period: TimeInterval, at now: Date, holder: String = holder,
                      on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return true }
        try await sql.insert(into: JobLeaseModel.schema)
            .columns("name", "due_at", "holder", "runs")
            .values(SQLBind(job), SQLBind(Date(timeIntervalSince1970: 0)), SQLBind(""), SQLBind(0))
            .ignoringConflicts(with: ["name"])
            .run()
        let taken = try await sql.update(JobLeaseModel.schema)
            .set("due_at", to: SQLBind(now.addingTimeInterval(period)))
            .set("holder", to: SQLBind(holder))
            .set("started_at", to: SQLBind(now))
            .set("runs", to: SQLBinaryExpression(SQLColumn("runs"), .add, SQLLiteral.numeric("1")))
            .where("name", .equal, SQLBind(job))
            .where("due_at", .lessThanOrEqual, SQLBind(now))
            .returning("name")
            .all()
        return !taken.isEmpty
    }
}
