import Foundation

/// The kept counts behind the monitoring views: for a day, the events first seen that day
/// (after deduplication) and the reports of them (every observation, repeats included).
public struct AbuseDayCount: Sendable, Hashable {
    /// Days since 1970-01-01 (UTC).
    public var day: Int64
    public var type: AbuseType
    public var events: Int64
    public var reports: Int64

    public init(day: Int64, type: AbuseType, events: Int64, reports: Int64) {
        (self.day, self.type, self.events, self.reports) = (day, type, events, reports)
    }
}

/// What the monitoring views show, and how the plot is drawn: counts per day over a period,
/// by the most frequent classification types (the rest as one group), as a server-rendered
/// SVG that needs no script and no font from elsewhere.
public enum AbuseMonitoring {
    /// Periods a view may cover, in days: a year at most, as the kept counts are per day.
    public static let periods = 1...366
    public static let standardPeriod = 30
    /// Types drawn on their own; the others are summed as `otherGroup`.
    public static let drawnTypes = 5
    public static let otherGroup = "other types"

    public static func day(_ time: Int64) -> Int64 { time >= 0 ? time / 86_400 : (time - 86_399) / 86_400 }

    /// The `days` days ending with today.
    public static func period(days: Int, now: Int64) -> ClosedRange<Int64> {
        let today = day(now)
        return (today - Int64(days) + 1)...today
    }

    /// Events per bar and group, every bar of the period present (a quiet day is a zero). A bar
    /// is a day, or a week on periods longer than `dailyBarsUpTo` days, so a year's bars stay
    /// wide enough to point at.
    public struct Series: Sendable, Equatable {
        /// The first day of each bar.
        public var days: [Int64]
        /// Days per bar: 1 or 7.
        public var span: Int64 = 1
        /// The period's last day: the last week may be cut short by it.
        public var end: Int64
        /// The most frequent types of the period first, then `otherGroup` if any type was summed.
        public var groups: [String]
        /// `values[bar][group]`.
        public var values: [[Int64]]

        public var totals: [Int64] { values.map { $0.reduce(0, +) } }

        /// `2026-12-07`, or `2026-11-30 to 2026-12-06` for a week (cut at the period's end).
        public func label(_ bar: Int) -> String {
            span == 1 ? AbuseMonitoring.date(days[bar]) : AbuseMonitoring.date(days[bar]) + " to " + AbuseMonitoring.date(min(days[bar] + span - 1, end))
        }
    }

    public static let dailyBarsUpTo = 92

    public static func series(_ counts: [AbuseDayCount], days: ClosedRange<Int64>, drawn: Int = drawnTypes) -> Series {
        let span: Int64 = days.count > dailyBarsUpTo ? 7 : 1
        var byType: [AbuseType: Int64] = [:]
        for count in counts where days.contains(count.day) { byType[count.type, default: 0] += count.events }
        let ranked = byType.filter { $0.value > 0 }.sorted { $0.value == $1.value ? $0.key.rawValue < $1.key.rawValue : $0.value > $1.value }.map(\.key)
        let shown = Array(ranked.prefix(drawn))
        let groups = shown.map(\.rawValue) + (ranked.count > drawn ? [otherGroup] : [])
        let column = Dictionary(uniqueKeysWithValues: shown.enumerated().map { ($0.element, $0.offset) })
        let starts = Array(stride(from: days.lowerBound, through: days.upperBound, by: Int(span)))
        var values = Array(repeating: Array(repeating: Int64(0), count: groups.count), count: starts.count)
        for count in counts where days.contains(count.day) && count.events > 0 {
            values[Int((count.day - days.lowerBound) / span)][column[count.type] ?? drawn] += count.events
        }
        return Series(days: starts, span: span, end: days.upperBound, groups: groups, values: values)
    }

    /// A name (a type, an AS, a country, a prefix, an address) and how many events it had.
    public struct Ranked: Sendable, Hashable, Codable {
        public var name: String
        public var events: Int64

        public init(name: String, events: Int64) {
            (self.name, self.events) = (name, events)
        }
    }

    /// The `limit` names with the most events, most first; ties in name order, so a view reads the same twice.
    public static func top(_ counts: [String: Int64], limit: Int = 10) -> [Ranked] {
        counts.filter { $0.value > 0 }.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(limit)
            .map { Ranked(name: $0.key, events: $0.value) }
    }

    /// Colours told apart by people with the common colour-vision deficiencies (Okabe and Ito),
    /// grey for the summed rest.
    public static let palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"]
    public static let otherColour = "#7f7f7f"

    public static func colour(ofGroup index: Int, in series: Series) -> String {
        series.groups[index] == otherGroup ? otherColour : palette[index % palette.count]
    }

    /// A stacked bar per day (or week): `StackedBarChart`.
    public static func svg(_ series: Series, title: String) -> String {
        StackedBarChart(bars: series.days.indices.map(series.label), groups: series.groups,
                        colours: series.groups.indices.map { colour(ofGroup: $0, in: series) }, values: series.values,
                        firstAxisLabel: series.days.first.map(date),
                        lastAxisLabel: series.days.first.flatMap { series.end > $0 ? date(series.end) : nil }).svg(title: title)
    }

    /// `2026-12-07` for a day number.
    public static func date(_ day: Int64) -> String { String(AbuseTime.format(day * 86_400).prefix(10)) }
}

