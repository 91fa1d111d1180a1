import Crypto
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

/// How a notice carries its events.
public enum AbuseAttachment: String, Sendable, Hashable, Codable, CaseIterable {
    /// `AbuseNotice.csv`: for spreadsheets and scripts.
    case csv
    /// `AbuseNotice.xarf`: XARF v4 reports, for abuse desks' ticket systems.
    case xarf
}

/// What a team chose: how often, which classification types (none chosen: all of them), and
/// the attachment.
public struct AbusePreference: Sendable, Hashable, Codable {
    public var schedule: AbuseSchedule
    public var types: Set<AbuseType>
    public var attachment: AbuseAttachment

    /// Until a team chooses: one notice a day, every type, as CSV, as national CERTs send them.
    public static let standard = AbusePreference(schedule: .daily, types: [])

    public init(schedule: AbuseSchedule, types: Set<AbuseType>, attachment: AbuseAttachment = .csv) {
        self.schedule = schedule
        self.types = types
        self.attachment = attachment
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

    /// Who files the XARF reports: the platform's abuse desk.
    public struct XARFSender: Sendable, Hashable {
        public var org: String
        public var contact: String
        public var domain: String

        public init(org: String, contact: String, domain: String) {
            (self.org, self.contact, self.domain) = (org, contact, domain)
        }
    }

    /// Renkei's types as XARF v4 categories and types (xarf/xarf-spec, schemas/v4): the nearest
    /// of each; a type XARF has no word for is `reputation`/`threat_intelligence`.
    public static func xarfClass(of type: AbuseType) -> (category: String, type: String) {
        switch type {
        case .spam: ("messaging", "spam")
        case .scanner: ("connection", "port_scan")
        case .bruteForce: ("connection", "login_attack")
        case .ddos, .dos: ("connection", "ddos")
        case .ddosAmplifier: ("connection", "ddos_amplification")
        case .phishing: ("content", "phishing")
        case .malwareDistribution: ("content", "malware")
        case .masquerade: ("content", "fraud")
        case .dataLeak: ("content", "exposed_data")
        case .infectedSystem: ("infrastructure", "bot")
        case .c2Server, .systemCompromise, .applicationCompromise: ("infrastructure", "compromised_server")
        case .openService, .potentiallyUnwantedAccessible: ("vulnerability", "open")
        case .vulnerableSystem, .weakCrypto, .informationDisclosure: ("vulnerability", "misconfiguration")
        case .copyright: ("copyright", "copyright")
        case .blacklist: ("reputation", "blocklist")
        default: ("reputation", "threat_intelligence")
        }
    }

    /// The XARF attachment: a JSON array of one XARF v4 report per event (XARF's own rule: one
    /// incident, one report), each with the core schema's required fields, its ticket-derived
    /// `report_id`, and Renkei's count, last sighting and feed as extra properties.
    public static func xarf(_ rows: [AbuseNoticeRow], ticket: String, sender: XARFSender) -> String {
        let party = JSONValue.object([("org", .string(sender.org)), ("contact", .string(sender.contact)), ("domain", .string(sender.domain))])
        let reports = rows.enumerated().map { index, row -> JSONValue in
            let (category, type) = xarfClass(of: row.type)
            let source = !row.ip.isEmpty ? row.ip : row.fqdn ?? row.url.flatMap { URLComponents(string: $0)?.host } ?? ""
            var fields: [(key: String, value: JSONValue)] = [
                ("xarf_version", .string("4.0.0")), ("report_id", .string(reportID(ticket: ticket, index: index))),
                ("timestamp", .string(isoTime(row.firstSeen))), ("reporter", party), ("sender", party),
                ("source_identifier", .string(source)),
            ]
            if let port = row.port, (1...65_535).contains(port) { fields.append(("source_port", .number(Double(port)))) }
            fields += [("category", .string(category)), ("type", .string(type))]
            if let url = row.url { fields.append(("url", .string(url))) }
            if let asn = row.asn { fields.append(("asn", .string("AS\(asn)"))) }
            fields += [("description", .string("\(row.count) report\(row.count == 1 ? "" : "s") of \(row.type.rawValue) from \(isoTime(row.firstSeen)) to \(isoTime(row.lastSeen)) (feed \(row.feed), notice \(ticket))")),
                       ("count", .number(Double(row.count))), ("last_seen", .string(isoTime(row.lastSeen))), ("feed", .string(row.feed))]
            return .object(fields)
        }
        return JSONValue.array(reports).serialized(pretty: true) + "\n"
    }

    /// A UUID of version 4's form from the ticket and the event's place in it: the same notice
    /// names its reports alike each time it is read out.
    static func reportID(ticket: String, index: Int) -> String {
        var bytes = Array(SHA256.hash(data: Data("\(ticket)/\(index)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Hex.lowercase(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The mail's text: the label, the ticket, what it holds by type, and where to acknowledge.
    public static func text(ticket: String, team: String, tlp: TLPLabel, counts: [(type: AbuseType, events: Int)], link: String,
                            attachment: AbuseAttachment = .csv) -> String {
        let total = counts.reduce(0) { $0 + $1.events }
        var lines = [tlp.text, "", "Ticket \(ticket) for \(team): \(total) event\(total == 1 ? "" : "s") in your constituency.", ""]
        lines += counts.map { "  \($0.type.rawValue): \($0.events)" }
        lines += ["", attachment == .xarf ? "The events are attached as XARF v4 reports (one per event; count is how often it was seen within 24 hours)."
                    : "The events are attached as CSV (one row per event; count is how often it was seen within 24 hours).",
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
