import Foundation

/// A seat at an event, or a place on its waiting list.
public struct EventRegistration: Sendable, Hashable, Codable {
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case member
        case nonMember = "non-member"
        case speaker
        /// Invited to a colloquium by a member team.
        case guest

        public var label: String {
            switch self {
            case .member: "Member"
            case .nonMember: "Non-member"
            case .speaker: "Speaker"
            case .guest: "Guest"
            }
        }
    }

    public enum State: String, Sendable, Hashable, Codable {
        case confirmed
        case waitlisted
        case cancelled

        public var label: String {
            switch self {
            case .confirmed: "Registered"
            case .waitlisted: "On the waiting list"
            case .cancelled: "Cancelled"
            }
        }
    }

    public var id: UUID
    public var eventID: UUID
    /// The account, for people who registered signed in.
    public var userID: UUID?
    public var name: String
    public var email: String
    public var organisation: String
    public var category: Category
    public var state: State
    public var registeredAt: Date
    /// For a guest: the member team that invited them.
    public var invitedByTeamID: UUID?
    public var agreementAcceptedAt: Date?
    public var checkedInAt: Date?
    public var promotedAt: Date?

    public init(id: UUID, eventID: UUID, userID: UUID?, name: String, email: String, organisation: String, category: Category, state: State,
                registeredAt: Date, invitedByTeamID: UUID? = nil, agreementAcceptedAt: Date? = nil, checkedInAt: Date? = nil, promotedAt: Date? = nil) {
        self.id = id
        self.eventID = eventID
        self.userID = userID
        self.name = name
        self.email = email
        self.organisation = organisation
        self.category = category
        self.state = state
        self.registeredAt = registeredAt
        self.invitedByTeamID = invitedByTeamID
        self.agreementAcceptedAt = agreementAcceptedAt
        self.checkedInAt = checkedInAt
        self.promotedAt = promotedAt
    }

    /// The reference a team quotes on the invoice it asks for: the event and the registration, short enough to type.
    public var invoiceReference: String {
        "RK-\(String(eventID.uuidString.prefix(4)))-\(String(id.uuidString.replacingOccurrences(of: "-", with: "").prefix(8)))"
    }

    public var holdsSeat: Bool { state == .confirmed }

    /// A visitor's mails (the confirmation link, a proposal's receipt) go to an address typed
    /// by whoever filled the form: a few a day per address, and a limit per client, so the
    /// forms cannot be used to send a stranger mail over and over.
    public static let visitorMailsPerAddress = RateLimit(capacity: 3, period: 86_400)
    public static let visitorRequestsPerClient = RateLimit(capacity: 20, period: 3_600)

    /// Who registers, as the rule needs them.
    public struct Registrant: Sendable, Hashable {
        /// The signed-in person; nil for a visitor who registers by e-mail.
        public var actor: Actor?
        public var name: String
        public var email: String
        public var organisation: String
        /// A member team invited them and they accepted the event's TLP agreement.
        public var invitedByTeamID: UUID?
        public var agreementAccepted: Bool
        /// They give an accepted talk at the event.
        public var isSpeaker: Bool

        public init(actor: Actor?, name: String, email: String, organisation: String, invitedByTeamID: UUID? = nil, agreementAccepted: Bool = false,
                    isSpeaker: Bool = false) {
            self.actor = actor
            self.name = name
            self.email = email
            self.organisation = organisation
            self.invitedByTeamID = invitedByTeamID
            self.agreementAccepted = agreementAccepted
            self.isSpeaker = isSpeaker
        }
    }

    /// The registration `registrant` gets: a seat while `confirmedCount` is under the capacity,
    /// otherwise a place on the waiting list. Refused outside the registration window, to who
    /// the event is not for, and to who already holds a seat or a place.
    public static func register(id: UUID, _ registrant: Registrant, for event: Event, existing: EventRegistration?, confirmedCount: Int,
                                at now: Date) throws -> EventRegistration {
        guard event.registrationIsOpen(at: now) else {
            throw EventRefusal(.closed, now < event.registrationOpens ? "Registration has not opened yet." : "Registration is closed.")
        }
        let category = try EventAccess.category(of: registrant, for: event)
        if let existing, existing.state != .cancelled {
            throw EventRefusal(.wrongState, existing.state == .confirmed ? "You are registered already." : "You are on the waiting list already.")
        }
        let errors = problems(of: registrant)
        guard errors.isEmpty else { throw EventRefusal.invalid(errors) }
        let name = registrant.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = registrant.email.trimmingCharacters(in: .whitespaces).lowercased()
        return EventRegistration(id: id, eventID: event.id, userID: registrant.actor?.userID, name: name, email: email,
                                 organisation: registrant.organisation.trimmingCharacters(in: .whitespacesAndNewlines), category: category,
                                 state: confirmedCount < event.capacity ? .confirmed : .waitlisted, registeredAt: now,
                                 invitedByTeamID: registrant.invitedByTeamID, agreementAcceptedAt: registrant.agreementAccepted ? now : nil)
    }

    /// What is wrong with the name, address and organisation given.
    public static func problems(of registrant: Registrant) -> [FieldError] {
        var errors: [FieldError] = []
        let name = registrant.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 200 { errors.append(FieldError(field: "name", message: "Give your name (up to 200 characters).")) }
        if registrant.organisation.count > 200 { errors.append(FieldError(field: "organisation", message: "Keep the organisation under 200 characters.")) }
        let email = registrant.email.trimmingCharacters(in: .whitespaces).lowercased()
        if !TeamRecord.isEmail(email) || email.count > 254 { errors.append(FieldError(field: "email", message: "Give an e-mail address.")) }
        return errors
    }

    /// Cancelling gives the seat (or the place) back; after the event there is nothing to cancel.
    public func cancelled(in event: Event, at now: Date) throws -> EventRegistration {
        guard state != .cancelled else { throw EventRefusal(.wrongState, "This registration is cancelled already.") }
        guard !event.hasEnded(at: now) else { throw EventRefusal(.wrongState, "The event is over.") }
        var next = self
        next.state = .cancelled
        next.checkedInAt = nil
        return next
    }

    /// When people are checked in: from the day before the event until the day after it.
    public static func checkInWindow(of event: Event) -> ClosedRange<Date> {
        event.startsAt.addingTimeInterval(-86_400)...event.endsAt.addingTimeInterval(86_400)
    }

    /// The host marks the person present; only someone holding a seat is checked in, and only
    /// from the day before the event until the day after its end.
    public func checkedIn(in event: Event, at now: Date) throws -> EventRegistration {
        guard state == .confirmed else { throw EventRefusal(.wrongState, "Only a confirmed registration is checked in.") }
        guard Self.checkInWindow(of: event).contains(now) else {
            throw EventRefusal(.wrongState, "Check-in is open from the day before the event until the day after it.")
        }
        var next = self
        next.checkedInAt = checkedInAt ?? now
        return next
    }
}

/// The waiting list's one rule: first come, first served; ties (the same instant) by id, so
/// every server promotes the same people.
public enum EventWaitingList {
    public struct Place: Sendable, Hashable {
        public var id: UUID
        public var registeredAt: Date

        public init(id: UUID, registeredAt: Date) {
            self.id = id
            self.registeredAt = registeredAt
        }
    }

    /// The places to promote now, in order: as many as there are free seats.
    public static func promotions(capacity: Int, confirmed: Int, waiting: [Place]) -> [UUID] {
        let free = max(0, capacity - confirmed)
        return waiting.sorted { ($0.registeredAt, $0.id.uuidString) < ($1.registeredAt, $1.id.uuidString) }.prefix(free).map(\.id)
    }
}
