import Foundation
import Testing
@testable import RenkeiCore

/// One small community, the same in every membership test: three Full Members (one hosted by
/// the candidate's own host organisation), a Liaison, a suspended Full Member, a board of five
/// and the secretariat. Ids are fixed so every property is stable.
protocol MembershipScenario {}

extension MembershipScenario {
    /// 2027-01-15 08:00 UTC.
    var start: Date { Date(timeIntervalSince1970: 1_800_000_000) }
    var day: TimeInterval { 86_400 }
    var rules: MembershipRules { MembershipRules(reviewPeriod: 14 * 86_400, votingPeriod: 7 * 86_400) }
    var boardSize: Int { 5 }

    // The timeline of `underReview()`: sponsors accept on day 1, the site visit is filed on
    // day 2 and the last letter on day 3, which opens the review.
    var accepted: Date { start + day }
    var visited: Date { start + 2 * day }
    var reviewOpens: Date { start + 3 * day }
    var voteOpens: Date { reviewOpens + rules.reviewPeriod }
    var voteCloses: Date { voteOpens + rules.votingPeriod }
    var duringVote: Date { voteOpens + day }

    func id(_ number: Int) -> UUID {
        let digits = String(number)
        return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    func standing(_ number: Int, _ slug: String, _ name: String, host: String, type: MemberType = .fullMember,
                  status: MembershipStatus = .active) -> TeamStanding {
        TeamStanding(id: id(number), slug: slug, name: name, host: host,
                     membership: TeamMembership(type: type, since: "2015-03-01", status: status,
                                                reason: status == .active ? "" : "Fees unpaid", changedAt: start - 100 * day))
    }

    var alpha: TeamStanding { standing(1, "alpha-cert", "Alpha CERT", host: "Alpha Agency") }
    var beta: TeamStanding { standing(2, "beta-csirt", "Beta CSIRT", host: "Beta University") }
    /// Hosted by the candidate's host organisation ("Example Corp."), written differently.
    var corp: TeamStanding { standing(3, "corp-cert", "Corp CERT", host: "example corp") }
    var liaison: TeamStanding { standing(4, "liaison-irt", "Liaison IRT", host: "Liaison Ltd", type: .liaison) }
    var dormant: TeamStanding { standing(5, "dormant-cert", "Dormant CERT", host: "Dormant Inc", status: .suspended) }
    var knownTeams: [TeamStanding] { [alpha, beta, corp, liaison, dormant] }

    /// A team's people get ids derived from the team's id.
    func representative(of team: TeamStanding) -> Actor {
        Actor(userID: UUID(uuidString: "00000001" + team.id.uuidString.dropFirst(8))!, roles: [.teamRepresentative], teamID: team.id)
    }

    func member(of team: TeamStanding) -> Actor {
        Actor(userID: UUID(uuidString: "00000002" + team.id.uuidString.dropFirst(8))!, roles: [.member], teamID: team.id)
    }

    var applicant: Actor { Actor(userID: id(100), roles: [.member], teamID: nil) }
    func boardMember(_ number: Int) -> Actor { Actor(userID: id(200 + number), roles: [.board], teamID: nil) }
    var secretariat: Actor { Actor(userID: id(300), roles: [.secretariat], teamID: nil) }

    var candidate: TeamRecord {
        TeamRecord(shortName: "New-CSIRT", officialName: "New Computer Security Incident Response Team",
                   countryCode: "NL", email: "csirt@new.example")
    }

    var completeSIM3: SIM3Assessment {
        SIM3Assessment(ratings: Dictionary(uniqueKeysWithValues: SIM3.parameters.map {
            ($0.id, SIM3Assessment.Rating(level: .explicitInternal, comment: ""))
        }))
    }

    var visit: MembershipApplication.SiteVisitReport {
        .init(mode: .inPerson, date: "2027-01-16", findings: "Processes are documented and followed.",
              confidentialFindings: "The SOC shares a floor with a contractor.", recommendation: .admit)
    }

    func draft(_ type: MemberType, sponsors: [TeamStanding?]) -> ApplicationDraft {
        ApplicationDraft(team: candidate, membershipType: type, hostOrganisation: "Example Corp.",
                         services: "Incident handling and vulnerability coordination for Example Corp.", sim3: completeSIM3,
                         confidentialNote: "Funding for the second year is not yet approved.",
                         sponsorSlugs: sponsors.map { $0?.slug ?? "no-such-team" })
    }

    /// Submits at `start`; a nil sponsor is a slug the directory does not know.
    func submit(_ type: MemberType = .fullMember, sponsors: [TeamStanding?]? = nil, by actor: Actor? = nil,
                applicantTeam: TeamStanding? = nil, hasOpenApplication: Bool = false,
                changing change: (inout ApplicationDraft) -> Void = { _ in }) throws(MembershipRefusal) -> MembershipApplication {
        let sponsors = sponsors ?? (type == .fullMember ? [alpha, beta] : [alpha])
        var draft = self.draft(type, sponsors: sponsors)
        change(&draft)
        return try MembershipApplication.submit(draft, id: id(900), by: actor ?? applicant, applicantTeam: applicantTeam,
                                                sponsors: sponsors, hasOpenApplication: hasOpenApplication, at: start).0
    }

    /// `perform` with the scenario's rules; the actor's team is looked up as the server does,
    /// unless `team` says otherwise.
    @discardableResult
    func perform(_ step: MembershipStep, on application: inout MembershipApplication, by actor: Actor, at date: Date,
                 team: TeamStanding? = nil) throws(MembershipRefusal) -> MembershipEvent {
        let actorTeam = team ?? knownTeams.first { $0.id == actor.teamID }
        return try application.perform(step, by: actor, at: date, context: MembershipContext(rules: rules, boardSize: boardSize, actorTeam: actorTeam))
    }

    /// The refusal `body` ends with, or nil when it succeeds. The closure is untyped because
    /// closures do not infer a typed `throws` from their context.
    func refusal(_ body: () throws -> Void) -> MembershipRefusal? {
        guard case .failure(let error) = Result(catching: body) else { return nil }
        return error as? MembershipRefusal
    }

    func sponsorTeam(_ sponsorship: MembershipApplication.Sponsorship) -> TeamStanding {
        knownTeams.first { $0.id == sponsorship.teamID }!
    }

    /// Every sponsor accepts at `accepted`.
    func sponsored(_ application: MembershipApplication) throws -> MembershipApplication {
        var application = application
        for sponsorship in application.sponsors {
            try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: sponsorTeam(sponsorship)), at: accepted)
        }
        return application
    }

    /// Accepted, visited, and every letter in: the review opens at `reviewOpens`.
    func underReview(_ application: MembershipApplication? = nil) throws -> MembershipApplication {
        var application = try sponsored(application ?? submit())
        let sponsors = application.sponsors.map(sponsorTeam)
        try perform(.fileSiteVisit(visit), on: &application, by: representative(of: sponsors[0]), at: visited)
        for team in sponsors {
            try perform(.attachLetter("\(team.name) vouches for the candidate."), on: &application, by: representative(of: team), at: reviewOpens)
        }
        return application
    }

    /// Board members 0, 1, ... cast `choices` during the vote.
    func voted(_ choices: [MembershipApplication.Ballot.Choice], on application: MembershipApplication) throws -> MembershipApplication {
        var application = application
        for (number, choice) in choices.enumerated() {
            try perform(.vote(choice), on: &application, by: boardMember(number), at: duringVote)
        }
        return application
    }
}

