import Foundation

/// What the rules need to know besides the application: the community's parameters, the
/// size of the board, and the acting user's team.
public struct MembershipContext: Sendable {
    public var rules: MembershipRules
    public var boardSize: Int
    public var actorTeam: TeamStanding?

    public init(rules: MembershipRules, boardSize: Int, actorTeam: TeamStanding?) {
        self.rules = rules
        self.boardSize = boardSize
        self.actorTeam = actorTeam
    }
}

/// What a candidate submits.
public struct ApplicationDraft: Sendable, Hashable {
    public var team: TeamRecord
    public var membershipType: MemberType
    public var hostOrganisation: String
    public var services: String
    public var sim3: SIM3Assessment
    public var confidentialNote: String
    /// Slugs of the sponsors asked, primary first.
    public var sponsorSlugs: [String]

    public init(team: TeamRecord, membershipType: MemberType, hostOrganisation: String, services: String,
                sim3: SIM3Assessment, confidentialNote: String = "", sponsorSlugs: [String]) {
        self.team = team
        self.membershipType = membershipType
        self.hostOrganisation = hostOrganisation
        self.services = services
        self.sim3 = sim3
        self.confidentialNote = confidentialNote
        self.sponsorSlugs = sponsorSlugs
    }
}

/// The steps of the process after submission.
public enum MembershipStep: Sendable, Hashable {
    case answerSponsorship(accept: Bool)
    case replaceSponsor(position: Int, with: TeamStanding)
    case fileSiteVisit(MembershipApplication.SiteVisitReport)
    case attachLetter(String)
    case comment(MembershipApplication.ReviewComment.Kind, String)
    case vote(MembershipApplication.Ballot.Choice)
    case extendVote(until: Date)
    case recordDecision
    case withdraw
}

/// Who must hear about a step: the people who act next, and the candidate, who always sees
/// where the application stands.
public enum MembershipRecipient: Sendable, Hashable {
    case applicant
    case sponsorTeam(UUID)
    case fullMembers
    case board
    case secretariat
}

/// A step that happened: its name for the audit log, a sentence for people, and who to notify.
public struct MembershipEvent: Sendable, Hashable {
    public var action: String
    public var summary: String
    public var notify: [MembershipRecipient]
}

extension MembershipApplication {
    /// Who may apply: anyone without a team (the account speaks for a new candidate), or a
    /// representative of a listed team that is not an active Full Member yet.
    public static func canApply(_ actor: Actor?, team: TeamStanding?) -> Bool {
        guard let actor, let team else { return true }
        return actor.roles.contains(.teamRepresentative) && actor.teamID == team.id && !team.isActiveFullMember
    }

