import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The forms (and API bodies) of events, as typed; each turns into the core's values or field errors.
struct EventForm: Content {
    var slug: String?
    var title: String?
    var kind: String?
    var summary: String?
    /// Local date and time in the venue's zone, `2027-03-15T09:00` (an HTML `datetime-local`).
    var starts: String?
    var ends: String?
    var timeZone: String?
    var venue: String?
    var online: String?
    /// The host team by slug.
    var host: String?
    /// For a SIG meeting: the SIG by slug.
    var sig: String?
    var capacity: String?
    var registrationOpens: String?
    var registrationCloses: String?
    /// `anyone` or `members-and-guests`; a SIG meeting is for its SIG.
    var eligibility: String?
    var feeMember: String?
    var feeNonMember: String?
    var feeSpeaker: String?
    var cfpDeadline: String?
    var cfpMembersOnly: String?
    var cfpGuidance: String?
    /// Reviewers see the speakers; by default they do not.
    var openReview: String?
    var guestListDays: String?

    static func isOn(_ value: String?) -> Bool { value == "on" || value == "true" || value == "1" }


    /// Reads `2027-03-15T09:00` (seconds optional) as local time in `zone`.
    static func instant(_ text: String?, in zone: String, field: String, errors: inout [FieldError]) -> Date? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let date = EventView.instant(text, in: zone) { return date }
        errors.append(FieldError(field: field, message: "Give the date and time as 2027-03-15T09:00 (the venue's local time)."))
        return nil
    }

    func event(by actor: Actor, now: Date, on database: any Database) async throws -> Event {
        var errors: [FieldError] = []
        let zone = (timeZone ?? "").trimmingCharacters(in: .whitespaces)
        let kind = Event.Kind(rawValue: kind ?? "")
        if kind == nil { errors.append(FieldError(field: "kind", message: "Choose the kind of event.")) }
        let starts = Self.instant(self.starts, in: zone, field: "starts", errors: &errors)
        let ends = Self.instant(self.ends, in: zone, field: "ends", errors: &errors)
        if starts == nil, !errors.contains(where: { $0.field == "starts" }) { errors.append(FieldError(field: "starts", message: "Give the start.")) }
        if ends == nil, !errors.contains(where: { $0.field == "ends" }) { errors.append(FieldError(field: "ends", message: "Give the end.")) }
        let opens = Self.instant(registrationOpens, in: zone, field: "registration_opens", errors: &errors) ?? now
        let closes = Self.instant(registrationCloses, in: zone, field: "registration_closes", errors: &errors) ?? starts
        let cfpDeadline = Self.instant(cfpDeadline, in: zone, field: "cfp_deadline", errors: &errors)
        let capacity = Int((capacity ?? "").trimmingCharacters(in: .whitespaces))
        if capacity == nil { errors.append(FieldError(field: "capacity", message: "Give the number of seats.")) }
        let guestDays = Int((guestListDays ?? "5").trimmingCharacters(in: .whitespaces))
        if guestDays == nil { errors.append(FieldError(field: "guest_list_days", message: "Give a number of working days.")) }
        var hostTeamID: UUID?
        if let host = host?.trimmingCharacters(in: .whitespaces).lowercased(), !host.isEmpty {
            hostTeamID = try await TeamModel.query(on: database).filter(\.$slug == host).first()?.id
            if hostTeamID == nil { errors.append(FieldError(field: "host", message: "There is no team “\(host)” in the directory.")) }
        } else if kind != .conference, kind != .sigMeeting, !actor.roles.contains(.secretariat) {
            hostTeamID = actor.teamID
        }
        var sigID: UUID?
        if kind == .sigMeeting {
            sigID = try await SIGStore.filter(sig, for: actor, on: database)
            if sigID == nil { errors.append(FieldError(field: "sig", message: "Name the SIG the meeting is for.")) }
        }
        let eligibility: Event.Eligibility
        switch (kind, self.eligibility ?? "") {
        case (.sigMeeting, _): eligibility = .sigParticipants(sigID ?? UUID())
        case (_, "members-and-guests"): eligibility = .membersAndGuests
        case (_, "anyone"), (_, ""): eligibility = kind == .colloquium ? .membersAndGuests : .anyone
        default:
            eligibility = .anyone
            errors.append(FieldError(field: "eligibility", message: "Who may register is “anyone” or “members-and-guests”."))
        }
        guard errors.isEmpty, let kind, let starts, let ends, let closes, let capacity, let guestDays else { throw EventRefusal.invalid(errors) }
        let cfp = cfpDeadline.map { Event.CallForPresentations(membersOnly: Self.isOn(cfpMembersOnly), deadline: $0, guidance: cfpGuidance ?? "",
                                                               blindReview: !Self.isOn(openReview)) }
        // A SIG meeting's address says nothing of the SIG's business: its slug is made here, so
        // the unique check on slugs cannot tell an outsider that a meeting exists.
        let slug = kind == .sigMeeting ? "meeting-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
            : (slug ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return Event(id: UUID(), slug: slug, title: (title ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                     kind: kind, summary: summary ?? "", startsAt: starts, endsAt: ends, timeZone: zone, venue: (venue ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                     online: Self.isOn(online), hostTeamID: hostTeamID, sigID: sigID, capacity: capacity, registrationOpens: opens, registrationCloses: closes,
                     eligibility: eligibility, fees: Event.Fees(member: feeMember ?? "", nonMember: feeNonMember ?? "", speaker: feeSpeaker ?? ""),
                     cfp: cfp, guestListLeadDays: guestDays, createdBy: actor.userID, createdAt: now)
    }
}

extension EventForm {
    /// The form filled with the event as it stands, for its hosts to change.
    init(_ event: Event, hostSlug: String?, sigSlug: String?) {
        let zone = event.timeZone
        slug = event.slug
        title = event.title
        kind = event.kind.rawValue
        summary = event.summary
        starts = EventView.localInput(event.startsAt, in: zone)
        ends = EventView.localInput(event.endsAt, in: zone)
        timeZone = zone
        venue = event.venue
        online = event.online ? "on" : nil
        host = hostSlug
        sig = sigSlug
        capacity = String(event.capacity)
        registrationOpens = EventView.localInput(event.registrationOpens, in: zone)
        registrationCloses = EventView.localInput(event.registrationCloses, in: zone)
        eligibility = event.eligibility.name
        feeMember = event.fees.member
        feeNonMember = event.fees.nonMember
        feeSpeaker = event.fees.speaker
        cfpDeadline = event.cfp.map { EventView.localInput($0.deadline, in: zone) }
        cfpMembersOnly = event.cfp?.membersOnly == true ? "on" : nil
        cfpGuidance = event.cfp?.guidance
        openReview = event.cfp?.blindReview == false ? "on" : nil
        guestListDays = String(event.guestListLeadDays)
    }
}

/// A session as the hosts type it; times in the venue's zone.
struct SessionForm: Content {
    var title: String?
    var abstract: String?
    var speakers: String?
    var room: String?
    var starts: String?
    var ends: String?
    var audience: String?
    var tlp: String?
    var recordingAllowed: String?
    /// An accepted submission to schedule (its title, abstract, speakers, label and recording flag are taken from it).
    var submission: String?

    func session(in event: Event, on database: any Database) async throws -> EventSession {
        var errors: [FieldError] = []
        let starts = EventForm.instant(starts, in: event.timeZone, field: "starts", errors: &errors)
        let ends = EventForm.instant(ends, in: event.timeZone, field: "ends", errors: &errors)
        let audience = EventSession.Audience(rawValue: audience ?? "open")
        if audience == nil { errors.append(FieldError(field: "audience", message: "The audience is open, members or sig.")) }
        var session = EventSession(id: UUID(), eventID: event.id, title: title ?? "", abstract: abstract ?? "", speakers: speakers ?? "", room: room ?? "",
                                   startsAt: starts ?? event.startsAt, endsAt: ends ?? event.startsAt, audience: audience ?? .open,
                                   tlp: TLPLabel(parsing: tlp ?? "TLP:CLEAR") ?? .clear, recordingAllowed: EventForm.isOn(recordingAllowed))
        if TLPLabel(parsing: tlp ?? "TLP:CLEAR") == nil { errors.append(FieldError(field: "tlp", message: "Choose a TLP 2.0 label.")) }
        if starts == nil || ends == nil { errors.append(FieldError(field: "starts", message: "Give the start and the end.")) }
        if let text = submission?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let id = UUID(uuidString: text), let accepted = try await EventSubmissionModel.find(id, on: database)?.submission, accepted.eventID == event.id else {
                throw EventRefusal.invalid(errors + [FieldError(field: "submission", message: "Schedule an accepted submission of this event.")])
            }
            session.submissionID = id
            session.title = accepted.title
            session.abstract = accepted.abstract
            session.speakers = accepted.speakers
            session.tlp = accepted.tlp
            session.recordingAllowed = accepted.recordingAllowed
        }
        guard errors.isEmpty else { throw EventRefusal.invalid(errors) }
        return session
    }
}

struct SubmissionForm: Content {
    var title: String?
    var abstract: String?
    var speakers: String?
    var tlp: String?
    var recordingAllowed: String?
    var email: String?

    func label() throws -> TLPLabel {
        guard let label = TLPLabel(parsing: tlp ?? "") else { throw EventRefusal.invalid([FieldError(field: "tlp", message: "Choose the TLP 2.0 label the talk is given under.")]) }
        return label
    }
}

struct ReviewForm: Content {
    /// `review`, `conflict`, `accept`, `reject`.
    var action: String
    var submission: String?
    var score: String?
    var comment: String?
}

struct RegistrationForm: Content {
    /// `register` or `cancel`.
    var action: String?
    var registration: String?
    var name: String?
    var email: String?
    var organisation: String?
    var agreement: String?
}