// MARK: - Submission

@Suite struct MembershipSubmissionTests: MembershipScenario {
    @Test func fullMemberWithTwoSponsorsIsSubmitted() throws {
        var draft = self.draft(.fullMember, sponsors: [alpha, beta])
        // Membership data is the secretariat's to record, whatever the candidate sends.
        draft.team.memberType = .fullMember
        draft.team.memberSince = "2020-01-01"
        draft.hostOrganisation = "  Example Corp.  "
        let (application, event) = try MembershipApplication.submit(draft, id: id(900), by: applicant, applicantTeam: nil,
                                                                    sponsors: [alpha, beta], hasOpenApplication: false, at: start)
        #expect(application.team.slug == "new-csirt")
        #expect(application.team.memberType == nil && application.team.memberSince.isEmpty)
        #expect(application.hostOrganisation == "Example Corp.")
        #expect(application.applicantUserID == applicant.userID && application.existingTeamID == nil)
        #expect(application.sponsors.map(\.teamID) == [alpha.id, beta.id])
        #expect(application.sponsors.allSatisfy { $0.answer == .pending && $0.letter.isEmpty })
        #expect(application.submittedAt == start)
        #expect(application.phase(at: start) == .sponsorship)
        #expect(event.action == "application.submit")
        #expect(event.notify == [.applicant, .secretariat, .sponsorTeam(alpha.id), .sponsorTeam(beta.id)])
    }

    @Test func liaisonNeedsOneSponsor() throws {
        let application = try submit(.liaison, sponsors: [alpha])
        #expect(application.requiredSponsors == 1)
        #expect(application.sponsors.map(\.teamID) == [alpha.id])
    }

    @Test func wrongSponsorCountIsInvalid() {
        let tooFew = refusal { _ = try submit(.fullMember, sponsors: [alpha]) }
        #expect(tooFew?.reason == .invalid)
        #expect(tooFew?.fieldErrors.map(\.field) == ["sponsors"])
        let tooMany = refusal { _ = try submit(.liaison, sponsors: [alpha, beta]) }
        #expect(tooMany?.reason == .invalid)
        #expect(tooMany?.fieldErrors.map(\.field) == ["sponsors"])
    }

    @Test func unknownSponsorIsInvalid() {
        let refused = refusal { _ = try submit(sponsors: [alpha, nil]) }
        #expect(refused?.reason == .invalid)
        #expect(refused?.fieldErrors.map(\.field) == ["sponsors[1]"])
    }

    @Test func sameSponsorTwiceIsInvalid() {
        let refused = refusal { _ = try submit(sponsors: [alpha, alpha]) }
        #expect(refused?.reason == .invalid)
        #expect(refused?.fieldErrors.map(\.field) == ["sponsors[1]"])
    }

