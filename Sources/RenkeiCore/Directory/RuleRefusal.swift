import Foundation

/// A step a state machine refused, as every channel reports it: who was refused (403), what
/// was malformed (422), or when it does not apply (409), with the rule's name for clients.
public protocol RuleRefusal: Error {
    /// The rule's name, stable for clients to branch on (`wrong-role`, `wrong-state`, …).
    var code: String { get }
    var message: String { get }
    /// For malformed input: each problem with the field it belongs to.
    var fieldErrors: [FieldError] { get }
    /// Whether the refusal is about who asked rather than when or what.
    var isAboutWho: Bool { get }
    var isInvalidInput: Bool { get }
}

extension MembershipRefusal: RuleRefusal {
    public var code: String { reason.rawValue }
    public var isInvalidInput: Bool { reason == .invalid }
}

extension SIGRefusal: RuleRefusal {
    public var code: String { reason.rawValue }
    public var isInvalidInput: Bool { reason == .invalid }
}
