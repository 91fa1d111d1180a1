import Foundation

/// A slot in an event's programme: a talk, a panel, a break-out.
public struct EventSession: Sendable, Hashable, Codable {
    /// Who is in the room, and so who sees the session at all.
    public enum Audience: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everyone who may see the event, registered guests included.
        case open
        /// People of member teams (and the officers): not guests, not the public.
        case members
        /// The participants of the event's SIG.
        case sig

        public var label: String {
            switch self {
            case .open: "Open"
            case .members: "Members only"
            case .sig: "SIG only"
            }
        }
    }

    public var id: UUID
    public var eventID: UUID
    public var title: String
    public var abstract: String
    /// As printed in the programme: "Name (Team)", one a line.
    public var speakers: String
    public var room: String
    public var startsAt: Date
    public var endsAt: Date
    public var audience: Audience
    public var tlp: TLPLabel
    public var recordingAllowed: Bool
    /// The accepted submission it came from, whose submitter uploads the slides.
    public var submissionID: UUID?
    /// Who may upload the slides: the submitter of the talk.
    public var speakerUserID: UUID?

    public init(id: UUID, eventID: UUID, title: String, abstract: String = "", speakers: String = "", room: String, startsAt: Date, endsAt: Date,
                audience: Audience, tlp: TLPLabel, recordingAllowed: Bool, submissionID: UUID? = nil, speakerUserID: UUID? = nil) {
        self.id = id
        self.eventID = eventID
        self.title = title
        self.abstract = abstract
        self.speakers = speakers
        self.room = room
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.audience = audience
        self.tlp = tlp
        self.recordingAllowed = recordingAllowed
        self.submissionID = submissionID
        self.speakerUserID = speakerUserID
    }

    public func problems(in event: Event) -> [FieldError] {
        var errors: [FieldError] = []
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || title.count > 300 {
            errors.append(FieldError(field: "title", message: "Give the session a title of up to 300 characters."))
        }
        if room.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || room.count > 100 {
            errors.append(FieldError(field: "room", message: "Name the room (up to 100 characters)."))
        }
        if abstract.count > 20_000 || speakers.count > 2_000 {
            errors.append(FieldError(field: "abstract", message: "Keep the abstract under 20,000 and the speakers under 2,000 characters."))
        }
        if endsAt <= startsAt { errors.append(FieldError(field: "ends", message: "The session ends after it starts.")) }
        if startsAt < event.startsAt || endsAt > event.endsAt {
            errors.append(FieldError(field: "starts", message: "The session lies within the event's dates."))
        }
        if audience == .sig, event.sigID == nil {
            errors.append(FieldError(field: "audience", message: "Only a SIG meeting has SIG-only sessions."))
        }
        if event.eligibility == .anyone, audience == .open, tlp != .clear {
            // An open session of an open event is heard by anyone who registers: only CLEAR fits.
            errors.append(FieldError(field: "tlp", message: "An open session of an event open to anyone is TLP:CLEAR; make it members-only for another label."))
        }
        return errors
    }
}
