import Foundation

/// A gathering of the community: the open Annual Conference, a Technical Colloquium a member
/// team hosts, a SIG's meeting, a symposium. Times are instants; `timeZone` (the venue's IANA
/// zone) is how they are written for the people going there.
public struct Event: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case conference, colloquium
        case sigMeeting = "sig-meeting"
        case symposium

        public var label: String {
            switch self {
            case .conference: "Conference"
            case .colloquium: "Technical Colloquium"
            case .sigMeeting: "SIG meeting"
            case .symposium: "Symposium"
            }
        }
    }

    /// Who may register.
    public enum Eligibility: Sendable, Hashable, Codable {
        /// Anyone, with or without an account: the open conference.
        case anyone
        /// People of member teams, and the guests a member team invites (who accept the TLP agreement).
        case membersAndGuests
        /// The participants of one SIG.
        case sigParticipants(UUID)

        public var name: String {
            switch self {
            case .anyone: "anyone"
            case .membersAndGuests: "members-and-guests"
            case .sigParticipants: "sig-participants"
            }
        }
    }

    /// What each category pays, as shown (no payment is processed: the registration's invoice
    /// reference is what a team quotes).
    public struct Fees: Sendable, Hashable, Codable {
        public var member: String
        public var nonMember: String
        public var speaker: String

        public init(member: String = "", nonMember: String = "", speaker: String = "") {
            self.member = member
            self.nonMember = nonMember
            self.speaker = speaker
        }

        public func fee(for category: EventRegistration.Category) -> String {
            switch category {
            case .member: member
            case .nonMember, .guest: nonMember
            case .speaker: speaker
            }
        }
    }

    public struct CallForPresentations: Sendable, Hashable, Codable {
        /// Members-only calls are answered by people of member teams; public ones by anyone.
        public var membersOnly: Bool
        public var deadline: Date
        public var guidance: String
        /// Reviewers do not see who speaks (the default).
        public var blindReview: Bool

        public init(membersOnly: Bool, deadline: Date, guidance: String = "", blindReview: Bool = true) {
            self.membersOnly = membersOnly
            self.deadline = deadline
            self.guidance = guidance
            self.blindReview = blindReview
        }

        public func isOpen(at now: Date) -> Bool { now < deadline }
    }

    public var id: UUID
    public var slug: String
    public var title: String
    public var kind: Kind
    public var summary: String
    public var startsAt: Date
    public var endsAt: Date
    /// The venue's IANA zone, in which dates and slots are written.
    public var timeZone: String
    /// Where: an address, or empty for an online event.
    public var venue: String
    public var online: Bool
    public var hostTeamID: UUID?
    /// For a SIG meeting: the SIG.
    public var sigID: UUID?
    public var capacity: Int
    public var registrationOpens: Date
    public var registrationCloses: Date
    public var eligibility: Eligibility
    public var fees: Fees
    public var cfp: CallForPresentations?
    /// Sessions are shown to readers only once the programme is published.
    public var programmePublished: Bool
    /// Working days before the start at which the guest list goes to the participating teams.
    public var guestListLeadDays: Int
    public var createdBy: UUID
    public var createdAt: Date

    public init(id: UUID, slug: String, title: String, kind: Kind, summary: String = "", startsAt: Date, endsAt: Date, timeZone: String,
                venue: String = "", online: Bool = false, hostTeamID: UUID? = nil, sigID: UUID? = nil, capacity: Int,
                registrationOpens: Date, registrationCloses: Date, eligibility: Eligibility, fees: Fees = Fees(),
                cfp: CallForPresentations? = nil, programmePublished: Bool = false, guestListLeadDays: Int = 5, createdBy: UUID, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.title = title
        self.kind = kind
        self.summary = summary
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
        self.venue = venue
        self.online = online
        self.hostTeamID = hostTeamID
        self.sigID = sigID
        self.capacity = capacity
        self.registrationOpens = registrationOpens
        self.registrationCloses = registrationCloses
        self.eligibility = eligibility
        self.fees = fees
        self.cfp = cfp
        self.programmePublished = programmePublished
        self.guestListLeadDays = guestListLeadDays
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public static let capacityRange = 1...100_000
    /// Path names under /events that are pages, not events.
    public static let reservedSlugs: Set<String> = ["new"]

    /// What is wrong with the event as written; empty when it may be stored.
    public var problems: [FieldError] {
        var errors: [FieldError] = []
        if !TeamRecord.isValidSlug(slug) {
            errors.append(FieldError(field: "slug", message: "Use 2–64 lower-case letters, digits and single hyphens."))
        } else if Self.reservedSlugs.contains(slug) {
            errors.append(FieldError(field: "slug", message: "“\(slug)” names a page of its own; choose another."))
        }
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || title.count > 200 {
            errors.append(FieldError(field: "title", message: "Give the event a title of up to 200 characters."))
        }
        if summary.count > 20_000 { errors.append(FieldError(field: "summary", message: "Keep the description under 20,000 characters.")) }
        if [fees.member, fees.nonMember, fees.speaker].contains(where: { $0.count > 100 }) {
            errors.append(FieldError(field: "fees", message: "Write each fee in up to 100 characters, e.g. EUR 450."))
        }
        if (cfp?.guidance.count ?? 0) > 5_000 {
            errors.append(FieldError(field: "cfp_guidance", message: "Keep the guidance for speakers under 5,000 characters."))
        }
        if TimeZone(identifier: timeZone) == nil || timeZone.count < 3 {
            errors.append(FieldError(field: "time_zone", message: "Name the venue's zone as in the IANA database, e.g. Europe/Vienna."))
        }
        if endsAt <= startsAt { errors.append(FieldError(field: "ends", message: "The event ends after it starts.")) }
        if endsAt.timeIntervalSince(startsAt) > 14 * 86_400 { errors.append(FieldError(field: "ends", message: "An event lasts at most two weeks.")) }
        if !Self.capacityRange.contains(capacity) {
            errors.append(FieldError(field: "capacity", message: "Capacity is between 1 and 100,000 seats."))
        }
        if registrationCloses <= registrationOpens {
            errors.append(FieldError(field: "registration_closes", message: "Registration closes after it opens."))
        }
        if registrationCloses > endsAt {
            errors.append(FieldError(field: "registration_closes", message: "Registration closes by the end of the event."))
        }
        if !online, venue.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.append(FieldError(field: "venue", message: "Name the venue, or mark the event as online."))
        }
        if venue.count > 500 { errors.append(FieldError(field: "venue", message: "Keep the venue under 500 characters.")) }
        if !(0...30).contains(guestListLeadDays) {
            errors.append(FieldError(field: "guest_list_days", message: "Send the guest list 0 to 30 working days before."))
        }
        if kind == .sigMeeting, hostTeamID != nil {
            errors.append(FieldError(field: "host", message: "A SIG meeting is the SIG's; it has no host team."))
        }
        if kind == .sigMeeting, cfp != nil {
            errors.append(FieldError(field: "cfp_deadline", message: "A SIG meeting's agenda is the chairs'; it has no call for presentations."))
        }
        if let cfp, cfp.deadline > startsAt {
            errors.append(FieldError(field: "cfp_deadline", message: "The call for presentations closes before the event starts."))
        }
        switch (kind, eligibility) {
        case (.sigMeeting, .sigParticipants(let sig)) where sig == sigID: break
        case (.sigMeeting, _):
            errors.append(FieldError(field: "eligibility", message: "A SIG meeting is for the SIG's participants."))
        case (_, .sigParticipants):
            errors.append(FieldError(field: "eligibility", message: "Only a SIG meeting is limited to a SIG's participants."))
        case (.colloquium, .anyone):
            errors.append(FieldError(field: "eligibility", message: "A Technical Colloquium is for members and invited guests."))
        default: break
        }
        if kind == .colloquium, hostTeamID == nil {
            errors.append(FieldError(field: "host", message: "A Technical Colloquium is hosted by a member team."))
        }
        return errors
    }

    public func hasEnded(at now: Date) -> Bool { endsAt <= now }

    public func registrationIsOpen(at now: Date) -> Bool { registrationOpens <= now && now < registrationCloses }

    /// The instant the guest list goes out: `guestListLeadDays` working days (Monday to Friday)
    /// before the first day, at 09:00 in the venue's zone.
    public var guestListDue: Date {
        WorkingDays.morning(workingDays: guestListLeadDays, before: startsAt, in: TimeZone(identifier: timeZone) ?? .gmt)
    }

    /// The reminder goes out a day before the start.
    public var reminderDue: Date { startsAt.addingTimeInterval(-86_400) }
}

/// Counting Monday-to-Friday days, as a secretariat does for a deadline before an event.
public enum WorkingDays {
    /// 09:00 local time `workingDays` working days before the day of `date` in `zone`; 0 is
    /// 09:00 on that day itself (or the working day before it, if it falls on a weekend).
    public static func morning(workingDays: Int, before date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = calendar.startOfDay(for: date)
        func isWeekend(_ day: Date) -> Bool { [1, 7].contains(calendar.component(.weekday, from: day)) }
        func previous(_ day: Date) -> Date { calendar.date(byAdding: .day, value: -1, to: day) ?? day }
        if workingDays == 0 {
            while isWeekend(day) { day = previous(day) }
        }
        var left = workingDays
        while left > 0 {
            day = previous(day)
            if !isWeekend(day) { left -= 1 }
        }
        return calendar.date(bySettingHour: 9, minute: 0, second: 0, of: day) ?? day
    }
}
