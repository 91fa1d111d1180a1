import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// Keeps the current resolver. When the teams or an imported dataset change, new tables are
/// built in the background, one build at a time, and swapped in whole; until they are ready
/// every lookup is answered from the previous tables, so no request waits for a rebuild (only
/// the very first build of a process is waited for). A lookup sees the old tables or the new
/// ones, never a mix, and its answer names the imports it used (`Resolution.datasets`).
final class LookupService: LifecycleHandler, Sendable {
    private struct Snapshot: Sendable {
        var version: Version
        var resolver: Resolver
        var registry: RegistryTables
        /// The imported constituency entries, parsed once per import.
        var extra: [ConstituencyCSV.Entry]
        var extraSource: DatasetSource?
    }

    /// What the resolver was built from: the directory's version and each dataset's
    /// (`DataVersions`), read from memory, so a lookup costs no query while nothing changed.
    struct Version: Sendable, Equatable {
        var teams: Int64
        var datasets: [String: Int64]
    }

    private struct State {
        var snapshot: Snapshot?
        /// The newest version asked for; the build under way catches up with it before it ends.
        var wanted: Version?
        var building: Task<Void, any Error>?
    }

    private let versions: DataVersions
    private let state = NIOLockedValueBox(State())
    private let logger = Logger(label: "renkei.lookup")
    /// Builds run here, beside the event loops and Swift's cooperative threads, so the CPU work
    /// of a full routing table does not hold up the requests being answered meanwhile.
    private static let buildQueue = DispatchQueue(label: "renkei.lookup.build", qos: .utility)

    init(versions: DataVersions = DataVersions()) {
        self.versions = versions
    }

    /// The resolver to answer with now: the current tables, even while newer ones are being
    /// built (which this starts when the data moved on).
    func resolver(on database: any Database) async throws -> Resolver {
        try await versionedResolver(on: database).resolver
    }

    /// `resolver(on:)` with the version it was built from, for what is computed from it once
    /// per version (`AddressCoverageCache`).
    func versionedResolver(on database: any Database) async throws -> (resolver: Resolver, version: Version) {
        let version = try await version(on: database)
        let current = state.withLockedValue { state -> Snapshot? in
            if let snapshot = state.snapshot, snapshot.version == version { return snapshot }
            _ = startBuilding(version, state: &state, on: database)
            return state.snapshot
        }
        if let current { return (current.resolver, current.version) }
        // No tables at all yet: the process's first build.
        return (try await upToDateResolver(on: database), version)
    }

    /// The resolver for the database's state as it is now, waiting for the build if needed:
    /// for commands and tests that change data and look up at once.
    func upToDateResolver(on database: any Database) async throws -> Resolver {
        while true {
            let version = try await version(on: database)
            let (current, build) = state.withLockedValue { state -> (Snapshot?, Task<Void, any Error>?) in
                if let snapshot = state.snapshot, snapshot.version == version { return (snapshot, nil) }
                return (nil, startBuilding(version, state: &state, on: database))
            }
            if let current { return current.resolver }
            try await build?.value
        }
    }

    /// Starts building when the data moved on (the server's once-a-second round), so the new
    /// tables are usually ready before the first lookup that needs them.
    func refresh(on database: any Database) async throws {
        _ = try await resolver(on: database)
    }

    /// Whether new tables are being built now.
    var isBuilding: Bool { state.withLockedValue { $0.building != nil } }

    /// A build under way finishes before the database closes.
    func shutdownAsync(_ application: Application) async {
        let running = state.withLockedValue { $0.building }
        _ = try? await running?.value
    }

    func version(on database: any Database) async throws -> Version {
        let all = try await versions.all(on: database)
        let datasets = DatasetKind.allCases.map(\.rawValue).map { ($0, all[DataVersions.dataset($0)] ?? 0) }
        return Version(teams: all[DataVersions.directory] ?? 0, datasets: Dictionary(uniqueKeysWithValues: datasets))
    }

