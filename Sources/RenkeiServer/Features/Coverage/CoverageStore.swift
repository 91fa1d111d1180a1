import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// Loads what the coverage figures are computed from: the directory as the public sees it,
/// the membership statuses with when they last changed, and the lookup tables.
enum CoverageStore {
    /// The community's coverage as of `now` (kept per directory version and year), from public data only: the public directory's
    /// records (where a team is based, its type, its membership and since when, all shown to
    /// everyone) and the membership statuses (shown on every team's page).
    static func community(snapshot: DirectorySnapshot, now: Date, cache: CommunityCoverageCache, on database: any Database) async throws -> CommunityCoverage {
        let year = CoverageTeam.year(of: now)
        if let kept = cache.value(version: snapshot.version, year: year) { return kept }
        let coverage = try await community(snapshot: snapshot, year: year, on: database)
        cache.keep(coverage, version: snapshot.version, year: year)
        return coverage
    }

    private static func community(snapshot: DirectorySnapshot, year: Int, on database: any Database) async throws -> CommunityCoverage {
        let statuses = try await MembershipStatusModel.query(on: database).all()
        var bySlug: [String: MembershipStatusModel] = [:]
        for status in statuses {
            if let id = status.id, let slug = snapshot.teamNames[id]?.slug { bySlug[slug] = status }
        }
        let teams = snapshot.everyone.view.entries.map { entry in
            let status = bySlug[entry.record.slug]
            return CoverageTeam(record: entry.record, status: status.map { MembershipStatus(recorded: $0.status) }, statusChangedAt: status?.changedAt)
        }
        return CommunityCoverage(teams: teams, year: year)
    }

    /// The address coverage `audience` may know of, computed once per version of the lookup tables.
    static func addresses(for audience: DirectoryAudience, application: Application, on database: any Database) async throws -> (coverage: AddressCoverage, datasets: [DatasetSource]) {
        let (resolver, version) = try await application.lookup.versionedResolver(on: database)
        let coverage = await application.renkei.addressCoverage.value(version: version, audience: audience) {
            resolver.addressCoverage(audience: audience)
        }
        return (coverage, resolver.datasets(for: audience))
    }
}

/// The address coverage of the current lookup tables, by audience: at Internet size it takes
/// about a second to compute, so it is computed once per version of the tables, off Swift's
/// cooperative threads, and requests arriving meanwhile wait for that one computation.
final class AddressCoverageCache: Sendable {
    private let kept = NIOLockedValueBox<(version: LookupService.Version, byAudience: [DirectoryAudience: Task<AddressCoverage, Never>])?>(nil)
    private static let queue = DispatchQueue(label: "renkei.coverage", qos: .utility)

    func value(version: LookupService.Version, audience: DirectoryAudience, compute: @escaping @Sendable () -> AddressCoverage) async -> AddressCoverage {
        let task = kept.withLockedValue { kept -> Task<AddressCoverage, Never> in
            if kept?.version != version { kept = (version, [:]) }
            if let running = kept?.byAudience[audience] { return running }
            let task = Task {
                await withCheckedContinuation { continuation in Self.queue.async { continuation.resume(returning: compute()) } }
            }
            kept?.byAudience[audience] = task
            return task
        }
        return await task.value
    }
}

/// The community's coverage of the current directory snapshot: a membership status change
/// moves the directory's version too, so the version and the year say when it is out of date.
final class CommunityCoverageCache: Sendable {
    private let kept = NIOLockedValueBox<(version: Int64, year: Int, coverage: CommunityCoverage)?>(nil)

    func value(version: Int64, year: Int) -> CommunityCoverage? {
        kept.withLockedValue { kept in kept.flatMap { $0.version == version && $0.year == year ? $0.coverage : nil } }
    }

    func keep(_ coverage: CommunityCoverage, version: Int64, year: Int) {
        kept.withLockedValue { $0 = (version, year, coverage) }
    }
}
