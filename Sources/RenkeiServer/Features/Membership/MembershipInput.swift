import Fluent
import Foundation
import RenkeiCore
import Vapor

/// One step of the process as the API and the page forms send it: `step` names it, the other
/// fields carry what that step needs.
struct MembershipStepInput: Content {
    var step: String
    /// answer-sponsorship: "accept" or "decline".
    var answer: String?
    /// replace-sponsor: which sponsor (0 = primary) and the slug of the team asked instead.
    var position: Int?
    var sponsor: String?
    /// file-site-visit.
    var mode: String?
    var date: String?
    var findings: String?
    var confidentialFindings: String?
    var recommendation: String?
    /// attach-letter.
    var letter: String?
    /// comment: "comment" or "objection", and its text.
    var kind: String?
    var text: String?
    /// vote: "yes", "no" or "abstain".
    var choice: String?
    /// extend-vote: the new deadline, ISO 8601 (a time without zone is UTC).
    var until: String?

    func step(on database: any Database) async throws -> MembershipStep {
        switch step {
        case "answer-sponsorship":
            guard let answer = answer, ["accept", "decline"].contains(answer) else { throw Self.invalid("answer", "Answer “accept” or “decline”.") }
            return .answerSponsorship(accept: answer == "accept")
        case "replace-sponsor":
            guard let position else { throw Self.invalid("position", "Say which sponsor to replace (0 is the primary sponsor).") }
            guard let slug = sponsor?.nonBlank, let team = try await MembershipStore.standing(slug: slug, on: database) else {
                throw Self.invalid("sponsor", "Name a team in the directory by its slug.")
            }
            return .replaceSponsor(position: position, with: team)
        case "file-site-visit":
            guard let mode = mode.flatMap(MembershipApplication.SiteVisitReport.Mode.init(rawValue:)) else {
                throw Self.invalid("mode", "Say whether the visit was “in-person” or “virtual”.")
            }
            guard let recommendation = recommendation.flatMap(MembershipApplication.SiteVisitReport.Recommendation.init(rawValue:)) else {
                throw Self.invalid("recommendation", "Recommend “admit”, “admit-with-conditions” or “do-not-admit”.")
            }
            return .fileSiteVisit(.init(mode: mode, date: date ?? "", findings: findings ?? "", confidentialFindings: confidentialFindings ?? "",
                                        recommendation: recommendation))
        case "attach-letter":
            return .attachLetter(letter ?? "")
        case "comment":
            guard let kind = (kind ?? "comment").nonBlank.flatMap(MembershipApplication.ReviewComment.Kind.init(rawValue:)) else {
                throw Self.invalid("kind", "A review entry is a “comment” or an “objection”.")
            }
            return .comment(kind, text ?? "")
        case "vote":
            guard let choice = choice.flatMap(MembershipApplication.Ballot.Choice.init(rawValue:)) else {
                throw Self.invalid("choice", "Vote “yes”, “no” or “abstain”.")
            }
            return .vote(choice)
        case "extend-vote":
            guard let until = until.flatMap(Self.parseMoment) else {
                throw Self.invalid("until", "Give the new deadline as an ISO 8601 date and time, e.g. 2026-12-24T12:00Z.")
            }
            return .extendVote(until: until)
        case "record-decision":
            return .recordDecision
        case "withdraw":
            return .withdraw
        default:
            throw Self.invalid("step", "“\(step)” is not a step of the membership process.")
        }
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        .invalid([FieldError(field: field, message: message)])
    }

    /// ISO 8601 with a zone, or the `datetime-local` form of browsers, read as UTC.
    static func parseMoment(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        for suffix in ["Z", ":00Z"] {
            if let date = formatter.date(from: text + suffix) { return date }
        }
        return nil
    }
}

/// A new application as the API takes it: the team record's fields under `team` and the
/// application's own fields.
struct ApplicationInput: Decodable {
    var membershipType: MemberType
    var hostOrganisation: String
    var services: String
    var sim3: [String: SIM3Assessment.Rating]
    var confidentialNote: String?
    var sponsors: [String]

    static func draft(from body: ByteBuffer?) throws -> ApplicationDraft {
        guard let body, body.readableBytes > 0 else { throw AppError.badRequest("The request body is empty; send a JSON object.") }
        let json: JSONValue
        do { json = try JSONValue.parse(Data(buffer: body)) } catch { throw AppError.badRequest(error.description) }
        guard case .object(let pairs) = json else { throw AppError.badRequest("The body must be a JSON object.") }
        guard let team = pairs.first(where: { $0.key == "team" })?.value, case .object = team else {
            throw AppError.invalid([FieldError(field: "team", message: "Give the team's record as an object under “team”.")])
        }
        let record = try TeamPatch.apply(ByteBuffer(string: team.serialized(pretty: false)), to: TeamRecord())
        let input = try JSONDecoder().decode(ApplicationInput.self, from: Data(buffer: body))
        var withHost = record
        if withHost.host.isEmpty { withHost.host = input.hostOrganisation }
        return ApplicationDraft(team: withHost, membershipType: input.membershipType, hostOrganisation: input.hostOrganisation,
                                services: input.services, sim3: SIM3Assessment(ratings: input.sim3),
                                confidentialNote: input.confidentialNote ?? "", sponsorSlugs: input.sponsors)
    }
}
