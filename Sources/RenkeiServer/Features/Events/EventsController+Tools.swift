import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The call for presentations, the committee's review, the programme, slides, attendees,
/// guests, and calendars.
extension EventsController {
    // MARK: - Call for presentations

    struct CFPPage: Encodable {
        var chrome: Chrome
        var event: EventView
        var open: Bool
        var guidance: String
        var blind: Bool
        var signedIn: Bool
        var form: SubmissionForm
        var labels: [String]
        var mine: [MySubmission]?
        var errors: [String: String]?
        var actionURL: String
    }

    struct MySubmission: Encodable {
        var title: String
        var state: String
        var label: SharedItemsController.Label
    }

    func cfp(request: Request) async throws -> View {
        try await cfpPage(request, form: SubmissionForm(tlp: TLPLabel.clear.text, email: request.currentUser?.email), errors: [])
    }

    private func cfpPage(_ request: Request, form: SubmissionForm, errors: [FieldError]) async throws -> View {
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        guard let cfp = event.cfp else { throw AppError.notFound("This event has no call for presentations.") }
        var mine: [MySubmission] = []
        if let actor {
            mine = try await EventSubmissionModel.query(on: request.db).filter(\.$eventID == event.id).filter(\.$submitterUserID == actor.userID)
                .sort(\.$submittedAt).all().map(\.submission).map { MySubmission(title: $0.title, state: $0.state.label, label: .init($0.tlp)) }
        }
        let formErrors = FormErrors(errors)
        let chrome = Chrome(request: request, title: "Call for presentations: \(event.title)")
        return try await CFPPage(chrome: (actor == nil && cfp.isOpen(at: now) ? chrome.withVisitorForm(request) : chrome)
                                    .with(formErrors, headline: "Nothing was submitted: \(errors.count.counted("problem", "problems")) to correct"),
                                 event: EventView(event, host: nil, counts: nil, now: now), open: cfp.isOpen(at: now), guidance: cfp.guidance, blind: cfp.blindReview,
                                 signedIn: actor != nil, form: form, labels: TLPLabel.allCases.map(\.text), mine: mine.nonEmpty,
                                 errors: formErrors.byControl.nonEmpty, actionURL: SiteURL.eventCFP(.value(slug)).path)
            .render("event-cfp", on: request)
    }

