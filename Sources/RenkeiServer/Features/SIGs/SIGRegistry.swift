import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// Every SIG and every taken seat, kept in memory while the `sigs` change counter stands: the
/// signed-in reader's seats are part of every access check (`Request.currentActor`), so they
/// are not a query per request. Each write to a SIG or a participation moves the counter in
/// its transaction (`SIGStore`), on this server at once and on others within a second.
final class SIGRegistry: Sendable {
    struct Snapshot: Sendable {
        var version: Int64
        var sigs: [UUID: SpecialInterestGroup]
        var seatsByUser: [UUID: [SIGSeat]]
        /// When each chair's term ends, by SIG and person.
        var chairTerms: [UUID: [UUID: Date]]
        var activeCountBySIG: [UUID: Int]

        var names: [UUID: (slug: String, name: String)] { sigs.mapValues { ($0.slug, $0.name) } }

        func chairs(of sig: UUID, at now: Date) -> [UUID] {
            (chairTerms[sig] ?? [:]).filter { $0.value > now }.map(\.key)
        }
    }

    private let versions: DataVersions
    private let kept = NIOLockedValueBox<Snapshot?>(nil)

    init(versions: DataVersions) {
        self.versions = versions
    }

    /// The snapshot at the current counter, read again only when it moved.
    func snapshot(on database: any Database) async throws -> Snapshot {
        let version = try await versions.current(DataVersions.sigs, on: database)
        if let known = kept.withLockedValue({ $0 }), known.version == version { return known }
        let snapshot = try await Self.load(version: version, on: database)
        kept.withLockedValue { kept in
            if !database.inTransaction, (kept?.version ?? -1) < version { kept = snapshot }
        }
        return snapshot
    }

    static func load(version: Int64, on database: any Database) async throws -> Snapshot {
        var sigs: [UUID: SpecialInterestGroup] = [:]
        for model in try await SIGModel.query(on: database).all() {
            let sig = try model.sig()
            sigs[sig.id] = sig
        }
        var seats: [UUID: [SIGSeat]] = [:], chairs: [UUID: [UUID: Date]] = [:], counts: [UUID: Int] = [:]
        for model in try await SIGParticipantModel.query(on: database).filter(\.$state == SIGParticipant.State.active.rawValue).all() {
            let participant = model.participant
            guard let seat = participant.seat else { continue }
            seats[participant.userID, default: []].append(seat)
            counts[participant.sigID, default: 0] += 1
            if let until = participant.chairUntil { chairs[participant.sigID, default: [:]][participant.userID] = until }
        }
        return Snapshot(version: version, sigs: sigs, seatsByUser: seats, chairTerms: chairs, activeCountBySIG: counts)
    }

    /// The seats of `users`, read from the database: for the readers of a mail fan-out or a
    /// notice, who are not the request's signed-in reader.
    static func seats(of users: Set<UUID>, on database: any Database) async throws -> [UUID: [SIGSeat]] {
        guard !users.isEmpty else { return [:] }
        var seats: [UUID: [SIGSeat]] = [:]
        for model in try await SIGParticipantModel.query(on: database).filter(\.$userID ~~ Array(users))
            .filter(\.$state == SIGParticipant.State.active.rawValue).all() {
            if let seat = model.participant.seat { seats[model.userID, default: []].append(seat) }
        }
        return seats
    }
}

extension Request {
    func sigSnapshot() async throws -> SIGRegistry.Snapshot {
        try await application.renkei.sigs.snapshot(on: db)
    }
}
