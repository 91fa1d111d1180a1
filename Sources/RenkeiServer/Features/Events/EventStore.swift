import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Events in and out of the database. Every rule is the core's (`Event`, `EventAccess`,
/// `EventRegistration`, `EventWaitingList`, `EventSubmission`, `EventReview`); each write is
/// checked again inside its transaction and writes its audit line.
enum EventStore {
    /// Who looks at an event, as every read of it needs them.
    struct Viewer: Sendable {
        var actor: Actor?
        var isManager: Bool
        /// Their registration (seat or waiting place), if any.
        var registration: EventRegistration?
        var isCommitteeMember: Bool
    }

    /// The event of `slug` as `actor` may see it; one they may not see is "not found", like one that does not exist.
    static func find(slug: String, for actor: Actor?, on database: any Database) async throws -> (EventModel, Event) {
        guard let model = try await EventModel.query(on: database).filter(\.$slug == slug.lowercased()).first() else {
            throw AppError.notFound("There is no event “\(slug)”.")
        }
        let event = try model.event()
        guard EventAccess.isListed(event, to: actor) else { throw AppError.notFound("There is no event “\(slug)”.") }
        return (model, event)
    }

    static func isChairOfSIG(_ actor: Actor?, of event: Event, at now: Date, on database: any Database) async throws -> Bool {
        guard let actor, let sig = event.sigID else { return false }
        return try await SIGStore.isChair(actor, of: sig, at: now, on: database)
    }