    /// Checks a draft and the sponsors it names, and returns the submitted application.
    /// `applicantTeam` is the applicant's team when it is already in the directory;
    /// `sponsors` are the teams named by `draft.sponsorSlugs`, in order (nil: no such team).
    public static func submit(
        _ draft: ApplicationDraft, id: UUID, by applicant: Actor, applicantTeam: TeamStanding?,
        sponsors: [TeamStanding?], hasOpenApplication: Bool, at now: Date
    ) throws(MembershipRefusal) -> (MembershipApplication, MembershipEvent) {
        if let applicantTeam {
            guard applicant.roles.contains(.teamRepresentative), applicant.teamID == applicantTeam.id else {
                throw MembershipRefusal(.wrongRole, "Only a representative of the team can apply for it.")
            }
            if applicantTeam.membership?.type == draft.membershipType, applicantTeam.isActiveMember {
                throw MembershipRefusal(.wrongState, "The team is already a \(draft.membershipType.rawValue).")
            }
        } else if applicant.teamID != nil {
            throw MembershipRefusal(.wrongRole, "Your account already belongs to a team.")
        }
        guard !hasOpenApplication else {
            throw MembershipRefusal(.wrongState, "There is already an open application; withdraw it before applying again.")
        }
        var errors: [FieldError] = []
        var team = draft.team
        team.memberType = nil
        team.memberSince = ""
        if let applicantTeam { team.slug = applicantTeam.slug }
        do {
            team = try team.validated()
        } catch {
            errors += error.errors
        }
        let host = draft.hostOrganisation.trimmingCharacters(in: .whitespacesAndNewlines)
        if host.isEmpty || host.count > 200 {
            errors.append(FieldError(field: "hostOrganisation", message: "Name the organisation that hosts the team (up to 200 characters)."))
        }
        let services = draft.services.trimmingCharacters(in: .whitespacesAndNewlines)
        if services.isEmpty || services.count > 8000 {
            errors.append(FieldError(field: "services", message: "Describe the services the team offers (up to 8000 characters)."))
        }
        if draft.confidentialNote.count > 8000 {
            errors.append(FieldError(field: "confidentialNote", message: "The TLP:RED note is limited to 8000 characters."))
        }
        errors += draft.sim3.problems().map { FieldError(field: "sim3.\($0.parameter)", message: $0.message) }
        let required = MembershipRules.requiredSponsors(for: draft.membershipType)
        if draft.sponsorSlugs.count != required {
            errors.append(FieldError(field: "sponsors", message: "A \(draft.membershipType.rawValue) application needs exactly \(required) sponsor(s)."))
        }
        guard errors.isEmpty else { throw .invalid(errors) }

        precondition(sponsors.count == draft.sponsorSlugs.count, "one looked-up team (or nil) per sponsor slug")
        var sponsorships: [Sponsorship] = []
        for (position, slug) in draft.sponsorSlugs.enumerated() {
            guard let sponsor = sponsors[position] else {
                throw .invalid([FieldError(field: "sponsors[\(position)]", message: "There is no team \"\(slug)\" in the directory.")])
            }
            try checkSponsor(sponsor, position: position, candidateSlug: team.slug, candidateTeamID: applicantTeam?.id,
                             hostOrganisation: host, others: sponsorships.map(\.teamID))
            sponsorships.append(Sponsorship(teamID: sponsor.id, teamSlug: sponsor.slug, teamName: sponsor.name, answer: .pending, letter: ""))
        }
        let application = MembershipApplication(
            id: id, applicantUserID: applicant.userID, existingTeamID: applicantTeam?.id, team: team,
            membershipType: draft.membershipType, hostOrganisation: host, services: services, sim3: draft.sim3,
            confidentialNote: draft.confidentialNote.trimmingCharacters(in: .whitespacesAndNewlines), sponsors: sponsorships,
            siteVisit: nil, reviewCloses: nil, voteCloses: nil, comments: [], ballots: [], decision: nil, submittedAt: now, withdrawnAt: nil,
            announcedPhase: nil)
        let event = MembershipEvent(action: "application.submit", summary: "\(team.shortName) applied for \(draft.membershipType.rawValue) membership.",
                                    notify: [.applicant, .secretariat] + sponsorships.map { .sponsorTeam($0.teamID) })
        return (application, event)
    }

    /// The sponsor rules: an active Full Member, not the candidate itself, not asked twice, and
    /// for the primary sponsor not from the candidate's host organisation.
    static func checkSponsor(_ sponsor: TeamStanding, position: Int, candidateSlug: String, candidateTeamID: UUID?,
                             hostOrganisation: String, others: [UUID]) throws(MembershipRefusal) {
        if sponsor.slug == candidateSlug || sponsor.id == candidateTeamID {
            throw MembershipRefusal(.selfSponsorship, "A team cannot sponsor itself.")
        }
        if others.contains(sponsor.id) {
            throw .invalid([FieldError(field: "sponsors[\(position)]", message: "\(sponsor.name) is already a sponsor of this application.")])
        }
        if sponsor.membership?.status == .suspended {
            throw MembershipRefusal(.sponsorSuspended, "\(sponsor.name) is suspended and cannot sponsor.")
        }
        guard sponsor.isActiveFullMember else {
            throw MembershipRefusal(.sponsorNotFullMember, "Only Full Members sponsor; \(sponsor.name) is not an active Full Member.")
        }
        if position == 0, TeamStanding.sameOrganisation(sponsor.host, hostOrganisation) {
            throw MembershipRefusal(.sameHostOrganisation, "The primary sponsor must not belong to the candidate's host organisation (\(hostOrganisation)).")
        }
    }

