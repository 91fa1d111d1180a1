import Foundation
import RenkeiCore
import Vapor

/// A SIG as the API shows it: the charter to everyone it is listed to; its chairs by name.
struct SIGSummaryDocument: Content {
    struct CharterDocument: Content {
        var mission: String
        var scope: String
        var deliverables: String
        var decisionMaking: String
        var defaultLabel: String
        var joining: String
        var chairsAppointedByBoard: Bool
    }
    struct ChairDocument: Content {
        var name: String
        var until: Date
    }
    var slug: String
    var name: String
    var status: String
    var summary: String
    var charter: CharterDocument
    var chairs: [ChairDocument]
    var boardLiaison: String?
    var charterApprovedAt: Date?
    var charterDue: Date?
    var retiredAt: Date?
    var retirementReason: String?
    var participants: Int
    /// The SIG's mailing list address, once the charter is approved.
    var list: String?
    /// The reader's own participation: `active`, `requested`, or null.
    var participation: String?

    init(_ sig: SpecialInterestGroup, chairs: [ChairDocument], liaison: String?, participants: Int, list: String?, participation: String?) {
        slug = sig.slug
        name = sig.name
        status = sig.status.rawValue
        summary = sig.charter.summary
        charter = CharterDocument(mission: sig.charter.mission, scope: sig.charter.scope, deliverables: sig.charter.deliverables,
                                  decisionMaking: sig.charter.decisionMaking, defaultLabel: sig.charter.defaultLabel.text,
                                  joining: sig.charter.joining.rawValue, chairsAppointedByBoard: sig.charter.chairsAppointedByBoard)
        self.chairs = chairs
        boardLiaison = liaison
        charterApprovedAt = sig.charterApprovedAt
        charterDue = sig.charterDue
        retiredAt = sig.retiredAt
        retirementReason = sig.retirementReason
        self.participants = participants
        self.list = list
        self.participation = participation
    }
}

/// A new SIG as the API and the CLI take it.
struct SIGProposalInput: Content {
    var slug: String
    var name: String
    var mission: String
    var scope: String
    var deliverables: String
    var decisionMaking: String
    var defaultLabel: String?
    var joining: String?
    var chairsAppointedByBoard: Bool?

    func charter() throws -> SpecialInterestGroup.Charter {
        try SIGsController.CharterForm(slug: slug, name: name, mission: mission, scope: scope, deliverables: deliverables, decisionMaking: decisionMaking,
                                       defaultLabel: defaultLabel, joining: joining,
                                       chairsAppointedByBoard: chairsAppointedByBoard == true ? "true" : nil).charter()
    }
}

struct SIGParticipantDocument: Content {
    var id: UUID
    var name: String
    var email: String?
    var kind: String
    var state: String
    var team: String?
    var chairUntil: Date?
    var affiliationChanged: Bool
    var since: Date
}

struct SIGDocumentDocument: Content {
    struct VersionDocument: Content {
        var number: Int
        var title: String
        var tlp: String
        var editedBy: String
        var editedAt: Date
    }
    var id: UUID
    var sig: String
    var title: String
    var tlp: String
    var state: String
    var publishedAt: Date?
    var body: String
    var disclaimer: String?
    var versions: [VersionDocument]
}

struct SIGDocumentSummary: Content {
    var id: UUID
    var title: String
    var tlp: String
    var state: String
    var updatedAt: Date
}

struct SIGMeetingDocument: Content {
    var id: UUID
    var title: String
    var startsAt: Date
    var timeZone: String
    var location: String
    var agenda: String
    var minutes: UUID?
}
