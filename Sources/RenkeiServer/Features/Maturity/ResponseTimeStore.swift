import Fluent
import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import SQLKit

/// A team's response times over the last 90 days (`TeamResponseTimes`), read from the
/// requests addressed to it, its abuse notices and its reachability challenges, each by an
/// index on the team and the date; and whom the team shows them.
enum ResponseTimeStore {
    /// Until the team chooses, its own people and the secretariat: the times say when the team
    /// answered each reachability test, which is the team's to publish.
    static func visibility(of teamID: UUID, on database: any Database) async throws -> MetricVisibility {
        try await ResponseTimesChoiceModel.find(teamID, on: database).flatMap { MetricVisibility(rawValue: $0.visibility) } ?? .private
    }

    static func choose(_ visibility: MetricVisibility, for teamID: UUID, on database: any Database) async throws {
        let choice = try await ResponseTimesChoiceModel.find(teamID, on: database) ?? {
            let model = ResponseTimesChoiceModel()
            model.id = teamID
            return model
        }()
        choice.visibility = visibility.rawValue
        try await choice.save(on: database)
    }

    static func times(of teamID: UUID, now: Date, on database: any Database) async throws -> TeamResponseTimes {
        let since = TeamResponseTimes.since(now)
        return TeamResponseTimes(requests: try await requests(to: teamID, since: since, on: database),
                                 abuseNotices: try await abuseNotices(to: teamID, since: since, on: database),
                                 reachabilityTests: try await reachability(of: teamID, since: since, on: database))
    }

    /// Requests addressed to the team (its grant in the read index), not by its own people.
    private static func requests(to teamID: UUID, since: Date, on database: any Database) async throws -> ResponseTime {
        let rows = try await database.sql.raw("""
            SELECT i.document FROM item_audiences a JOIN shared_items i ON i.id = a.item_id
            WHERE a.kind = \(bind: ReadGrant.Kind.team.rawValue) AND a.member_id = \(bind: teamID)
            AND a.created_ms >= \(bind: SharedItemModel.milliseconds(since)) AND i.kind = \(bind: SharedItem.Kind.request.rawValue)
            """).all()
        var items: [SharedItem] = []
        for row in rows { items.append(try SharedItemModel.decode(try row.decode(column: "document", as: String.self))) }
        items = items.filter { $0.authorTeamID != teamID }
        let authors = Set(items.flatMap { $0.replies.compactMap(\.authorUserID) })
        var teamOf: [UUID: UUID] = [:]
        for user in try await UserModel.query(on: database).filter(\.$id ~~ Array(authors)).all() { teamOf[user.id!] = user.$team.id }
        return ResponseTime(waits: items.map { item in
            TeamResponseTimes.firstReply(to: item, byTeam: teamID, teamOf: { teamOf[$0] }).map { $0.timeIntervalSince(item.createdAt) }
        })
    }

    private static func abuseNotices(to teamID: UUID, since: Date, on database: any Database) async throws -> ResponseTime {
        let notices = try await AbuseNoticeModel.query(on: database).filter(\.$teamID == teamID).filter(\.$createdAt >= since).all()
        return ResponseTime(waits: notices.map { notice in notice.acknowledgedAt.map { $0.timeIntervalSince(notice.createdAt) } })
    }

    private static func reachability(of teamID: UUID, since: Date, on database: any Database) async throws -> ResponseTime {
        let challenges = try await ReachabilityChallengeModel.query(on: database).filter(\.$teamID == teamID).filter(\.$sentAt >= since).all()
        return ResponseTime(waits: challenges.map { challenge in challenge.answeredAt.map { $0.timeIntervalSince(challenge.sentAt) } })
    }
}

/// Each team's response times, kept for `lifetime` after they were computed: they cover 90
/// days, and reading a busy team's requests of 90 days takes a quarter of a second at a
/// million items, too long for every view of its page.
final class ResponseTimesCache: Sendable {
    static let lifetime: TimeInterval = 300
    private let kept = NIOLockedValueBox<[UUID: (at: Date, times: TeamResponseTimes)]>([:])

    func times(of teamID: UUID, now: Date, compute: () async throws -> TeamResponseTimes) async throws -> TeamResponseTimes {
        if let kept = kept.withLockedValue({ $0[teamID] }), now.timeIntervalSince(kept.at) < Self.lifetime, kept.at <= now { return kept.times }
        let times = try await compute()
        kept.withLockedValue { kept in
            // At most one entry per team of the directory; stale ones are dropped as they are met.
            kept = kept.filter { now.timeIntervalSince($0.value.at) < Self.lifetime }
            kept[teamID] = (now, times)
        }
        return times
    }
}