    /// Performs one step for `actor` at `now`, or refuses it with the rule it breaks.
    public mutating func perform(_ step: MembershipStep, by actor: Actor, at now: Date, context: MembershipContext) throws(MembershipRefusal) -> MembershipEvent {
        let phase = phase(at: now)
        let name = team.shortName
        switch step {
        case .answerSponsorship(let accept):
            let position = try sponsorPosition(of: actor)
            try expect(phase, .sponsorship, "Sponsors answer while the application is waiting for them.")
            guard sponsors[position].answer == .pending else {
                throw MembershipRefusal(.wrongState, "Your team has already answered (\(sponsors[position].answer.rawValue)).")
            }
            if accept {
                guard let team = context.actorTeam, team.id == sponsors[position].teamID else {
                    throw MembershipRefusal(.wrongRole, "Only a representative of the sponsoring team can answer.")
                }
                try Self.checkSponsor(team, position: position, candidateSlug: self.team.slug, candidateTeamID: existingTeamID,
                                      hostOrganisation: hostOrganisation, others: [])
            }
            sponsors[position].answer = accept ? .accepted : .declined
            sponsors[position].answeredAt = now
            sponsors[position].answeredBy = actor.userID
            let sponsor = sponsors[position].teamName
            if !accept {
                return MembershipEvent(action: "sponsorship.decline", summary: "\(sponsor) declined to sponsor \(name); the candidate may ask another team.",
                                       notify: [.applicant, .secretariat])
            }
            return MembershipEvent(action: "sponsorship.accept", summary: sponsorsComplete
                                   ? "\(sponsor) agreed to sponsor \(name); all sponsors have accepted and the primary sponsor files the site-visit report."
                                   : "\(sponsor) agreed to sponsor \(name).", notify: [.applicant] + sponsors.map { .sponsorTeam($0.teamID) })

        case .replaceSponsor(let position, let team):
            try requireApplicant(actor)
            try expect(phase, .sponsorship, "Sponsors can be changed only while the application waits for them.")
            guard sponsors.indices.contains(position), sponsors[position].answer != .accepted else {
                throw .invalid([FieldError(field: "position", message: "Only a sponsor who declined or has not answered can be replaced.")])
            }
            try Self.checkSponsor(team, position: position, candidateSlug: self.team.slug, candidateTeamID: existingTeamID,
                                  hostOrganisation: hostOrganisation, others: sponsors.enumerated().filter { $0.offset != position }.map(\.element.teamID))
            sponsors[position] = Sponsorship(teamID: team.id, teamSlug: team.slug, teamName: team.name, answer: .pending, letter: "")
            return MembershipEvent(action: "sponsorship.ask", summary: "\(name) asked \(team.name) to sponsor it.", notify: [.applicant, .sponsorTeam(team.id)])

        case .fileSiteVisit(var report):
            let position = try sponsorPosition(of: actor)
            guard position == 0 else { throw MembershipRefusal(.wrongRole, "The primary sponsor files the site-visit report.") }
            try expect(phase, .siteVisit, "The site-visit report is filed once all sponsors have accepted and before the member review.")
            guard siteVisit == nil else { throw MembershipRefusal(.wrongState, "The site-visit report has already been filed.") }
            report.findings = report.findings.trimmingCharacters(in: .whitespacesAndNewlines)
            report.confidentialFindings = report.confidentialFindings.trimmingCharacters(in: .whitespacesAndNewlines)
            var errors: [FieldError] = []
            if report.findings.isEmpty || report.findings.count > 20_000 {
                errors.append(FieldError(field: "findings", message: "Write the findings of the visit (up to 20000 characters)."))
            }
            if report.confidentialFindings.count > 20_000 {
                errors.append(FieldError(field: "confidentialFindings", message: "The TLP:RED findings are limited to 20000 characters."))
            }
            if let day = ISODay.parse(report.date) {
                if day > now { errors.append(FieldError(field: "date", message: "The visit cannot be in the future.")) }
            } else {
                errors.append(FieldError(field: "date", message: "Give the date of the visit as YYYY-MM-DD."))
            }
            guard errors.isEmpty else { throw .invalid(errors) }
            report.filedBy = actor.userID
            report.filedAt = now
            siteVisit = report
            return openReviewIfReady(at: now, rules: context.rules)
                ?? MembershipEvent(action: "site-visit.file", summary: "The site-visit report for \(name) was filed (\(report.recommendation.rawValue)).",
                                   notify: [.applicant] + sponsors.map { .sponsorTeam($0.teamID) })

        case .attachLetter(let text):
            let position = try sponsorPosition(of: actor)
            try expect(phase, .siteVisit, "Letters of support are attached once all sponsors have accepted and before the member review.")
            let letter = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...20_000).contains(letter.count) else {
                throw .invalid([FieldError(field: "letter", message: "Write the letter of support (up to 20000 characters).")])
            }
            sponsors[position].letter = letter
            sponsors[position].letterAt = now
            return openReviewIfReady(at: now, rules: context.rules)
                ?? MembershipEvent(action: "sponsorship.letter", summary: "\(sponsors[position].teamName) attached its letter of support for \(name).",
                                   notify: [.applicant] + sponsors.map { .sponsorTeam($0.teamID) })

        case .comment(let kind, let text):
            guard let team = context.actorTeam, team.id == actor.teamID, team.isActiveFullMember, team.id != existingTeamID else {
                throw MembershipRefusal(.wrongRole, "Only representatives and members of active Full Member teams comment or object.")
            }
            if phase == .boardVote || phase == .awaitingDecision {
                throw MembershipRefusal(.afterDeadline, "The comment period ended at \(ISO8601DateFormatter().string(from: reviewCloses!)).")
            }
            try expect(phase, .memberReview, "Comments and objections are taken during the member review.")
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...8000).contains(body.count) else {
                throw .invalid([FieldError(field: "text", message: kind == .objection ? "An objection needs its reason (up to 8000 characters)." : "Write the comment (up to 8000 characters).")])
            }
            comments.append(ReviewComment(id: UUID(), kind: kind, text: body, authorUserID: actor.userID, authorTeamID: team.id, at: now))
            return MembershipEvent(action: "review.\(kind.rawValue)", summary: kind == .objection ? "A member objected to \(name)." : "A member commented on \(name).",
                                   notify: [.applicant, .board] + sponsors.map { .sponsorTeam($0.teamID) })

