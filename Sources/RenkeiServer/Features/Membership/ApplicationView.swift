import Fluent
import Foundation
import RenkeiCore
import Vapor

/// An application as its page shows it to one reader. Built only from what
/// `MembershipApplication.readable(by:)` left in, so the page cannot show more than the rules allow.
struct ApplicationView: Encodable {
    struct SIM3Row: Encodable {
        var id: String
        var name: String
        var level: Int
        var levelLabel: String
        var comment: String?
    }
    struct SIM3Category: Encodable {
        var label: String
        var average: String
        var rows: [SIM3Row]
    }
    struct Sponsor: Encodable {
        var position: Int
        var role: String
        var name: String
        var url: String
        var answer: String
        var letter: String?
    }
    struct SiteVisit: Encodable {
        var mode: String
        var date: String
        var findings: String
        var confidentialFindings: String?
        var recommendation: String
        var filed: String
    }
    struct Comment: Encodable {
        var kind: String
        var text: String
        var author: String?
        var at: String
    }
    struct Ballot: Encodable {
        var voter: String
        var choice: String
        var at: String
    }

    var id: String
    var url: String
    var stepsURL: String
    var teamName: String
    var officialName: String
    var country: String
    var email: String
    var website: String?
    var membershipType: String
    var hostOrganisation: String
    var services: String
    var constituency: String?
    var phase: String
    var phaseLabel: String
    var deadline: String?
    var deadlineISO: String?
    var submitted: String
    var confidentialNote: String?
    var sim3: [SIM3Category]
    var sponsors: [Sponsor]
    var siteVisit: SiteVisit?
    var comments: [Comment]?
    var objections: Int
    var ballots: [Ballot]?
    var tally: String?
    var decision: String?
    var steps: [String: Bool]

    init(_ application: MembershipApplication, steps: Set<String>, at now: Date, names: DisplayNames) {
        id = application.id.uuidString
        url = SiteURL.membershipApplication(.value(id)).path
        stepsURL = SiteURL.membershipApplicationSteps(.value(id)).path
        let team = application.team
        teamName = team.shortName
        officialName = team.officialName
        country = team.country.map { "\($0.name) (\($0.code))" } ?? team.countryCode
        email = team.email
        website = team.websites.first
        membershipType = application.membershipType.rawValue
        hostOrganisation = application.hostOrganisation
        services = application.services
        constituency = team.constituencyDescription.nonBlank
        let phase = application.phase(at: now)
        self.phase = phase.rawValue
        phaseLabel = phase.label
        deadline = application.deadline(at: now).map(TeamView.minute)
        deadlineISO = application.deadline(at: now).map { ISO8601DateFormatter().string(from: $0) }
        submitted = TeamView.minute(application.submittedAt)
        confidentialNote = application.confidentialNote.nonBlank
        sim3 = SIM3.Category.allCases.map { category in
            SIM3Category(
                label: category.label, average: application.sim3.average(category).map { String(format: "%.1f", $0) } ?? "–",
                rows: SIM3.parameters.filter { $0.category == category }.map { parameter in
                    let rating = application.sim3.ratings[parameter.id]
                    return SIM3Row(id: parameter.id, name: parameter.name, level: rating?.level.rawValue ?? 0,
                                   levelLabel: rating?.level.label ?? "not rated", comment: rating?.comment.nonBlank)
                })
        }
        sponsors = application.sponsors.enumerated().map { position, sponsor in
            Sponsor(position: position, role: position == 0 ? "Primary sponsor" : "Sponsor", name: sponsor.teamName,
                    url: SiteURL.team(.value(sponsor.teamSlug)).path, answer: sponsor.answer.rawValue, letter: sponsor.letter.nonBlank)
        }
        siteVisit = application.siteVisit.map { report in
            SiteVisit(mode: report.mode == .inPerson ? "In person" : "Virtual", date: report.date, findings: report.findings,
                      confidentialFindings: report.confidentialFindings.nonBlank, recommendation: report.recommendation.rawValue,
                      filed: report.filedAt.map(TeamView.minute) ?? "")
        }
        comments = application.comments.nonEmpty?.map { comment in
            Comment(kind: comment.kind.rawValue, text: comment.text,
                    author: comment.authorUserID.map { names.user($0) + (comment.authorTeamID.map { " (\(names.team($0)))" } ?? "") },
                    at: TeamView.minute(comment.at))
        }
        objections = application.comments.count { $0.kind == .objection }
        ballots = application.ballots.nonEmpty?.map { Ballot(voter: names.user($0.userID), choice: $0.choice.rawValue, at: TeamView.minute($0.at)) }
        if let decision = application.decision {
            let tally = decision.tally
            self.tally = "\(tally.yes) yes, \(tally.no) no, \(tally.abstain) abstain (board of \(tally.boardSize))"
            self.decision = "\(decision.outcome.rawValue.capitalized) on \(TeamView.minute(decision.at))"
        }
        // Leaf reads dictionary keys as identifiers: "answer-sponsorship" becomes answerSponsorship.
        self.steps = Dictionary(uniqueKeysWithValues: steps.map { step in
            let words = step.split(separator: "-")
            return (words.first.map(String.init)! + words.dropFirst().map(\.capitalized).joined(), true)
        })
    }
}