    func submit(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let form = try request.content.decode(SubmissionForm.self)
        do {
            if request.currentUser == nil { try request.takeVisitorMail(to: form.email ?? "") }
            _ = try await EventStore.submit(title: form.title ?? "", abstract: form.abstract ?? "", speakers: form.speakers ?? "", tlp: try form.label(),
                                            recordingAllowed: EventForm.isOn(form.recordingAllowed), contactEmail: request.currentUser?.email ?? form.email ?? "",
                                            to: slug, by: request.currentActor, user: request.currentUser, address: request.clientAddress,
                                            now: request.application.renkei.clock.now, mail: request.application.renkei.mail, on: request.db)
            return request.redirect(to: SiteURL.eventCFP(.value(slug)).path, flash: "Submitted: the committee's answer comes by mail")
        } catch let refusal as EventRefusal where refusal.reason == .invalid {
            return try await cfpPage(request, form: form, errors: refusal.fieldErrors).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    // MARK: - The committee

    struct ScoreOption: Encodable {
        var value: Int
        var selected: Bool
    }

    struct ReviewPage: Encodable {
        struct Row: Encodable {
            var submission: EventSubmission.View
            var id: String
            var label: SharedItemsController.Label
            var conflict: String?
            var state: String
            var scoreOptions: [ScoreOption]
            var myScore: Int?
            var myComment: String?
            var declared: Bool
            var scores: String?
            var reviewCount: String
            var decided: Bool
        }
        var chrome: Chrome
        var event: EventView
        var rows: [Row]?
        var isManager: Bool
        var committee: String?
        var actionURL: String
        var blind: Bool
        var error: String?
    }

    func review(request: Request) async throws -> View {
        try await reviewPage(request, error: nil)
    }

    private func reviewPage(_ request: Request, error: String?) async throws -> View {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
        let viewer = try await EventStore.viewer(acting.actor, of: event, at: acting.now, on: request.db)
        guard viewer.isManager || viewer.isCommitteeMember else { throw AppError.forbidden("The review is the programme committee's and the hosts'.") }
        let submissions = try await EventStore.submissions(of: event, for: viewer, on: request.db)
        let reviews = try await EventStore.reviews(of: event, for: viewer, on: request.db)
        let committeeIDs = try await EventStore.committee(of: event.id, on: request.db)
        let names = try await request.application.renkei.peopleNames.names(of: committeeIDs.union(reviews.map(\.reviewerID)), on: request.db)
        let rows = submissions.map { submission in
            let mine = reviews.first { $0.submissionID == submission.id && $0.reviewerID == acting.actor.userID }
            let all = reviews.filter { $0.submissionID == submission.id && !$0.conflict }
            return ReviewPage.Row(submission: submission.view(for: acting.actor, in: event, isManager: viewer.isManager), id: submission.id.uuidString.lowercased(),
                                  label: .init(submission.tlp),
                                  conflict: EventReview.conflict(of: acting.actor, email: acting.user.email, with: submission,
                                                                 declared: mine?.conflict == true ? [submission.id] : []) ? EventReview.conflictMessage : nil,
                                  state: submission.state.label,
                                  scoreOptions: EventReview.scores.map { ScoreOption(value: $0, selected: $0 == (mine?.score ?? 3)) },
                                  myScore: mine?.score, myComment: mine?.comment.nonBlank, declared: mine?.conflict ?? false,
                                  scores: viewer.isManager ? all.map { "\(names[$0.reviewerID] ?? "?"): \($0.score ?? 0)\($0.comment.isEmpty ? "" : " (\($0.comment))")" }.joined(separator: "; ").nonBlank : nil,
                                  reviewCount: all.count.counted("review", "reviews"), decided: submission.state != .submitted)
        }
        return try await ReviewPage(chrome: Chrome(request: request, title: "Review: \(event.title)"), event: EventView(event, host: nil, counts: nil, now: acting.now),
                                    rows: rows.nonEmpty, isManager: viewer.isManager, committee: committeeIDs.compactMap { names[$0] }.sorted().joined(separator: ", ").nonBlank,
                                    actionURL: SiteURL.eventReview(.value(slug)).path, blind: event.cfp?.blindReview ?? true, error: error)
            .render("event-review", on: request)
    }

    func reviewStep(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        let form = try request.content.decode(ReviewForm.self)
        do {
            if form.action == "committee" {
                // One address a line (a browser sends CRLF, one Character), or separated by commas.
                let people = try await EventStore.setCommittee((form.comment ?? "").split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }).map(String.init), of: slug,
                                                               by: acting, on: request.db)
                return request.redirect(to: SiteURL.eventReview(.value(slug)).path, flash: "The committee has \(people.count.counted("member", "members"))")
            }
            guard let id = form.submission.flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such submission.") }
            switch form.action {
            case "review", "conflict":
                try await EventStore.review(id, in: slug, score: form.score.flatMap { Int($0) }, comment: form.comment ?? "", declareConflict: form.action == "conflict",
                                            by: acting, on: request.db)
                return request.redirect(to: SiteURL.eventReview(.value(slug)).path + "#submission-\(id.uuidString.lowercased())",
                                        flash: form.action == "conflict" ? "Conflict declared" : "Review saved")
            case "accept", "reject":
                _ = try await EventStore.decide(id, in: slug, accept: form.action == "accept", by: acting, on: request.db)
                return request.redirect(to: SiteURL.eventReview(.value(slug)).path, flash: form.action == "accept" ? "Accepted: the speakers are told" : "Rejected: the speakers are told")
            default:
                throw EventRefusal.invalid([FieldError(field: "action", message: "The action is review, conflict, accept, reject or committee.")])
            }
        } catch let refusal as EventRefusal {
            return try await reviewPage(request, error: refusal.message).encodeResponse(status: refusal.isInvalidInput ? .unprocessableEntity : refusal.isAboutWho ? .forbidden : .conflict, for: request)
        }
    }

    // MARK: - The programme and slides

    struct ProgrammeForm: Content {
        /// `add-session`, `remove-session` or `publish`.
        var action: String?
        var session: String?
    }

