import Foundation

/// How often a team wants its events.
public enum AbuseSchedule: String, Sendable, Hashable, Codable, CaseIterable {
    case immediately
    case hourly
    case daily

    /// Seconds between two notices.
    public var interval: Int64 {
        switch self {
        case .immediately: 0
        case .hourly: 3_600
        case .daily: 86_400
        }
    }
}

/// What a team chose: how often, and which classification types (none chosen: all of them).
public struct AbusePreference: Sendable, Hashable, Codable {
    public var schedule: AbuseSchedule
    public var types: Set<AbuseType>

    /// Until a team chooses: one notice a day, every type, as national CERTs send them.
    public static let standard = AbusePreference(schedule: .daily, types: [])

    public init(schedule: AbuseSchedule, types: Set<AbuseType>) {
        self.schedule = schedule
        self.types = types
    }

    public func wants(_ type: AbuseType) -> Bool { types.isEmpty || types.contains(type) }

    /// Whether a notice is due now for a team with events waiting since `oldestWaiting`: at most
    /// one notice per interval, the first an interval after its first event began to wait.
    /// `flush` sends whatever waits (`renkei abuse notify --flush`).
    public func isDue(lastNoticeAt: Int64?, oldestWaiting: Int64, now: Int64, flush: Bool = false) -> Bool {
        flush || now - (lastNoticeAt ?? oldestWaiting) >= schedule.interval
    }
}

/// One event as a notice lists it.
public struct AbuseNoticeRow: Sendable, Hashable {
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var count: Int
    public var type: AbuseType
    public var ip: String
    public var port: Int?
    public var asn: Int64?
    public var country: String?
    public var fqdn: String?
    public var url: String?
    public var feed: String

    public init(firstSeen: Int64, lastSeen: Int64, count: Int, type: AbuseType, ip: String, port: Int?, asn: Int64?, country: String?,
                fqdn: String?, url: String?, feed: String) {
        (self.firstSeen, self.lastSeen, self.count, self.type, self.ip, self.port) = (firstSeen, lastSeen, count, type, ip, port)
        (self.asn, self.country, self.fqdn, self.url, self.feed) = (asn, country, fqdn, url, feed)
    }
}

/// The rules of a batch notice: its ticket number, its label, its attachment and its text.
public enum AbuseNotice {
    /// The strictest label of the feeds whose events it carries: a notice is as restricted as
    /// its most restricted event. No feed named: AMBER, the default for shared content.
    public static func tlp(of feeds: [TLPLabel]) -> TLPLabel { feeds.max() ?? .default }

    /// `ABUSE-20261207-7K3QXM`: the day (UTC) and 30 random bits in Crockford's base 32, for a
    /// team to quote and read out. Random, not counted: a ticket tells nobody how many notices
    /// went out that day, and two servers sending at once draw different ones.
    public static func ticket(at time: Int64, serial: UInt32) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let code = stride(from: 25, through: 0, by: -5).map { alphabet[Int(serial >> UInt32($0) & 31)] }
        return "ABUSE-\(day(time))-" + String(code)
    }

    /// The day part of a ticket number, `20261207`.
    public static func day(_ time: Int64) -> String {
        Self.stamp(time, "yyyyMMdd")
    }

    static let columns = ["first_seen", "last_seen", "count", "taxonomy", "type", "ip", "port", "asn", "country", "fqdn", "url", "feed"]

    /// The CSV attachment: one row per event, times in ISO 8601 UTC, cells as every Renkei CSV writes them.
    public static func csv(_ rows: [AbuseNoticeRow]) -> String {
        var text = columns.joined(separator: ",") + "\r\n"
        for row in rows {
            let cells = [isoTime(row.firstSeen), isoTime(row.lastSeen), String(row.count), row.type.taxonomy.rawValue, row.type.rawValue, row.ip,
                         row.port.map(String.init) ?? "", row.asn.map(String.init) ?? "", row.country ?? "", row.fqdn ?? "", row.url ?? "", row.feed]
            text += cells.map { CSV.cell($0) }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// The mail's text: the label, the ticket, what it holds by type, and where to acknowledge.
    public static func text(ticket: String, team: String, tlp: TLPLabel, counts: [(type: AbuseType, events: Int)], link: String) -> String {
        let total = counts.reduce(0) { $0 + $1.events }
        var lines = [tlp.text, "", "Ticket \(ticket) for \(team): \(total) event\(total == 1 ? "" : "s") in your constituency.", ""]
        lines += counts.map { "  \($0.type.rawValue): \($0.events)" }
        lines += ["", "The events are attached as CSV (one row per event; count is how often it was seen within 24 hours).",
                  "Acknowledge this notice, and mark events resolved or false positive, on the web:", link,
                  "", "Please quote \(ticket) when you write about these events."]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func isoTime(_ time: Int64) -> String { AbuseTime.format(time) }

    private static func stamp(_ time: Int64, _ format: String) -> String {
        DateFormatter.fixed(format).string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }
}

/// Who may do what with abuse events. Events name addresses in a team's network, often of
/// victims: a team sees its own notices and events, the secretariat runs the pipeline and
/// sees everything, including the queue of events no team took; nobody else sees any.
public enum AbuseAccess {
    /// Taking reports in, configuring feeds, sending notices now.
    public static func mayRunPipeline(_ actor: Actor?) -> Bool { actor?.roles.contains(.secretariat) ?? false }

    /// Reading, acknowledging and closing the events of `team` (nil: the unrouted queue).
    public static func mayHandle(eventsOf team: UUID?, _ actor: Actor?) -> Bool {
        guard let actor else { return false }
        if actor.roles.contains(.secretariat) { return true }
        return team != nil && actor.teamID == team
    }
}

/// Whose events a list or a view covers.
public enum AbuseScope: Sendable, Hashable {
    case community
    case team(UUID)
}

extension AbuseAccess {
    /// Whether the reader has an abuse desk at all: a team's member, or the secretariat.
    public static func hasDesk(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return actor.roles.contains(.secretariat) || actor.teamID != nil
    }

    /// What the reader's notice lists and monitoring views cover when it asks for `team` (nil:
    /// its default): the secretariat, the community or the team it names; a team's member,
    /// its own team only. Nil when the reader may not see what it asked for.
    public static func scope(_ actor: Actor?, asking team: UUID? = nil) -> AbuseScope? {
        guard let actor else { return nil }
        if actor.roles.contains(.secretariat) { return team.map(AbuseScope.team) ?? .community }
        guard let own = actor.teamID, team == nil || team == own else { return nil }
        return .team(own)
    }

    /// Acknowledging a notice: the team's receipt, which its handling statistics measure, so
    /// only the team's own people give it (the secretariat reads and closes, it does not sign for a team).
    public static func mayAcknowledge(noticeOf team: UUID, _ actor: Actor?) -> Bool {
        actor?.teamID == team
    }

    /// Choosing how a team receives its events: its representatives, or the secretariat.
    public static func mayChoosePreference(for team: UUID, _ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return actor.roles.contains(.secretariat) || (actor.teamID == team && actor.roles.contains(.teamRepresentative))
    }
}

/// How long a feed's raw events are kept: counted from when an event was last seen, so an
/// event still being reported stays. The notices and their counts are kept.
public enum AbuseRetention {
    public static let allowedDays = 1...3_650

    /// Events last seen before this instant (seconds) are deleted.
    public static func cutoff(now: Int64, days: Int) -> Int64 { now - Int64(days) * 86_400 }
}
