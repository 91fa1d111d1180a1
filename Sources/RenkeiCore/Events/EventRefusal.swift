import Foundation

/// Why a step on an event (registering, submitting, reviewing, checking in) was refused.
public struct EventRefusal: Error, Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The event is not for this person, or the step is not theirs to take.
        case wrongRole = "wrong-role"
        /// The registration or submission is not in a state where the step applies.
        case wrongState = "wrong-state"
        /// Registration or the call for presentations is closed.
        case closed
        /// A reviewer may not review a talk from their own team, or one they declared a conflict with.
        case conflictOfInterest = "conflict-of-interest"
        /// A guest accepts the event's TLP agreement before registering.
        case agreementNotAccepted = "agreement-not-accepted"
        case invalid
    }

    public var reason: Reason
    public var message: String
    public var fieldErrors: [FieldError]

    public init(_ reason: Reason, _ message: String, fieldErrors: [FieldError] = []) {
        self.reason = reason
        self.message = message
        self.fieldErrors = fieldErrors
    }

    public static func invalid(_ errors: [FieldError]) -> EventRefusal {
        EventRefusal(.invalid, errors.count == 1 ? errors[0].message : "\(errors.count) fields are not valid.", fieldErrors: errors)
    }

    public var isAboutWho: Bool { reason == .wrongRole || reason == .conflictOfInterest }
}

extension EventRefusal: RuleRefusal {
    public var code: String { reason.rawValue }
    public var isInvalidInput: Bool { reason == .invalid }
}
