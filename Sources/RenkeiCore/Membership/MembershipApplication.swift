import Foundation

/// The community's configurable parameters of the process.
public struct MembershipRules: Sendable, Hashable {
    /// How long Full Members may comment or object once the application is published.
    public var reviewPeriod: TimeInterval
    /// How long the board votes once the review period has ended.
    public var votingPeriod: TimeInterval
    /// The share of votes cast (yes and no; abstentions are not cast) that must be yes.
    public var majority: (numerator: Int, denominator: Int)
    /// The share of board members who must take part (yes, no or abstain) for a valid vote.
    public var quorum: (numerator: Int, denominator: Int)
    /// How long a signed membership statement is valid.
    public var statementValidity: TimeInterval

    public init(reviewPeriod: TimeInterval = 14 * 86_400, votingPeriod: TimeInterval = 14 * 86_400,
                majority: (Int, Int) = (2, 3), quorum: (Int, Int) = (1, 2), statementValidity: TimeInterval = 30 * 86_400) {
        self.reviewPeriod = reviewPeriod
        self.votingPeriod = votingPeriod
        self.majority = majority
        self.quorum = quorum
        self.statementValidity = statementValidity
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.reviewPeriod == rhs.reviewPeriod && lhs.votingPeriod == rhs.votingPeriod && lhs.majority == rhs.majority
            && lhs.quorum == rhs.quorum && lhs.statementValidity == rhs.statementValidity
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reviewPeriod); hasher.combine(votingPeriod)
        hasher.combine(majority.numerator); hasher.combine(majority.denominator)
        hasher.combine(quorum.numerator); hasher.combine(quorum.denominator)
    }

    /// Full Member applications need two sponsors, Liaison and Associate one.
    public static func requiredSponsors(for type: MemberType) -> Int { type == .fullMember ? 2 : 1 }

    /// A member team has at most this many representatives.
    public static let representativeLimit = 2

    /// Ballots needed for a valid vote of a board of `boardSize`.
    public func quorumCount(boardSize: Int) -> Int {
        (boardSize * quorum.numerator + quorum.denominator - 1) / quorum.denominator
    }
}

/// A candidate team's application and everything that happened to it. The only way to change it
/// is `perform(_:by:at:context:)`, which enforces every rule of the process.
public struct MembershipApplication: Sendable, Hashable, Codable {
    public var id: UUID
    /// The account that applied; it speaks for the candidate until the team is a member.
    public var applicantUserID: UUID
    /// Set when a team already in the directory applies (a Liaison becoming a Full Member, a
    /// former member coming back); nil for a new team, which enters the directory on approval.
    public var existingTeamID: UUID?
    /// The candidate's team record as it will enter the directory.
    public var team: TeamRecord
    public var membershipType: MemberType
    public var hostOrganisation: String
    public var services: String
    public var sim3: SIM3Assessment
    /// TLP:RED: only the applicant, the sponsors asked (until they decline) and the board read it.
    public var confidentialNote: String
    /// The first is the primary sponsor.
    public var sponsors: [Sponsorship]
    public var siteVisit: SiteVisitReport?
    public var reviewCloses: Date?
    public var voteCloses: Date?
    public var comments: [ReviewComment]
    public var ballots: [Ballot]
    public var decision: Decision?
    public var submittedAt: Date
    public var withdrawnAt: Date?
    /// The last deadline-driven phase people were told about (see `announceDeadline(at:)`).
    public var announcedPhase: Phase?

    public struct Sponsorship: Sendable, Hashable, Codable {
        public enum Answer: String, Sendable, Hashable, Codable { case pending, accepted, declined }
        public var teamID: UUID
        public var teamSlug: String
        public var teamName: String
        public var answer: Answer
        public var answeredAt: Date?
        public var answeredBy: UUID?
        public var letter: String
        public var letterAt: Date?
    }

    public struct SiteVisitReport: Sendable, Hashable, Codable {
        public enum Mode: String, Sendable, Hashable, Codable, CaseIterable { case inPerson = "in-person", virtual }
        public enum Recommendation: String, Sendable, Hashable, Codable, CaseIterable { case admit, admitWithConditions = "admit-with-conditions", doNotAdmit = "do-not-admit" }
        public var mode: Mode
        /// ISO 8601 date of the visit.
        public var date: String
        public var findings: String
        /// TLP:RED part of the findings, shown like `confidentialNote`.
        public var confidentialFindings: String
        public var recommendation: Recommendation
        public var filedBy: UUID?
        public var filedAt: Date?

