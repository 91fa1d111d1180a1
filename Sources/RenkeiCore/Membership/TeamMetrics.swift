import Foundation

/// Who a team shows one of its metrics to (its SIM3 profile, its response times). The team's
/// own people and the secretariat always read them.
public enum MetricVisibility: String, Sendable, Hashable, Codable, CaseIterable {
    case `public`, members, `private`

    public var label: String {
        switch self {
        case .public: "Everyone, signed in or not"
        case .members: "Members of the community"
        case .private: "Our team and the secretariat only"
        }
    }

    /// The team's representatives choose whom its metrics are shown (and keep its SIM3
    /// profile); nobody else, the secretariat included: what a team publishes is its word.
    public static func canChoose(teamID: UUID, actor: Actor?) -> Bool {
        guard let actor, actor.teamID == teamID, actor.roles.contains(.teamRepresentative) else { return false }
        return actor.teamStatus.map { $0 == .active || $0 == .suspended } ?? true
    }

    /// A suspended team's people read as members do elsewhere; a terminated one's read what
    /// the public reads.
    public func allows(_ actor: Actor?, teamOf teamID: UUID) -> Bool {
        if self == .public { return true }
        guard let actor else { return false }
        if actor.roles.contains(.secretariat) || actor.teamID == teamID { return true }
        return self == .members && DirectoryPolicy.audience(for: actor) == .members
    }
}

/// How fast something was answered over a window: how many there were, how many were
/// answered, and the median and 90th percentile of the answered ones' waits.
public struct ResponseTime: Sendable, Hashable, Codable {
    public var count: Int
    public var answered: Int
    public var medianSeconds: Double?
    public var p90Seconds: Double?

    /// `waits[i]` is nil for one not answered (yet).
    public init(waits: [TimeInterval?]) {
        let answered = waits.compactMap { $0.map { max(0, $0) } }
        count = waits.count
        self.answered = answered.count
        medianSeconds = ResponseStatistics.median(answered)
        p90Seconds = ResponseStatistics.percentile(answered, 90)
    }
}

/// A team's response times over the last `windowDays` days, measured from what the platform
/// sees: its first reply to requests addressed to it, its acknowledgement of abuse notices,
/// its answer to reachability tests.
public struct TeamResponseTimes: Sendable, Hashable, Codable {
    public static let windowDays = 90

    public var requests: ResponseTime
    public var abuseNotices: ResponseTime
    public var reachabilityTests: ResponseTime

    public init(requests: ResponseTime, abuseNotices: ResponseTime, reachabilityTests: ResponseTime) {
        (self.requests, self.abuseNotices, self.reachabilityTests) = (requests, abuseNotices, reachabilityTests)
    }

    /// Where the window begins.
    public static func since(_ now: Date) -> Date { now.addingTimeInterval(-Double(windowDays) * 86_400) }

    /// The first reply to a request by a person of the team it was addressed to: replies by
    /// others (the requester, another team, the lookup) do not answer for the team.
    public static func firstReply(to request: SharedItem, byTeam teamID: UUID, teamOf: (UUID) -> UUID?) -> Date? {
        request.replies.filter { reply in reply.authorUserID.flatMap(teamOf) == teamID }.map(\.at).min()
    }
}
