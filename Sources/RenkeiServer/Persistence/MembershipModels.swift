import Fluent
import Foundation
import RenkeiCore

/// A membership application: the core's `MembershipApplication` as JSON, plus the columns
/// lists are filtered by. `version` guards against two people changing it at once.
final class ApplicationModel: Model, @unchecked Sendable {
    static let schema = "membership_applications"

    @ID(key: .id) var id: UUID?
    @Field(key: "applicant_user_id") var applicantUserID: UUID
    @Field(key: "team_slug") var teamSlug: String
    @Field(key: "is_open") var isOpen: Bool
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "version") var version: Int
    @Field(key: "document") var document: String

    init() {}

    init(_ application: MembershipApplication) throws {
        id = application.id
        applicantUserID = application.applicantUserID
        teamSlug = application.team.slug
        isOpen = true
        submittedAt = application.submittedAt
        version = 1
        document = try Self.encode(application)
    }

    func application() throws -> MembershipApplication {
        try JSONDecoder().decode(MembershipApplication.self, from: Data(document.utf8))
    }

    static func encode(_ application: MembershipApplication) throws -> String {
        String(decoding: try JSONEncoder().encode(application), as: UTF8.self)
    }
}

/// The status of a team's membership after approval; absent means active. Type and
/// member-since stay in the team record, where the directory and its formats read them.
final class MembershipStatusModel: Model, @unchecked Sendable {
    static let schema = "membership_status"

    @ID(custom: "team_id", generatedBy: .user) var id: UUID?
    @Field(key: "status") var status: String
    @Field(key: "reason") var reason: String
    @Field(key: "changed_at") var changedAt: Date

    init() {}

    init(teamID: UUID, membership: TeamMembership) {
        id = teamID
        status = membership.status.rawValue
        reason = membership.reason
        changedAt = membership.changedAt
    }
}

/// An invitation from a representative to a person joining the team's accounts.
final class InvitationModel: Model, @unchecked Sendable {
    static let schema = "invitations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "team_id") var team: TeamModel
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "roles") var roles: String
    @Field(key: "pgp_fingerprint") var pgpFingerprint: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?

    init() {}
}

/// An in-app notice to one user: what happened and where to act.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "text") var text: String
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userID: UUID, text: String, link: String, createdAt: Date) {
        self.userID = userID
        self.text = text
        self.link = link
        self.createdAt = createdAt
    }
}

/// The platform's Ed25519 signing key; the newest signs, all are published.
final class SigningKeyModel: Model, @unchecked Sendable {
    static let schema = "signing_keys"

    @ID(custom: "kid", generatedBy: .user) var id: String?
    /// The 32-byte private key, base64.
    @Field(key: "private_key") var privateKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(kid: String, privateKey: String, createdAt: Date) {
        id = kid
        self.privateKey = privateKey
        self.createdAt = createdAt
    }
}

/// One line of the audit log. Rows are only ever created.
final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "subject") var subject: String
    @Field(key: "detail") var detail: String
    @Field(key: "address") var address: String

    init() {}

    init(at: Date, actorUserID: UUID?, actor: String, action: String, subject: String, detail: String, address: String) {
        self.at = at
        self.actorUserID = actorUserID
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
        self.address = address
    }
}

/// A visitor's application until the address is confirmed (`ApplicationConfirmation`): the
/// form as posted without the password, whose hash is kept apart; only the SHA-256 of the
/// link's secret is stored.
final class PendingApplicationModel: Model, @unchecked Sendable {
    static let schema = "pending_applications"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "form") var form: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

/// A team's current SIM3 profile (`SIM3Profile`).
final class SIM3ProfileModel: Model, @unchecked Sendable {
    static let schema = "sim3_profiles"

    /// The team's id.
    @ID(custom: "team_id", generatedBy: .user) var id: UUID?
    @Field(key: "assessment") var assessment: SIM3Assessment
    @Field(key: "visibility") var visibility: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}

    init(_ profile: SIM3Profile, by name: String) {
        id = profile.teamID
        assessment = profile.assessment
        visibility = profile.visibility.rawValue
        updatedAt = profile.updatedAt
        updatedBy = name
    }

    /// A visibility this version does not know shows the profile to nobody but its team and the secretariat.
    var profile: SIM3Profile? {
        id.map { SIM3Profile(teamID: $0, assessment: assessment, visibility: SIM3Profile.Visibility(rawValue: visibility) ?? .private, updatedAt: updatedAt) }
    }
}

/// Each saved version of a team's SIM3 profile, newest last.
final class SIM3ProfileVersionModel: Model, @unchecked Sendable {
    static let schema = "sim3_profile_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "assessment") var assessment: SIM3Assessment
    @Field(key: "visibility") var visibility: String
    @Field(key: "saved_at") var savedAt: Date
    @Field(key: "saved_by") var savedBy: String

    init() {}

    init(_ profile: SIM3Profile, by name: String) {
        teamID = profile.teamID
        assessment = profile.assessment
        visibility = profile.visibility.rawValue
        savedAt = profile.updatedAt
        savedBy = name
    }
}
