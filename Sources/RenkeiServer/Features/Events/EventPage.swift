import Fluent
import Foundation
import RenkeiCore
import Vapor

/// An event's page as its reader may see it: the programme filtered by `EventAccess.maySee`,
/// slides by `mayReadSlides`, the hosts' tools only for the hosts.
struct EventPage: Encodable {
    struct FormError: Encodable {
        var form: String
        var message: String
        var fields: [String: String]
    }

    /// What was typed into a form the page shows again after a refusal.
    struct Typed: Encodable {
        var name: String?
        var email: String?
        var organisation: String?
        var session: SessionForm?
    }

    struct Day: Encodable {
        var day: String
        var sessions: [EventView.Session]
    }

    var chrome: Chrome
    var event: EventView
    var days: [Day]?
    var registration: EventsController.RegistrationView?
    var signedIn: Bool
    var mayRegister: Bool
    var isManager: Bool
    var isCommitteeMember: Bool
    var mayInviteGuests: Bool
    var mayReadGuestList: Bool
    var accepted: [EventsController.Option]?
    var readerZone: String?
    /// A `?tz=` that names no zone.
    var readerZoneError: String?
    var isOver: Bool
    var isFull: Bool
    /// The reader's place on the waiting list (1 is next).
    var waitingPlace: Int?
    var hasSessions: Bool
    var myEventsURL: String
    var typed = Typed()
    var registrationsURL: String
    var sessionsURL: String
    var editURL: String
    var cfpURL: String?
    var reviewURL: String?
    var attendeesURL: String?
    var guestsURL: String?
    var audiences: [EventsController.Option]
    var labels: [String]
    var formError: FormError?

    static func build(for request: Request) async throws -> EventPage {
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        let askedZone = (try? request.query.get(String.self, at: "tz"))?.trimmingCharacters(in: .whitespaces)
        let readerZone = askedZone.flatMap { !$0.isEmpty && TimeZone(identifier: $0) != nil ? $0 : nil }
        let views = try await EventStore.programme(of: event, for: viewer, readerZone: readerZone, at: now, on: request.db)
        var days: [Day] = []
        for view in views {
            if days.last?.day == view.day { days[days.count - 1].sessions.append(view) } else { days.append(Day(day: view.day, sessions: [view])) }
        }
        let confirmed = try await EventStore.confirmedCount(of: event.id, on: request.db)
        let counts = viewer.isManager ? (confirmed,
                                         try await EventRegistrationModel.query(on: request.db).filter(\.$eventID == event.id)
                                            .filter(\.$state == EventRegistration.State.waitlisted.rawValue).count()) : nil
        let host = try await event.hostTeamID.asyncMap { try await TeamModel.find($0, on: request.db)?.record.officialName }
        // Accepted talks not in the programme yet, for the hosts to schedule.
        let scheduled = Set(try await EventSessionModel.query(on: request.db).filter(\.$eventID == event.id).all().compactMap(\.submissionID))
        let accepted = viewer.isManager ? try await EventSubmissionModel.query(on: request.db).filter(\.$eventID == event.id)
            .filter(\.$state == EventSubmission.State.accepted.rawValue).all().filter { !scheduled.contains($0.id ?? UUID()) }
            .map { EventsController.Option(value: $0.id?.uuidString.lowercased() ?? "", label: $0.title) } : []
        var waitingPlace: Int?
        if let registration = viewer.registration, registration.state == .waitlisted {
            waitingPlace = try await EventRegistrationModel.query(on: request.db).filter(\.$eventID == event.id)
                .filter(\.$state == EventRegistration.State.waitlisted.rawValue).filter(\.$registeredAt < registration.registeredAt).count() + 1
        }
        let mayRegister: Bool
        if let actor {
            mayRegister = (try? EventAccess.category(of: .init(actor: actor, name: "", email: "", organisation: ""), for: event)) != nil
        } else {
            mayRegister = event.eligibility == .anyone
        }
        let mayReadGuestList = EventAccess.mayReadGuestList(of: event, by: actor, isManager: viewer.isManager,
                                                            teamTakesPart: try await EventStore.teamTakesPart(actor, in: event, on: request.db), at: now)
        let chrome = Chrome(request: request, title: event.title)
        return EventPage(chrome: actor == nil && mayRegister && event.registrationIsOpen(at: now) ? chrome.withVisitorForm(request) : chrome,
                         event: EventView(event, host: host ?? nil, counts: counts, now: now), days: days.nonEmpty,
                         registration: viewer.registration.map { EventsController.RegistrationView($0, in: event) },
                         signedIn: actor != nil, mayRegister: mayRegister, isManager: viewer.isManager, isCommitteeMember: viewer.isCommitteeMember,
                         mayInviteGuests: EventAccess.mayInviteGuests(to: event, by: actor), mayReadGuestList: mayReadGuestList,
                         accepted: accepted.nonEmpty, readerZone: readerZone,
                         readerZoneError: askedZone.flatMap { !$0.isEmpty && readerZone == nil ? "“\($0)” is not a time zone name; use one like Asia/Tokyo or America/New_York." : nil },
                         isOver: event.hasEnded(at: now), isFull: confirmed >= event.capacity, waitingPlace: waitingPlace, hasSessions: !views.isEmpty,
                         myEventsURL: SiteURL.accountEvents.path,
                         registrationsURL: SiteURL.eventRegistrations(.value(slug)).path, sessionsURL: SiteURL.eventSessions(.value(slug)).path,
                         editURL: SiteURL.eventEdit(.value(slug)).path,
                         cfpURL: event.cfp != nil ? SiteURL.eventCFP(.value(slug)).path : nil,
                         reviewURL: viewer.isManager || viewer.isCommitteeMember ? SiteURL.eventReview(.value(slug)).path : nil,
                         attendeesURL: viewer.isManager ? SiteURL.eventAttendees(.value(slug)).path : nil,
                         guestsURL: mayReadGuestList || EventAccess.mayInviteGuests(to: event, by: actor) ? SiteURL.eventGuests(.value(slug)).path : nil,
                         audiences: EventSession.Audience.allCases.filter { $0 != .sig || event.sigID != nil }
                            .map { EventsController.Option(value: $0.rawValue, label: $0 == .open ? "Everyone at the event (guests too)" : $0.label) },
                         labels: TLPLabel.allCases.map(\.text))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
