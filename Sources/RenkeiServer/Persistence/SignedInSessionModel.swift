import Fluent
import Foundation

/// A signed-in browser session: which person, since when, last seen when and from where.
/// A session whose row is missing or expired (`SessionLifetime`) counts as signed out.
final class SignedInSessionModel: Model, @unchecked Sendable {
    static let schema = "signed_in_sessions"

    @ID(key: .id) var id: UUID?
    /// The id in the session cookie, as `_fluent_sessions.key` stores it.
    @Field(key: "session_key") var sessionKey: String
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "signed_in_at") var signedInAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "client_address") var clientAddress: String?

    init() {}

    init(sessionKey: String, userID: UUID, signedInAt: Date, clientAddress: String?) {
        self.sessionKey = sessionKey
        $user.id = userID
        self.signedInAt = signedInAt
        lastSeenAt = signedInAt
        self.clientAddress = clientAddress
    }
}
