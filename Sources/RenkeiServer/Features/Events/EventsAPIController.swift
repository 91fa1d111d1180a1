import Fluent
import Foundation
import RenkeiCore
import Vapor

extension EventSubmission.View: Content {}

/// `/api/v1/events`: events, their programme, registrations, submissions and reviews, under
/// the same rules as the pages (`EventStore`, `EventAccess`).
struct EventsAPIController {
    func register(_ api: any RoutesBuilder) {
        api.get(.apiEvents, use: list)
        api.post(.apiEvents, use: create)
        api.get(.apiEvent(.key), use: show)
        api.post(.apiEventRegistrations(.key), use: register)
        api.on(.DELETE, SiteURL.apiEventRegistration(.key, .key).pathComponents, use: cancel)
        api.get(.apiEventAttendees(.key), use: attendees)
        api.get(.apiEventSubmissions(.key), use: submissions)
        api.post(.apiEventSubmissions(.key), use: submit)
        api.get(.apiEventReviews(.key), use: reviews)
        api.post(.apiEventReviews(.key), use: review)
    }

    struct EventList: Content {
        var events: [EventView]
        /// The next page of past events (`?past=true&before=`), if there is one.
        var next: String?
    }

    func list(request: Request) async throws -> EventList {
        let now = request.application.renkei.clock.now
        let past = (try? request.query.get(Bool.self, at: "past")) ?? false
        let cursorName = past ? "before" : "after"
        var beyond: Date?
        if let text = try? request.query.get(String.self, at: cursorName) {
            guard let date = EventView.cursor(text) else {
                throw AppError.invalid([FieldError(field: cursorName, message: "Give an ISO 8601 instant, e.g. 2026-01-01T00:00:00Z.")])
            }
            beyond = date
        }
        let size = EventsController.pageSize
        let events = try await EventsController.listed(for: request.currentActor, upcoming: !past, beyond: beyond, now: now, limit: size + 1, on: request.db)
        let shown = Array(events.prefix(size))
        let next = events.count > size
            ? shown.last.map { SiteURL.apiEvents.path + (past ? "?past=true&before=" : "?after=") + EventView.cursor($0.startsAt) } : nil
        return EventList(events: shown.map { EventView($0, host: nil, counts: nil, now: now) }, next: next)
    }

    func create(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let form = try request.content.decode(EventForm.self)
        let event = try await EventStore.create(try await form.event(by: acting.actor, now: acting.now, on: request.db), by: acting, on: request.db)
        return try await EventView(event, host: nil, counts: nil, now: acting.now).encodeResponse(status: .created, for: request)
    }

    struct EventDetail: Content {
        var event: EventView
        /// Only the sessions the caller may see (`EventAccess.maySee`); slides linked only where they may read them.
        var sessions: [EventView.Session]
        var registration: EventsController.RegistrationView?
        var isManager: Bool
    }

    func show(request: Request) async throws -> EventDetail {
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        let counts = viewer.isManager ? (try await EventStore.confirmedCount(of: event.id, on: request.db),
                                         try await EventRegistrationModel.query(on: request.db).filter(\.$eventID == event.id)
                                            .filter(\.$state == EventRegistration.State.waitlisted.rawValue).count()) : nil
        return EventDetail(event: EventView(event, host: nil, counts: counts, now: now),
                           sessions: try await EventStore.programme(of: event, for: viewer, readerZone: nil, at: now, on: request.db),
                           registration: viewer.registration.map { EventsController.RegistrationView($0, in: event) }, isManager: viewer.isManager)
    }

    struct RegisterBody: Content {
        var organisation: String?
    }

    func register(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let body = (try? request.content.decode(RegisterBody.self)) ?? RegisterBody()
        let organisation = try await EventsController.organisation(body.organisation, of: acting.user, on: request.db)
        let registration = try await EventStore.register(.init(actor: acting.actor, name: acting.user.displayName, email: acting.user.email, organisation: organisation),
                                                         for: slug, user: acting.user, address: acting.address, now: acting.now, mail: acting.mail, on: request.db)
        let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
        return try await EventsController.RegistrationView(registration, in: event).encodeResponse(status: .created, for: request)
    }

    func cancel(request: Request) async throws -> EventsController.RegistrationView {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        guard let id = request.parameters.get(SiteURL.registrationKey).flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such registration.") }
        let registration = try await EventStore.cancel(id, of: slug, by: acting.actor, user: acting.user, address: acting.address, now: acting.now, mail: acting.mail,
                                                       on: request.db)
        let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
        return EventsController.RegistrationView(registration, in: event)
    }