    func programmeStep(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        let programme = try request.content.decode(ProgrammeForm.self)
        let action = programme.action
        let typedSession = try? request.content.decode(SessionForm.self)
        return try await Self.onEventPage(request, form: "programme", typed: EventPage.Typed(session: typedSession)) {
            if action == "remove-session" {
                guard let id = programme.session.flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such session.") }
                try await EventStore.removeSession(id, from: slug, by: acting, on: request.db)
                return request.redirect(to: SiteURL.event(.value(slug)).path + "#programme", flash: "Session removed")
            }
            if action == "publish" {
                _ = try await EventStore.publishProgramme(slug, by: acting, on: request.db)
                return request.redirect(to: SiteURL.event(.value(slug)).path, flash: "The programme is published")
            }
            let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
            let session = try await request.content.decode(SessionForm.self).session(in: event, on: request.db)
            _ = try await EventStore.addSession(session, to: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.event(.value(slug)).path + "#programme", flash: "Session added")
        }
    }

    func slides(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        guard let id = request.parameters.get(SiteURL.sessionKey).flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There are no slides here for you.") }
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        let (session, slides) = try await EventStore.slides(of: id, in: event, for: viewer, at: now, on: request.db)
        let response = Response(status: .ok, body: .init(data: slides.bytes))
        // Served as a download, never rendered here: an uploaded file is not trusted as a page.
        response.headers.contentType = .binary
        // The file is named after the talk and its label, so a download says what it may be shared as.
        let ext = (slides.fileName as NSString).pathExtension
        response.headers.setAttachment(named: "\(session.title) (\(session.tlp.text))" + (ext.isEmpty ? "" : ".\(ext)"))
        response.headers.replaceOrAdd(name: .cacheControl, value: session.tlp == .clear ? "private, max-age=300" : "private, no-store")
        return response
    }

    struct SlidesUpload: Content {
        var file: File?
    }

    func uploadSlides(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        guard let id = request.parameters.get(SiteURL.sessionKey).flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such session.") }
        return try await Self.onEventPage(request, form: "slides") {
            guard let file = try request.content.decode(SlidesUpload.self).file else {
                throw EventRefusal.invalid([FieldError(field: "file", message: "Choose the file of your slides.")])
            }
            _ = try await EventStore.uploadSlides(Data(buffer: file.data), fileName: file.filename, contentType: file.contentType?.serialize() ?? "application/octet-stream",
                                                  to: id, in: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.event(.value(slug)).path + "#session-\(id.uuidString.lowercased())", flash: "Slides uploaded")
        }
    }

    // MARK: - Attendees and guests

    struct AttendeesPage: Encodable {
        struct Row: Encodable {
            var id: String
            var name: String
            var organisation: String
            var category: String
            var state: String
            var checkedIn: Bool
            var checkInURL: String
            var waiting: Bool
        }
        var chrome: Chrome
        var event: EventView
        var rows: [Row]?
        var confirmed: Int
        var waiting: Int
        var checkedIn: Int
        var csvURL: String
        /// Whether check-in is open now; otherwise when it opens.
        var checkInOpen: Bool
        var checkInOpens: String
    }

    func attendees(request: Request) async throws -> Response {
        _ = try request.requireUser()
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        guard viewer.isManager else { throw AppError.forbidden("The attendee list is for the event's hosts.") }
        let people = try await EventStore.attendees(of: event, for: viewer, on: request.db)
        if (try? request.query.get(String.self, at: "format")) == "csv" {
            let response = Response(status: .ok, body: .init(string: EventAttendeeList.csv(people)))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.setAttachment(named: "\(event.slug)-attendees.csv")
            response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
            return response
        }
        // Those holding a seat by name, then the waiting list in its order.
        let ordered = people.filter(\.holdsSeat) + people.filter { $0.state == .waitlisted }.sorted { ($0.registeredAt, $0.id.uuidString) < ($1.registeredAt, $1.id.uuidString) }
        let rows = ordered.map { person in
            AttendeesPage.Row(id: person.id.uuidString.lowercased(), name: person.name, organisation: person.organisation, category: person.category.label,
                              state: person.state.label, checkedIn: person.checkedInAt != nil,
                              checkInURL: SiteURL.eventCheckIn(.value(slug), .value(person.id.uuidString.lowercased())).path, waiting: !person.holdsSeat)
        }
        let window = EventRegistration.checkInWindow(of: event)
        return try await AttendeesPage(chrome: Chrome(request: request, title: "Attendees: \(event.title)"), event: EventView(event, host: nil, counts: nil, now: now),
                                       rows: rows.nonEmpty, confirmed: people.filter(\.holdsSeat).count, waiting: people.filter { $0.state == .waitlisted }.count,
                                       checkedIn: people.filter { $0.checkedInAt != nil }.count, csvURL: SiteURL.eventAttendees(.value(slug)).path + "?format=csv",
                                       checkInOpen: window.contains(now), checkInOpens: EventView.minute(window.lowerBound, in: event.timeZone))
            .render("event-attendees", on: request).encodeResponse(for: request)
    }