    @Test func newTeamCannotSponsorItselfBySlug() {
        let namesake = standing(6, "new-csirt", "New CSIRT", host: "Elsewhere")
        #expect(refusal { _ = try submit(sponsors: [alpha, namesake]) }?.reason == .selfSponsorship)
    }

    @Test func existingTeamCannotSponsorItselfByID() {
        let existing = standing(7, "old-csirt", "Old CSIRT", host: "Old Org", type: .liaison)
        var itself = existing
        itself.slug = "former-slug"  // so that only the team id shows it is the candidate
        let refused = refusal { _ = try submit(sponsors: [alpha, itself], by: representative(of: existing), applicantTeam: existing) }
        #expect(refused?.reason == .selfSponsorship)
    }

    @Test func primarySponsorMustNotShareTheHostOrganisation() throws {
        // "Example Corp." and "example corp" are one organisation.
        #expect(refusal { _ = try submit(sponsors: [corp, alpha]) }?.reason == .sameHostOrganisation)
        let application = try submit(sponsors: [alpha, corp])
        #expect(application.sponsors.map(\.teamID) == [alpha.id, corp.id], "the second sponsor may come from the host")
    }

    @Test func sponsorMustBeFullMember() {
        #expect(refusal { _ = try submit(sponsors: [alpha, liaison]) }?.reason == .sponsorNotFullMember)
    }

    @Test func suspendedTeamCannotSponsor() {
        #expect(refusal { _ = try submit(sponsors: [alpha, dormant]) }?.reason == .sponsorSuspended)
    }

    @Test func invalidTeamRecordReportsEveryField() {
        let refused = refusal {
            _ = try submit { draft in
                draft.team.email = ""
                draft.team.countryCode = "XX"
                draft.hostOrganisation = " "
                draft.services = ""
            }
        }
        #expect(refused?.reason == .invalid)
        #expect(Set(refused?.fieldErrors.map(\.field) ?? []) == ["email", "countryCode", "hostOrganisation", "services"])
    }

    @Test func missingSIM3RatingsAreInvalid() {
        let refused = refusal { _ = try submit { $0.sim3 = SIM3Assessment() } }
        let fields = refused?.fieldErrors.map(\.field) ?? []
        #expect(refused?.reason == .invalid)
        #expect(fields.count == SIM3.parameters.count)
        #expect(fields.allSatisfy { $0.hasPrefix("sim3.") })
        #expect(fields.contains("sim3.O-1"))
    }

    @Test func applicantOnATeamCannotApplyForANewTeam() {
        #expect(refusal { _ = try submit(by: member(of: liaison)) }?.reason == .wrongRole)
    }

    @Test func secondOpenApplicationIsRefused() {
        #expect(refusal { _ = try submit(hasOpenApplication: true) }?.reason == .wrongState)
    }

    @Test func existingTeamAppliesThroughItsRepresentative() throws {
        let existing = standing(7, "old-csirt", "Old CSIRT", host: "Old Org", type: .liaison)
        let application = try submit(by: representative(of: existing), applicantTeam: existing)
        #expect(application.existingTeamID == existing.id)
        #expect(application.team.slug == "old-csirt", "the team keeps its directory address")
        #expect(refusal { _ = try submit(by: member(of: existing), applicantTeam: existing) }?.reason == .wrongRole)
    }

    @Test func activeMemberCannotApplyForItsOwnType() {
        let existing = standing(7, "old-csirt", "Old CSIRT", host: "Old Org")
        #expect(refusal { _ = try submit(by: representative(of: existing), applicantTeam: existing) }?.reason == .wrongState)
    }
}

// MARK: - Sponsorship

