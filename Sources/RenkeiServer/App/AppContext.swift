import Foundation
import NIOConcurrencyHelpers
import Metrics
import Prometheus
import RenkeiCore
import Vapor

/// The application's own services, kept in Vapor's storage.
final class AppContext: Sendable {
    let settings: Settings
    let editing: TeamEditing
    let signInThrottle: SignInThrottle
    /// Change counters of the data kept in memory, and what is kept (the lookup tables, the
    /// directory snapshot), each rebuilt when its counter moves.
    let versions: DataVersions
    let lookup: LookupService
    let addressCoverage = AddressCoverageCache()
    let communityCoverage = CommunityCoverageCache()
    let responseTimes = ResponseTimesCache()
    let directory: DirectorySnapshots
    /// Shared items decoded from their stored documents, and their API documents encoded, for
    /// the lists everyone reads.
    let decodedItems = VersionedItemCache<SharedItem>()
    let itemDocuments = VersionedItemCache<ItemPageJSON.Document>()
    let peopleNames: PeopleNames
    let sigs: SIGRegistry
    let rateLimiter = RateLimiter()
    let auditWriter = AuditWriter()
    let clock = AppClock()
    let isDemo: Bool
    let mail: MailAddressing
    /// The lists' signing and decryption key.
    let keyring: ListKeyring

    init(settings: Settings, isDemo: Bool) {
        self.settings = settings
        let versions = DataVersions()
        self.versions = versions
        lookup = LookupService(versions: versions)
        directory = DirectorySnapshots(versions: versions)
        peopleNames = PeopleNames(versions: versions)
        sigs = SIGRegistry(versions: versions)
        // Several servers may share a PostgreSQL database, and then a guesser must meet one history.
        if case .postgres = settings.database { signInThrottle = SignInThrottle(sharedInDatabase: true) } else { signInThrottle = SignInThrottle() }
        let gnupg = GnuPG(binary: GnuPG.resolve(settings.gpgBinary))
        self.editing = TeamEditing(gnupg: gnupg)
        self.isDemo = isDemo
        mail = MailAddressing(domain: settings.mailDomain, publicURL: settings.publicURL)
        keyring = ListKeyring(gnupg: gnupg, home: settings.gpgHome, userID: "Renkei lists <lists@\(settings.mailDomain)>")
    }
}

extension Application {
    private struct ContextKey: StorageKey { typealias Value = AppContext }

    var renkei: AppContext {
        get {
            guard let context = storage[ContextKey.self] else { fatalError("configure(_:settings:) was not called") }
            return context
        }
        set { storage[ContextKey.self] = newValue }
    }

    var lookup: LookupService { renkei.lookup }
}

/// The time the application acts at. Deadlines of the membership process depend on it, so
/// tests move it forward instead of waiting.
final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    var now: Date { Date().addingTimeInterval(offset.withLockedValue { $0 }) }

    func advance(by interval: TimeInterval) {
        offset.withLockedValue { $0 += interval }
    }
}

/// swift-metrics may be bootstrapped once per process; tests create many applications.
enum Metrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
