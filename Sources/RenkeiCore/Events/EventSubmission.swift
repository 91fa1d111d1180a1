import Foundation

/// A proposal answering an event's call for presentations.
public struct EventSubmission: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case submitted, accepted, rejected

        public var label: String {
            switch self {
            case .submitted: "Waiting for the committee"
            case .accepted: "Accepted"
            case .rejected: "Not accepted"
            }
        }
    }

    public var id: UUID
    public var eventID: UUID
    public var title: String
    public var abstract: String
    /// "Name (Team)", one a line: hidden from reviewers under blind review.
    public var speakers: String
    /// The label the talk will be given under.
    public var tlp: TLPLabel
    public var recordingAllowed: Bool
    public var submitterUserID: UUID?
    /// The submitter's team when they submitted: reviewers of that team have a conflict.
    public var submitterTeamID: UUID?
    /// Where the decision is mailed.
    public var contactEmail: String
    public var state: State
    public var submittedAt: Date
    public var decidedAt: Date?

    public init(id: UUID, eventID: UUID, title: String, abstract: String, speakers: String, tlp: TLPLabel, recordingAllowed: Bool,
                submitterUserID: UUID?, submitterTeamID: UUID?, contactEmail: String, state: State = .submitted, submittedAt: Date, decidedAt: Date? = nil) {
        self.id = id
        self.eventID = eventID
        self.title = title
        self.abstract = abstract
        self.speakers = speakers
        self.tlp = tlp
        self.recordingAllowed = recordingAllowed
        self.submitterUserID = submitterUserID
        self.submitterTeamID = submitterTeamID
        self.contactEmail = contactEmail
        self.state = state
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
    }

    /// A submission to `event`'s call, while it is open; a members-only call takes them from
    /// people of member teams (and the officers) only.
    public static func submit(id: UUID, to event: Event, title: String, abstract: String, speakers: String, tlp: TLPLabel, recordingAllowed: Bool,
                              contactEmail: String, by actor: Actor?, at now: Date) throws -> EventSubmission {
        guard let cfp = event.cfp, EventAccess.isListed(event, to: actor) else { throw EventRefusal(.wrongState, "This event has no call for presentations.") }
        guard cfp.isOpen(at: now) else { throw EventRefusal(.closed, "The call for presentations is closed.") }
        if cfp.membersOnly, !(actor.map(AccessPolicy.isCommunityMember) ?? false) {
            throw EventRefusal(.wrongRole, "This call is for people of member teams.")
        }
        var errors: [FieldError] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 300 { errors.append(FieldError(field: "title", message: "Give the talk a title of up to 300 characters.")) }
        let abstract = abstract.trimmingCharacters(in: .whitespacesAndNewlines)
        if abstract.count < 20 || abstract.count > 20_000 { errors.append(FieldError(field: "abstract", message: "Write an abstract of 20 to 20,000 characters.")) }
        let speakers = speakers.trimmingCharacters(in: .whitespacesAndNewlines)
        if speakers.isEmpty || speakers.count > 2_000 { errors.append(FieldError(field: "speakers", message: "Name the speakers, one a line.")) }
        let email = contactEmail.trimmingCharacters(in: .whitespaces).lowercased()
        if !TeamRecord.isEmail(email) || email.count > 254 {
            errors.append(FieldError(field: "email", message: "Give an e-mail address for the committee's answer."))
        }
        guard errors.isEmpty else { throw EventRefusal.invalid(errors) }
        return EventSubmission(id: id, eventID: event.id, title: title, abstract: abstract, speakers: speakers, tlp: tlp, recordingAllowed: recordingAllowed,
                               submitterUserID: actor?.userID, submitterTeamID: actor?.teamID, contactEmail: email, submittedAt: now)
    }

    /// How a mail names the proposal without repeating its text.
    public var reference: String { String(id.uuidString.prefix(8)) }

    /// The managers accept or reject; a decision once told is not taken back here.
    public func decided(accept: Bool, at now: Date) throws -> EventSubmission {
        guard state == .submitted else { throw EventRefusal(.wrongState, "The committee decided on this talk already.") }
        var next = self
        next.state = accept ? .accepted : .rejected
        next.decidedAt = now
        return next
    }

    /// The submission as `reader` may see it: the speakers (and whoever submitted) are left
    /// out for reviewers under blind review; the managers and the submitter see them.
    public func view(for reader: Actor, in event: Event, isManager: Bool) -> View {
        let blind = (event.cfp?.blindReview ?? true) && !isManager && submitterUserID != reader.userID
        return View(id: id, title: title, abstract: abstract, speakers: blind ? nil : speakers, contactEmail: blind ? nil : contactEmail,
                    tlp: tlp, recordingAllowed: recordingAllowed, state: state, submittedAt: submittedAt)
    }

    public struct View: Sendable, Hashable, Codable {
        public var id: UUID
        public var title: String
        public var abstract: String
        /// Nil under blind review.
        public var speakers: String?
        public var contactEmail: String?
        public var tlp: TLPLabel
        public var recordingAllowed: Bool
        public var state: State
        public var submittedAt: Date
    }
}