@Suite struct MembershipSponsorshipTests: MembershipScenario {
    @Test func acceptingSponsorsMoveTheApplicationToTheSiteVisit() throws {
        var application = try submit()
        let first = try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted)
        #expect(first.action == "sponsorship.accept")
        #expect(application.phase(at: accepted) == .sponsorship)
        let second = try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: beta), at: accepted)
        #expect(second.action == "sponsorship.accept")
        #expect(application.phase(at: accepted) == .siteVisit)
        #expect(application.sponsors[1].answer == .accepted)
        #expect(application.sponsors[1].answeredBy == representative(of: beta).userID)
        #expect(application.sponsors[1].answeredAt == accepted)
    }

    @Test func declinedSponsorIsReplacedByTheApplicant() throws {
        var application = try submit()
        let declined = try perform(.answerSponsorship(accept: false), on: &application, by: representative(of: beta), at: accepted)
        #expect(declined.action == "sponsorship.decline")
        #expect(application.sponsors[1].answer == .declined)
        let asked = try perform(.replaceSponsor(position: 1, with: corp), on: &application, by: applicant, at: accepted)
        #expect(asked.action == "sponsorship.ask")
        #expect(application.sponsors[1].teamID == corp.id && application.sponsors[1].answer == .pending)
        try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted)
        try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: corp), at: accepted)
        #expect(application.phase(at: accepted) == .siteVisit)
    }

    @Test func onlyRepresentativesOfSponsorTeamsAnswer() throws {
        var application = try submit()
        #expect(refusal { try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: corp), at: accepted) }?.reason == .wrongRole)
        #expect(refusal { try perform(.answerSponsorship(accept: true), on: &application, by: member(of: alpha), at: accepted) }?.reason == .wrongRole)
        // The team standing must be the sponsor's own.
        #expect(refusal { try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted, team: beta) }?.reason == .wrongRole)
    }

    @Test func sponsorAnswersOnce() throws {
        var application = try submit()
        try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted)
        #expect(refusal { try perform(.answerSponsorship(accept: false), on: &application, by: representative(of: alpha), at: accepted) }?.reason == .wrongState)
    }

    @Test func sponsorSuspendedSinceBeingAskedCannotAccept() throws {
        var application = try submit()
        var suspendedAlpha = alpha
        suspendedAlpha.membership?.status = .suspended
        let refused = refusal { try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted, team: suspendedAlpha) }
        #expect(refused?.reason == .sponsorSuspended)
        try perform(.answerSponsorship(accept: false), on: &application, by: representative(of: alpha), at: accepted, team: suspendedAlpha)
        #expect(application.sponsors[0].answer == .declined, "declining needs no standing")
    }

    @Test func replacementFollowsTheSponsorRules() throws {
        var application = try submit()
        try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted)
        #expect(refusal { try perform(.replaceSponsor(position: 1, with: corp), on: &application, by: representative(of: alpha), at: accepted) }?.reason == .wrongRole)
        let acceptedOne = refusal { try perform(.replaceSponsor(position: 0, with: corp), on: &application, by: applicant, at: accepted) }
        #expect(acceptedOne?.reason == .invalid)
        #expect(acceptedOne?.fieldErrors.map(\.field) == ["position"])
        #expect(refusal { try perform(.replaceSponsor(position: 1, with: liaison), on: &application, by: applicant, at: accepted) }?.reason == .sponsorNotFullMember)
        #expect(refusal { try perform(.replaceSponsor(position: 1, with: alpha), on: &application, by: applicant, at: accepted) }?.reason == .invalid)
    }

    @Test func sponsorsAreNotReplacedOnceAllAccepted() throws {
        var application = try sponsored(submit())
        #expect(refusal { try perform(.replaceSponsor(position: 1, with: corp), on: &application, by: applicant, at: visited) }?.reason == .wrongState)
    }
}

// MARK: - Site visit, letters and the clock

@Suite struct MembershipSiteVisitTests: MembershipScenario {
    @Test func onlyThePrimarySponsorFilesTheSiteVisit() throws {
        var application = try sponsored(submit())
        #expect(refusal { try perform(.fileSiteVisit(visit), on: &application, by: representative(of: beta), at: visited) }?.reason == .wrongRole)
        #expect(refusal { try perform(.fileSiteVisit(visit), on: &application, by: representative(of: corp), at: visited) }?.reason == .wrongRole)
    }

    @Test func siteVisitWaitsForEverySponsor() throws {
        var application = try submit()
        try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted)
        #expect(refusal { try perform(.fileSiteVisit(visit), on: &application, by: representative(of: alpha), at: visited) }?.reason == .wrongState)
        #expect(refusal { try perform(.attachLetter("Support."), on: &application, by: representative(of: alpha), at: visited) }?.reason == .wrongState)
    }

    @Test func siteVisitReportIsChecked() throws {
        var application = try sponsored(submit())
        var future = visit
        future.date = "2027-02-01"
        var undated = visit
        undated.date = "16/01/2027"
        var empty = visit
        empty.findings = "  "
        for (report, field) in [(future, "date"), (undated, "date"), (empty, "findings")] {
            let refused = refusal { try perform(.fileSiteVisit(report), on: &application, by: representative(of: alpha), at: visited) }
            #expect(refused?.reason == .invalid)
            #expect(refused?.fieldErrors.map(\.field) == [field])
        }
        #expect(application.siteVisit == nil)
    }

    @Test func letterNeedsText() throws {
        var application = try sponsored(submit())
        let refused = refusal { try perform(.attachLetter(" \n"), on: &application, by: representative(of: beta), at: visited) }
        #expect(refused?.reason == .invalid)
        #expect(refused?.fieldErrors.map(\.field) == ["letter"])
    }

    @Test func reviewOpensWhenTheReportAndEveryLetterAreIn() throws {
        var application = try sponsored(submit())
        let filed = try perform(.fileSiteVisit(visit), on: &application, by: representative(of: alpha), at: visited)
        #expect(filed.action == "site-visit.file")
        #expect(application.siteVisit?.filedBy == representative(of: alpha).userID)
        let firstLetter = try perform(.attachLetter("Alpha vouches."), on: &application, by: representative(of: alpha), at: visited)
        #expect(firstLetter.action == "sponsorship.letter")
        #expect(application.reviewCloses == nil && application.phase(at: visited) == .siteVisit)

        let opened = try perform(.attachLetter("Beta vouches."), on: &application, by: representative(of: beta), at: reviewOpens)
        #expect(opened.action == "review.open")
        #expect(opened.notify.contains(.fullMembers) && opened.notify.contains(.board))
        #expect(application.reviewCloses == reviewOpens + 14 * day)
        #expect(application.voteCloses == application.reviewCloses! + 7 * day)
        #expect(application.phase(at: reviewOpens) == .memberReview)
    }

    @Test func reviewOpensWithTheReportWhenLettersCameFirst() throws {
        var application = try sponsored(submit())
        try perform(.attachLetter("Alpha vouches."), on: &application, by: representative(of: alpha), at: visited)
        try perform(.attachLetter("Beta vouches."), on: &application, by: representative(of: beta), at: visited)
        let opened = try perform(.fileSiteVisit(visit), on: &application, by: representative(of: alpha), at: reviewOpens)
        #expect(opened.action == "review.open")
        #expect(application.reviewCloses == reviewOpens + rules.reviewPeriod)
    }

    @Test func phaseMovesOnWithTimeAlone() throws {
        let application = try underReview()
        #expect(application.phase(at: voteOpens - 1) == .memberReview)
        #expect(application.deadline(at: voteOpens - 1) == voteOpens)
        #expect(application.phase(at: voteOpens) == .boardVote)
        #expect(application.deadline(at: voteOpens) == voteCloses)
        #expect(application.phase(at: voteCloses) == .awaitingDecision)
        #expect(application.deadline(at: voteCloses) == nil)
    }
}

