import Foundation

/// What the access rule needs of a person's place in a SIG: the SIG, and the team they take
/// part for (nil for a guest). `Actor.sigSeats` holds the seats that are taken (`SIGParticipant.seat`).
public struct SIGSeat: Sendable, Hashable, Codable {
    public var sigID: UUID
    public var teamID: UUID?

    public init(sigID: UUID, teamID: UUID?) {
        self.sigID = sigID
        self.teamID = teamID
    }
}

/// A person in a SIG. People of member teams join (at once, or on the chairs' approval);
/// guests from outside the membership come only by a chair's invitation (`SIGGuestInvitation`)
/// and take their seat by accepting the SIG's TLP agreement. A participant who changed team, or whose team's
/// membership ended, reads nothing of the SIG until the chairs decide (`affiliationChanged`).
public struct SIGParticipant: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case member, guest }

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Asked to join a moderated SIG; the chairs decide.
        case requested
        /// Takes part: reads and posts in the SIG's space.
        case active
        /// Left, was removed, or had a request or invitation declined.
        case ended
    }

    public var sigID: UUID
    public var userID: UUID
    public var kind: Kind
    public var state: State
    /// The team the person takes part for; nil for a guest.
    public var teamID: UUID?
    /// When a chair's term ends; nil for a participant who does not chair.
    public var chairUntil: Date?
    /// When a guest accepted the SIG's TLP agreement.
    public var agreementAcceptedAt: Date?
    /// Who invited the guest, or approved or ended the participation.
    public var decidedBy: UUID?
    public var changedAt: Date
    /// Why the participation ended, when a chair ended it.
    public var reason: String?

    public init(sigID: UUID, userID: UUID, kind: Kind, state: State, teamID: UUID?, chairUntil: Date? = nil, agreementAcceptedAt: Date? = nil,
                decidedBy: UUID? = nil, changedAt: Date, reason: String? = nil) {
        self.sigID = sigID
        self.userID = userID
        self.kind = kind
        self.state = state
        self.teamID = teamID
        self.chairUntil = chairUntil
        self.agreementAcceptedAt = agreementAcceptedAt
        self.decidedBy = decidedBy
        self.changedAt = changedAt
        self.reason = reason
    }

    /// Whether the person holds a chair's term at `now`.
    public func isChair(at now: Date) -> Bool { state == .active && (chairUntil.map { $0 > now } ?? false) }

    /// Whether `actor`, the person of this participation, acts as a chair now: a term, and a seat
    /// that reads the SIG (a chair whose team changed or left holds no chair's power until the
    /// other chairs or the board decide).
    public func actsAsChair(_ actor: Actor, at now: Date) -> Bool {
        actor.userID == userID && isChair(at: now) && AccessPolicy.takesPart(actor, in: sigID)
    }

    /// The seat the access rule reads; nil unless the participation is active.
    public var seat: SIGSeat? { state == .active ? SIGSeat(sigID: sigID, teamID: kind == .guest ? nil : teamID) : nil }

    /// A member participant whose team is no longer the one they joined for, or whose team's
    /// membership is no longer active or suspended: the chairs see it and decide
    /// (`Step.confirmAffiliation` or `Step.remove`).
    public func affiliationChanged(person: Actor) -> Bool {
        guard kind == .member, state == .active else { return false }
        return person.teamID != teamID || !AccessPolicy.isMemberOfMemberTeam(person)
    }

    // MARK: - Steps

    public enum Step: Sendable, Hashable {
        /// A person of a member team joins (open SIG) or asks to (moderated SIG).
        case join
        /// A chair approves a request to join.
        case approve
        /// A chair declines a request to join.
        case decline(reason: String)
        /// The participant leaves (or withdraws a request).
        case leave
        /// A chair removes a participant.
        case remove(reason: String)
        /// A chair keeps a participant whose affiliation changed, for their team now.
        case confirmAffiliation
        /// The participants elected (or, by the charter, the board appointed) a chair, for a term.
        case seatChair
        /// A chair steps down, or a chair's seat is ended by the SIG or the board.
        case unseatChair
    }

    /// Who acts and how: the actor, whether they chair the SIG, and the person the step is about.
    public struct Context: Sendable {
        public var sig: SpecialInterestGroup
        public var actor: Actor
        public var actorIsChair: Bool
        /// The person the step is about, as the access rule sees them (their team and its status).
        public var person: Actor
        /// How many chairs the SIG has now.
        public var chairCount: Int
        public var now: Date

        public init(sig: SpecialInterestGroup, actor: Actor, actorIsChair: Bool, person: Actor, chairCount: Int, now: Date) {
            self.sig = sig
            self.actor = actor
            self.actorIsChair = actorIsChair
            self.person = person
            self.chairCount = chairCount
            self.now = now
        }

        var actsForThemself: Bool { actor.userID == person.userID }
    }

    /// A person of a member team joins (open SIG) or asks to (moderated SIG); `existing` is
    /// what is recorded of them in this SIG, if anything.
    public static func join(existing: SIGParticipant?, in context: Context) throws(SIGRefusal) -> SIGParticipant {
        let sig = context.sig
        guard context.actsForThemself else { throw SIGRefusal(.wrongRole, "People join a SIG themselves; a chair invites guests.") }
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue); people join chartered and active SIGs only.") }
        if let existing, existing.state != .ended {
            throw SIGRefusal(.wrongState, existing.state == .active ? "You already take part in \(sig.name)." : "Your request to join \(sig.name) is waiting for the chairs.")
        }
        guard AccessPolicy.isMemberOfMemberTeam(context.person), let team = context.person.teamID else {
            throw SIGRefusal(.wrongRole, "People of member teams join SIGs; others take part only as a chair's guest.")
        }
        let state: State = sig.charter.joining == .open ? .active : .requested
        return SIGParticipant(sigID: sig.id, userID: context.person.userID, kind: .member, state: state, teamID: team, changedAt: context.now)
    }

    /// The participation after `step`.
    public func applying(_ step: Step, in context: Context) throws(SIGRefusal) -> SIGParticipant {
        var next = self
        next.changedAt = context.now
        let sigName = context.sig.name
        func requireChair(_ what: String) throws(SIGRefusal) {
            guard context.actorIsChair else { throw SIGRefusal(.wrongRole, "Only the SIG's chairs \(what).") }
        }
        // A moderated SIG's first participants have no chair to approve them: the board does.
        // Nobody decides on their own request.
        func requireChairOrBoardWhileUnchaired(_ what: String) throws(SIGRefusal) {
            guard context.actorIsChair || (context.chairCount == 0 && context.actor.roles.contains(.board)) else {
                throw SIGRefusal(.wrongRole, "Only the SIG's chairs (the board, while it has none) \(what).")
            }
            guard !context.actsForThemself else { throw SIGRefusal(.wrongRole, "Nobody decides on their own request; another chair or the board does.") }
        }
        func requireState(_ wanted: State, _ message: String) throws(SIGRefusal) {
            guard state == wanted else { throw SIGRefusal(.wrongState, message) }
        }
        switch step {
        case .join:
            throw SIGRefusal(.wrongState, state == .active ? "They already take part in \(sigName)." : "There is already a pending request.")
        case .approve:
            try requireChairOrBoardWhileUnchaired("approve requests to join")
            try requireState(.requested, "There is no pending request to approve.")
            guard AccessPolicy.isMemberOfMemberTeam(context.person), context.person.teamID == teamID else {
                throw SIGRefusal(.wrongState, "The person is no longer of the member team they asked for; decline the request.")
            }
            next.state = .active
            next.decidedBy = context.actor.userID
        case .decline(let reason):
            try requireChairOrBoardWhileUnchaired("decline requests to join")
            try requireState(.requested, "There is no pending request to decline.")
            next.state = .ended
            next.decidedBy = context.actor.userID
            next.reason = try Self.requiredReason(reason)
        case .leave:
            guard context.actsForThemself else { throw SIGRefusal(.wrongRole, "People leave a SIG themselves; a chair removes.") }
            guard state != .ended else { throw SIGRefusal(.wrongState, "They no longer take part in \(sigName).") }
            next.state = .ended
            next.chairUntil = nil
        case .remove(let reason):
            try requireChair("remove participants")
            guard state == .active else { throw SIGRefusal(.wrongState, "There is no participation to end.") }
            guard !context.actsForThemself else { throw SIGRefusal(.wrongState, "To leave, use “Leave”; a chair does not remove themself.") }
            next.state = .ended
            next.chairUntil = nil
            next.decidedBy = context.actor.userID
            next.reason = try Self.requiredReason(reason)
        case .confirmAffiliation:
            try requireChair("confirm a participant's new affiliation")
            guard !context.actsForThemself else { throw SIGRefusal(.wrongRole, "Another chair confirms a chair's new affiliation.") }
            guard affiliationChanged(person: context.person) else { throw SIGRefusal(.wrongState, "Their affiliation has not changed.") }
            guard AccessPolicy.isMemberOfMemberTeam(context.person), let team = context.person.teamID else {
                throw SIGRefusal(.wrongState, "They are no longer of a member team: remove them, or invite them as a guest.")
            }
            next.teamID = team
            next.decidedBy = context.actor.userID
        case .seatChair:
            let byBoard = context.actor.roles.contains(.board)
            guard context.sig.charter.chairsAppointedByBoard ? byBoard : (context.actorIsChair || byBoard) else {
                throw SIGRefusal(.wrongRole, context.sig.charter.chairsAppointedByBoard
                                 ? "By its charter the board appoints the chairs of \(sigName)."
                                 : "The SIG's chairs or the board record the participants' election of a chair.")
            }
            guard context.sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sigName) is \(context.sig.status.rawValue).") }
            guard state == .active, kind == .member, !affiliationChanged(person: context.person) else {
                throw SIGRefusal(.wrongState, "A chair is a participant from a member team.")
            }
            guard !context.actsForThemself else { throw SIGRefusal(.wrongRole, "Nobody records themself as chair; another chair or the board does.") }
            guard !isChair(at: context.now) else { throw SIGRefusal(.wrongState, "They already chair \(sigName); their term runs to the date shown.") }
            guard context.chairCount < SpecialInterestGroup.maximumChairs else {
                throw SIGRefusal(.chairLimit, "\(sigName) has \(SpecialInterestGroup.maximumChairs) chairs, the most a SIG has.")
            }
            next.chairUntil = SpecialInterestGroup.calendar.date(byAdding: .month, value: SpecialInterestGroup.chairTermMonths, to: context.now)
            next.decidedBy = context.actor.userID
        case .unseatChair:
            guard context.actsForThemself || context.actorIsChair || context.actor.roles.contains(.board) else {
                throw SIGRefusal(.wrongRole, "A chair steps down themself; the other chairs or the board end a chair's seat.")
            }
            guard isChair(at: context.now) else { throw SIGRefusal(.wrongState, "They do not chair \(sigName).") }
            next.chairUntil = nil
            next.decidedBy = context.actor.userID
        }
        return next
    }

    /// The steps `actor` may take on this participation now, by the rule of `applying`: what a page offers.
    public func availableSteps(in context: Context) -> [Step] {
        let steps: [Step] = [.approve, .decline(reason: "—"), .leave, .remove(reason: "—"), .confirmAffiliation, .seatChair, .unseatChair]
        return steps.filter { (try? applying($0, in: context)) != nil }
    }

    private static func requiredReason(_ text: String) throws(SIGRefusal) -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(reason.count) else {
            throw .invalid([FieldError(field: "reason", message: "Give the reason (1 to 2000 characters); it is recorded.")])
        }
        return reason
    }
}

