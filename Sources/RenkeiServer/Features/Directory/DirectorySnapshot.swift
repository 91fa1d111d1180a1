import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// The whole directory decoded once, with the public and the members' view prepared
/// (`DirectoryView`) and each team's teams-API document already encoded. The directory list,
/// the teams API and Global IRT read it; it is rebuilt when the directory's version
/// (`DataVersions.directory`) moves.
struct DirectorySnapshot: Sendable {
    struct Prepared: Sendable {
        let view: DirectoryView
        /// Each team's `TeamDocument` as JSON, by slug.
        let documents: [String: ByteBuffer]
    }

    let version: Int64
    let everyone: Prepared
    let members: Prepared
    /// The teams whose record names a kind of membership, by id: whether a signed-in person's
    /// team is a member is asked on every request (`TeamStatusMiddleware`).
    let memberTeams: Set<UUID>
    /// The directory pages rendered from this snapshot for visitors without a session.
    let anonymousPages = DirectoryPageCache()

    func prepared(for audience: DirectoryAudience) -> Prepared {
        audience == .members ? members : everyone
    }

    static func build(version: Int64, on database: any Database, publicURL: String) async throws -> DirectorySnapshot {
        let models = try await TeamModel.query(on: database).all()
        let teams = models.map { DirectoryView.Team(record: $0.record, lastModified: $0.modifiedAt, lastModifiedBy: $0.modifiedBy) }
        let encoder = try ContentConfiguration.global.requireEncoder(for: .json)
        func prepare(_ audience: DirectoryAudience) throws -> Prepared {
            let view = DirectoryView(teams: teams, audience: audience)
            var documents: [String: ByteBuffer] = [:]
            for entry in view.entries {
                var buffer = ByteBuffer()
                var headers = HTTPHeaders()
                try encoder.encode(TeamDocument(entry, publicURL: publicURL), to: &buffer, headers: &headers)
                documents[entry.record.slug] = buffer
            }
            return Prepared(view: view, documents: documents)
        }
        return DirectorySnapshot(version: version, everyone: try prepare(.everyone), members: try prepare(.members),
                                 memberTeams: Set(models.filter { $0.record.memberType != nil }.compactMap(\.id)))
    }
}

/// Keeps the current `DirectorySnapshot`; requests arriving while one is built wait for it
/// rather than build their own.
final class DirectorySnapshots: Sendable {
    private let versions: DataVersions
    private let current = NIOLockedValueBox<DirectorySnapshot?>(nil)
    private let building = NIOLockedValueBox<(version: Int64, task: Task<DirectorySnapshot, any Error>)?>(nil)

    init(versions: DataVersions) {
        self.versions = versions
    }

    func snapshot(on database: any Database, publicURL: String) async throws -> DirectorySnapshot {
        let version = try await versions.current(DataVersions.directory, on: database)
        if let snapshot = current.withLockedValue({ $0 }), snapshot.version == version { return snapshot }
        let task = building.withLockedValue { building -> Task<DirectorySnapshot, any Error> in
            if let running = building, running.version == version { return running.task }
            // Built from the data as it is now, which is at least as new as `version`: a later
            // change moves the version again and so causes another build.
            let task = Task { try await DirectorySnapshot.build(version: version, on: database, publicURL: publicURL) }
            building = (version, task)
            return task
        }
        let built: DirectorySnapshot
        do { built = try await task.value } catch {
            building.withLockedValue { if $0?.version == version { $0 = nil } }
            throw error
        }
        current.withLockedValue { $0 = built }
        building.withLockedValue { if $0?.version == version { $0 = nil } }
        return built
    }
}

extension Request {
    /// The directory as this request's reader may see it.
    func directory() async throws -> DirectorySnapshot.Prepared {
        try await directorySnapshot().prepared(for: DirectoryPolicy.audience(for: currentActor))
    }

    func directorySnapshot() async throws -> DirectorySnapshot {
        try await application.renkei.directory.snapshot(on: db, publicURL: application.renkei.settings.publicURL)
    }
}