// MARK: - Member review

@Suite struct MembershipReviewTests: MembershipScenario {
    @Test func fullMembersCommentAndObject() throws {
        var application = try underReview()
        let comment = try perform(.comment(.comment, "Good team."), on: &application, by: member(of: corp), at: reviewOpens)
        #expect(comment.action == "review.comment")
        let objection = try perform(.comment(.objection, " Their constituency overlaps ours. "), on: &application, by: representative(of: beta), at: reviewOpens)
        #expect(objection.action == "review.objection")
        #expect(application.comments.map(\.kind) == [.comment, .objection])
        #expect(application.comments[1].text == "Their constituency overlaps ours.")
        #expect(application.comments[1].authorUserID == representative(of: beta).userID)
        #expect(application.comments[1].authorTeamID == beta.id)
    }

    @Test func onlyActiveFullMemberTeamsComment() throws {
        var application = try underReview()
        for actor in [member(of: liaison), member(of: dormant), applicant, boardMember(0)] {
            #expect(refusal { try perform(.comment(.comment, "Hello."), on: &application, by: actor, at: reviewOpens) }?.reason == .wrongRole)
        }
        // The team standing must be the actor's own.
        #expect(refusal { try perform(.comment(.comment, "Hello."), on: &application, by: member(of: liaison), at: reviewOpens, team: alpha) }?.reason == .wrongRole)
    }

    @Test func candidateTeamCannotReviewItself() throws {
        // An active Full Member moving to Liaison: only the candidate rule keeps it out of its own review.
        let existing = standing(7, "old-csirt", "Old CSIRT", host: "Old Org")
        let submitted = try submit(.liaison, sponsors: [alpha], by: representative(of: existing), applicantTeam: existing)
        var application = try underReview(submitted)
        let refused = refusal { try perform(.comment(.comment, "We are great."), on: &application, by: member(of: existing), at: reviewOpens, team: existing) }
        #expect(refused?.reason == .wrongRole)
    }

    @Test func commentsCloseWithTheReview() throws {
        var application = try underReview()
        #expect(refusal { try perform(.comment(.objection, "Too late."), on: &application, by: member(of: corp), at: voteOpens) }?.reason == .afterDeadline)
        #expect(refusal { try perform(.comment(.objection, "Too late."), on: &application, by: member(of: corp), at: voteCloses) }?.reason == .afterDeadline)
    }

    @Test func commentsWaitForTheReview() throws {
        var application = try sponsored(submit())
        #expect(refusal { try perform(.comment(.comment, "Early."), on: &application, by: member(of: corp), at: visited) }?.reason == .wrongState)
    }

    @Test func objectionNeedsItsReason() throws {
        var application = try underReview()
        let refused = refusal { try perform(.comment(.objection, "   "), on: &application, by: member(of: corp), at: reviewOpens) }
        #expect(refused?.reason == .invalid)
        #expect(refused?.fieldErrors.map(\.field) == ["text"])
    }
}

// MARK: - Board vote and decision

@Suite struct MembershipDecisionTests: MembershipScenario {
    @Test func onlyTheBoardVotes() throws {
        var application = try underReview()
        #expect(refusal { try perform(.vote(.yes), on: &application, by: secretariat, at: duringVote) }?.reason == .wrongRole)
        #expect(refusal { try perform(.vote(.yes), on: &application, by: representative(of: alpha), at: duringVote) }?.reason == .wrongRole)
    }

    @Test func boardDoesNotVoteDuringTheReview() throws {
        var application = try underReview()
        #expect(refusal { try perform(.vote(.yes), on: &application, by: boardMember(0), at: reviewOpens) }?.reason == .wrongState)
    }

    @Test func boardMemberVotesOnce() throws {
        var application = try voted([.yes], on: underReview())
        #expect(refusal { try perform(.vote(.no), on: &application, by: boardMember(0), at: duringVote) }?.reason == .alreadyVoted)
        #expect(application.ballots.map(\.choice) == [.yes])
    }

    @Test func voteClosesAtTheDeadline() throws {
        var application = try underReview()
        #expect(refusal { try perform(.vote(.yes), on: &application, by: boardMember(0), at: voteCloses) }?.reason == .afterDeadline)
    }