extension SIGParticipant.Step {
    /// The step's name in forms and the API.
    public var name: String {
        switch self {
        case .join: "join"
        case .approve: "approve"
        case .decline: "decline"
        case .leave: "leave"
        case .remove: "remove"
        case .confirmAffiliation: "confirm-affiliation"
        case .seatChair: "seat-chair"
        case .unseatChair: "unseat-chair"
        }
    }

    public var needsReason: Bool {
        switch self {
        case .decline, .remove: true
        default: false
        }
    }

    /// The step named `name`, with `reason` where it takes one.
    public init?(name: String, reason: String = "") {
        switch name {
        case "join": self = .join
        case "approve": self = .approve
        case "decline": self = .decline(reason: reason)
        case "leave": self = .leave
        case "remove": self = .remove(reason: reason)
        case "confirm-affiliation": self = .confirmAffiliation
        case "seat-chair": self = .seatChair
        case "unseat-chair": self = .unseatChair
        default: return nil
        }
    }
}

/// A chair's invitation of a guest from outside the membership, by e-mail: the link shows the
/// SIG's TLP agreement, and the guest takes the seat only by accepting it.
public struct SIGGuestInvitation: Sendable, Hashable, Codable {
    /// How long an invitation link works.
    public static let validity: TimeInterval = 14 * 86_400