    func checkIn(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        guard let id = request.parameters.get(SiteURL.registrationKey).flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such registration.") }
        let registration = try await EventStore.checkIn(id, of: slug, by: acting, on: request.db)
        return request.redirect(to: SiteURL.eventAttendees(.value(slug)).path + "#attendee-\(id.uuidString.lowercased())", flash: "\(registration.name) is checked in")
    }

    struct GuestsPage: Encodable {
        struct Row: Encodable {
            var name: String
            var organisation: String
            var invitedBy: String
            var state: String
        }
        var chrome: Chrome
        var event: EventView
        var rows: [Row]?
        var mayRead: Bool
        var mayInvite: Bool
        var due: String
        var actionURL: String
        var errors: [String: String]?
        var typed: RegistrationForm
    }

    func guests(request: Request) async throws -> View {
        try await guestsPage(request, errors: [], typed: RegistrationForm())
    }

    private func guestsPage(_ request: Request, errors: [FieldError], typed: RegistrationForm) async throws -> View {
        _ = try request.requireUser()
        let slug = try request.slugParameter()
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        let mayRead = EventAccess.mayReadGuestList(of: event, by: actor, isManager: viewer.isManager,
                                                   teamTakesPart: try await EventStore.teamTakesPart(actor, in: event, on: request.db), at: now)
        let mayInvite = EventAccess.mayInviteGuests(to: event, by: actor)
        guard mayRead || mayInvite else { throw AppError.forbidden("The guest list is for the teams taking part, from \(EventView.minute(event.guestListDue, in: event.timeZone)).") }
        var rows: [GuestsPage.Row] = []
        if mayRead {
            let guests = try await EventStore.guests(of: event, on: request.db)
            let teams = try await teamNames(guests.compactMap(\.invitedByTeamID), on: request.db)
            rows = guests.map { GuestsPage.Row(name: $0.name, organisation: $0.organisation, invitedBy: $0.invitedByTeamID.flatMap { teams[$0] } ?? "—", state: $0.state.label) }
        }
        let formErrors = FormErrors(errors)
        return try await GuestsPage(chrome: Chrome(request: request, title: "Guests: \(event.title)").with(formErrors, headline: "Nobody was invited: \(errors.count.counted("problem", "problems")) to correct"),
                                    event: EventView(event, host: nil, counts: nil, now: now), rows: rows.nonEmpty, mayRead: mayRead, mayInvite: mayInvite,
                                    due: EventView.minute(event.guestListDue, in: event.timeZone), actionURL: SiteURL.eventGuests(.value(slug)).path,
                                    errors: formErrors.byControl.nonEmpty, typed: typed)
            .render("event-guests", on: request)
    }

