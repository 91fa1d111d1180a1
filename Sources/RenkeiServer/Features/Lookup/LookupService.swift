import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// Keeps the current resolver: rebuilt when the teams or an imported dataset change, and
/// swapped whole, so a lookup sees the old tables or the new ones, never a mix.
final class LookupService: Sendable {
    private struct Snapshot: Sendable {
        var version: Version
        var resolver: Resolver
        var registryVersion: [String: Int64]
        var registry: RegistryTables
    }

    /// What the resolver was built from: the directory's version and each dataset's
    /// (`DataVersions`), read from memory, so a lookup costs no query while nothing changed.
    struct Version: Sendable, Equatable {
        var teams: Int64
        var datasets: [String: Int64]
    }

    private let versions: DataVersions
    private let snapshot = NIOLockedValueBox<Snapshot?>(nil)
    /// The build under way, so requests arriving meanwhile wait for it instead of building too.
    private let building = NIOLockedValueBox<(version: Version, task: Task<Snapshot, any Error>)?>(nil)

    init(versions: DataVersions = DataVersions()) {
        self.versions = versions
    }

    /// The resolver for the database's current state; rebuilt first if anything changed.
    func resolver(on database: any Database) async throws -> Resolver {
        let version = try await version(on: database)
        if let current = snapshot.withLockedValue({ $0 }), current.version == version { return current.resolver }
        let task = building.withLockedValue { building -> Task<Snapshot, any Error> in
            if let running = building, running.version == version { return running.task }
            let previous = snapshot.withLockedValue { $0 }
            let task = Task { try await self.build(version: version, previous: previous, on: database) }
            building = (version, task)
            return task
        }
        let built = try await task.value
        snapshot.withLockedValue { $0 = built }
        return built.resolver
    }

    func version(on database: any Database) async throws -> Version {
        let all = try await versions.all(on: database)
        let datasets = DatasetModel.Kind.allCases.map(\.rawValue).map { ($0, all[DataVersions.dataset($0)] ?? 0) }
        return Version(teams: all[DataVersions.directory] ?? 0, datasets: Dictionary(uniqueKeysWithValues: datasets))
    }

    private func build(version: Version, previous: Snapshot?, on database: any Database) async throws -> Snapshot {
        let registryKinds = [DatasetModel.Kind.rir.rawValue, DatasetModel.Kind.pfx2as.rawValue]
        let registryVersion = version.datasets.filter { registryKinds.contains($0.key) }
        var registry: RegistryTables
        if let previous, previous.registryVersion == registryVersion {
            registry = previous.registry
        } else {
            var registration = RegistrationData()
            var routing = RoutingData()
            var sources = RegistryTables.Sources()
            if let rir = try await DatasetModel.query(on: database).filter(\.$kind == DatasetModel.Kind.rir.rawValue).first() {
                RIRDelegated.parse(rir.content, into: &registration)
                sources.registration = rir.summary
            }
            if let routes = try await DatasetModel.query(on: database).filter(\.$kind == DatasetModel.Kind.pfx2as.rawValue).first() {
                PrefixToAS.parse(routes.content, into: &routing)
                sources.routing = routes.summary
            }
            registry = RegistryTables(registration: registration, routing: routing, sources: sources)
        }
        let teams = try await TeamModel.query(on: database).all().map(\.record)
        var extra: [ConstituencyCSV.Entry] = []
        if let csv = try await DatasetModel.query(on: database).filter(\.$kind == DatasetModel.Kind.constituency.rawValue).first() {
            extra = ConstituencyCSV.parse(csv.content, knownTeams: Set(teams.map(\.slug))).entries
        }
        return Snapshot(version: version, resolver: Resolver(teams: teams, registry: registry, extra: extra),
                        registryVersion: registryVersion, registry: registry)
    }
}