        case .vote(let choice):
            guard actor.roles.contains(.board) else { throw MembershipRefusal(.wrongRole, "Only board members vote.") }
            if phase == .awaitingDecision {
                throw MembershipRefusal(.afterDeadline, "The vote closed at \(ISO8601DateFormatter().string(from: voteCloses!)).")
            }
            try expect(phase, .boardVote, "The board votes after the member review has ended.")
            guard !ballots.contains(where: { $0.userID == actor.userID }) else {
                throw MembershipRefusal(.alreadyVoted, "You have already voted on this application.")
            }
            ballots.append(Ballot(userID: actor.userID, choice: choice, at: now))
            let everyone = ballots.count >= context.boardSize
            return MembershipEvent(action: "vote.cast", summary: everyone ? "Every board member has voted on \(name)." : "A board member voted on \(name).",
                                   notify: everyone ? [.secretariat] : [])

        case .extendVote(let until):
            try requireSecretariat(actor)
            guard phase == .boardVote || phase == .awaitingDecision else {
                throw MembershipRefusal(.wrongState, "Only a board vote that has started can be extended.")
            }
            guard until > now, let current = voteCloses, until > current else {
                throw .invalid([FieldError(field: "until", message: "The new deadline must be later than now and than the current one.")])
            }
            voteCloses = until
            // The extension itself tells the board; the next announcement is the vote closing.
            announcedPhase = .boardVote
            return MembershipEvent(action: "vote.extend", summary: "The board vote on \(name) was extended to \(ISO8601DateFormatter().string(from: until)).",
                                   notify: [.board, .applicant])

