import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
import Vapor

/// How events and sessions are written for people: in the venue's zone, and in the reader's
/// when they chose one (`?tz=`); an event the reader may see, as pages, the API and the CLI show it.
struct EventView: Content {
    struct Session: Content {
        var id: String
        var title: String
        var abstract: String
        var speakers: String
        var room: String
        var startsAt: Date
        var endsAt: Date
        var day: String
        var time: String
        var readerTime: String?
        var audience: String
        var tlp: String
        var label: SharedItemsController.Label
        var recordingAllowed: Bool
        var slidesURL: String?
        /// Where the speaker uploads the slides; nil for everyone else.
        var uploadURL: String?
    }

    var slug: String
    var title: String
    var kind: String
    var kindLabel: String
    var summary: String
    var startsAt: Date
    var endsAt: Date
    var timeZone: String
    var dates: String
    var venue: String
    var online: Bool
    var host: String?
    var capacity: Int
    var confirmed: Int?
    var waiting: Int?
    var registrationOpens: Date
    var registrationCloses: Date
    var registrationOpen: Bool
    /// "from … until …" in the venue's zone.
    var registrationWindow: String
    var cfpDeadlineText: String?
    var eligibility: String
    var fees: Event.Fees
    /// "Member EUR 650; non-member EUR 950; speaker free", naming only the fees given.
    var feesText: String?
    var cfpDeadline: Date?
    var cfpMembersOnly: Bool?
    var programmePublished: Bool
    var url: String
    var calendarURL: String

    init(_ event: Event, host: String?, counts: (confirmed: Int, waiting: Int)?, now: Date) {
        slug = event.slug
        title = event.title
        kind = event.kind.rawValue
        kindLabel = event.kind.label
        summary = event.summary
        startsAt = event.startsAt
        endsAt = event.endsAt
        timeZone = event.timeZone
        dates = Self.dates(event)
        venue = event.online ? "Online" : event.venue
        online = event.online
        self.host = host
        capacity = event.capacity
        confirmed = counts?.confirmed
        waiting = counts?.waiting
        registrationOpens = event.registrationOpens
        registrationCloses = event.registrationCloses
        registrationOpen = event.registrationIsOpen(at: now)
        registrationWindow = "from \(Self.minute(event.registrationOpens, in: event.timeZone)) until \(Self.minute(event.registrationCloses, in: event.timeZone))"
        cfpDeadlineText = event.cfp.map { Self.minute($0.deadline, in: event.timeZone) }
        eligibility = event.eligibility.name
        fees = event.fees
        feesText = [("Member", event.fees.member), ("non-member", event.fees.nonMember), ("speaker", event.fees.speaker)]
            .filter { !$0.1.trimmingCharacters(in: .whitespaces).isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: "; ").nonBlank
        cfpDeadline = event.cfp?.deadline
        cfpMembersOnly = event.cfp?.membersOnly
        programmePublished = event.programmePublished
        url = SiteURL.event(.value(event.slug)).path
        calendarURL = SiteURL.eventCalendar(event.slug).path
    }

    /// One calendar per zone, made once: setting up a calendar (or a DateFormatter) costs far
    /// more than writing a date with it, and a list of events writes hundreds.
    private static let calendars = NIOLockedValueBox<[String: Calendar]>([:])