    @Test func onlyTheSecretariatRecordsTheDecision() throws {
        var application = try voted([.yes, .yes, .yes], on: underReview())
        #expect(refusal { try perform(.recordDecision, on: &application, by: boardMember(0), at: voteCloses) }?.reason == .wrongRole)
    }

    @Test func decisionWaitsForTheDeadlineUnlessTheWholeBoardVoted() throws {
        var application = try voted([.yes, .yes, .yes], on: underReview())
        #expect(refusal { try perform(.recordDecision, on: &application, by: secretariat, at: duringVote) }?.reason == .wrongState)
        application = try voted([.yes, .yes, .yes, .yes, .no], on: underReview())
        let event = try perform(.recordDecision, on: &application, by: secretariat, at: duringVote)
        #expect(event.action == "decision.approve")
        #expect(application.phase(at: duringVote) == .approved)
    }

    @Test func noDecisionWithoutQuorumUntilTheVoteIsExtended() throws {
        var application = try voted([.yes, .yes], on: underReview())
        #expect(refusal { try perform(.recordDecision, on: &application, by: secretariat, at: voteCloses) }?.reason == .quorumNotMet)

        let extended = voteCloses + 3 * day
        #expect(refusal { try perform(.extendVote(until: extended), on: &application, by: boardMember(0), at: voteCloses) }?.reason == .wrongRole)
        #expect(refusal { try perform(.extendVote(until: voteCloses - day), on: &application, by: secretariat, at: voteCloses) }?.reason == .invalid)
        let event = try perform(.extendVote(until: extended), on: &application, by: secretariat, at: voteCloses)
        #expect(event.action == "vote.extend")
        #expect(application.voteCloses == extended)
        #expect(application.phase(at: voteCloses) == .boardVote)

        try perform(.vote(.no), on: &application, by: boardMember(2), at: voteCloses + day)
        try perform(.recordDecision, on: &application, by: secretariat, at: extended)
        #expect(application.decision?.outcome == .approved)
        #expect(application.decision?.tally == MembershipApplication.Tally(yes: 2, no: 1, abstain: 0, boardSize: 5))
        #expect(application.decision?.recordedBy == secretariat.userID)
    }

    @Test func voteIsExtendedOnlyOnceItHasStarted() throws {
        var application = try underReview()
        #expect(refusal { try perform(.extendVote(until: voteCloses + day), on: &application, by: secretariat, at: reviewOpens) }?.reason == .wrongState)
    }

    /// Two thirds of the votes cast must be yes; abstentions count for the quorum only.
    @Test(arguments: [
        ([.yes, .yes, .no], .approved),
        ([.yes, .no, .abstain], .rejected),
        ([.yes, .yes, .abstain, .abstain, .abstain], .approved),
        ([.yes, .yes, .yes, .no, .no], .rejected),
        ([.yes, .yes, .yes, .yes, .no], .approved),
        ([.abstain, .abstain, .abstain], .rejected),
    ] as [([MembershipApplication.Ballot.Choice], MembershipApplication.Decision.Outcome)])
    func majorityOfVotesCast(choices: [MembershipApplication.Ballot.Choice], outcome: MembershipApplication.Decision.Outcome) throws {
        var application = try voted(choices, on: underReview())
        try perform(.recordDecision, on: &application, by: secretariat, at: voteCloses)
        #expect(application.decision?.outcome == outcome)
        #expect(application.phase(at: voteCloses) == (outcome == .approved ? .approved : .rejected))
    }

    @Test func quorumIsHalfTheBoardRoundedUp() {
        let rules = MembershipRules()
        #expect(rules.quorumCount(boardSize: 5) == 3)
        #expect(rules.quorumCount(boardSize: 4) == 2)
        #expect(rules.quorumCount(boardSize: 7) == 4)
    }

    @Test func decidedApplicationIsClosed() throws {
        var application = try voted([.yes, .yes, .yes], on: underReview())
        try perform(.recordDecision, on: &application, by: secretariat, at: voteCloses)
        #expect(refusal { try perform(.recordDecision, on: &application, by: secretariat, at: voteCloses) }?.reason == .wrongState)
        #expect(refusal { try perform(.vote(.no), on: &application, by: boardMember(4), at: voteCloses) }?.reason == .wrongState)
        #expect(refusal { try perform(.withdraw, on: &application, by: applicant, at: voteCloses) }?.reason == .wrongState)
    }

    @Test func applicantWithdrawsAnOpenApplication() throws {
        var application = try submit()
        #expect(refusal { try perform(.withdraw, on: &application, by: representative(of: alpha), at: accepted) }?.reason == .wrongRole)
        let event = try perform(.withdraw, on: &application, by: applicant, at: accepted)
        #expect(event.action == "application.withdraw")
        #expect(application.phase(at: accepted) == .withdrawn)
        #expect(refusal { try perform(.withdraw, on: &application, by: applicant, at: accepted) }?.reason == .wrongState)
        #expect(refusal { try perform(.answerSponsorship(accept: true), on: &application, by: representative(of: alpha), at: accepted) }?.reason == .wrongState)
    }
}

// MARK: - Membership after approval

