import Fluent
import Foundation
import RenkeiCore
import Vapor

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Stored lower-cased so sign-in is case-insensitive.
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    /// Comma-separated `Role` raw values.
    @Field(key: "roles") var roles: String
    @OptionalParent(key: "team_id") var team: TeamModel?
    @Field(key: "created_at") var createdAt: Date
    /// Base32 TOTP secret once two-factor sign-in is set up.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    /// The last time step a code was accepted for, so a code works only once.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    /// Comma-separated SHA-256 hashes of the unused recovery codes.
    @OptionalField(key: "recovery_code_hashes") var recoveryCodeHashes: String?
    /// When the current second factor was enrolled: API tokens made before it do not act for
    /// someone whose roles need it (`APITokenPolicy`).
    @OptionalField(key: "second_factor_enrolled_at") var secondFactorEnrolledAt: Date?
    /// When the person last gained a role that needs the second factor (nil: since the account
    /// was made).
    @OptionalField(key: "privileged_since") var privilegedSince: Date?
    /// The person's armored OpenPGP public key: restricted list mail is encrypted to it.
    @OptionalField(key: "pgp_key") var pgpKey: String?
    @OptionalField(key: "pgp_fingerprint") var pgpFingerprint: String?
    @OptionalField(key: "pgp_expires_at") var pgpExpiresAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, roles: Set<Role>, teamID: UUID?, createdAt: Date) {
        self.id = id
        self.email = email.lowercased()
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roles = roles.sorted().map(\.rawValue).joined(separator: ",")
        $team.id = teamID
        self.createdAt = createdAt
    }

    var roleSet: Set<Role> { Role.parseList(roles) ?? [.member] }

    func keyHealth(at now: Date) -> KeyHealth { KeyHealth(expires: pgpExpiresAt, hasKey: pgpKey != nil, at: now) }

    var actor: Actor { Actor(userID: id!, roles: roleSet, teamID: $team.id) }

    /// The person as `APITokenPolicy` sees them; a factor counts only while its secret is stored.
    var tokenOwner: APITokenPolicy.Owner {
        APITokenPolicy.Owner(roles: roleSet, secondFactorEnrolledAt: totpSecret == nil ? nil : secondFactorEnrolledAt,
                             privilegedSince: privilegedSince)
    }
}

extension UserModel: ModelSessionAuthenticatable {}

/// A personal API token; only the SHA-256 of the secret is stored.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the secret, shown so a user can tell tokens apart.
    @Field(key: "hint") var hint: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(userID: UUID, name: String, tokenHash: String, hint: String, createdAt: Date) {
        $user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.hint = hint
        self.createdAt = createdAt
    }
}
