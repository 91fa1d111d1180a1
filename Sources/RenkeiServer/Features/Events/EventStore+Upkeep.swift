import Fluent
import Foundation
import RenkeiCore
import Vapor

/// What events do by themselves: reminders a day before, the guest list to the teams taking
/// part, and the calendar feed's secret of each person.
extension EventStore {
    /// Everyone holding a seat at an event starting within a day is reminded once.
    static func remind(now: Date, mail: MailAddressing?, on database: any Database) async throws {
        let soon = try await EventModel.query(on: database).filter(\.$startsAt > now).filter(\.$startsAt <= now.addingTimeInterval(86_400)).all()
        for model in soon {
            let event = try model.event()
            try await database.writeTransaction { database in
                let due = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id)
                    .filter(\.$state == EventRegistration.State.confirmed.rawValue).filter(\.$remindedAt == nil).limit(500).all()
                for row in due {
                    row.remindedAt = now
                    try await row.save(on: database)
                    try await tell(row.registration, about: event, text: "\(event.title) starts \(EventView.minute(event.startsAt, in: event.timeZone)). See you there.",
                                   subject: "Tomorrow", mail: mail, now: now, on: database)
                }
            }
        }
    }

    /// Once its day has come, an event's guest list is announced to the people of the teams
    /// taking part (a notification each, mailed encrypted or as a pointer), who read it on the
    /// event's page (`EventAccess.mayReadGuestList`).
    static func announceGuestLists(now: Date, mail: MailAddressing?, on database: any Database) async throws {
        let coming = try await EventModel.query(on: database).filter(\.$guestListSentAt == nil).filter(\.$startsAt > now)
            .filter(\.$startsAt <= now.addingTimeInterval(45 * 86_400)).all()
        for model in coming {
            let event = try model.event()
            guard event.eligibility == .membersAndGuests, now >= event.guestListDue else { continue }
            try await database.writeTransaction { database in
                model.guestListSentAt = now
                try await model.save(on: database)
                let registered = try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id)
                    .filter(\.$state == EventRegistration.State.confirmed.rawValue).filter(\.$userID != nil).all().compactMap(\.userID)
                try await Notify.people(registered, text: "The guest list of \(event.title) is out: see who the member teams invited.",
                                        link: SiteURL.eventGuests(.value(event.slug)).path, at: now, mail: mail, on: database)
                try await AuditLog.record("event.guest-list", subject: event.auditSubject, detail: "\(registered.count) people told", actor: nil,
                                          address: nil, at: now, on: database)
            }
        }
    }

    /// Whether someone of `actor`'s team holds a seat at the event.
    static func teamTakesPart(_ actor: Actor?, in event: Event, on database: any Database) async throws -> Bool {
        guard let team = actor?.teamID else { return false }
        let people = try await UserModel.query(on: database).filter(\.$team.$id == team).all().compactMap(\.id)
        guard !people.isEmpty else { return false }
        return try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id).filter(\.$userID ~~ people)
            .filter(\.$state == EventRegistration.State.confirmed.rawValue).first() != nil
    }

    /// The guests of an event, for who may read its guest list.
    static func guests(of event: Event, on database: any Database) async throws -> [EventRegistration] {
        try await EventRegistrationModel.query(on: database).filter(\.$eventID == event.id).filter(\.$category == EventRegistration.Category.guest.rawValue)
            .filter(\.$state != EventRegistration.State.cancelled.rawValue).sort(\.$name).all().map(\.registration)
    }

    // MARK: - Calendar feed secrets

    /// A new secret for the person's calendar feed; the old link stops working.
    static func newCalendarToken(for user: UserModel, at now: Date, on database: any Database) async throws -> String {
        let secret = APITokens.generate()
        let userID = try user.requireID()
        try await database.writeTransaction { database in
            try await CalendarFeedTokenModel.query(on: database).filter(\.$userID == userID).delete()
            let row = CalendarFeedTokenModel()
            row.userID = userID
            row.tokenHash = APITokens.hash(secret)
            row.createdAt = now
            try await row.create(on: database)
        }
        return secret
    }

    static func user(forCalendarToken secret: String, on database: any Database) async throws -> UserModel? {
        guard let row = try await CalendarFeedTokenModel.query(on: database).filter(\.$tokenHash == APITokens.hash(secret)).first() else { return nil }
        return try await UserModel.find(row.userID, on: database)
    }
}
