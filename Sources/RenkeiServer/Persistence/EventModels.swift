import Fluent
import Foundation
import RenkeiCore

/// An event; its rules are the core's `Event` and `EventAccess`.
final class EventModel: Model, @unchecked Sendable {
    static let schema = "events"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "title") var title: String
    @Field(key: "kind") var kind: String
    @Field(key: "summary") var summary: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "venue") var venue: String
    @Field(key: "online") var online: Bool
    @OptionalField(key: "host_team_id") var hostTeamID: UUID?
    @OptionalField(key: "sig_id") var sigID: UUID?
    @Field(key: "capacity") var capacity: Int
    @Field(key: "registration_opens") var registrationOpens: Date
    @Field(key: "registration_closes") var registrationCloses: Date
    /// The core's `Event.Eligibility` as JSON.
    @Field(key: "eligibility") var eligibility: String
    @Field(key: "fees") var fees: String
    @OptionalField(key: "cfp") var cfp: String?
    @Field(key: "programme_published") var programmePublished: Bool
    @Field(key: "guest_list_lead_days") var guestListLeadDays: Int
    @OptionalField(key: "guest_list_sent_at") var guestListSentAt: Date?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ event: Event) throws {
        id = event.id
        try update(from: event)
    }

    /// Made once: on Linux, making a JSON coder costs more than the little it reads or writes here.
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    func update(from event: Event) throws {
        let encoder = Self.encoder
        slug = event.slug
        title = event.title
        kind = event.kind.rawValue
        summary = event.summary
        startsAt = event.startsAt
        endsAt = event.endsAt
        timeZone = event.timeZone
        venue = event.venue
        online = event.online
        hostTeamID = event.hostTeamID
        sigID = event.sigID
        capacity = event.capacity
        registrationOpens = event.registrationOpens
        registrationCloses = event.registrationCloses
        eligibility = String(decoding: try encoder.encode(event.eligibility), as: UTF8.self)
        fees = String(decoding: try encoder.encode(event.fees), as: UTF8.self)
        cfp = try event.cfp.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        programmePublished = event.programmePublished
        guestListLeadDays = event.guestListLeadDays
        createdBy = event.createdBy
        createdAt = event.createdAt
    }

    /// An eligibility this version cannot read (a newer server wrote it) reads as the
    /// participants of no SIG: nobody registers, nobody is shown the event.
    func event() throws -> Event {
        let decoder = Self.decoder
        return Event(id: try requireID(), slug: slug, title: title, kind: Event.Kind(rawValue: kind) ?? .symposium, summary: summary,
                     startsAt: startsAt, endsAt: endsAt, timeZone: timeZone, venue: venue, online: online, hostTeamID: hostTeamID, sigID: sigID,
                     capacity: capacity, registrationOpens: registrationOpens, registrationCloses: registrationCloses,
                     eligibility: (try? decoder.decode(Event.Eligibility.self, from: Data(eligibility.utf8))) ?? .sigParticipants(UUID()),
                     fees: (try? decoder.decode(Event.Fees.self, from: Data(fees.utf8))) ?? Event.Fees(),
                     cfp: cfp.flatMap { try? decoder.decode(Event.CallForPresentations.self, from: Data($0.utf8)) },
                     programmePublished: programmePublished, guestListLeadDays: guestListLeadDays, createdBy: createdBy, createdAt: createdAt)
    }
}

final class EventSessionModel: Model, @unchecked Sendable {
    static let schema = "event_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "title") var title: String
    @Field(key: "abstract") var abstract: String
    @Field(key: "speakers") var speakers: String
    @Field(key: "room") var room: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "audience") var audience: String
    @Field(key: "tlp") var tlp: String
    @Field(key: "recording_allowed") var recordingAllowed: Bool
    @OptionalField(key: "submission_id") var submissionID: UUID?
    @OptionalField(key: "speaker_user_id") var speakerUserID: UUID?

    init() {}

    init(_ session: EventSession) {
        id = session.id
        eventID = session.eventID
        title = session.title
        abstract = session.abstract
        speakers = session.speakers
        room = session.room
        startsAt = session.startsAt
        endsAt = session.endsAt
        audience = session.audience.rawValue
        tlp = session.tlp.rawValue
        recordingAllowed = session.recordingAllowed
        submissionID = session.submissionID
        speakerUserID = session.speakerUserID
    }

    /// An audience or label this version does not know reads as the narrowest: SIG-only, RED.
    var session: EventSession {
        EventSession(id: id ?? UUID(), eventID: eventID, title: title, abstract: abstract, speakers: speakers, room: room, startsAt: startsAt, endsAt: endsAt,
                     audience: EventSession.Audience(rawValue: audience) ?? .sig, tlp: TLPLabel(rawValue: tlp) ?? .red,
                     recordingAllowed: recordingAllowed, submissionID: submissionID, speakerUserID: speakerUserID)
    }
}

/// A session's slides: one file, replaced by a new upload.
final class EventSlidesModel: Model, @unchecked Sendable {
    static let schema = "event_slides"

    @ID(key: .id) var id: UUID?
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "bytes") var bytes: Data
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}
}

