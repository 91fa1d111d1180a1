import Fluent
import Foundation
import RenkeiCore

/// A Special Interest Group; its rules are the core's `SpecialInterestGroup`.
final class SIGModel: Model, @unchecked Sendable {
    static let schema = "sigs"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "status") var status: String
    /// The core's `SpecialInterestGroup.Charter` as JSON.
    @Field(key: "charter") var charter: String
    @Field(key: "proposed_by") var proposedBy: UUID
    @OptionalField(key: "board_liaison") var boardLiaison: UUID?
    @OptionalField(key: "charter_approved_at") var charterApprovedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "retired_at") var retiredAt: Date?
    @OptionalField(key: "retirement_reason") var retirementReason: String?
    /// The SIG's mailing list, made when the board approves the charter.
    @OptionalField(key: "list_id") var listID: UUID?

    init() {}

    init(_ sig: SpecialInterestGroup) throws {
        id = sig.id
        try update(from: sig)
    }

    func update(from sig: SpecialInterestGroup) throws {
        slug = sig.slug
        name = sig.name
        status = sig.status.rawValue
        charter = String(decoding: try JSONEncoder().encode(sig.charter), as: UTF8.self)
        proposedBy = sig.proposedBy
        boardLiaison = sig.boardLiaison
        charterApprovedAt = sig.charterApprovedAt
        createdAt = sig.createdAt
        retiredAt = sig.retiredAt
        retirementReason = sig.retirementReason
    }

    /// A status this version does not know (one a newer server wrote) reads as retired: it opens nothing to new work.
    func sig() throws -> SpecialInterestGroup {
        SpecialInterestGroup(id: try requireID(), slug: slug, name: name,
                             charter: try JSONDecoder().decode(SpecialInterestGroup.Charter.self, from: Data(charter.utf8)),
                             status: SpecialInterestGroup.Status(rawValue: status) ?? .retired, proposedBy: proposedBy, boardLiaison: boardLiaison,
                             charterApprovedAt: charterApprovedAt, createdAt: createdAt, retiredAt: retiredAt, retirementReason: retirementReason)
    }
}

/// A person in a SIG; the rules are the core's `SIGParticipant`.
final class SIGParticipantModel: Model, @unchecked Sendable {
    static let schema = "sig_participants"

    @ID(key: .id) var id: UUID?
    @Field(key: "sig_id") var sigID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "state") var state: String
    @OptionalField(key: "team_id") var teamID: UUID?
    @OptionalField(key: "chair_until") var chairUntil: Date?
    @OptionalField(key: "agreement_accepted_at") var agreementAcceptedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @Field(key: "changed_at") var changedAt: Date
    @OptionalField(key: "reason") var reason: String?

    init() {}

    init(_ participant: SIGParticipant) {
        update(from: participant)
    }

    func update(from participant: SIGParticipant) {
        sigID = participant.sigID
        userID = participant.userID
        kind = participant.kind.rawValue
        state = participant.state.rawValue
        teamID = participant.teamID
        chairUntil = participant.chairUntil
        agreementAcceptedAt = participant.agreementAcceptedAt
        decidedBy = participant.decidedBy
        changedAt = participant.changedAt
        reason = participant.reason
    }

    /// A kind or state this version does not know reads as ended: it grants nothing.
    var participant: SIGParticipant {
        let known = SIGParticipant.Kind(rawValue: kind)
        return SIGParticipant(sigID: sigID, userID: userID, kind: known ?? .guest, state: known == nil ? .ended : SIGParticipant.State(rawValue: state) ?? .ended,
                              teamID: teamID, chairUntil: chairUntil, agreementAcceptedAt: agreementAcceptedAt, decidedBy: decidedBy,
                              changedAt: changedAt, reason: reason)
    }
}

/// A chair's invitation of a guest; only the hash of the link's secret is kept.
final class SIGGuestInvitationModel: Model, @unchecked Sendable {
    static let schema = "sig_guest_invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "sig_id") var sigID: UUID
    @Field(key: "email") var email: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    init() {}

    var invitation: SIGGuestInvitation {
        SIGGuestInvitation(sigID: sigID, email: email, invitedBy: invitedBy, expiresAt: expiresAt)
    }
}

/// A SIG document's current state; its text is in its versions.
final class SIGDocumentModel: Model, @unchecked Sendable {
    static let schema = "sig_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "sig_id") var sigID: UUID
    @Field(key: "state") var state: String
    @Field(key: "title") var title: String
    @Field(key: "tlp") var tlp: String
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class SIGDocumentVersionModel: Model, @unchecked Sendable {
    static let schema = "sig_document_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "document_id") var documentID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "tlp") var tlp: String
    @Field(key: "edited_by") var editedBy: UUID
    @Field(key: "edited_at") var editedAt: Date

    init() {}

    init(documentID: UUID, _ version: SIGDocument.Version) {
        self.documentID = documentID
        number = version.number
        title = version.title
        body = version.body
        tlp = version.tlp.rawValue
        editedBy = version.editedBy
        editedAt = version.editedAt
    }

    /// A label this version does not know reads as AMBER+STRICT, the narrowest a SIG document carries.
    var version: SIGDocument.Version {
        SIGDocument.Version(number: number, title: title, body: body, tlp: TLPLabel(rawValue: tlp) ?? .amberStrict, editedBy: editedBy, editedAt: editedAt)
    }
}

final class SIGMeetingModel: Model, @unchecked Sendable {
    static let schema = "sig_meetings"

    @ID(key: .id) var id: UUID?
    @Field(key: "sig_id") var sigID: UUID
    @Field(key: "title") var title: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "location") var location: String
    @Field(key: "agenda") var agenda: String
    @OptionalField(key: "minutes_document_id") var minutesDocumentID: UUID?

    init() {}

    init(_ meeting: SIGMeeting) {
        id = meeting.id
        sigID = meeting.sigID
        title = meeting.title
        startsAt = meeting.startsAt
        timeZone = meeting.timeZone
        location = meeting.location
        agenda = meeting.agenda
        minutesDocumentID = meeting.minutesDocumentID
    }

    var meeting: SIGMeeting {
        SIGMeeting(id: id ?? UUID(), sigID: sigID, title: title, startsAt: startsAt, timeZone: timeZone, location: location, agenda: agenda,
                   minutesDocumentID: minutesDocumentID)
    }
}
