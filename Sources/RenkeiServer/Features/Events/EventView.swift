import Foundation
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
        cfpDeadline = event.cfp?.deadline
        cfpMembersOnly = event.cfp?.membersOnly
        programmePublished = event.programmePublished
        url = SiteURL.event(.value(event.slug)).path
        calendarURL = SiteURL.eventCalendar(event.slug).path
    }

    static func zone(_ identifier: String) -> TimeZone { TimeZone(identifier: identifier) ?? .gmt }

    static func formatter(_ format: String, in zone: String) -> DateFormatter {
        let formatter = DateFormatter.fixed(format)
        formatter.timeZone = Self.zone(zone)
        return formatter
    }

    /// "Mon 15 Mar 2027 09:00 (Europe/Vienna)".
    static func minute(_ date: Date, in zone: String) -> String {
        formatter("EEE d MMM yyyy HH:mm", in: zone).string(from: date) + " (\(zone))"
    }

    /// "15 Mar 2027 – 17 Mar 2027, Europe/Vienna", or one day with its hours.
    static func dates(_ event: Event) -> String {
        let day = formatter("EEE d MMM yyyy", in: event.timeZone)
        let time = formatter("HH:mm", in: event.timeZone)
        let first = day.string(from: event.startsAt), last = day.string(from: event.endsAt.addingTimeInterval(-1))
        if first == last { return "\(first), \(time.string(from: event.startsAt))–\(time.string(from: event.endsAt)) (\(event.timeZone))" }
        return "\(first) – \(last) (\(event.timeZone))"
    }

    static func session(_ session: EventSession, of event: Event, readerZone: String?, slidesURL: String?, uploadURL: String?) -> Session {
        let day = formatter("EEE d MMM yyyy", in: event.timeZone), time = formatter("HH:mm", in: event.timeZone)
        var readerTime: String?
        if let readerZone, readerZone != event.timeZone {
            let local = formatter("EEE HH:mm", in: readerZone)
            readerTime = "\(local.string(from: session.startsAt))–\(formatter("HH:mm", in: readerZone).string(from: session.endsAt)) \(readerZone)"
        }
        return Session(id: session.id.uuidString.lowercased(), title: session.title, abstract: session.abstract, speakers: session.speakers, room: session.room,
                       startsAt: session.startsAt, endsAt: session.endsAt, day: day.string(from: session.startsAt),
                       time: "\(time.string(from: session.startsAt))–\(time.string(from: session.endsAt))", readerTime: readerTime,
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

    static func entry(_ session: EventSession, of event: Event, publicURL: String, now: Date) -> ICalendarEvent {
        var categories = [session.tlp.text, session.audience.label]
        if !session.recordingAllowed { categories.append("No recording") }
        return ICalendarEvent(uid: "session-\(session.id.uuidString.lowercased())@renkei", summary: "\(session.title) (\(event.title))",
                              description: [session.speakers, session.abstract].filter { !$0.isEmpty }.joined(separator: "\n\n"),
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