    func inviteGuest(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let acting = try Acting(request)
        let form = try request.content.decode(RegistrationForm.self)
        do {
            _ = try await EventStore.inviteGuest(name: form.name ?? "", email: form.email ?? "", organisation: form.organisation ?? "", to: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.eventGuests(.value(slug)).path, flash: "Invited: the guest's link is in their mail")
        } catch let refusal as EventRefusal where refusal.reason == .invalid {
            return try await guestsPage(request, errors: refusal.fieldErrors, typed: form).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    // MARK: - A person's events and calendars

    struct AccountEventsPage: Encodable {
        struct Row: Encodable {
            var event: EventView
            var registration: RegistrationView
        }
        var chrome: Chrome
        var rows: [Row]?
        var calendarLink: String?
        var actionURL: String
    }

    func accountEvents(request: Request) async throws -> View {
        try await accountEventsPage(request, calendarLink: nil)
    }

    private func accountEventsPage(_ request: Request, calendarLink: String?) async throws -> View {
        let user = try request.requireUser()
        let now = request.application.renkei.clock.now
        let rows = try await Self.registrations(of: user, for: request.currentActor, on: request.db).map { event, registration in
            AccountEventsPage.Row(event: EventView(event, host: nil, counts: nil, now: now), registration: RegistrationView(registration, in: event))
        }
        return try await AccountEventsPage(chrome: Chrome(request: request, title: "My events"), rows: rows.nonEmpty, calendarLink: calendarLink,
                                           actionURL: SiteURL.accountEvents.path)
            .render("account-events", on: request)
    }

    /// A person's registrations not cancelled, of events they may still see, latest first (at most 200).
    static func registrations(of user: UserModel, for actor: Actor?, on database: any Database) async throws -> [(Event, EventRegistration)] {
        let rows = try await EventRegistrationModel.query(on: database).filter(\.$userID == user.requireID())
            .filter(\.$state != EventRegistration.State.cancelled.rawValue).sort(\.$registeredAt, .descending).limit(200).all()
        let events = try await EventModel.query(on: database).filter(\.$id ~~ rows.map(\.eventID)).all()
        let byID = Dictionary(try events.map { (try $0.requireID(), try $0.event()) }, uniquingKeysWith: { first, _ in first })
        let listed = rows.compactMap { row in byID[row.eventID].flatMap { EventAccess.isListed($0, to: actor) ? ($0, row.registration) : nil } }
        // What is coming, soonest first; then what is over, latest first.
        let now = Date()
        return listed.filter { !$0.0.hasEnded(at: now) }.sorted { $0.0.startsAt < $1.0.startsAt }
            + listed.filter { $0.0.hasEnded(at: now) }.sorted { $0.0.startsAt > $1.0.startsAt }
    }

    func newCalendarLink(request: Request) async throws -> View {
        let user = try request.requireUser()
        let secret = try await EventStore.newCalendarToken(for: user, at: request.application.renkei.clock.now, on: request.db)
        try await AuditLog.record("event.calendar-link", subject: "user \(user.email)", request: request)
        return try await accountEventsPage(request, calendarLink: request.application.renkei.settings.publicURL + SiteURL.accountCalendar.path + "?token=" + secret)
    }

    // MARK: - Calendars

    func eventsCalendar(request: Request) async throws -> Response {
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let upcoming = try await Self.listed(for: actor, upcoming: true, beyond: nil, now: now, limit: 500, on: request.db)
        let past = try await Self.listed(for: actor, upcoming: false, beyond: nil, now: now, limit: 100, on: request.db)
        let url = request.application.renkei.settings.publicURL
        return EventCalendar.response("Renkei events", (past.reversed() + upcoming).map { EventCalendar.entry($0, publicURL: url, now: now) }, fileName: "events.ics")
    }

    func eventCalendar(request: Request, slug: String) async throws -> Response {
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let (_, event) = try await EventStore.find(slug: slug, for: actor, on: request.db)
        let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
        let url = request.application.renkei.settings.publicURL
        let sessions = try await EventStore.sessions(of: event, for: viewer, on: request.db)
        return EventCalendar.response(event.title, [EventCalendar.entry(event, publicURL: url, now: now)] + sessions.map { EventCalendar.entry($0, of: event, publicURL: url, now: now) },
                                      fileName: "\(event.slug).ics")
    }

    /// A person's registrations and the sessions of them they may see, by the feed's secret
    /// (a calendar client sends no cookie); what they may see is decided as on the pages.
    func personalCalendar(request: Request) async throws -> Response {
        guard let secret = try? request.query.get(String.self, at: "token"), let user = try await EventStore.user(forCalendarToken: secret, on: request.db) else {
            throw AppError.notFound("This calendar link is not valid (any more). Make a new one under My events.")
        }
        let now = request.application.renkei.clock.now
        let actor = try await ListStore.readers([user], on: request.db)[user.requireID()]
        let url = request.application.renkei.settings.publicURL
        var entries: [ICalendarEvent] = []
        for (event, registration) in try await Self.registrations(of: user, for: actor, on: request.db) {
            entries.append(EventCalendar.entry(event, publicURL: url, now: now))
            guard registration.state == .confirmed else { continue }
            let viewer = try await EventStore.viewer(actor, of: event, at: now, on: request.db)
            entries += try await EventStore.sessions(of: event, for: viewer, on: request.db).map {
                EventCalendar.entry($0, of: event, publicURL: url, now: now, leavesThePlatform: true)
            }
        }
        return EventCalendar.response("My events", entries, fileName: "calendar.ics")
    }
}

/// The printable and CSV attendee list (for the hosts only).
enum EventAttendeeList {
    static func csv(_ people: [EventRegistration]) -> String {
        var lines = ["name,organisation,email,category,state,invoice_reference,checked_in_at"]
        for person in people {
            lines.append([person.name, person.organisation, person.email, person.category.rawValue, person.state.rawValue, person.invoiceReference,
                          person.checkedInAt?.formatted(.iso8601) ?? ""].map { CSV.cell($0) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
