import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// Loads what the coverage figures are computed from: the directory as the public sees it,
/// the membership statuses with when they last changed, and the lookup tables.
enum CoverageStore {
    /// The community's coverage as of `now`, from public data only: the public directory's
    /// records (where a team is based, its type, its membership and since when, all shown to
    /// everyone) and the membership statuses (shown on every team's page).
    static func community(snapshot: DirectorySnapshot, now: Date, on database: any Database) async throws -> CommunityCoverage {
        let statuses = try await MembershipStatusModel.query(on: database).all()
        var bySlug: [String: MembershipStatusModel] = [:]
        for status in statuses {
            if let id = status.id, let slug = snapshot.teamNames[id]?.slug { bySlug[slug] = status }
        }
        let teams = snapshot.everyone.view.entries.map { entry in
            let status = bySlug[entry.record.slug]
            return CoverageTeam(record: entry.record, status: status.map { MembershipStatus(recorded: $0.status) }, statusChangedAt: status?.changedAt)
        }
        return CommunityCoverage(teams: teams, year: CoverageTeam.year(of: now))
    }

    /// The address coverage `audience` may know of, computed once per version of the lookup tables.
    static func addresses(for audience: DirectoryAudience, application: Application, on database: any Database) async throws -> (coverage: AddressCoverage, datasets: [DatasetSource]) {
        let (resolver, version) = try await application.lookup.versionedResolver(on: database)
        let coverage = application.renkei.addressCoverage.value(version: version, audience: audience) {
            resolver.addressCoverage(audience: audience)
        }
        return (coverage, resolver.datasets(for: audience))
    }
}

/// The address coverage of the current lookup tables, by audience: at Internet size it takes
/// about a second to compute, so it is computed once per version of the tables.
final class AddressCoverageCache: Sendable {
    private let kept = NIOLockedValueBox<(version: LookupService.Version, byAudience: [DirectoryAudience: AddressCoverage])?>(nil)

    func value(version: LookupService.Version, audience: DirectoryAudience, compute: () -> AddressCoverage) -> AddressCoverage {
        if let kept = kept.withLockedValue({ $0 }), kept.version == version, let coverage = kept.byAudience[audience] { return coverage }
        let coverage = compute()
        kept.withLockedValue { kept in
            if kept?.version != version { kept = (version, [:]) }
            kept?.byAudience[audience] = coverage
        }
        return coverage
    }
}