        case .recordDecision:
            try requireSecretariat(actor)
            let tally = tally(boardSize: context.boardSize)
            guard phase == .awaitingDecision || (phase == .boardVote && tally.participating >= context.boardSize) else {
                throw MembershipRefusal(.wrongState, phase == .boardVote
                    ? "The board vote is open until \(ISO8601DateFormatter().string(from: voteCloses!)) and not every board member has voted."
                    : "There is no closed board vote to decide on.")
            }
            let needed = context.rules.quorumCount(boardSize: context.boardSize)
            guard tally.participating >= needed, tally.participating > 0 else {
                throw MembershipRefusal(.quorumNotMet, "Quorum not met: \(tally.participating) of \(context.boardSize) board members took part, \(needed) are needed. Extend the vote.")
            }
            let (numerator, denominator) = context.rules.majority
            let passes = tally.yes > 0 && tally.yes * denominator >= numerator * (tally.yes + tally.no)
            decision = Decision(outcome: passes ? .approved : .rejected, tally: tally, recordedBy: actor.userID, at: now)
            return MembershipEvent(action: passes ? "decision.approve" : "decision.reject",
                                   summary: "\(name) was \(passes ? "approved" : "not approved") (\(tally.yes) yes, \(tally.no) no, \(tally.abstain) abstain).",
                                   notify: [.applicant, .board, .fullMembers] + sponsors.map { .sponsorTeam($0.teamID) })

        case .withdraw:
            try requireApplicant(actor)
            guard phase.isOpen else { throw MembershipRefusal(.wrongState, "The application is already \(phase.rawValue).") }
            withdrawnAt = now
            return MembershipEvent(action: "application.withdraw", summary: "\(name) withdrew its application.",
                                   notify: [.secretariat] + sponsors.map { .sponsorTeam($0.teamID) })
        }
    }

    /// Deadlines move the application on without anyone acting; this says so, once per
    /// deadline, to the people who act next: when the review closes the board votes, when the
    /// vote closes the secretariat records the decision.
    public mutating func announceDeadline(at now: Date) -> MembershipEvent? {
        let phase = phase(at: now)
        guard phase == .boardVote || phase == .awaitingDecision, announcedPhase != phase else { return nil }
        announcedPhase = phase
        let name = team.shortName
        if phase == .boardVote {
            let objections = comments.count { $0.kind == .objection }
            return MembershipEvent(action: "review.close",
                                   summary: "The member review of \(name) has ended with \(objections) objection(s); the board votes until \(ISO8601DateFormatter().string(from: voteCloses!)).",
                                   notify: [.board, .applicant])
        }
        return MembershipEvent(action: "vote.close", summary: "The board vote on \(name) has closed; the secretariat records the decision.",
                               notify: [.secretariat, .applicant])
    }

    /// Once the site-visit report and every letter are in, the application goes to the members.
    private mutating func openReviewIfReady(at now: Date, rules: MembershipRules) -> MembershipEvent? {
        guard siteVisit != nil, sponsors.allSatisfy({ !$0.letter.isEmpty }) else { return nil }
        let closes = now.addingTimeInterval(rules.reviewPeriod)
        reviewCloses = closes
        voteCloses = closes.addingTimeInterval(rules.votingPeriod)
        return MembershipEvent(action: "review.open", summary: "\(team.shortName)'s application is open for comments and objections until \(ISO8601DateFormatter().string(from: closes)).",
                               notify: [.applicant, .fullMembers, .board])
    }

    private func sponsorPosition(of actor: Actor) throws(MembershipRefusal) -> Int {
        guard actor.roles.contains(.teamRepresentative), let teamID = actor.teamID,
              let position = sponsors.firstIndex(where: { $0.teamID == teamID })
        else { throw MembershipRefusal(.wrongRole, "Only a representative of a sponsoring team can do this.") }
        return position
    }

    private func requireApplicant(_ actor: Actor) throws(MembershipRefusal) {
        guard actor.userID == applicantUserID else { throw MembershipRefusal(.wrongRole, "Only the applicant can do this.") }
    }

    private func requireSecretariat(_ actor: Actor) throws(MembershipRefusal) {
        guard actor.roles.contains(.secretariat) else { throw MembershipRefusal(.wrongRole, "Only the secretariat records this.") }
    }

    private func expect(_ phase: Phase, _ expected: Phase, _ message: String) throws(MembershipRefusal) {
        guard phase == expected else { throw MembershipRefusal(.wrongState, "\(message) The application is at: \(phase.label).") }
    }
}

/// A calendar day in ISO 8601 form, compared as the start of that day in UTC.
public enum ISODay {
    public static func parse(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}