    /// Notes `version` as wanted and returns the build that will reach it, starting one if none
    /// runs. A running build picks up the newer version when it finishes, so at most the old
    /// tables and one new set are held at a time.
    private func startBuilding(_ version: Version, state: inout State, on database: any Database) -> Task<Void, any Error> {
        state.wanted = version
        if let running = state.building { return running }
        let task = Task {
            while true {
                let (target, previous) = self.state.withLockedValue { ($0.wanted!, $0.snapshot) }
                let built: Snapshot
                do { built = try await self.build(version: target, previous: previous, on: database) } catch {
                    self.state.withLockedValue { $0.building = nil }
                    self.logger.report(error: error)
                    throw error
                }
                let done = self.state.withLockedValue { state -> Bool in
                    state.snapshot = built
                    guard state.wanted == target else { return false }
                    state.building = nil
                    return true
                }
                if done {
                    // The previous tables and the build's scratch arrays are gone: give the
                    // memory back (off the request threads), so a daily import does not leave
                    // the server larger.
                    Self.buildQueue.async { ProcessMemory.releaseFreed() }
                    return
                }
            }
        }
        state.building = task
        return task
    }

    /// New tables for `version`. The RIR and routing tables are rebuilt only when their own
    /// import changed, the constituency file is parsed only when it changed; a team's edit
    /// rebuilds only the small team tables. A stored import that cannot be read is left out
    /// (and logged), so lookups go on with the rest.
    private func build(version: Version, previous: Snapshot?, on database: any Database) async throws -> Snapshot {
        let started = ContinuousClock.now
        func unchanged(_ kind: DatasetKind) -> Bool {
            previous?.version.datasets[kind.rawValue] == version.datasets[kind.rawValue]
        }
        let keptRegistration = unchanged(.rir) ? previous?.registry.registration : nil
        let keptRouting = unchanged(.pfx2as) ? previous?.registry.routing : nil
        let keptExtra = unchanged(.constituency) ? previous.map { ($0.extra, $0.extraSource) } : nil
        let rir = keptRegistration == nil ? try await DatasetImportModel.current(.rir, on: database) : nil
        let routes = keptRouting == nil ? try await DatasetImportModel.current(.pfx2as, on: database) : nil
        let constituency = keptExtra == nil ? try await DatasetImportModel.current(.constituency, on: database) : nil
        let teams = try await TeamModel.query(on: database).all().map(\.record)
        let logger = logger
        let (registry, extra, resolver) = try await Self.offloaded {
            let registration = keptRegistration ?? Self.decoded(rir, logger: logger, DatasetCoding.decodeRegistration)
                .map { RegistrationTables($0.data, dataset: $0.source) } ?? RegistrationTables()
            let routing = keptRouting ?? Self.decoded(routes, logger: logger, DatasetCoding.decodeRouting)
                .map { RoutingTables($0.data, dataset: $0.source) } ?? RoutingTables()
            let registry = RegistryTables(registration: registration, routing: routing)
            // Entries of teams that are gone are left out by the resolver.
            let extra = keptExtra ?? (constituency.map { ConstituencyCSV.parse(String(decoding: $0.payload, as: UTF8.self), knownTeams: nil).entries } ?? [],
                                      constituency?.datasetSource)
            return (registry, extra, Resolver(teams: teams, registry: registry, extra: extra.0, extraSource: extra.1))
        }
        let elapsed = ContinuousClock.now - started
        let rebuilt = [keptRegistration == nil ? "rir" : nil, keptRouting == nil ? "pfx2as" : nil, keptExtra == nil ? "constituency" : nil].compactMap { $0 }
        logger.info("lookup tables ready: built in \(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000) ms",
                    metadata: ["teams": "\(teams.count)", "datasets": "\(resolver.datasets.map { "\($0.kind.rawValue) \($0.id) (\($0.entries))" })",
                               "reread": "\(rebuilt)"])
        return Snapshot(version: version, resolver: resolver, registry: registry, extra: extra.0, extraSource: extra.1)
    }

    /// The stored import's data, or nil (logged) when it cannot be read.
    private static func decoded<Parsed>(_ model: DatasetImportModel?, logger: Logger,
                                      _ decode: (UnsafeRawBufferPointer) throws(DatasetCoding.Error) -> Parsed) -> (data: Parsed, source: DatasetSource?)? {
        guard let model else { return nil }
        do {
            return (try model.payload.withUnsafeBytes { try decode($0) }, model.datasetSource)
        } catch {
            logger.error("The \(model.kind) import \(model.id?.uuidString ?? "") (\(model.source)) cannot be read: \(error). Lookups go on without it; import the data again or run `renkei import rollback \(model.kind)`.")
            return nil
        }
    }

    private static func offloaded<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            buildQueue.async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}
