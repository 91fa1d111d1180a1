import Foundation

/// Whether a personal API token may act for its owner. Roles that need the second factor at
/// sign-in (`Role.requiringSecondFactor`) need it behind the API too: a token only works while
/// the factor is enrolled, and only if it was made after the factor was enrolled and after the
/// privileged role was granted, so a token made by someone who had neither keeps none of the
/// power they gained later.
public enum APITokenPolicy {
    /// What the policy needs to know about a token's owner.
    public struct Owner: Sendable, Hashable {
        public var roles: Set<Role>
        /// When the current second factor was enrolled; nil while there is none.
        public var secondFactorEnrolledAt: Date?
        /// When the owner last gained a role that needs the second factor; nil when they held
        /// it from the creation of their account (no token can be older than that).
        public var privilegedSince: Date?

        public init(roles: Set<Role>, secondFactorEnrolledAt: Date?, privilegedSince: Date?) {
            self.roles = roles
            self.secondFactorEnrolledAt = secondFactorEnrolledAt
            self.privilegedSince = privilegedSince
        }

        public var needsSecondFactor: Bool { !roles.isDisjoint(with: Role.requiringSecondFactor) }
    }

    /// Why a token may not act (or may not be made).
    public enum Refusal: Error, Sendable, Hashable {
        case secondFactorMissing
        case madeBeforeSecondFactor
        case madeBeforeRole

        public var message: String {
            switch self {
            case .secondFactorMissing:
                "Your roles need two-factor sign-in, which is not set up: sign in on the web, set it up, then create a new API token."
            case .madeBeforeSecondFactor:
                "This API token was made before your current second factor was set up; create a new token on your account page."
            case .madeBeforeRole:
                "This API token was made before you were given a role that needs two-factor sign-in; create a new token on your account page."
            }
        }
    }

    /// Nil when a token made at `tokenMadeAt` may act for `owner` now, else why not.
    public static func refusal(tokenMadeAt: Date, owner: Owner) -> Refusal? {
        guard owner.needsSecondFactor else { return nil }
        guard let enrolledAt = owner.secondFactorEnrolledAt else { return .secondFactorMissing }
        if tokenMadeAt < enrolledAt { return .madeBeforeSecondFactor }
        if let since = owner.privilegedSince, tokenMadeAt < since { return .madeBeforeRole }
        return nil
    }

    /// Nil when `owner` may make a new token now: someone who needs a second factor makes
    /// tokens only once it is enrolled.
    public static func creationRefusal(owner: Owner) -> Refusal? {
        owner.needsSecondFactor && owner.secondFactorEnrolledAt == nil ? .secondFactorMissing : nil
    }

    /// Whether going from `old` to `new` roles gives a role that needs the second factor which
    /// was not held before: such a change revokes the tokens made before it.
    public static func grantsPrivilege(from old: Set<Role>, to new: Set<Role>) -> Bool {
        !new.subtracting(old).isDisjoint(with: Role.requiringSecondFactor)
    }
}