/// How a team (or a feed) handles its notices: what came in, what went out, what was
/// acknowledged and how fast.
public struct AbuseHandling: Sendable, Hashable, Codable {
    public var received: Int64
    public var notified: Int64
    public var notices: Int
    public var acknowledged: Int
    /// The median time from a notice to its acknowledgement, in seconds; nil until one is acknowledged.
    public var medianSecondsToAcknowledge: Int64?

    public init(received: Int64, notified: Int64, notices: Int, acknowledged: Int, medianSecondsToAcknowledge: Int64?) {
        (self.received, self.notified, self.notices, self.acknowledged) = (received, notified, notices, acknowledged)
        self.medianSecondsToAcknowledge = medianSecondsToAcknowledge
    }

    /// The handling of notices sent at `sent[i]` and acknowledged at `acknowledged[i]` (nil: not yet).
    public init(received: Int64, notified: Int64, notices: [(sent: Int64, acknowledged: Int64?)]) {
        let waits = notices.compactMap { notice in notice.acknowledged.map { max(0, $0 - notice.sent) } }
        self.init(received: received, notified: notified, notices: notices.count, acknowledged: waits.count,
                  medianSecondsToAcknowledge: Self.median(waits))
    }

    /// The middle value; of an even count, the mean of the two middle ones, rounded down.
    public static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// `3 h 20 min`, `2 d 4 h`, `45 s`: how long, as a person reads it.
    public static func duration(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(seconds) s"
        case ..<3_600: "\(seconds / 60) min"
        case ..<86_400: seconds % 3_600 / 60 == 0 ? "\(seconds / 3_600) h" : "\(seconds / 3_600) h \(seconds % 3_600 / 60) min"
        default: seconds % 86_400 / 3_600 == 0 ? "\(seconds / 86_400) d" : "\(seconds / 86_400) d \(seconds % 86_400 / 3_600) h"
        }
    }
}

/// The pipeline's counters in the Prometheus text format, read from the kept totals: they
/// count since the installation began, whichever process took the reports in.
public enum AbuseMetrics {
    public struct FeedTotals: Sendable, Hashable {
        public var feed: String
        public var reports: Int64
        public var events: Int64
        public var rejected: Int64
        public var unrouted: Int64

        public init(feed: String, reports: Int64, events: Int64, rejected: Int64, unrouted: Int64) {
            (self.feed, self.reports, self.events, self.rejected, self.unrouted) = (feed, reports, events, rejected, unrouted)
        }
    }

    public static func exposition(_ feeds: [FeedTotals], notices: Int64, acknowledged: Int64) -> String {
        let sorted = feeds.sorted { $0.feed < $1.feed }
        var text = ""
        func counter(_ name: String, _ help: String, _ value: (FeedTotals) -> Int64) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
            for feed in sorted where AbuseFeedName.isValid(feed.feed) { text += "\(name){feed=\"\(feed.feed)\"} \(value(feed))\n" }
        }
        counter("renkei_abuse_reports_total", "Abuse report lines taken in, repeats included.", \.reports)
        counter("renkei_abuse_events_total", "Abuse events after deduplication.", \.events)
        counter("renkei_abuse_rejected_total", "Abuse report lines that were not events.", \.rejected)
        counter("renkei_abuse_unrouted_total", "Abuse events no team took (the secretariat's queue).", \.unrouted)
        text += "# HELP renkei_abuse_notices_total Batch notices queued to teams.\n# TYPE renkei_abuse_notices_total counter\nrenkei_abuse_notices_total \(notices)\n"
        text += "# HELP renkei_abuse_notices_acknowledged_total Batch notices a team acknowledged.\n# TYPE renkei_abuse_notices_acknowledged_total counter\n"
        text += "renkei_abuse_notices_acknowledged_total \(acknowledged)\n"
        return text
    }
}

/// Acknowledging a notice by replying to its mail: each notice mail's Message-ID carries the
/// notice's reply key, a random value only its recipients saw, so a reply's In-Reply-To or
/// References names the notice and a stranger cannot forge one for a notice they never got.
public enum AbuseReply {
    /// `<abuse.KEY.full@example.org>`: the key, and which of the notice's mails it is.
    public static func messageID(key: String, part: String, domain: String) -> String { "<abuse.\(key).\(part)@\(domain)>" }

    /// The reply key an answer refers to, from its In-Reply-To and References headers.
    public static func key(inReplyTo: String?, references: String?) -> String? {
        for field in [inReplyTo, references].compactMap({ $0 }) {
            for piece in field.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                let id = piece.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                guard id.hasPrefix("abuse."), let at = id.firstIndex(of: "@") else { continue }
                let parts = id[id.index(id.startIndex, offsetBy: 6)..<at].split(separator: ".")
                guard parts.count == 2, isKey(String(parts[0])) else { continue }
                return String(parts[0])
            }
        }
        return nil
    }

    /// Whether a message was sent by a machine, not a person (RFC 3834's Auto-Submitted, other
    /// than `no`, and the Precedence values vacation and ticket systems write): a vacation
    /// notice or a ticket receipt is not a team taking a notice in.
    public static func isAutomatic(autoSubmitted: String?, precedence: String?) -> Bool {
        let submitted = (autoSubmitted ?? "no").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "no"
        let precedence = (precedence ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return submitted != "no" || ["bulk", "junk", "list", "auto_reply"].contains(precedence)
    }

    /// 32 lower-case hex digits (128 random bits).
    public static func isKey(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
