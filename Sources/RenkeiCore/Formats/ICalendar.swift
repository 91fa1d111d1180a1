import Foundation

/// One event of a calendar feed (an RFC 5545 VEVENT): a fixed start and end, nothing recurring.
public struct ICalendarEvent: Sendable, Hashable {
    /// Who may see the event (CLASS, RFC 5545 section 3.8.1.3).
    public enum Classification: String, Sendable, Hashable {
        case `public` = "PUBLIC"
        case `private` = "PRIVATE"
        case confidential = "CONFIDENTIAL"
    }

    /// Globally unique and stable across feeds, e.g. "session-<uuid>@renkei.example", so a
    /// calendar program updates the event instead of adding it twice.
    public var uid: String
    public var summary: String
    /// Omitted when nil or empty.
    public var description: String?
    /// Omitted when nil or empty.
    public var location: String?
    /// Omitted when nil or empty.
    public var url: String?
    public var start: Date
    /// An end before the start is written as the start.
    public var end: Date
    /// IANA zone the times are written in (DTSTART;TZID=...); "UTC" (or "Etc/UTC", "GMT") writes UTC times with a Z and no VTIMEZONE.
    public var timeZone: String
    /// DTSTAMP and LAST-MODIFIED (UTC).
    public var stamp: Date
    /// CATEGORIES, e.g. ["TLP:AMBER", "Members only"]; omitted when empty.
    public var categories: [String]
    /// CLASS: PUBLIC, PRIVATE or CONFIDENTIAL; omitted when nil.
    public var classification: Classification?

    public init(uid: String, summary: String, description: String? = nil, location: String? = nil, url: String? = nil,
                start: Date, end: Date, timeZone: String, stamp: Date, categories: [String] = [],
                classification: Classification? = nil) {
        self.uid = uid
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.stamp = stamp
        self.categories = categories
        self.classification = classification
    }
}

/// Events as an RFC 5545 calendar, for calendar programs to subscribe to or import. Times stay
/// in the zone each event was planned in, with that zone's offsets written out (VTIMEZONE), so
/// the event keeps its wall-clock time for readers in every zone without their own zone data.
public enum ICalendar {
    public static let mediaType = "text/calendar"

    /// A VCALENDAR with VERSION:2.0, PRODID, CALSCALE:GREGORIAN, METHOD:PUBLISH, X-WR-CALNAME, one VTIMEZONE per zone the events use, then the events in the order given.
    public static func calendar(name: String, events: [ICalendarEvent], productID: String = "-//Renkei//Events//EN") -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + text(productID), "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + text(name)]
        for span in zoneSpans(events) { lines += timeZoneLines(span) }
        for event in events { lines += eventLines(event) }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Whether `identifier` names a zone this machine knows, so an event planned in it can be written.
    public static func knowsZone(_ identifier: String) -> Bool {
        TimeZone(identifier: identifier) != nil
    }

