import Fluent
import Foundation
import NIOConcurrencyHelpers

/// Display names of accounts by id, kept once read, for the documents that name the people of
/// an item's audience: reading them was a statement on every page of items. They are kept
/// while the `people` change counter stands; an account made, renamed or deleted through its
/// model moves it (`PeopleVersionMiddleware`), on this server at once and on others within
/// a second (`DataVersions.refresh`).
final class PeopleNames: Sendable {
    /// Names kept at most; when full the store starts again empty.
    let capacity: Int
    private let versions: DataVersions
    private let kept = NIOLockedValueBox<(version: Int64, names: [UUID: String])>((-1, [:]))

    init(versions: DataVersions, capacity: Int = 100_000) {
        self.versions = versions
        self.capacity = capacity
    }

    /// The names of those of `ids` that have an account; only names not kept are read.
    func names(of ids: Set<UUID>, on database: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        // Read before the names: a change after this moves the counter past what they are kept under.
        let version = try await versions.current(DataVersions.people, on: database)
        var known: [UUID: String] = [:]
        var unread = Set<UUID>()
        kept.withLockedValue { kept in
            // A reader that saw an older counter may still use newer names, but keeps none.
            if version > kept.version { kept = (version, [:]) }
            for id in ids {
                if let name = kept.names[id] { known[id] = name } else { unread.insert(id) }
            }
        }
        guard !unread.isEmpty else { return known }
        let read = try await DisplayNames.load(users: unread, teams: [], on: database).users
        kept.withLockedValue { kept in
            guard kept.version == version, !database.inTransaction else { return }
            if kept.names.count + read.count > capacity { kept.names = [:] }
            kept.names.merge(read) { _, new in new }
        }
        return known.merging(read) { _, new in new }
    }
}

/// Moves the `people` counter after an account is made, deleted or renamed through
/// `UserModel`, in the same database (and transaction) as the change; other changes to an
/// account (a sign-in, a second factor) leave the names kept.
struct PeopleVersionMiddleware: AsyncModelMiddleware {
    func create(model: UserModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        try await DataVersions.bump(DataVersions.people, on: db)
    }

    func update(model: UserModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        let renamed = SetFields()
        model.$displayName.input(to: renamed)
        try await next.update(model, on: db)
        if !renamed.keys.isEmpty { try await DataVersions.bump(DataVersions.people, on: db) }
    }

    func delete(model: UserModel, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        try await DataVersions.bump(DataVersions.people, on: db)
    }

    /// The fields a save is about to write (Fluent hands over only those set since the model was read).
    private final class SetFields: DatabaseInput {
        var keys: [FieldKey] = []

        func set(_ value: DatabaseQuery.Value, at key: FieldKey) {
            keys.append(key)
        }
    }
}
