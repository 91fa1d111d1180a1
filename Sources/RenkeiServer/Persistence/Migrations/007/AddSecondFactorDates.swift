import Fluent
import Foundation
import SQLKit

/// When each person's second factor was enrolled and when they last gained a role needing it,
/// so API tokens older than either stop acting for them (`APITokenPolicy`). Existing accounts
/// take both from the audit log; a factor with no enrolment line counts from the upgrade, so
/// tokens whose age cannot be told apart from it stop working rather than keep their power.
struct AddSecondFactorDates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for name in ["second_factor_enrolled_at", "privileged_since"] {
            try await database.schema(UserModel.schema).field(FieldKey(stringLiteral: name), .datetime).update()
        }
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE users SET second_factor_enrolled_at = (SELECT MAX(audit_events.at) FROM audit_events
                WHERE audit_events.action = 'two-factor.enrol' AND audit_events.subject = users.email)
            WHERE totp_secret IS NOT NULL
            """).run()
        try await sql.raw("""
            UPDATE users SET second_factor_enrolled_at = \(bind: Date()) WHERE totp_secret IS NOT NULL AND second_factor_enrolled_at IS NULL
            """).run()
        try await sql.raw("""
            UPDATE users SET privileged_since = (SELECT MAX(audit_events.at) FROM audit_events
                WHERE audit_events.action = 'user.roles' AND audit_events.subject = users.email)
            """).run()
    }

    func revert(on database: any Database) async throws {
        for name in ["second_factor_enrolled_at", "privileged_since"] {
            try await database.schema(UserModel.schema).deleteField(FieldKey(stringLiteral: name)).update()
        }
    }
}
