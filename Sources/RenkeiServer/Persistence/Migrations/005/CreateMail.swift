import Fluent
import SQLKit

/// Mailing lists, subscriptions and the outbox; a PGP key on each person's account; a list
/// column on shared items for the archives; and the expiry warnings already sent.
struct CreateMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await database.schema(UserModel.schema).field("pgp_key", .sql(unsafeRaw: "TEXT")).update()
        try await database.schema(UserModel.schema).field("pgp_fingerprint", .string).update()
        try await database.schema(UserModel.schema).field("pgp_expires_at", .datetime).update()
        try await database.schema(SharedItemModel.schema).field("list_id", .uuid).update()
        try await database.schema(MailingListModel.schema)
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .sql(unsafeRaw: "TEXT"), .required)
            .field("kind", .string, .required)
            .field("audience", .sql(unsafeRaw: "TEXT"), .required)
            .field("posting", .string, .required)
            .field("default_tlp", .string, .required)
            .field("retention_days", .int, .required)
            .field("ends_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema(ListSubscriptionModel.schema)
            .id()
            .field("list_id", .uuid, .required, .references(MailingListModel.schema, "id"))
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("mode", .string, .required)
            .field("created_at", .datetime, .required)
            .field("digest_through", .datetime)
            .unique(on: "list_id", "user_id")
            .create()
        try await database.schema(MailMessageModel.schema)
            .id()
            .field("message_id", .string, .required)
            .field("from_address", .string, .required)
            .field("subject", .sql(unsafeRaw: "TEXT"), .required)
            .field("extra_headers", .sql(unsafeRaw: "TEXT"), .required)
            .field("content", .sql(unsafeRaw: "TEXT"), .required)
            .field("signed_entity", .sql(unsafeRaw: "TEXT"))
            .field("item_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "message_id")
            .create()
        try await database.schema(MailDeliveryModel.schema)
            .id()
            .field("message_id", .uuid, .required, .references(MailMessageModel.schema, "id"))
            .field("recipient", .string, .required)
            .field("recipient_user_id", .uuid)
            .field("form", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("leased_until", .datetime)
            .field("last_error", .sql(unsafeRaw: "TEXT"))
            .field("sent_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(KeyExpiryWarningModel.schema)
            .field("fingerprint", .string, .identifier(auto: false))
            .field("expires_at", .datetime, .required)
            .field("warned_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX mail_deliveries_due ON mail_deliveries (state, next_attempt_at)").run()
        try await sql.raw("CREATE INDEX shared_items_list ON shared_items (list_id)").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [KeyExpiryWarningModel.schema, MailDeliveryModel.schema, MailMessageModel.schema, ListSubscriptionModel.schema,
                       MailingListModel.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(SharedItemModel.schema).deleteField(.string("list_id")).update()
        for field in ["pgp_expires_at", "pgp_fingerprint", "pgp_key"] {
            try await database.schema(UserModel.schema).deleteField(.string(field)).update()
        }
    }
}