        public init(mode: Mode, date: String, findings: String, confidentialFindings: String = "", recommendation: Recommendation) {
            self.mode = mode
            self.date = date
            self.findings = findings
            self.confidentialFindings = confidentialFindings
            self.recommendation = recommendation
        }
    }

    public struct ReviewComment: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case comment, objection }
        public var id: UUID
        public var kind: Kind
        public var text: String
        /// Nil in the candidate's copy: the candidate does not learn who objected.
        public var authorUserID: UUID?
        public var authorTeamID: UUID?
        public var at: Date
    }

    public struct Ballot: Sendable, Hashable, Codable {
        public enum Choice: String, Sendable, Hashable, Codable, CaseIterable { case yes, no, abstain }
        public var userID: UUID
        public var choice: Choice
        public var at: Date
    }

    public struct Decision: Sendable, Hashable, Codable {
        public enum Outcome: String, Sendable, Hashable, Codable { case approved, rejected }
        public var outcome: Outcome
        public var tally: Tally
        public var recordedBy: UUID
        public var at: Date
    }

    public struct Tally: Sendable, Hashable, Codable {
        public var yes: Int
        public var no: Int
        public var abstain: Int
        public var boardSize: Int

        public var participating: Int { yes + no + abstain }
    }
}

extension MembershipApplication {
    /// Where the application stands at a moment: deadlines move it on without anyone acting.
    public enum Phase: String, Sendable, Hashable, Codable {
        case sponsorship, siteVisit = "site-visit", memberReview = "member-review", boardVote = "board-vote"
        case awaitingDecision = "awaiting-decision", approved, rejected, withdrawn

        public var label: String {
            switch self {
            case .sponsorship: "Waiting for sponsors"
            case .siteVisit: "Site visit and letters of support"
            case .memberReview: "Member review (comments and objections)"
            case .boardVote: "Board vote"
            case .awaitingDecision: "Vote closed, decision to be recorded"
            case .approved: "Approved"
            case .rejected: "Rejected"
            case .withdrawn: "Withdrawn"
            }
        }

        public var isOpen: Bool { ![.approved, .rejected, .withdrawn].contains(self) }
    }

    public func phase(at now: Date) -> Phase {
        if let decision { return decision.outcome == .approved ? .approved : .rejected }
        if withdrawnAt != nil { return .withdrawn }
        guard let reviewCloses, let voteCloses else {
            return sponsorsComplete ? .siteVisit : .sponsorship
        }
        if now < reviewCloses { return .memberReview }
        return now < voteCloses ? .boardVote : .awaitingDecision
    }

    /// Not yet decided or withdrawn.
    public var isOpen: Bool { decision == nil && withdrawnAt == nil }

    /// The team record once the candidate is admitted: the applied-for type, and the decision
    /// date as member-since unless the team was already an active member (a type change).
    public func admittedRecord(current: TeamRecord?, wasActiveMember: Bool, at now: Date) -> TeamRecord {
        var record = current ?? team
        record.memberType = membershipType
        if !wasActiveMember || record.memberSince.isEmpty {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            record.memberSince = formatter.string(from: now)
        }
        return record
    }

    /// The applicant speaks for the new member: a member and its representative.
    public static func admittedRoles(_ current: Set<Role>) -> Set<Role> {
        current.union([.member, .teamRepresentative])
    }

    public var requiredSponsors: Int { MembershipRules.requiredSponsors(for: membershipType) }

    var sponsorsComplete: Bool {
        sponsors.count == requiredSponsors && sponsors.allSatisfy { $0.answer == .accepted }
    }

    /// The deadline that matters now, if any, for showing with its time zone.
    public func deadline(at now: Date) -> Date? {
        switch phase(at: now) {
        case .memberReview: reviewCloses
        case .boardVote: voteCloses
        default: nil
        }
    }

    public func tally(boardSize: Int) -> Tally {
        Tally(yes: ballots.count { $0.choice == .yes }, no: ballots.count { $0.choice == .no },
              abstain: ballots.count { $0.choice == .abstain }, boardSize: boardSize)
    }
}
