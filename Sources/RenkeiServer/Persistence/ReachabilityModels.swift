import Fluent
import RenkeiCore
import Foundation

/// A reachability campaign: the teams of `scope` challenged at `startedAt`, answering until
/// `closesAt`; `closedAt` once the misses were flagged and told.
final class ReachabilityCampaignModel: Model, @unchecked Sendable {
    static let schema = "reachability_campaigns"

    @ID(key: .id) var id: UUID?
    /// `ReachabilityScope.code`.
    @Field(key: "scope") var scope: String
    /// Whether the next month starts another campaign of the same scope.
    @Field(key: "repeats_monthly") var repeatsMonthly: Bool
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "closes_at") var closesAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "started_by") var startedBy: String

    init() {}
}

/// One team's challenge in a campaign: where it went and what came back.
final class ReachabilityChallengeModel: Model, @unchecked Sendable {
    static let schema = "reachability_challenges"

    @ID(key: .id) var id: UUID?
    @Parent(key: "campaign_id") var campaign: ReachabilityCampaignModel
    @Field(key: "team_id") var teamID: UUID
    /// The addresses mailed, comma-separated: the team's e-mail and its emergency address.
    @Field(key: "addresses") var addresses: String
    @Field(key: "sent_at") var sentAt: Date
    @Field(key: "reminders") var reminders: Int
    @OptionalField(key: "answered_at") var answeredAt: Date?
    /// Whole seconds from the challenge to the answer, so that figures are counted in SQL.
    @OptionalField(key: "answer_seconds") var answerSeconds: Int?
    /// `link` or `mail`.
    @OptionalField(key: "answered_via") var answeredVia: String?
    @OptionalField(key: "answer_text") var answerText: String?
    @OptionalField(key: "bounced_at") var bouncedAt: Date?
    @OptionalField(key: "bounce_text") var bounceText: String?
    @OptionalField(key: "auto_replied_at") var autoRepliedAt: Date?
    /// Copied from the campaign when it closes: from then on an unanswered challenge is a miss.
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The team's misses in a row up to this challenge, counted when it closed.
    @Field(key: "misses_in_a_row") var missesInARow: Int

    init() {}
}

/// A token that answers a challenge; only its hash is kept.
final class ReachabilityTokenModel: Model, @unchecked Sendable {
    static let schema = "reachability_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "challenge_id") var challengeID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(challengeID: UUID, token: String, at now: Date) {
        self.challengeID = challengeID
        tokenHash = ReachabilityRules.hash(token)
        createdAt = now
    }
}

/// Whom a team shows its response times (`MetricVisibility`); without a row, only its own people and the secretariat.
final class ResponseTimesChoiceModel: Model, @unchecked Sendable {
    static let schema = "response_times_choices"

    @ID(custom: "team_id", generatedBy: .user) var id: UUID?
    @Field(key: "visibility") var visibility: String

    init() {}
}
