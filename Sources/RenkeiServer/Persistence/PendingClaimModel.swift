import Fluent
import Foundation
import RenkeiCore

/// A constituency claim waiting for the secretariat. Deleted when decided (the audit log keeps
/// the decision); the team's stored record never holds it until it is approved.
final class PendingClaimModel: Model, @unchecked Sendable {
    static let schema = "constituency_claims"

    @ID(key: .id) var id: UUID?
    @Parent(key: "team_id") var team: TeamModel
    @Field(key: "kind") var kind: String
    @Field(key: "value") var value: String
    /// `ClaimReason` raw values as assessed when the claim was made.
    @Field(key: "reasons") var reasons: [String]
    @OptionalParent(key: "requested_by_id") var requester: UserModel?
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "requested_at") var requestedAt: Date

    init() {}

    init(teamID: UUID, assessment: ClaimAssessment, requesterID: UUID?, requestedBy: String, at now: Date) {
        $team.id = teamID
        kind = assessment.claim.kind.rawValue
        value = assessment.claim.value
        reasons = assessment.reasons.map(\.rawValue)
        $requester.id = requesterID
        self.requestedBy = requestedBy
        requestedAt = now
    }

    var claim: ConstituencyClaim? {
        ConstituencyClaim.Kind(rawValue: kind).map { ConstituencyClaim($0, value) }
    }
}