@Suite struct TeamMembershipTests: MembershipScenario {
    var active: TeamMembership { TeamMembership(type: .fullMember, since: "2015-03-01", changedAt: start) }

    @Test func secretariatSuspendsAndReinstates() throws {
        let suspended = try active.applying(.suspend(reason: " Fees unpaid "), teamID: alpha.id, by: secretariat, at: accepted)
        #expect(suspended.status == .suspended && suspended.reason == "Fees unpaid" && suspended.changedAt == accepted)
        let reinstated = try suspended.applying(.reinstate, teamID: alpha.id, by: secretariat, at: visited)
        #expect(reinstated.status == .active && reinstated.reason.isEmpty)
    }

    @Test func membershipEndsByResignationOrTermination() throws {
        let resigned = try active.applying(.resign, teamID: alpha.id, by: secretariat, at: accepted)
        #expect(resigned.status == .resigned)
        let suspended = try active.applying(.suspend(reason: "Unreachable"), teamID: alpha.id, by: secretariat, at: accepted)
        let terminated = try suspended.applying(.terminate(reason: "Unreachable for a year"), teamID: alpha.id, by: secretariat, at: visited)
        #expect(terminated.status == .terminated && terminated.reason == "Unreachable for a year")
    }

    @Test func representativeResignsOwnTeamOnly() throws {
        let resigned = try active.applying(.resign, teamID: alpha.id, by: representative(of: alpha), at: accepted)
        #expect(resigned.status == .resigned)
        #expect(refusal { _ = try active.applying(.resign, teamID: alpha.id, by: representative(of: beta), at: accepted) }?.reason == .wrongRole)
        #expect(refusal { _ = try active.applying(.resign, teamID: alpha.id, by: member(of: alpha), at: accepted) }?.reason == .wrongRole)
    }

    @Test func onlyTheSecretariatSuspendsReinstatesAndTerminates() throws {
        let suspended = try active.applying(.suspend(reason: "Fees unpaid"), teamID: alpha.id, by: secretariat, at: accepted)
        #expect(refusal { _ = try active.applying(.suspend(reason: "Fees unpaid"), teamID: alpha.id, by: boardMember(0), at: accepted) }?.reason == .wrongRole)
        #expect(refusal { _ = try suspended.applying(.reinstate, teamID: alpha.id, by: representative(of: alpha), at: accepted) }?.reason == .wrongRole)
        #expect(refusal { _ = try active.applying(.terminate(reason: "Gone"), teamID: alpha.id, by: representative(of: alpha), at: accepted) }?.reason == .wrongRole)
    }

    @Test func transitionsFollowTheStatus() throws {
        let suspended = try active.applying(.suspend(reason: "Fees unpaid"), teamID: alpha.id, by: secretariat, at: accepted)
        let resigned = try active.applying(.resign, teamID: alpha.id, by: secretariat, at: accepted)
        let terminated = try active.applying(.terminate(reason: "Gone"), teamID: alpha.id, by: secretariat, at: accepted)
        #expect(refusal { _ = try active.applying(.reinstate, teamID: alpha.id, by: secretariat, at: visited) }?.reason == .wrongState)
        #expect(refusal { _ = try suspended.applying(.suspend(reason: "Again"), teamID: alpha.id, by: secretariat, at: visited) }?.reason == .wrongState)
        #expect(refusal { _ = try resigned.applying(.resign, teamID: alpha.id, by: secretariat, at: visited) }?.reason == .wrongState)
        #expect(refusal { _ = try resigned.applying(.suspend(reason: "Late"), teamID: alpha.id, by: secretariat, at: visited) }?.reason == .wrongState)
        #expect(refusal { _ = try terminated.applying(.terminate(reason: "Again"), teamID: alpha.id, by: secretariat, at: visited) }?.reason == .wrongState)
    }

    @Test func suspensionAndTerminationNeedAReason() {
        for change in [TeamMembership.Change.suspend(reason: "  "), .terminate(reason: "")] {
            let refused = refusal { _ = try active.applying(change, teamID: alpha.id, by: secretariat, at: accepted) }
            #expect(refused?.reason == .invalid)
            #expect(refused?.fieldErrors.map(\.field) == ["reason"])
        }
    }
}

// MARK: - Who reads what

@Suite struct MembershipAccessTests: MembershipScenario {
    /// In the board vote, with a comment, an objection and two ballots.
    func inVote() throws -> MembershipApplication {
        var application = try underReview()
        try perform(.comment(.comment, "Good team."), on: &application, by: representative(of: alpha), at: reviewOpens)
        try perform(.comment(.objection, "Overlapping constituency."), on: &application, by: member(of: corp), at: reviewOpens)
        return try voted([.yes, .no], on: application)
    }

    @Test func outsidersReadNothing() throws {
        let application = try inVote()
        #expect(application.readable(by: nil, actorTeam: nil) == nil)
        #expect(application.readable(by: Actor(userID: id(400), roles: [.member], teamID: nil), actorTeam: nil) == nil)
        #expect(application.readable(by: member(of: liaison), actorTeam: liaison) == nil)
        #expect(application.readable(by: member(of: dormant), actorTeam: dormant) == nil)
    }