    /// IANA names of UTC: times in them are written with a Z and need no VTIMEZONE.
    private static let utcNames: Set<String> = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT",
                                                "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"]

    /// The zone an event's times are written in; nil for UTC, and for a zone this machine does
    /// not know, whose times are written in UTC too: a TZID without its VTIMEZONE would leave
    /// the reader guessing the offset.
    private static func localZone(_ identifier: String) -> TimeZone? {
        utcNames.contains(identifier) ? nil : TimeZone(identifier: identifier)
    }

    /// A zone and the time from the earliest start to the latest end of the events written in it.
    private struct ZoneSpan {
        var identifier: String
        var zone: TimeZone
        var first: Date
        var last: Date
    }

    /// The zones the events use, in the order they first appear, so the output is the same for the same events.
    private static func zoneSpans(_ events: [ICalendarEvent]) -> [ZoneSpan] {
        var spans: [ZoneSpan] = []
        for event in events {
            guard let zone = localZone(event.timeZone) else { continue }
            let end = max(event.start, event.end)
            if let index = spans.firstIndex(where: { $0.identifier == event.timeZone }) {
                spans[index].first = min(spans[index].first, event.start)
                spans[index].last = max(spans[index].last, end)
            } else {
                spans.append(ZoneSpan(identifier: event.timeZone, zone: zone, first: event.start, last: end))
            }
        }
        return spans
    }

    /// The zone's offsets from a year before its first event to a year after its last: the
    /// observance in force at the start, then every transition as its own observance, so no
    /// recurrence rule has to be right for the whole span.
    private static func timeZoneLines(_ span: ZoneSpan) -> [String] {
        let spanStart = utcCalendar.date(byAdding: .year, value: -1, to: span.first) ?? span.first
        let spanEnd = utcCalendar.date(byAdding: .year, value: 1, to: span.last) ?? span.last
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + text(span.identifier)]
        lines += observanceLines(span.zone, from: spanStart, offsetBefore: span.zone.secondsFromGMT(for: spanStart))
        var cursor = spanStart
        while let transition = span.zone.nextDaylightSavingTimeTransition(after: cursor), transition > cursor, transition <= spanEnd {
            let offsetBefore = span.zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            lines += observanceLines(span.zone, from: transition, offsetBefore: offsetBefore)
            cursor = transition
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// One STANDARD or DAYLIGHT sub-component starting at `instant`, whose DTSTART is the local
    /// time in the offset before it, as RFC 5545 section 3.6.5 asks.
    private static func observanceLines(_ zone: TimeZone, from instant: Date, offsetBefore: Int) -> [String] {
        let kind = zone.isDaylightSavingTime(for: instant) ? "DAYLIGHT" : "STANDARD"
        var lines = ["BEGIN:" + kind,
                     "DTSTART:" + wallClock(instant, offset: offsetBefore),
                     "TZOFFSETFROM:" + utcOffset(offsetBefore),
                     "TZOFFSETTO:" + utcOffset(zone.secondsFromGMT(for: instant))]
        if let abbreviation = zone.abbreviation(for: instant), !abbreviation.isEmpty {
            lines.append("TZNAME:" + text(abbreviation))
        }
        lines.append("END:" + kind)
        return lines
    }

    private static func eventLines(_ event: ICalendarEvent) -> [String] {
        var lines = ["BEGIN:VEVENT",
                     "UID:" + text(event.uid),
                     "DTSTAMP:" + utcTime(event.stamp),
                     "LAST-MODIFIED:" + utcTime(event.stamp),
                     "DTSTART" + timeValue(event.start, zone: event.timeZone),
                     "DTEND" + timeValue(max(event.start, event.end), zone: event.timeZone),
                     "SUMMARY:" + text(event.summary)]
        if let description = event.description, !description.isEmpty { lines.append("DESCRIPTION:" + text(description)) }
        if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + text(location)) }
        if let url = event.url, !url.isEmpty { lines.append("URL:" + uri(url)) }
        if !event.categories.isEmpty { lines.append("CATEGORIES:" + event.categories.map(text).joined(separator: ",")) }
        if let classification = event.classification { lines.append("CLASS:" + classification.rawValue) }
        lines.append("END:VEVENT")
        return lines
    }

    /// The parameters and value after a DTSTART or DTEND name: the local time with its TZID, or a UTC time.
    private static func timeValue(_ instant: Date, zone identifier: String) -> String {
        guard let zone = localZone(identifier) else { return ":" + utcTime(instant) }
        return ";TZID=" + parameterValue(identifier) + ":" + wallClock(instant, offset: zone.secondsFromGMT(for: instant))
    }

    /// A parameter value, in quotes when it holds a character that would end it (section 3.2).
    private static func parameterValue(_ value: String) -> String {
        let clean = String(value.unicodeScalars.filter { $0 != "\"" && $0.properties.generalCategory != .control })
        return clean.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) ? "\"" + clean + "\"" : clean
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// A DATE-TIME in UTC, e.g. 20270315T080000Z (fractions of a second dropped).
    static func utcTime(_ instant: Date) -> String {
        wallClock(instant, offset: 0) + "Z"
    }

    /// The wall-clock time `offset` seconds east of UTC, e.g. 20270315T090000, without a zone mark.
    static func wallClock(_ instant: Date, offset: Int) -> String {
        let seconds = instant.timeIntervalSince1970.rounded(.down) + Double(offset)
        let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                               from: Date(timeIntervalSince1970: seconds))
        return padded(parts.year ?? 0, 4) + padded(parts.month ?? 0, 2) + padded(parts.day ?? 0, 2) + "T"
            + padded(parts.hour ?? 0, 2) + padded(parts.minute ?? 0, 2) + padded(parts.second ?? 0, 2)
    }

    /// A UTC-OFFSET value (section 3.3.14): +hhmm, or +hhmmss when the seconds are not zero; zero is +0000.
    static func utcOffset(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        var value = (seconds < 0 ? "-" : "+") + padded(magnitude / 3600, 2) + padded(magnitude / 60 % 60, 2)
        if magnitude % 60 != 0 { value += padded(magnitude % 60, 2) }
        return value
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A TEXT value (section 3.3.11): backslash, semicolon and comma escaped, every line break
    /// (CRLF, LF or CR) written `\n`, other control characters but tab dropped, so no value can
    /// start a line of its own.
    static func text(_ value: String) -> String {
        var escaped = ""
        var afterCarriageReturn = false
        for scalar in value.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\r": escaped += "\\n"
            case "\n": if !afterCarriageReturn { escaped += "\\n" }
            case "\t": escaped.unicodeScalars.append(scalar)
            case _ where scalar.properties.generalCategory == .control: continue
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A URI value, written as given (URIs are not TEXT-escaped) but without control characters,
    /// so it cannot break the line.
    private static func uri(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.properties.generalCategory != .control })
    }

    /// A content line folded after at most 75 octets, continuing after CRLF and a space
    /// (section 3.1), never inside a character's UTF-8 bytes.
    static func fold(_ line: String) -> String {
        var folded = ""
        var octets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > limit {
                folded += "\r\n "
                octets = 0
                limit = 74
            }
            folded.unicodeScalars.append(scalar)
            octets += size
        }
        return folded
    }
}
