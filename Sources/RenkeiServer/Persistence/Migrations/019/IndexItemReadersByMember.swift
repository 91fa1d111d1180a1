import Fluent
import SQLKit

/// The read index by grantee rather than by grant: (kind, member_id) first, then the page
/// order, with the label last. A reader's grants come in groups of one grantee with several
/// labels (an author holds four, a team member three); with the label in front of the order,
/// each label was its own index range, fifteen for a member, and the page query was read and
/// parsed fifteen times over (`ItemReadIndex.newest`). Now each grantee is one range, the
/// label checked in the index.
struct IndexItemReadersByMember: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX item_audiences_reader ON item_audiences (kind, member_id, created_ms DESC, item_id DESC, tlp)").run()
        try await sql.raw("DROP INDEX item_audiences_keyset").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX item_audiences_keyset ON item_audiences (kind, member_id, tlp, created_ms DESC, item_id DESC)").run()
        try await sql.raw("DROP INDEX item_audiences_reader").run()
    }
}
