import Fluent
import SQLKit

/// Special Interest Groups: the groups, their participants and guest invitations, their
/// documents with every version, and their meetings; and the SIG an item is shared with
/// (`shared_items.sig_id`, written with the item's read index), by which a SIG's page lists them.
struct CreateSIGs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SIGModel.schema)
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("status", .string, .required)
            .field("charter", .string, .required)
            .field("proposed_by", .uuid, .required)
            .field("board_liaison", .uuid)
            .field("charter_approved_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("retired_at", .datetime)
            .field("retirement_reason", .string)
            .field("list_id", .uuid, .references(MailingListModel.schema, "id"))
            .unique(on: "slug")
            .create()
        try await database.schema(SIGParticipantModel.schema)
            .id()
            .field("sig_id", .uuid, .required, .references(SIGModel.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("state", .string, .required)
            .field("team_id", .uuid)
            .field("chair_until", .datetime)
            .field("agreement_accepted_at", .datetime)
            .field("decided_by", .uuid)
            .field("changed_at", .datetime, .required)
            .field("reason", .string)
            .unique(on: "sig_id", "user_id")
            .create()
        try await database.schema(SIGGuestInvitationModel.schema)
            .id()
            .field("sig_id", .uuid, .required, .references(SIGModel.schema, "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(SIGDocumentModel.schema)
            .id()
            .field("sig_id", .uuid, .required, .references(SIGModel.schema, "id", onDelete: .cascade))
            .field("state", .string, .required)
            .field("title", .string, .required)
            .field("tlp", .string, .required)
            .field("published_at", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(SIGDocumentVersionModel.schema)
            .id()
            .field("document_id", .uuid, .required, .references(SIGDocumentModel.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("tlp", .string, .required)
            .field("edited_by", .uuid, .required)
            .field("edited_at", .datetime, .required)
            .unique(on: "document_id", "number")
            .create()
        try await database.schema(SIGMeetingModel.schema)
            .id()
            .field("sig_id", .uuid, .required, .references(SIGModel.schema, "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("time_zone", .string, .required)
            .field("location", .string, .required)
            .field("agenda", .string, .required)
            .field("minutes_document_id", .uuid, .references(SIGDocumentModel.schema, "id", onDelete: .setNull))
            .create()
        try await database.schema(SharedItemModel.schema).field("sig_id", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX shared_items_sig_keyset ON shared_items (sig_id, created_ms DESC, id DESC)").run()
        // A person's seats are read on every request (`SIGSeats`); a SIG's page lists its participants and documents.
        try await sql.raw("CREATE INDEX sig_participants_user ON sig_participants (user_id)").run()
        try await sql.raw("CREATE INDEX sig_documents_sig ON sig_documents (sig_id, updated_at DESC, id DESC)").run()
        try await sql.raw("CREATE INDEX sig_meetings_sig ON sig_meetings (sig_id, starts_at DESC, id DESC)").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX shared_items_sig_keyset").run() }
        try await database.schema(SharedItemModel.schema).deleteField("sig_id").update()
        for schema in [SIGMeetingModel.schema, SIGDocumentVersionModel.schema, SIGDocumentModel.schema, SIGGuestInvitationModel.schema,
                       SIGParticipantModel.schema, SIGModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