    static func viewer(_ actor: Actor?, of event: Event, at now: Date, on database: any Database) async throws -> Viewer {
        let isManager = EventAccess.mayManage(event, by: actor, isChairOfSIG: try await isChairOfSIG(actor, of: event, at: now, on: database))
        guard let actor else { return Viewer(actor: nil, isManager: false, registration: nil, isCommitteeMember: false) }
        let registration = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id).filter(\.$userID == actor.userID).first()
        let seat = try await EventCommitteeMemberModel.query(on: database).filter(\.$eventID == event.id).filter(\.$userID == actor.userID).first()
        return Viewer(actor: actor, isManager: isManager, registration: registration?.registration,
                      isCommitteeMember: EventAccess.sitsOnCommittee(actor, committee: seat == nil ? [] : [actor.userID]))
    }

    static func requireManager(_ viewer: Viewer) throws {
        guard viewer.isManager else { throw EventRefusal(.wrongRole, "Only the event's hosts (and the secretariat) do this.") }
    }

    /// Serialises the writes on one event's seats: on PostgreSQL by locking its row until the
    /// transaction ends; SQLite runs one write transaction at a time already.
    static func lock(_ eventID: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT id FROM events WHERE id = \(bind: eventID) FOR UPDATE").run()
    }

    // MARK: - Creating and running an event

    static func create(_ event: Event, by acting: Acting, on database: any Database) async throws -> Event {
        try await database.writeTransaction { database in
            let isChair = try await isChairOfSIG(acting.actor, of: event, at: acting.now, on: database)
            guard EventAccess.mayCreate(event.kind, hostTeamID: event.hostTeamID, by: acting.actor, isChairOfSIG: isChair) else {
                throw EventRefusal(.wrongRole, event.kind == .sigMeeting ? "A SIG's chairs plan its meetings."
                                   : "The secretariat creates events; a member team's representatives create the colloquia and symposia their team hosts.")
            }
            let problems = event.problems
            guard problems.isEmpty else { throw EventRefusal.invalid(problems) }
            guard try await EventModel.query(on: database).filter(\.$slug == event.slug).first() == nil else {
                throw EventRefusal.invalid([FieldError(field: "slug", message: "There is already an event “\(event.slug)”.")])
            }
            try await EventModel(event).create(on: database)
            try await AuditLog.record("event.create", subject: event.auditSubject, detail: event.kind.rawValue, actor: acting.user,
                                      address: acting.address, at: acting.now, on: database)
            return event
        }
    }

    /// The hosts change what they set when creating the event (not its kind, its SIG or its
    /// address). More seats go to the waiting list at once; new dates or a new venue are told
    /// to everyone registered or waiting.
    static func change(_ slug: String, to changed: Event, by acting: Acting, on database: any Database) async throws -> Event {
        try await database.writeTransaction { database in
            let (model, event) = try await find(slug: slug, for: acting.actor, on: database)
            try await lock(event.id, on: database)
            let viewer = try await viewer(acting.actor, of: event, at: acting.now, on: database)
            try requireManager(viewer)
            var next = changed
            next.id = event.id
            next.slug = event.slug
            next.kind = event.kind
            next.sigID = event.sigID
            next.eligibility = event.kind == .sigMeeting ? event.eligibility : changed.eligibility
            next.programmePublished = event.programmePublished
            next.createdBy = event.createdBy
            next.createdAt = event.createdAt
            if next.hostTeamID != event.hostTeamID,
               !EventAccess.mayCreate(next.kind, hostTeamID: next.hostTeamID, by: acting.actor, isChairOfSIG: viewer.isManager && event.kind == .sigMeeting) {
                throw EventRefusal(.wrongRole, "Only the secretariat hands an event to another host team.")
            }
            let problems = next.problems
            guard problems.isEmpty else { throw EventRefusal.invalid(problems) }
            try model.update(from: next)
            try await model.save(on: database)
            try await AuditLog.record("event.change", subject: event.auditSubject, actor: acting.user, address: acting.address, at: acting.now, on: database)
            if next.startsAt != event.startsAt || next.endsAt != event.endsAt || next.venue != event.venue || next.online != event.online {
                let people = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id)
                    .filter(\.$state != EventRegistration.State.cancelled.rawValue).all()
                for person in people {
                    try await tell(person.registration, about: next, text: "The hosts changed when or where \(next.title) takes place; the dates and place below are the new ones.",
                                   subject: "Changed", mail: acting.mail, now: acting.now, on: database)
                }
            }
            if next.capacity > event.capacity { try await promote(next, now: acting.now, mail: acting.mail, on: database) }
            return next
        }
    }

    static func publishProgramme(_ slug: String, by acting: Acting, on database: any Database) async throws -> Event {
        try await database.writeTransaction { database in
            let (model, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            var next = event
            next.programmePublished = true
            try model.update(from: next)
            try await model.save(on: database)
            try await AuditLog.record("event.publish-programme", subject: event.auditSubject, actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
            return next
        }
    }

    static func addSession(_ session: EventSession, to slug: String, by acting: Acting, on database: any Database) async throws -> EventSession {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            var session = session
            session.eventID = event.id
            if let submissionID = session.submissionID {
                guard let submission = try await EventSubmissionModel.find(submissionID, on: database), submission.eventID == event.id,
                      submission.state == EventSubmission.State.accepted.rawValue else {
                    throw EventRefusal.invalid([FieldError(field: "submission", message: "Schedule an accepted submission of this event.")])
                }
                session.speakerUserID = submission.submitterUserID
            }
            let problems = session.problems(in: event)
            guard problems.isEmpty else { throw EventRefusal.invalid(problems) }
            try await EventSessionModel(session).create(on: database)
            try await AuditLog.record("event.add-session", subject: event.auditSubject, detail: "session \(session.id.uuidString.lowercased())",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            return session
        }
    }

    /// The hosts take a session out of the programme, its slides with it.
    static func removeSession(_ sessionID: UUID, from slug: String, by acting: Acting, on database: any Database) async throws {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            guard let session = try await EventSessionModel.find(sessionID, on: database), session.eventID == event.id else {
                throw AppError.notFound("There is no such session.")
            }
            try await EventSlidesModel.query(on: database).filter(\.$sessionID == sessionID).delete()
            try await session.delete(on: database)
            try await AuditLog.record("event.remove-session", subject: event.auditSubject, detail: "session \(sessionID.uuidString.lowercased())",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
        }
    }

    /// The committee is replaced by the people named (by the e-mail address of their account); they must be of the community.
    static func setCommittee(_ emails: [String], of slug: String, by acting: Acting, on database: any Database) async throws -> [UserModel] {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            let addresses = Array(Set(emails.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }))
            let users = addresses.isEmpty ? [] : try await UserModel.query(on: database).filter(\.$email ~~ addresses).all()
            let readers = try await ListStore.readers(users, on: database)
            let accepted = users.filter { user in user.id.flatMap { readers[$0] }.map(AccessPolicy.mayBeNamed) ?? false }
            let unknown = addresses.filter { address in !accepted.contains { $0.email == address } }
            guard unknown.isEmpty else {
                throw EventRefusal.invalid(unknown.map { FieldError(field: "committee", message: AccessPolicy.cannotBeNamed($0)) })
            }
            try await EventCommitteeMemberModel.query(on: database).filter(\.$eventID == event.id).delete()
            for user in accepted { try await EventCommitteeMemberModel(eventID: event.id, userID: try user.requireID()).create(on: database) }
            try await AuditLog.record("event.committee", subject: event.auditSubject, detail: accepted.map(\.email).sorted().joined(separator: ", "),
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            return accepted
        }
    }

    // MARK: - The programme as a reader sees it

    static func sessions(of event: Event, for viewer: Viewer, on database: any Database) async throws -> [EventSession] {
        try await EventSessionModel.query(on: database).filter(\.$eventID == event.id).sort(\.$startsAt).sort(\.$id).all()
            .map(\.session).filter { EventAccess.maySee($0, of: event, reader: viewer.actor, isManager: viewer.isManager) }
    }

    /// The programme as the viewer reads it: the sessions they may see, each with its slides'
    /// link only where they may read them and the upload form only for its speaker.
    static func programme(of event: Event, for viewer: Viewer, readerZone: String?, at now: Date, on database: any Database) async throws -> [EventView.Session] {
        let sessions = try await sessions(of: event, for: viewer, on: database)
        let withSlides = Set(try await EventSlidesModel.query(on: database).filter(\.$sessionID ~~ sessions.map(\.id)).field(\.$sessionID).all().map(\.sessionID))
        return sessions.map { session in
            let url = SiteURL.eventSlides(.value(event.slug), .value(session.id.uuidString.lowercased())).path
            let readable = withSlides.contains(session.id)
                && EventAccess.mayReadSlides(of: session, in: event, reader: viewer.actor, registration: viewer.registration, isManager: viewer.isManager, at: now)
            let isSpeaker = viewer.actor != nil && session.speakerUserID == viewer.actor?.userID
            return EventView.session(session, of: event, readerZone: readerZone, slidesURL: readable ? url : nil, uploadURL: isSpeaker ? url : nil)
        }
    }

    /// The slides of a session the viewer may read, or "not found" (the same whether there are
    /// none, the session is hidden from them, or the label keeps them out).
    static func slides(of sessionID: UUID, in event: Event, for viewer: Viewer, at now: Date, on database: any Database) async throws -> (EventSession, EventSlidesModel) {
        guard let session = try await EventSessionModel.find(sessionID, on: database)?.session, session.eventID == event.id,
              EventAccess.mayReadSlides(of: session, in: event, reader: viewer.actor, registration: viewer.registration, isManager: viewer.isManager, at: now),
              let slides = try await EventSlidesModel.query(on: database).filter(\.$sessionID == sessionID).first() else {
            throw AppError.notFound("There are no slides here for you.")
        }
        return (session, slides)
    }

    static let slidesLimit = 30 * 1_024 * 1_024
    /// The form around the file: its boundary, headers and CSRF token.
    static let slidesUploadLimit = ByteCount(value: slidesLimit + 65_536)

    /// The session's speaker uploads (or replaces) its slides.
    static func uploadSlides(_ bytes: Data, fileName: String, contentType: String, to sessionID: UUID, in slug: String, by acting: Acting,
                             on database: any Database) async throws -> EventSession {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            guard let session = try await EventSessionModel.find(sessionID, on: database)?.session, session.eventID == event.id,
                  session.speakerUserID == acting.actor.userID else {
                throw EventRefusal(.wrongRole, "Only the session's speaker uploads its slides.")
            }
            guard !bytes.isEmpty, bytes.count <= slidesLimit else {
                throw EventRefusal.invalid([FieldError(field: "slides", message: "Upload a file of up to 30 MB.")])
            }
            let row = try await EventSlidesModel.query(on: database).filter(\.$sessionID == sessionID).first() ?? EventSlidesModel()
            row.sessionID = sessionID
            row.fileName = FileName.clean(fileName) ?? "slides"
            row.contentType = contentType
            row.bytes = bytes
            row.uploadedBy = acting.actor.userID
            row.uploadedAt = acting.now
            try await row.save(on: database)
            try await AuditLog.record("event.slides", subject: event.auditSubject, detail: "session \(sessionID.uuidString.lowercased())",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            return session
        }
    }

    // MARK: - Registration and the waiting list

    static func confirmedCount(of eventID: UUID, on database: any Database) async throws -> Int {
        try await EventRegistrationModel.query(on: database).filter(\.$eventID == eventID).filter(\.$state == EventRegistration.State.confirmed.rawValue).count()
    }

    /// Registers `registrant` (signed in, or a visitor whose address a link confirmed), in the
    /// transaction that counts the seats; the person is told by mail.
    static func register(_ registrant: EventRegistration.Registrant, for slug: String, manageTokenHash: String? = nil, user: UserModel?, address: String?,
                         now: Date, mail: MailAddressing?, on database: any Database) async throws -> EventRegistration {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: registrant.actor, on: database)
            try await lock(event.id, on: database)
            var registrant = registrant
            if let userID = registrant.actor?.userID {
                registrant.isSpeaker = try await EventSessionModel.query(on: database).filter(\.$eventID == event.id).filter(\.$speakerUserID == userID).first() != nil
            }
            let email = registrant.email.trimmingCharacters(in: .whitespaces).lowercased()
            let existing = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id).filter(\.$email == email).first()
            if let existing, existing.userID != nil, existing.userID != registrant.actor?.userID {
                throw EventRefusal(.wrongState, "That address is registered already; sign in with its account to change the registration.")
            }
            let registration = try EventRegistration.register(id: existing?.id ?? UUID(), registrant, for: event, existing: existing?.registration,
                                                              confirmedCount: try await confirmedCount(of: event.id, on: database), at: now)
            let row = existing ?? EventRegistrationModel()
            row.update(from: registration)
            row.remindedAt = nil
            if let manageTokenHash { row.manageTokenHash = manageTokenHash }
            try await row.save(on: database)
            try await AuditLog.record("event.register", subject: event.auditSubject, detail: "\(registration.email) \(registration.state.rawValue)",
                                      actor: user, address: address, at: now, on: database)
            try await tell(registration, about: event, text: registration.state == .confirmed
                           ? "You are registered for \(event.title) (\(registration.category.label)).\(feeLine(event, registration))"
                           : "\(event.title) is full: you are on its waiting list. If a seat frees up, it is yours in turn and we tell you at once.",
                           subject: registration.state == .confirmed ? "Registered" : "On the waiting list", mail: mail, now: now, on: database)
            return registration
        }
    }

    static func feeLine(_ event: Event, _ registration: EventRegistration) -> String {
        let fee = event.fees.fee(for: registration.category)
        return fee.isEmpty ? "" : "\n\nFee: \(fee). Quote \(registration.invoiceReference) when you ask for the invoice."
    }

    /// Cancels a registration and gives its seat to the next on the waiting list, in the same transaction.
    static func cancel(_ registrationID: UUID, of slug: String, by actor: Actor?, manageTokenHash: String? = nil, user: UserModel?, address: String?,
                       now: Date, mail: MailAddressing?, on database: any Database) async throws -> EventRegistration {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: actor, on: database)
            try await lock(event.id, on: database)
            guard let row = try await EventRegistrationModel.find(registrationID, on: database), row.eventID == event.id else {
                throw AppError.notFound("There is no such registration.")
            }
            let isOwn = (actor != nil && row.userID == actor?.userID) || (manageTokenHash != nil && row.manageTokenHash == manageTokenHash)
            let isManager = EventAccess.mayManage(event, by: actor, isChairOfSIG: try await isChairOfSIG(actor, of: event, at: now, on: database))
            guard isOwn || isManager else { throw AppError.notFound("There is no such registration.") }
            let next = try row.registration.cancelled(in: event, at: now)
            row.update(from: next)
            try await row.save(on: database)
            try await AuditLog.record("event.cancel", subject: event.auditSubject, detail: next.email, actor: user, address: address, at: now, on: database)
            try await promote(event, now: now, mail: mail, on: database)
            return next
        }
    }

    /// Gives free seats to the waiting list in its order, each promoted person told by mail.
    /// Runs in the transaction that freed the seat, and each minute for seats freed otherwise
    /// (a capacity raised); the event's row lock keeps two at once from promoting twice.
    static func promote(_ event: Event, now: Date, mail: MailAddressing?, on database: any Database) async throws {
        guard !event.hasEnded(at: now) else { return }
        let waiting = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id)
            .filter(\.$state == EventRegistration.State.waitlisted.rawValue).sort(\.$registeredAt).sort(\.$id).limit(event.capacity).all()
        guard !waiting.isEmpty else { return }
        let promoted = Set(EventWaitingList.promotions(capacity: event.capacity, confirmed: try await confirmedCount(of: event.id, on: database),
                                                       waiting: waiting.map { EventWaitingList.Place(id: $0.id ?? UUID(), registeredAt: $0.registeredAt) }))
        for row in waiting where row.id.map(promoted.contains) ?? false {
            row.state = EventRegistration.State.confirmed.rawValue
            row.promotedAt = now
            try await row.save(on: database)
            try await AuditLog.record("event.promote", subject: event.auditSubject, detail: row.email, actor: nil, address: nil, at: now, on: database)
            try await tell(row.registration, about: event, text: "A seat at \(event.title) became free and it is yours: you are registered.\(feeLine(event, row.registration))",
                           subject: "You have a seat", mail: mail, now: now, on: database)
        }
    }

    /// Each minute: every event not over yet whose waiting list has someone on it (few events
    /// at a time; each look is one step down the registrations' queue index).
    static func promoteWaiting(now: Date, mail: MailAddressing?, on database: any Database) async throws {
        for model in try await EventModel.query(on: database).filter(\.$endsAt > now).all() {
            let eventID = try model.requireID()
            guard try await EventRegistrationModel.query(on: database).filter(\.$eventID == eventID)
                .filter(\.$state == EventRegistration.State.waitlisted.rawValue).first() != nil else { continue }
            try await database.writeTransaction { database in
                try await lock(eventID, on: database)
                guard let model = try await EventModel.find(eventID, on: database) else { return }
                try await promote(try model.event(), now: now, mail: mail, on: database)
            }
        }
    }

    static func checkIn(_ registrationID: UUID, of slug: String, by acting: Acting, on database: any Database) async throws -> EventRegistration {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            guard let row = try await EventRegistrationModel.find(registrationID, on: database), row.eventID == event.id else {
                throw AppError.notFound("There is no such registration.")
            }
            let next = try row.registration.checkedIn(in: event, at: acting.now)
            row.update(from: next)
            try await row.save(on: database)
            try await AuditLog.record("event.check-in", subject: event.auditSubject, detail: next.email, actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
            return next
        }
    }

    /// The attendee list, for the event's managers: everyone holding a seat or a place, by name.
    static func attendees(of event: Event, for viewer: Viewer, on database: any Database) async throws -> [EventRegistration] {
        guard viewer.isManager else { throw EventRefusal(.wrongRole, "The attendee list is for the event's hosts.") }
        return try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id)
            .filter(\.$state != EventRegistration.State.cancelled.rawValue).sort(\.$name).sort(\.$id).all().map(\.registration)
    }

    /// Mail about a registration: to the person's account (encrypted, or a pointer to the web)
    /// for a SIG's meeting, whose very title belongs to the SIG; otherwise signed plain text to
    /// the address they registered with, as the event is announced publicly.
    static func tell(_ registration: EventRegistration, about event: Event, text: String, subject: String, mail: MailAddressing?, now: Date,
                     on database: any Database) async throws {
        guard let mail else { return }
        let link = SiteURL.event(.value(event.slug)).path
        if event.kind == .sigMeeting {
            guard let userID = registration.userID, let user = try await UserModel.find(userID, on: database) else { return }
            try await Outbox.enqueuePersonal(to: user, subject: subject.lowercased(), text: text, link: link, addressing: mail, at: now, on: database)
            return
        }
        let body = "\(text)\n\n\(event.title)\n\(EventView.dates(event))\n\(event.online ? "Online" : event.venue)\n\n\(mail.publicURL)\(link)\n"
        try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: "\(subject): \(event.title)", content: .text(body),
                                 messageID: mail.messageID(), to: [Outbox.Recipient(address: registration.email, userID: registration.userID, form: .signed)],
                                 at: now, on: database)
    }
}