    struct Attendee: Content {
        var id: UUID
        var name: String
        var organisation: String
        var email: String
        var category: String
        var state: String
        var invoiceReference: String
        var checkedInAt: Date?
    }

    func attendees(request: Request) async throws -> [Attendee] {
        let acting = try Acting(request)
        let (_, event) = try await EventStore.find(slug: try request.slugParameter(), for: acting.actor, on: request.db)
        let viewer = try await EventStore.viewer(acting.actor, of: event, at: acting.now, on: request.db)
        return try await EventStore.attendees(of: event, for: viewer, on: request.db).map {
            Attendee(id: $0.id, name: $0.name, organisation: $0.organisation, email: $0.email, category: $0.category.rawValue, state: $0.state.rawValue,
                     invoiceReference: $0.invoiceReference, checkedInAt: $0.checkedInAt)
        }
    }

    /// The submissions the caller may see, blinded as the rule says (`EventSubmission.view`).
    func submissions(request: Request) async throws -> [EventSubmission.View] {
        let acting = try Acting(request)
        let (_, event) = try await EventStore.find(slug: try request.slugParameter(), for: acting.actor, on: request.db)
        let viewer = try await EventStore.viewer(acting.actor, of: event, at: acting.now, on: request.db)
        return try await EventStore.submissions(of: event, for: viewer, on: request.db).map { $0.view(for: acting.actor, in: event, isManager: viewer.isManager) }
    }

    func submit(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let form = try request.content.decode(SubmissionForm.self)
        let actor = request.currentActor
        if actor == nil { try request.takeVisitorMail(to: form.email ?? "") }
        let submission = try await EventStore.submit(title: form.title ?? "", abstract: form.abstract ?? "", speakers: form.speakers ?? "", tlp: try form.label(),
                                                     recordingAllowed: EventForm.isOn(form.recordingAllowed), contactEmail: request.currentUser?.email ?? form.email ?? "",
                                                     to: slug, by: actor, user: request.currentUser, address: request.clientAddress,
                                                     now: request.application.renkei.clock.now, mail: request.application.renkei.mail, on: request.db)
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        guard let actor else { return Response(status: .accepted) }
        return try await submission.view(for: actor, in: event, isManager: false).encodeResponse(status: .created, for: request)
    }

    struct ReviewDocument: Content {
        var submission: UUID
        var reviewer: String?
        var conflict: Bool
        var score: Int?
        var comment: String
        var reviewedAt: Date
    }

    /// A committee member's own reviews; the hosts all of them, with the reviewers' names.
    func reviews(request: Request) async throws -> [ReviewDocument] {
        let acting = try Acting(request)
        let (_, event) = try await EventStore.find(slug: try request.slugParameter(), for: acting.actor, on: request.db)
        let viewer = try await EventStore.viewer(acting.actor, of: event, at: acting.now, on: request.db)
        guard viewer.isManager || viewer.isCommitteeMember else { throw AppError.forbidden("The reviews are the programme committee's and the hosts'.") }
        let reviews = try await EventStore.reviews(of: event, for: viewer, on: request.db)
        let names = try await request.application.renkei.peopleNames.names(of: Set(reviews.map(\.reviewerID)), on: request.db)
        return reviews.map { ReviewDocument(submission: $0.submissionID, reviewer: names[$0.reviewerID], conflict: $0.conflict, score: $0.score, comment: $0.comment,
                                            reviewedAt: $0.reviewedAt) }
    }

    func review(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(ReviewForm.self)
        guard let id = form.submission.flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such submission.") }
        switch form.action {
        case "review", "conflict":
            try await EventStore.review(id, in: slug, score: form.score.flatMap { Int($0) }, comment: form.comment ?? "", declareConflict: form.action == "conflict",
                                        by: acting, on: request.db)
            return Response(status: .noContent)
        case "accept", "reject":
            let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
            let submission = try await EventStore.decide(id, in: slug, accept: form.action == "accept", by: acting, on: request.db)
            return try await submission.view(for: acting.actor, in: event, isManager: true).encodeResponse(for: request)
        default:
            throw AppError.invalid([FieldError(field: "action", message: "The action is review, conflict, accept or reject.")])
        }
    }
}
