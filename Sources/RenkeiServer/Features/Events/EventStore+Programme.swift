import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The call for presentations: submissions, the committee's reviews and declared conflicts,
/// and the managers' decisions, told to the speakers through the outbox.
extension EventStore {
    static func submit(title: String, abstract: String, speakers: String, tlp: TLPLabel, recordingAllowed: Bool, contactEmail: String,
                       to slug: String, by actor: Actor?, user: UserModel?, address: String?, now: Date, mail: MailAddressing?,
                       on database: any Database) async throws -> EventSubmission {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: actor, on: database)
            let submission = try EventSubmission.submit(id: UUID(), to: event, title: title, abstract: abstract, speakers: speakers, tlp: tlp,
                                                        recordingAllowed: recordingAllowed, contactEmail: contactEmail, by: actor, at: now)
            let row = EventSubmissionModel()
            row.update(from: submission)
            try await row.create(on: database)
            try await AuditLog.record("event.submit", subject: event.auditSubject, detail: "submission \(submission.id.uuidString.lowercased())",
                                      actor: user, address: address, at: now, on: database)
            if let mail {
                try await tellSubmitter(submission, of: event,
                                        text: "We received your proposal “\(submission.title)” for \(event.title). The programme committee reviews it after the call closes (\(EventView.minute(event.cfp?.deadline ?? now, in: event.timeZone))); we will write to you with its decision.",
                                        anonymousText: "We received a proposal for \(event.title) that gave this address for the committee's answer (reference \(submission.reference)). The committee reviews it after the call closes; we will write to you with its decision. If you did not send it, ignore this message.",
                                        subject: "Proposal received", mail: mail, now: now, on: database)
            }
            return submission
        }
    }

    /// The submissions as `viewer` sees them: all of them, blinded as the rule says, for the
    /// committee and the managers; their own for a submitter; nothing for anyone else.
    static func submissions(of event: Event, for viewer: Viewer, on database: any Database) async throws -> [EventSubmission] {
        guard let actor = viewer.actor else { return [] }
        let query = EventSubmissionModel.query(on: database).filter(\.$eventID == event.id).sort(\.$submittedAt).sort(\.$id)
        if !(viewer.isManager || viewer.isCommitteeMember) { query.filter(\.$submitterUserID == actor.userID) }
        return try await query.all().map(\.submission)
    }

    static func committee(of eventID: UUID, on database: any Database) async throws -> Set<UUID> {
        Set(try await EventCommitteeMemberModel.query(on: database).filter(\.$eventID == eventID).all().map(\.userID))
    }

    /// A committee member scores a submission, or declares a conflict with it (no score); a
    /// second review replaces the first.
    static func review(_ submissionID: UUID, in slug: String, score: Int?, comment: String, declareConflict: Bool, by acting: Acting,
                       on database: any Database) async throws {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            guard let submission = try await EventSubmissionModel.find(submissionID, on: database)?.submission, submission.eventID == event.id else {
                throw AppError.notFound("There is no such submission.")
            }
            let committee = try await committee(of: event.id, on: database)
            let existing = try await EventReviewModel.query(on: database).filter(\.$submissionID == submissionID).filter(\.$reviewerID == acting.actor.userID).first()
            let row = existing ?? EventReviewModel()
            row.submissionID = submissionID
            row.reviewerID = acting.actor.userID
            row.reviewedAt = acting.now
            if declareConflict {
                guard EventAccess.sitsOnCommittee(acting.actor, committee: committee) else { throw EventRefusal(.wrongRole, "Only the programme committee reviews.") }
                row.conflict = true
                row.score = nil
                row.comment = ""
            } else {
                let declared: Set<UUID> = existing?.conflict == true ? [submissionID] : []
                let review = try EventReview.review(submission, by: acting.actor, reviewerEmail: acting.user.email, committee: committee, declaredConflicts: declared, score: score ?? 0,
                                                    comment: comment, at: acting.now)
                row.conflict = false
                row.score = review.score
                row.comment = review.comment
            }
            try await row.save(on: database)
            try await AuditLog.record(declareConflict ? "event.declare-conflict" : "event.review", subject: event.auditSubject,
                                      detail: "submission \(submissionID.uuidString.lowercased())", actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
        }
    }

    /// The reviews a viewer reads: the managers all of them, a committee member their own.
    static func reviews(of event: Event, for viewer: Viewer, on database: any Database) async throws -> [EventReviewModel] {
        guard let actor = viewer.actor, viewer.isManager || viewer.isCommitteeMember else { return [] }
        let submissions = try await EventSubmissionModel.query(on: database).filter(\.$eventID == event.id).all().compactMap(\.id)
        guard !submissions.isEmpty else { return [] }
        let query = EventReviewModel.query(on: database).filter(\.$submissionID ~~ submissions)
        if !viewer.isManager { query.filter(\.$reviewerID == actor.userID) }
        return try await query.all()
    }

    /// The managers accept or reject; the speakers are told at the address they gave.
    static func decide(_ submissionID: UUID, in slug: String, accept: Bool, by acting: Acting, on database: any Database) async throws -> EventSubmission {
        try await database.writeTransaction { database in
            let (_, event) = try await find(slug: slug, for: acting.actor, on: database)
            try requireManager(try await viewer(acting.actor, of: event, at: acting.now, on: database))
            guard let row = try await EventSubmissionModel.find(submissionID, on: database), row.eventID == event.id else {
                throw AppError.notFound("There is no such submission.")
            }
            let next = try row.submission.decided(accept: accept, at: acting.now)
            row.update(from: next)
            try await row.save(on: database)
            try await AuditLog.record(accept ? "event.accept" : "event.reject", subject: event.auditSubject,
                                      detail: "submission \(submissionID.uuidString.lowercased())", actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
            if let mail = acting.mail {
                let verdict = accept ? "accepted" : "did not accept"
                try await tellSubmitter(next, of: event,
                                        text: accept
                                            ? "The programme committee of \(event.title) accepted your talk “\(next.title)”. The hosts will place it in the programme; you upload your slides on the event's page once it is scheduled."
                                            : "The programme committee of \(event.title) did not accept your talk “\(next.title)” this time. Thank you for proposing it.",
                                        anonymousText: "The programme committee of \(event.title) \(verdict) the proposal that gave this address (reference \(next.reference)).",
                                        subject: accept ? "Talk accepted" : "Talk not accepted", mail: mail, now: acting.now, on: database)
            }
            return next
        }
    }

    /// Mail about a proposal. A submitter with an account is told as every personal message
    /// goes (encrypted to their key, or a pointer to the web): the title may carry the talk's
    /// label. One without an account gave an address nobody confirmed, so their mail names the
    /// proposal by reference only and repeats nothing they typed.
    static func tellSubmitter(_ submission: EventSubmission, of event: Event, text: String, anonymousText: String, subject: String, mail: MailAddressing,
                              now: Date, on database: any Database) async throws {
        if let userID = submission.submitterUserID, let user = try await UserModel.find(userID, on: database) {
            try await Outbox.enqueuePersonal(to: user, subject: subject.lowercased(), text: text, link: SiteURL.eventCFP(.value(event.slug)).path,
                                             addressing: mail, at: now, on: database)
            return
        }
        try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: "\(subject): \(event.title)",
                                 content: .text("\(anonymousText)\n\n\(mail.publicURL)\(SiteURL.event(.value(event.slug)).path)\n"), messageID: mail.messageID(),
                                 to: [Outbox.Recipient(address: submission.contactEmail, userID: nil, form: .signed)], at: now, on: database)
    }
}