    @Test func fullMembersReadFromTheReviewWithoutTLPRed() throws {
        let before = try sponsored(submit())
        #expect(before.readable(by: member(of: corp), actorTeam: corp) == nil)
        let copy = try #require(inVote().readable(by: member(of: corp), actorTeam: corp))
        #expect(copy.confidentialNote.isEmpty)
        #expect(copy.siteVisit?.confidentialFindings.isEmpty == true)
        #expect(copy.siteVisit?.findings == visit.findings)
        #expect(copy.ballots.isEmpty)
        #expect(copy.comments.allSatisfy { $0.authorUserID != nil })
    }

    @Test func secretariatReadsBallotsButNoTLPRed() throws {
        let copy = try #require(inVote().readable(by: secretariat, actorTeam: nil))
        #expect(copy.confidentialNote.isEmpty)
        #expect(copy.siteVisit?.confidentialFindings.isEmpty == true)
        #expect(copy.ballots.count == 2)
    }

    @Test func sponsorsAndBoardReadTLPRed() throws {
        let application = try inVote()
        let sponsorCopy = try #require(application.readable(by: representative(of: beta), actorTeam: beta))
        #expect(sponsorCopy.confidentialNote == application.confidentialNote && !sponsorCopy.confidentialNote.isEmpty)
        #expect(sponsorCopy.siteVisit?.confidentialFindings == visit.confidentialFindings)
        #expect(sponsorCopy.ballots.isEmpty)
        let boardCopy = try #require(application.readable(by: boardMember(4), actorTeam: nil))
        #expect(boardCopy == application)
    }

    @Test func candidateReadsCommentsWithoutAuthorsAndNoBallots() throws {
        let application = try inVote()
        let copy = try #require(application.readable(by: applicant, actorTeam: nil))
        #expect(copy.comments.map(\.text) == application.comments.map(\.text))
        #expect(copy.comments.allSatisfy { $0.authorUserID == nil && $0.authorTeamID == nil })
        #expect(copy.ballots.isEmpty)
        #expect(copy.confidentialNote == application.confidentialNote)
    }

    @Test func declinedSponsorLosesAccess() throws {
        var application = try submit()
        #expect(application.readable(by: representative(of: beta), actorTeam: beta) != nil)
        try perform(.answerSponsorship(accept: false), on: &application, by: representative(of: beta), at: accepted)
        #expect(application.readable(by: representative(of: beta), actorTeam: beta) == nil)
    }

    @Test func stepsOfferedWhileWaitingForSponsors() throws {
        let application = try submit()
        #expect(application.availableSteps(for: representative(of: alpha), actorTeam: alpha, at: start, boardSize: boardSize) == ["answer-sponsorship"])
        #expect(application.availableSteps(for: applicant, actorTeam: nil, at: start, boardSize: boardSize) == ["replace-sponsor", "withdraw"])
        #expect(application.availableSteps(for: member(of: corp), actorTeam: corp, at: start, boardSize: boardSize).isEmpty)
    }

    @Test func stepsOfferedDuringSiteVisitAndReview() throws {
        let sponsored = try sponsored(submit())
        #expect(sponsored.availableSteps(for: representative(of: alpha), actorTeam: alpha, at: visited, boardSize: boardSize) == ["file-site-visit", "attach-letter"])
        #expect(sponsored.availableSteps(for: representative(of: beta), actorTeam: beta, at: visited, boardSize: boardSize) == ["attach-letter"])
        let reviewed = try underReview()
        #expect(reviewed.availableSteps(for: member(of: corp), actorTeam: corp, at: reviewOpens, boardSize: boardSize) == ["comment"])
        #expect(reviewed.availableSteps(for: boardMember(0), actorTeam: nil, at: reviewOpens, boardSize: boardSize).isEmpty)
    }

    @Test func stepsOfferedDuringTheVote() throws {
        let application = try inVote()
        #expect(application.availableSteps(for: boardMember(0), actorTeam: nil, at: duringVote, boardSize: boardSize).isEmpty)
        #expect(application.availableSteps(for: boardMember(2), actorTeam: nil, at: duringVote, boardSize: boardSize) == ["vote"])
        #expect(application.availableSteps(for: secretariat, actorTeam: nil, at: duringVote, boardSize: boardSize) == ["extend-vote"])
        #expect(application.availableSteps(for: secretariat, actorTeam: nil, at: voteCloses, boardSize: boardSize) == ["extend-vote", "record-decision"])
        let everyone = try voted([.yes, .yes, .no, .abstain, .yes], on: underReview())
        #expect(everyone.availableSteps(for: secretariat, actorTeam: nil, at: duringVote, boardSize: boardSize) == ["extend-vote", "record-decision"])
    }
}

@Suite struct RecordedMembershipStatusTests {
    @Test func aMemberTeamWithoutARecordIsActiveAndAnUnknownRecordGrantsNothing() {
        #expect(MembershipStatus(recorded: nil) == .active)
        #expect(MembershipStatus(recorded: "suspended") == .suspended)
        #expect(MembershipStatus(recorded: "terminated") == .terminated)
        #expect(MembershipStatus(recorded: "expelled") == .terminated)
        #expect(MembershipStatus(recorded: "") == .terminated)
    }
}