/// A committee member's score and comment on one submission.
public struct EventReview: Sendable, Hashable, Codable {
    public var submissionID: UUID
    public var reviewerID: UUID
    /// 1 (reject) to 5 (must have).
    public var score: Int
    public var comment: String
    public var reviewedAt: Date

    public init(submissionID: UUID, reviewerID: UUID, score: Int, comment: String, reviewedAt: Date) {
        self.submissionID = submissionID
        self.reviewerID = reviewerID
        self.score = score
        self.comment = comment
        self.reviewedAt = reviewedAt
    }

    public static let scores = 1...5

    /// A review by a member of the committee, of a submission still open, with no conflict:
    /// not their own, not their team's, not one they declared a conflict with.
    public static func review(_ submission: EventSubmission, by reviewer: Actor, reviewerEmail: String, committee: Set<UUID>, declaredConflicts: Set<UUID>,
                              score: Int, comment: String, at now: Date) throws -> EventReview {
        guard EventAccess.sitsOnCommittee(reviewer, committee: committee) else { throw EventRefusal(.wrongRole, "Only the programme committee reviews.") }
        if conflict(of: reviewer, email: reviewerEmail, with: submission, declared: declaredConflicts) { throw EventRefusal(.conflictOfInterest, conflictMessage) }
        guard submission.state == .submitted else { throw EventRefusal(.wrongState, "The committee decided on this talk already.") }
        var errors: [FieldError] = []
        if !scores.contains(score) { errors.append(FieldError(field: "score", message: "Score from 1 to 5.")) }
        if comment.count > 10_000 { errors.append(FieldError(field: "comment", message: "Keep the comment under 10,000 characters.")) }
        guard errors.isEmpty else { throw EventRefusal.invalid(errors) }
        return EventReview(submissionID: submission.id, reviewerID: reviewer.userID, score: score,
                           comment: comment.trimmingCharacters(in: .whitespacesAndNewlines), reviewedAt: now)
    }

    /// Whether `reviewer` may not review the submission: their own (by account or by the
    /// address it gave), their team's, or one they declared a conflict with.
    public static func conflict(of reviewer: Actor, email: String, with submission: EventSubmission, declared: Set<UUID>) -> Bool {
        submission.submitterUserID == reviewer.userID
            || submission.contactEmail == email.lowercased()
            || (submission.submitterTeamID != nil && submission.submitterTeamID == reviewer.teamID)
            || declared.contains(submission.id)
    }

    /// One sentence for every kind of conflict: under blind review, saying "your own team"
    /// would tell the reviewer who speaks.
    public static let conflictMessage = "A conflict of interest keeps you from reviewing this proposal."
}
