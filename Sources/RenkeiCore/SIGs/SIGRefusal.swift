import Foundation

/// Why a step in a SIG's life or in someone's participation was refused, with words for the person.
public struct SIGRefusal: Error, Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The actor's role, team or seat does not allow this step.
        case wrongRole = "wrong-role"
        /// The SIG or the participation is not in a state where this step applies.
        case wrongState = "wrong-state"
        /// One to three chairs.
        case chairLimit = "chair-limit"
        /// A guest must accept the SIG's TLP agreement before taking the seat.
        case agreementNotAccepted = "agreement-not-accepted"
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

    public static func invalid(_ errors: [FieldError]) -> SIGRefusal {
        SIGRefusal(.invalid, errors.count == 1 ? errors[0].message : "\(errors.count) fields are not valid.", fieldErrors: errors)
    }

    /// A refusal about who asks (403) rather than about the state of things (409).
    public var isAboutWho: Bool { reason == .wrongRole }
}