    static func calendar(_ zone: String) -> Calendar {
        if let known = calendars.withLockedValue({ $0[zone] }) { return known }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? .gmt
        calendars.withLockedValue { $0[zone] = calendar }
        return calendar
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Tue 6 Apr 2027".
    static func day(_ date: Date, in zone: String) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day, .weekday], from: date)
        return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 0)"
    }

    /// "09:05".
    static func time(_ date: Date, in zone: String) -> String {
        let parts = calendar(zone).dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// A list's cursor: an instant with its fractional seconds, so that the next page starts
    /// exactly after the last event shown; one without them is read too.
    static func cursor(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func cursor(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }

    /// "2027-04-06T09:00", as an HTML `datetime-local` field shows it, in `zone`.
    static func localInput(_ date: Date, in zone: String) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", parts.year ?? 0, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "Tue 6 Apr 2027 09:00 (America/Toronto)".
    static func minute(_ date: Date, in zone: String) -> String {
        "\(day(date, in: zone)) \(time(date, in: zone)) (\(zone))"
    }

    /// "Tue 6 Apr 2027 – Fri 9 Apr 2027 (America/Toronto)", or one day with its hours.
    static func dates(_ event: Event) -> String {
        let first = day(event.startsAt, in: event.timeZone), last = day(event.endsAt.addingTimeInterval(-1), in: event.timeZone)
        if first == last { return "\(first), \(time(event.startsAt, in: event.timeZone))–\(time(event.endsAt, in: event.timeZone)) (\(event.timeZone))" }
        return "\(first) – \(last) (\(event.timeZone))"
    }

    /// Reads `2027-03-15T09:00` (seconds optional, `T` or a space) as the wall-clock time in
    /// `zone`; nil for anything else.
    static func instant(_ text: String, in zone: String) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/),
              let year = Int(match.1), let month = Int(match.2), let dayOfMonth = Int(match.3), let hour = Int(match.4), let minute = Int(match.5),
              (1...12).contains(month), (1...31).contains(dayOfMonth), (0...23).contains(hour), (0...59).contains(minute), (1...9999).contains(year) else { return nil }
        let second = match.6.flatMap { Int($0) } ?? 0
        guard (0...59).contains(second) else { return nil }
        let calendar = calendar(zone)
        let parts = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: second)
        // A day that does not exist in that month (30 February) is refused, not rolled over.
        guard parts.isValidDate(in: calendar), let date = calendar.date(from: parts) else { return nil }
        return date
    }

    static func session(_ session: EventSession, of event: Event, readerZone: String?, slidesURL: String?, uploadURL: String?) -> Session {
        var readerTime: String?
        if let readerZone, readerZone != event.timeZone {
            let endDay = day(session.endsAt, in: readerZone) == day(session.startsAt, in: readerZone) ? "" : "\(weekdays[(calendar(readerZone).component(.weekday, from: session.endsAt)) - 1]) "
            readerTime = "\(weekdays[calendar(readerZone).component(.weekday, from: session.startsAt) - 1]) \(time(session.startsAt, in: readerZone))–\(endDay)\(time(session.endsAt, in: readerZone)) \(readerZone)"
        }
        return Session(id: session.id.uuidString.lowercased(), title: session.title, abstract: session.abstract, speakers: session.speakers, room: session.room,
                       startsAt: session.startsAt, endsAt: session.endsAt, day: day(session.startsAt, in: event.timeZone),
                       time: "\(time(session.startsAt, in: event.timeZone))–\(time(session.endsAt, in: event.timeZone))", readerTime: readerTime,
                       audience: session.audience.label, tlp: session.tlp.text, label: .init(session.tlp), recordingAllowed: session.recordingAllowed,
                       slidesURL: slidesURL, uploadURL: uploadURL)
    }
}

/// The iCalendar of what a reader may see: an event and its sessions, each session a VEVENT
/// only when `EventAccess.maySee` lets the reader see it.
enum EventCalendar {
    static func entry(_ event: Event, publicURL: String, now: Date) -> ICalendarEvent {
        ICalendarEvent(uid: "event-\(event.id.uuidString.lowercased())@renkei", summary: event.title, description: event.summary,
                       location: event.online ? "Online" : event.venue, url: publicURL + SiteURL.event(.value(event.slug)).path,
                       start: event.startsAt, end: event.endsAt, timeZone: event.timeZone, stamp: now, categories: [event.kind.label])
    }

    /// A session; in a feed that `leavesThePlatform` (a person's calendar link) only what
    /// `EventAccess.wordsMayLeave` allows keeps its title, speakers and abstract.
    static func entry(_ session: EventSession, of event: Event, publicURL: String, now: Date, leavesThePlatform: Bool = false) -> ICalendarEvent {
        var categories = [session.tlp.text, session.audience.label]
        if !session.recordingAllowed { categories.append("No recording") }
        let withheld = leavesThePlatform && !EventAccess.wordsMayLeave(session)
        return ICalendarEvent(uid: "session-\(session.id.uuidString.lowercased())@renkei",
                              summary: withheld ? "\(session.tlp.text) session (\(event.title))" : "\(session.title) (\(event.title))",
                              description: withheld ? "The title and abstract are on the event's page." : [session.speakers, session.abstract].filter { !$0.isEmpty }.joined(separator: "\n\n"),
                              location: [session.room, event.online ? "Online" : event.venue].filter { !$0.isEmpty }.joined(separator: ", "),
                              url: publicURL + SiteURL.event(.value(event.slug)).path + "#session-\(session.id.uuidString.lowercased())",
                              start: session.startsAt, end: session.endsAt, timeZone: event.timeZone, stamp: now, categories: categories,
                              classification: session.audience == .open && session.tlp == .clear ? .public : .confidential)
    }

    static func response(_ name: String, _ entries: [ICalendarEvent], fileName: String) -> Response {
        let response = Response(status: .ok, body: .init(string: ICalendar.calendar(name: name, events: entries)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(fileName)\"")
        // A personal calendar must not stay in shared caches.
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}

extension Event {
    /// How the audit log names the event: by slug, but a SIG's meeting by id, its very name
    /// belonging to the SIG's space rather than to the secretariat's log.
    var auditSubject: String {
        kind == .sigMeeting ? "event \(id.uuidString.lowercased())" : "event \(slug)"
    }
}
