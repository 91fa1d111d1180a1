import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Registering without an account: a visitor's address is confirmed by a link before the seat
/// is taken, and a colloquium's guest, invited by a member team, takes it by accepting the TLP
/// agreement behind the link. Only the hash of a link's secret is kept; the secret then
/// manages the registration (see it, cancel it).
extension EventStore {
    static let requestLifetime: TimeInterval = 7 * 86_400

    /// The same answer whether or not the address has an account or a registration: the mail tells the rest.
    static func requestRegistration(name: String, email: String, organisation: String, for slug: String, address: String?, now: Date, mail: MailAddressing?,
                                    on database: any Database) async throws {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: nil, on: database)
            guard event.eligibility == .anyone else {
                throw EventRefusal(.wrongRole, "This event is for members and invited guests: sign in, or ask a member team for an invitation.")
            }
            guard event.registrationIsOpen(at: now) else { throw EventRefusal(.closed, "Registration is closed.") }
            let registrant = EventRegistration.Registrant(actor: nil, name: name, email: email, organisation: organisation)
            // The fields are checked now, so a typo is shown at once rather than in a link that never arrives.
            let problems = EventRegistration.problems(of: registrant)
            guard problems.isEmpty else { throw EventRefusal.invalid(problems) }
            let secret = try await storeRequest(for: event, email: email, name: name, organisation: organisation, invitedBy: nil, now: now, on: database)
            try await AuditLog.record("event.request", subject: event.auditSubject, detail: email.lowercased(), actor: nil, address: address, at: now, on: database)
            if let mail {
                try await mailLink(secret, to: email, subject: "Confirm your registration: \(event.title)",
                                   text: "Someone, probably you, asked to register this address for \(event.title). Open the link to confirm; you can see or cancel your registration with it later.",
                                   mail: mail, now: now, on: database)
            }
        }
    }

    /// A person of a member team invites a guest to an event for members and guests.
    static func inviteGuest(name: String, email: String, organisation: String, to slug: String, by acting: Acting, on database: any Database) async throws -> String {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            guard EventAccess.mayInviteGuests(to: event, by: acting.actor), let team = acting.actor.teamID else {
                throw EventRefusal(.wrongRole, "People of member teams invite guests to an event for members and guests.")
            }
            let registrant = EventRegistration.Registrant(actor: nil, name: name, email: email, organisation: organisation, invitedByTeamID: team, agreementAccepted: true)
            let problems = EventRegistration.problems(of: registrant)
            guard problems.isEmpty else { throw EventRefusal.invalid(problems) }
            guard acting.now < event.registrationCloses else { throw EventRefusal(.closed, "Registration is closed.") }
            let secret = try await storeRequest(for: event, email: email, name: name, organisation: organisation, invitedBy: (team, acting.actor.userID),
                                                now: acting.now, on: database)
            try await AuditLog.record("event.invite-guest", subject: event.auditSubject, detail: email.lowercased(), actor: acting.user,
                                      address: acting.address, at: acting.now, on: database)
            if let mail = acting.mail {
                try await mailLink(secret, to: email, subject: "Invitation: \(event.title)",
                                   text: "\(acting.user.displayName) invites you to \(event.title) as their team's guest. Open the link to read the event's TLP agreement and register.",
                                   mail: mail, now: acting.now, on: database)
            }
            return secret
        }
    }

    private static func storeRequest(for event: Event, email: String, name: String, organisation: String, invitedBy: (team: UUID, user: UUID)?, now: Date,
                                     on database: any Database) async throws -> String {
        let secret = APITokens.generate()
        let row = EventRegistrationRequestModel()
        row.eventID = event.id
        row.email = email.trimmingCharacters(in: .whitespaces).lowercased()
        row.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        row.organisation = organisation.trimmingCharacters(in: .whitespacesAndNewlines)
        row.invitedByTeamID = invitedBy?.team
        row.invitedBy = invitedBy?.user
        row.tokenHash = APITokens.hash(secret)
        row.createdAt = now
        row.expiresAt = min(now.addingTimeInterval(requestLifetime), event.endsAt)
        try await row.create(on: database)
        return secret
    }

    private static func mailLink(_ secret: String, to email: String, subject: String, text: String, mail: MailAddressing, now: Date,
                                 on database: any Database) async throws {
        let link = mail.publicURL + SiteURL.eventRegistrationLink(.value(secret)).path
        try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: subject, content: .text("\(text)\n\n\(link)\n\nIf you did not expect it, ignore this message.\n"),
                                 messageID: mail.messageID(), to: [Outbox.Recipient(address: email.trimmingCharacters(in: .whitespaces).lowercased(), userID: nil, form: .signed)],
                                 at: now, on: database)
    }

    /// What a link's secret opens: a request still to confirm, or the registration it made.
    enum Link {
        case request(EventRegistrationRequestModel, Event)
        case registration(EventRegistration, Event)
    }

    static func link(_ secret: String, at now: Date, on database: any Database) async throws -> Link {
        let hash = APITokens.hash(secret)
        if let row = try await EventRegistrationModel.query(on: database).filter(\.$manageTokenHash == hash).first(),
           let event = try await EventModel.find(row.eventID, on: database) {
            return .registration(row.registration, try event.event())
        }
        guard let request = try await EventRegistrationRequestModel.query(on: database).filter(\.$tokenHash == hash).first(), request.usedAt == nil,
              request.expiresAt > now, let event = try await EventModel.find(request.eventID, on: database) else {
            throw AppError.notFound("This link does not exist, was used, or has expired.")
        }
        return .request(request, try event.event())
    }

    /// The link's request becomes a registration; a guest's only with the agreement accepted.
    static func confirm(_ secret: String, agreementAccepted: Bool, address: String?, now: Date, mail: MailAddressing?,
                        on database: any Database) async throws -> EventRegistration {
        try await database.writeTransaction { database in
            guard case .request(let request, let event) = try await link(secret, at: now, on: database) else {
                throw EventRefusal(.wrongState, "This link was used already.")
            }
            let registrant = EventRegistration.Registrant(actor: nil, name: request.name, email: request.email, organisation: request.organisation,
                                                          invitedByTeamID: request.invitedByTeamID, agreementAccepted: agreementAccepted)
            let registration = try await register(registrant, for: event.slug, manageTokenHash: request.tokenHash, user: nil, address: address, now: now,
                                                  mail: mail, on: database)
            request.usedAt = now
            try await request.save(on: database)
            return registration
        }
    }
}

extension Request {
    /// Takes one of the visitor limits (`EventRegistration.visitorMailsPerAddress`, `visitorRequestsPerClient`)
    /// before a form mails an address no account stands behind.
    func takeVisitorMail(to address: String) throws {
        let settings = application.renkei.settings
        let now = application.renkei.clock.now
        let limiter = application.renkei.rateLimiter
        if case .refused(let seconds) = limiter.take(1, from: "event-visitor|" + (clientAddress ?? "unknown"),
                                                     limit: EventRegistration.visitorRequestsPerClient.share(of: settings.rateLimits.instances), at: now) {
            throw AppError.tooManyRequests("Too many requests from here; try again in \((seconds + 59) / 60) minutes.", retryAfter: seconds)
        }
        let mailbox = AddressConfirmation.mailboxKey(address.trimmingCharacters(in: .whitespaces))
        if case .refused(let seconds) = limiter.take(1, from: "event-mail|" + mailbox,
                                                     limit: EventRegistration.visitorMailsPerAddress.share(of: settings.rateLimits.instances), at: now) {
            throw AppError.tooManyRequests("Mails have already gone to this address today: use the link in one of them, or try again in \((seconds + 3599) / 3600) hours.",
                                           retryAfter: seconds)
        }
    }
}
