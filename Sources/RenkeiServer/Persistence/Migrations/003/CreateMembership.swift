import Fluent
import SQLKit

/// The membership process: applications, membership status, invitations, notifications.
struct CreateMembership: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ApplicationModel.schema)
            .id()
            .field("applicant_user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("team_slug", .string, .required)
            .field("is_open", .bool, .required)
            .field("submitted_at", .datetime, .required)
            .field("version", .int, .required)
            .field("document", .sql(unsafeRaw: "TEXT"), .required)
            .create()
        try await database.schema(MembershipStatusModel.schema)
            .field("team_id", .uuid, .identifier(auto: false), .references(TeamModel.schema, "id"))
            .field("status", .string, .required)
            .field("reason", .string, .required)
            .field("changed_at", .datetime, .required)
            .create()
        try await database.schema(InvitationModel.schema)
            .id()
            .field("team_id", .uuid, .required, .references(TeamModel.schema, "id"))
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("roles", .string, .required)
            .field("pgp_fingerprint", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(NotificationModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("text", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.schema(SigningKeyModel.schema)
            .field("kid", .string, .identifier(auto: false))
            .field("private_key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [SigningKeyModel.schema, NotificationModel.schema, InvitationModel.schema, MembershipStatusModel.schema, ApplicationModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Two-factor sign-in columns on users, one statement each (SQLite adds one column at a time).
struct AddTwoFactor: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType)] = [("totp_secret", .string), ("totp_last_step", .int64), ("recovery_code_hashes", .string)]

    func prepare(on database: any Database) async throws {
        for (name, type) in Self.columns {
            try await database.schema(UserModel.schema).field(FieldKey(stringLiteral: name), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.columns {
            try await database.schema(UserModel.schema).deleteField(FieldKey(stringLiteral: name)).update()
        }
    }
}

/// The audit log; triggers make it append-only in the database itself, so not even a bug in
/// the application can rewrite history.
struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("subject", .string, .required)
            .field("detail", .sql(unsafeRaw: "TEXT"), .required)
            .field("address", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()").run()
        } else {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_events_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TABLE audit_events").run()
            try await sql.raw("DROP FUNCTION audit_events_append_only()").run()
        } else {
            try await database.schema(AuditEventModel.schema).delete()
        }
    }
}
