import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The pages of events: the list, an event (programme, registration, hosts' tools), the call
/// for presentations, the committee's review, the attendee list with check-in, the guest list,
/// a visitor's or guest's link, a person's events and calendars.
struct EventsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder, uploads: any RoutesBuilder) {
        pages.get(.events, use: index)
        pages.get(.eventNew, use: newForm)
        forms.post(.events, use: create)
        pages.get(.event(.key), use: show)
        pages.get(.eventEdit(.key), use: editForm)
        forms.post(.eventEdit(.key), use: change)
        forms.post(.eventRegistrations(.key), use: registration)
        pages.get(.eventRegistrationLink(.key), use: link)
        forms.post(.eventRegistrationLink(.key), use: answerLink)
        pages.get(.eventCFP(.key), use: cfp)
        forms.post(.eventCFP(.key), use: submit)
        pages.get(.eventReview(.key), use: review)
        forms.post(.eventReview(.key), use: reviewStep)
        forms.post(.eventSessions(.key), use: programmeStep)
        pages.get(.eventSlides(.key, .key), use: slides)
        uploads.on(.POST, SiteURL.eventSlides(.key, .key).pathComponents, body: .collect(maxSize: EventStore.slidesUploadLimit), use: uploadSlides)
        pages.get(.eventAttendees(.key), use: attendees)
        forms.post(.eventCheckIn(.key, .key), use: checkIn)
        pages.get(.eventGuests(.key), use: guests)
        forms.post(.eventGuests(.key), use: inviteGuest)
        pages.get(.accountEvents, use: accountEvents)
        forms.post(.accountEvents, use: newCalendarLink)
        // Calendars are read with the session of a browser, or (the personal one) by the feed's secret.
        pages.get(.eventsCalendar, use: eventsCalendar)
        pages.get(.accountCalendar, use: personalCalendar)
    }

    // MARK: - The list

    struct IndexPage: Encodable {
        var chrome: Chrome
        var upcoming: [EventView]?
        var past: [EventView]?
        var earlierURL: String?
        var laterURL: String?
        var mayCreate: Bool
        var newURL: String
        var calendarURL: String
    }

    static let pageSize = 50

    /// Upcoming events soonest first, past ones latest first, each page a keyset slice; a
    /// SIG's meetings only for its participants (`EventAccess.isListed`, in SQL by `sig_id`).
    /// `beyond` continues a list: upcoming events starting after it, past ones starting before it.
    static func listed(for actor: Actor?, upcoming: Bool, beyond: Date?, now: Date, limit: Int, on database: any Database) async throws -> [Event] {
        let query = EventModel.query(on: database)
        let seats = actor?.sigSeats.map(\.sigID) ?? []
        query.group(.or) { group in
            group.filter(\.$sigID == nil)
            if !seats.isEmpty { group.filter(\.$sigID ~~ seats) }
        }
        if upcoming {
            query.filter(\.$endsAt > now).sort(\.$startsAt).sort(\.$id)
            if let beyond { query.filter(\.$startsAt > beyond) }
        } else {
            query.filter(\.$endsAt <= now).sort(\.$startsAt, .descending).sort(\.$id, .descending)
            if let beyond { query.filter(\.$startsAt < beyond) }
        }
        return try await query.limit(limit).all().map { try $0.event() }.filter { EventAccess.isListed($0, to: actor) }
    }

    func index(request: Request) async throws -> View {
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        func cursor(_ name: String) -> Date? { (try? request.query.get(String.self, at: name)).flatMap(EventView.cursor) }
        let (before, after) = (cursor("before"), cursor("after"))
        // The first page has both lists; "later" continues the upcoming one, "earlier" the past one.
        let coming = before == nil ? try await Self.listed(for: actor, upcoming: true, beyond: after, now: now, limit: Self.pageSize + 1, on: request.db) : []
        let upcoming = Array(coming.prefix(Self.pageSize))
        let later = coming.count > Self.pageSize ? upcoming.last.map { SiteURL.events.path + "?after=" + EventView.cursor($0.startsAt) } : nil
        let past = after == nil ? try await Self.listed(for: actor, upcoming: false, beyond: before, now: now, limit: Self.pageSize + 1, on: request.db) : []
        let shown = Array(past.prefix(Self.pageSize))
        let earlier = past.count > Self.pageSize ? shown.last.map { SiteURL.events.path + "?before=" + EventView.cursor($0.startsAt) } : nil
        let hosts = try await teamNames((upcoming + shown).compactMap(\.hostTeamID), on: request.db)
        return try await IndexPage(chrome: Chrome(request: request, title: "Events"),
                                   upcoming: upcoming.map { EventView($0, host: $0.hostTeamID.flatMap { hosts[$0] }, counts: nil, now: now) }.nonEmpty,
                                   past: shown.map { EventView($0, host: $0.hostTeamID.flatMap { hosts[$0] }, counts: nil, now: now) }.nonEmpty,
                                   earlierURL: earlier, laterURL: later,
                                   mayCreate: actor.map { actor in Event.Kind.allCases.contains { EventAccess.mayCreate($0, hostTeamID: actor.teamID, by: actor, isChairOfSIG: false) } } ?? false,
                                   newURL: SiteURL.eventNew.path, calendarURL: SiteURL.eventsCalendar.path)
            .render("events", on: request)
    }

    func teamNames(_ teamIDs: [UUID], on database: any Database) async throws -> [UUID: String] {
        let ids = Array(Set(teamIDs))
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await TeamModel.query(on: database).filter(\.$id ~~ ids).all().compactMap { team in team.id.map { ($0, team.record.officialName) } },
                          uniquingKeysWith: { first, _ in first })
    }

    // MARK: - Creating

    struct FormPage: Encodable {
        var chrome: Chrome
        var form: EventForm
        var actionURL: String
        /// Changing an event: its kind and address stay.
        var isChange: Bool
        var kinds: [Option]
        var errors: [String: String]?
    }

    struct Option: Encodable {
        var value: String
        var label: String
    }

    func newForm(request: Request) async throws -> View {
        try await formPage(request, form: EventForm(kind: Event.Kind.colloquium.rawValue, timeZone: "Europe/Vienna", capacity: "100", guestListDays: "5"), errors: [])
    }

    private func formPage(_ request: Request, form: EventForm, errors: [FieldError], changing slug: String? = nil) async throws -> View {
        _ = try request.requireUser()
        let formErrors = FormErrors(errors)
        let title = slug == nil ? "New event" : "Change \(form.title ?? "the event")"
        return try await FormPage(chrome: Chrome(request: request, title: title)
                                    .with(formErrors, headline: "Nothing was saved: \(errors.count.counted("problem", "problems")) to correct"),
                                  form: form, actionURL: slug.map { SiteURL.eventEdit(.value($0)).path } ?? SiteURL.events.path, isChange: slug != nil,
                                  kinds: Event.Kind.allCases.map { Option(value: $0.rawValue, label: $0.label) }, errors: formErrors.byControl.nonEmpty)
            .render("event-form", on: request)
    }

    func editForm(request: Request) async throws -> View {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
        try EventStore.requireManager(try await EventStore.viewer(acting.actor, of: event, at: acting.now, on: request.db))
        let host = try await event.hostTeamID.asyncMap { try await TeamModel.find($0, on: request.db)?.slug } ?? nil
        let sig = try await event.sigID.asyncMap { try await SIGModel.find($0, on: request.db)?.slug } ?? nil
        return try await formPage(request, form: EventForm(event, hostSlug: host, sigSlug: sig), errors: [], changing: event.slug)
    }

    func change(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(EventForm.self)
        do {
            let (_, event) = try await EventStore.find(slug: slug, for: acting.actor, on: request.db)
            var typed = form
            typed.kind = event.kind.rawValue
            let changed = try await EventStore.change(slug, to: try await typed.event(by: acting.actor, now: acting.now, on: request.db), by: acting, on: request.db)
            return request.redirect(to: SiteURL.event(.value(changed.slug)).path, flash: "Saved")
        } catch let refusal as EventRefusal where refusal.reason == .invalid {
            return try await formPage(request, form: form, errors: refusal.fieldErrors, changing: slug).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func create(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let form = try request.content.decode(EventForm.self)
        do {
            let event = try await EventStore.create(try await form.event(by: acting.actor, now: acting.now, on: request.db), by: acting, on: request.db)
            return request.redirect(to: SiteURL.event(.value(event.slug)).path, flash: "Created: add the programme, then publish it")
        } catch let refusal as EventRefusal where refusal.reason == .invalid {
            return try await formPage(request, form: form, errors: refusal.fieldErrors).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    // MARK: - An event's page

    func show(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        if slug.hasSuffix(".ics") { return try await eventCalendar(request: request, slug: String(slug.dropLast(4))) }
        return try await EventPage.build(for: request).render("event", on: request).encodeResponse(for: request)
    }

    /// Runs a form of the event's page; a refusal or bad input shows the page again with the reason next to the form.
    static func onEventPage(_ request: Request, form: String, typed: EventPage.Typed = .init(), _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error where SIGsController.isFormProblem(error) {
            let problem = ProblemMiddleware.problem(for: error, request: request)
            var page = try await EventPage.build(for: request)
            let errors = FormErrors(problem.errors ?? [])
            page.formError = EventPage.FormError(form: form, message: problem.detail, fields: errors.byControl)
            page.typed = typed
            page.chrome = page.chrome.with(errors, headline: problem.detail)
            return try await page.render("event", on: request).encodeResponse(status: .init(statusCode: problem.status), for: request)
        }
    }

    func registration(request: Request) async throws -> Response {
        let slug = try request.slugParameter()
        let form = try request.content.decode(RegistrationForm.self)
        let now = request.application.renkei.clock.now
        let mail = request.application.renkei.mail
        let typed = EventPage.Typed(name: form.name, email: form.email, organisation: form.organisation)
        return try await Self.onEventPage(request, form: "registration", typed: typed) {
            guard let user = request.currentUser, let actor = request.currentActor else {
                try request.takeVisitorMail(to: form.email ?? "")
                try await EventStore.requestRegistration(name: form.name ?? "", email: form.email ?? "", organisation: form.organisation ?? "", for: slug,
                                                         address: request.clientAddress, now: now, mail: mail, on: request.db)
                return request.redirect(to: SiteURL.event(.value(slug)).path,
                                        flash: "Check your mail: the link we sent confirms the registration")
            }
            if form.action == "cancel" {
                guard let id = form.registration.flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("There is no such registration.") }
                _ = try await EventStore.cancel(id, of: slug, by: actor, user: user, address: request.clientAddress, now: now, mail: mail, on: request.db)
                return request.redirect(to: SiteURL.event(.value(slug)).path, flash: "Cancelled")
            }
            let registrant = EventRegistration.Registrant(actor: actor, name: user.displayName, email: user.email,
                                                          organisation: try await Self.organisation(form.organisation, of: user, on: request.db))
            let registration = try await EventStore.register(registrant, for: slug, user: user, address: request.clientAddress, now: now, mail: mail, on: request.db)
            return request.redirect(to: SiteURL.event(.value(slug)).path,
                                    flash: registration.state == .confirmed ? "You are registered" : "The event is full: you are on the waiting list")
        }
    }

    /// The organisation on a badge: as typed, or the person's team.
    static func organisation(_ typed: String?, of user: UserModel, on database: any Database) async throws -> String {
        if let typed = typed?.trimmingCharacters(in: .whitespacesAndNewlines), !typed.isEmpty { return typed }
        guard let teamID = user.$team.id else { return "" }
        return try await TeamModel.find(teamID, on: database)?.record.officialName ?? ""
    }

    // MARK: - A visitor's or guest's link

    struct LinkPage: Encodable {
        var chrome: Chrome
        var event: EventView
        var name: String
        var email: String
        var isGuest: Bool
        var registration: RegistrationView?
        var actionURL: String
        var eventURL: String
        var calendarURL: String
        var isOver: Bool
        var error: String?
    }

    struct RegistrationView: Content {
        var id: String
        var state: String
        var stateLabel: String
        var category: String
        var fee: String?
        var invoiceReference: String
        var checkedIn: Bool

        init(_ registration: EventRegistration, in event: Event) {
            id = registration.id.uuidString.lowercased()
            state = registration.state.rawValue
            stateLabel = registration.state.label
            category = registration.category.label
            fee = event.fees.fee(for: registration.category).nonBlank
            invoiceReference = registration.invoiceReference
            checkedIn = registration.checkedInAt != nil
        }
    }

    func link(request: Request) async throws -> View {
        try await linkPage(request, error: nil)
    }

    private func linkPage(_ request: Request, error: String?) async throws -> View {
        let secret = request.parameters.get(SiteURL.tokenKey) ?? ""
        let now = request.application.renkei.clock.now
        let page: LinkPage
        switch try await EventStore.link(secret, at: now, on: request.db) {
        case .request(let row, let event):
            page = LinkPage(chrome: Chrome(request: request, title: event.title).withVisitorForm(request), event: EventView(event, host: nil, counts: nil, now: now), name: row.name,
                            email: row.email, isGuest: row.invitedByTeamID != nil, registration: nil, actionURL: SiteURL.eventRegistrationLink(.value(secret)).path,
                            eventURL: SiteURL.event(.value(event.slug)).path, calendarURL: SiteURL.eventCalendar(event.slug).path, isOver: event.hasEnded(at: now), error: error)
        case .registration(let registration, let event):
            page = LinkPage(chrome: Chrome(request: request, title: event.title).withVisitorForm(request), event: EventView(event, host: nil, counts: nil, now: now), name: registration.name,
                            email: registration.email, isGuest: registration.category == .guest, registration: RegistrationView(registration, in: event),
                            actionURL: SiteURL.eventRegistrationLink(.value(secret)).path, eventURL: SiteURL.event(.value(event.slug)).path,
                            calendarURL: SiteURL.eventCalendar(event.slug).path, isOver: event.hasEnded(at: now), error: error)
        }
        return try await page.render("event-link", on: request)
    }

    func answerLink(request: Request) async throws -> Response {
        let secret = request.parameters.get(SiteURL.tokenKey) ?? ""
        let form = try request.content.decode(RegistrationForm.self)
        let now = request.application.renkei.clock.now
        let mail = request.application.renkei.mail
        do {
            switch try await EventStore.link(secret, at: now, on: request.db) {
            case .request:
                let registration = try await EventStore.confirm(secret, agreementAccepted: EventForm.isOn(form.agreement), address: request.clientAddress, now: now,
                                                                mail: mail, on: request.db)
                return request.redirect(to: SiteURL.eventRegistrationLink(.value(secret)).path,
                                        flash: registration.state == .confirmed ? "You are registered" : "The event is full: you are on the waiting list")
            case .registration(let registration, let event):
                _ = try await EventStore.cancel(registration.id, of: event.slug, by: nil, manageTokenHash: APITokens.hash(secret), user: nil,
                                                address: request.clientAddress, now: now, mail: mail, on: request.db)
                return request.redirect(to: SiteURL.eventRegistrationLink(.value(secret)).path, flash: "Cancelled")
            }
        } catch let refusal as EventRefusal {
            return try await linkPage(request, error: refusal.message).encodeResponse(status: refusal.isInvalidInput ? .unprocessableEntity : .conflict, for: request)
        }
    }
}
