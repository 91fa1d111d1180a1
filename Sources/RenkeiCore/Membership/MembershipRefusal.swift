/// Why the membership process refused an action. Every rule of the process that can say "no"
/// has its own reason, so tests, the API and pages can tell them apart.
public struct MembershipRefusal: Error, Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The actor's role or team does not allow this action.
        case wrongRole = "wrong-role"
        /// The application or membership is not in a state where this action applies.
        case wrongState = "wrong-state"
        case selfSponsorship = "self-sponsorship"
        case sameHostOrganisation = "same-host-organisation"
        case sponsorNotFullMember = "sponsor-not-full-member"
        case sponsorSuspended = "sponsor-suspended"
        case afterDeadline = "after-deadline"
        case alreadyVoted = "already-voted"
        case quorumNotMet = "quorum-not-met"
        case representativeLimit = "representative-limit"
        case invalid
    }

    public var reason: Reason
    public var message: String
    /// For `.invalid`: each problem with the field it belongs to.
    public var fieldErrors: [FieldError]

    public init(_ reason: Reason, _ message: String, fieldErrors: [FieldError] = []) {
        self.reason = reason
        self.message = message
        self.fieldErrors = fieldErrors
    }

    static func invalid(_ errors: [FieldError]) -> MembershipRefusal {
        MembershipRefusal(.invalid, errors.count == 1 ? errors[0].message : "\(errors.count) fields are not valid.", fieldErrors: errors)
    }

    /// Whether the refusal is about who asked (403) rather than when or what (409/422).
    public var isAboutWho: Bool { reason == .wrongRole }
}