    public var sigID: UUID
    public var email: String
    public var invitedBy: UUID
    public var expiresAt: Date

    public init(sigID: UUID, email: String, invitedBy: UUID, expiresAt: Date) {
        self.sigID = sigID
        self.email = email
        self.invitedBy = invitedBy
        self.expiresAt = expiresAt
    }

    /// The words of the agreement a guest accepts, naming the SIG: TLP 2.0's rules, as FIRST
    /// states them, for someone outside the membership.
    public static func agreement(sigName: String) -> String {
        "I will handle everything I read in the \(sigName) Special Interest Group under the Traffic Light Protocol (TLP 2.0) label it carries. "
            + "TLP:CLEAR may be shared without restriction. "
            + "TLP:GREEN stays within the SIG and the community of teams it belongs to, and with peers in my own organisation, never on public channels. "
            + "TLP:AMBER goes, on a need-to-know basis, only to people of my own organisation and its clients who must act on it. "
            + "TLP:AMBER+STRICT stays within my own organisation, on a need-to-know basis. "
            + "TLP:RED is for the people named only. "
            + "My access is for this SIG alone and ends when its chairs end it; what I read stays under its label after that."
    }

    /// A chair invites `email`; `inviteeIsOfMemberTeam` when the address has an account of a
    /// member team, whose people join themselves instead.
    public static func invite(email rawEmail: String, to sig: SpecialInterestGroup, by actor: Actor, actorIsChair: Bool, inviteeIsOfMemberTeam: Bool,
                              at now: Date) throws(SIGRefusal) -> SIGGuestInvitation {
        guard actorIsChair else { throw SIGRefusal(.wrongRole, "Only the SIG's chairs invite guests.") }
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue); it takes no guests.") }
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.count <= 254, let at = email.firstIndex(of: "@"), at != email.startIndex, email[email.index(after: at)...].contains("."),
              !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
            throw .invalid([FieldError(field: "email", message: "Give the guest's e-mail address.")])
        }
        guard !inviteeIsOfMemberTeam else {
            throw SIGRefusal(.wrongState, "\(email) belongs to a person of a member team: they join \(sig.name) themselves.")
        }
        return SIGGuestInvitation(sigID: sig.id, email: email, invitedBy: actor.userID, expiresAt: now.addingTimeInterval(validity))
    }

    /// The guest's seat once `person` (signed in with the invited address) accepts the agreement.
    public func accept(by person: Actor, personEmail: String, agreementAccepted: Bool, sig: SpecialInterestGroup, existing: SIGParticipant?,
                       at now: Date) throws(SIGRefusal) -> SIGParticipant {
        guard now < expiresAt else { throw SIGRefusal(.wrongState, "This invitation has expired; ask the chairs for a new one.") }
        guard personEmail.lowercased() == email else { throw SIGRefusal(.wrongRole, "This invitation is for \(email); sign in with that address.") }
        guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue); it takes no guests.") }
        guard !AccessPolicy.isMemberOfMemberTeam(person) else { throw SIGRefusal(.wrongState, "You are of a member team: join \(sig.name) yourself.") }
        guard agreementAccepted else { throw SIGRefusal(.agreementNotAccepted, "Accept the TLP agreement to take part in \(sig.name).") }
        if let existing, existing.state == .active { throw SIGRefusal(.wrongState, "You already take part in \(sig.name).") }
        return SIGParticipant(sigID: sigID, userID: person.userID, kind: .guest, state: .active, teamID: nil, agreementAcceptedAt: now,
                              decidedBy: invitedBy, changedAt: now)
    }
}
