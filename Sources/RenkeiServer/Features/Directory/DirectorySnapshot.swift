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
    /// The membership status of each team whose record names a kind of membership, by id:
    /// where a signed-in person's team stands is asked on every request
    /// (`TeamStatusMiddleware`). A status change moves the directory's version.
    let memberStatuses: [UUID: MembershipStatus]
    /// Each team's slug and short name, by id, for naming teams items are shared with.
    let teamNames: [UUID: (slug: String, name: String)]
    /// The directory pages rendered from this snapshot for visitors without a session.
    let anonymousPages = DirectoryPageCache<ByteBuffer>()
    /// The Global IRT answers made from this snapshot (`GlobalIRTController`).
    let globalIRTAnswers = DirectoryPageCache<GlobalIRTController.Answer>()

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
        let recorded = try await MembershipStore.recordedStatuses(on: database)
        var memberStatuses: [UUID: MembershipStatus] = [:], teamNames: [UUID: (slug: String, name: String)] = [:]
        for model in models {
            guard let id = model.id else { continue }
            teamNames[id] = (model.record.slug, model.record.shortName)
            if model.record.memberType != nil { memberStatuses[id] = MembershipStatus(recorded: recorded[id]) }
        }
        return DirectorySnapshot(version: version, everyone: try prepare(.everyone), members: try prepare(.members),
                                 memberStatuses: memberStatuses, teamNames: teamNames)
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

    /// The names of the people, teams and SIGs `items` are shared with, the teams' and SIGs' from the snapshots.
    func displayNames(for items: [SharedItem]) async throws -> DisplayNames {
        try await DisplayNames.load(for: items, teamNames: directorySnapshot().teamNames, sigNames: sigSnapshot().names,
                                    people: application.renkei.peopleNames, on: db)
    }

    /// The names of the teams holding `artifacts`, from the snapshot.
    func displayNames(for artifacts: [Artifact]) async throws -> DisplayNames {
        DisplayNames(users: [:], teams: try await directorySnapshot().teamNames)
    }
}