final class EventRegistrationModel: Model, @unchecked Sendable {
    static let schema = "event_registrations"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "organisation") var organisation: String
    @Field(key: "category") var category: String
    @Field(key: "state") var state: String
    @Field(key: "registered_at") var registeredAt: Date
    @OptionalField(key: "invited_by_team_id") var invitedByTeamID: UUID?
    @OptionalField(key: "agreement_accepted_at") var agreementAcceptedAt: Date?
    @OptionalField(key: "checked_in_at") var checkedInAt: Date?
    @OptionalField(key: "promoted_at") var promotedAt: Date?
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    /// For a visitor without an account: the hash of the link's secret that shows and cancels the registration.
    @OptionalField(key: "manage_token_hash") var manageTokenHash: String?

    init() {}

    func update(from registration: EventRegistration) {
        id = registration.id
        eventID = registration.eventID
        userID = registration.userID
        name = registration.name
        email = registration.email
        organisation = registration.organisation
        category = registration.category.rawValue
        state = registration.state.rawValue
        registeredAt = registration.registeredAt
        invitedByTeamID = registration.invitedByTeamID
        agreementAcceptedAt = registration.agreementAcceptedAt
        checkedInAt = registration.checkedInAt
        promotedAt = registration.promotedAt
    }

    /// A state this version does not know reads as cancelled: it holds no seat.
    var registration: EventRegistration {
        EventRegistration(id: id ?? UUID(), eventID: eventID, userID: userID, name: name, email: email, organisation: organisation,
                          category: EventRegistration.Category(rawValue: category) ?? .nonMember,
                          state: EventRegistration.State(rawValue: state) ?? .cancelled, registeredAt: registeredAt, invitedByTeamID: invitedByTeamID,
                          agreementAcceptedAt: agreementAcceptedAt, checkedInAt: checkedInAt, promotedAt: promotedAt)
    }
}

/// A visitor's registration waiting for the confirmation of their address, or a guest's
/// invitation waiting for the agreement: only the hash of the link's secret is kept.
final class EventRegistrationRequestModel: Model, @unchecked Sendable {
    static let schema = "event_registration_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "organisation") var organisation: String
    @OptionalField(key: "invited_by_team_id") var invitedByTeamID: UUID?
    @OptionalField(key: "invited_by") var invitedBy: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

final class EventSubmissionModel: Model, @unchecked Sendable {
    static let schema = "event_submissions"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "title") var title: String
    @Field(key: "abstract") var abstract: String
    @Field(key: "speakers") var speakers: String
    @Field(key: "tlp") var tlp: String
    @Field(key: "recording_allowed") var recordingAllowed: Bool
    @OptionalField(key: "submitter_user_id") var submitterUserID: UUID?
    @OptionalField(key: "submitter_team_id") var submitterTeamID: UUID?
    @Field(key: "contact_email") var contactEmail: String
    @Field(key: "state") var state: String
    @Field(key: "submitted_at") var submittedAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?

    init() {}

    func update(from submission: EventSubmission) {
        id = submission.id
        eventID = submission.eventID
        title = submission.title
        abstract = submission.abstract
        speakers = submission.speakers
        tlp = submission.tlp.rawValue
        recordingAllowed = submission.recordingAllowed
        submitterUserID = submission.submitterUserID
        submitterTeamID = submission.submitterTeamID
        contactEmail = submission.contactEmail
        state = submission.state.rawValue
        submittedAt = submission.submittedAt
        decidedAt = submission.decidedAt
    }

    var submission: EventSubmission {
        EventSubmission(id: id ?? UUID(), eventID: eventID, title: title, abstract: abstract, speakers: speakers, tlp: TLPLabel(rawValue: tlp) ?? .red,
                        recordingAllowed: recordingAllowed, submitterUserID: submitterUserID, submitterTeamID: submitterTeamID, contactEmail: contactEmail,
                        state: EventSubmission.State(rawValue: state) ?? .rejected, submittedAt: submittedAt, decidedAt: decidedAt)
    }
}

final class EventCommitteeMemberModel: Model, @unchecked Sendable {
    static let schema = "event_committee"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "user_id") var userID: UUID

    init() {}

    init(eventID: UUID, userID: UUID) {
        self.eventID = eventID
        self.userID = userID
    }
}

/// A committee member's review of a submission, or their declared conflict with it (no score).
final class EventReviewModel: Model, @unchecked Sendable {
    static let schema = "event_reviews"

    @ID(key: .id) var id: UUID?
    @Field(key: "submission_id") var submissionID: UUID
    @Field(key: "reviewer_id") var reviewerID: UUID
    @Field(key: "conflict") var conflict: Bool
    @OptionalField(key: "score") var score: Int?
    @Field(key: "comment") var comment: String
    @Field(key: "reviewed_at") var reviewedAt: Date

    init() {}
}

/// The secret of a person's calendar feed (`/account/calendar.ics?token=`), kept as a hash.
final class CalendarFeedTokenModel: Model, @unchecked Sendable {
    static let schema = "calendar_feed_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
