import Crypto
import Foundation

/// The signed statement that a team is a member of this community: JWT claims (RFC 7519) in a
/// compact JWS, so anyone holding the platform's JWK Set can check it offline.
public struct MembershipStatement: Sendable, Hashable, Codable {
    public struct Membership: Sendable, Hashable, Codable {
        public var team: String
        public var name: String
        public var country: String
        public var type: String
        public var since: String
        /// active, suspended, resigned or terminated. The reason of a suspension stays inside
        /// the community: the statement is public.
        public var status: String
    }

    /// The community's public URL.
    public var iss: String
    /// The team's directory address, `{public URL}/teams/{slug}`.
    public var sub: String
    public var iat: Int
    public var nbf: Int
    public var exp: Int
    public var membership: Membership

    public static let mediaType = "renkei-membership+jwt"

    public init(team: TeamRecord, membership: TeamMembership, issuer: String, issuedAt: Date, validity: TimeInterval) {
        iss = issuer
        sub = issuer + "/teams/" + team.slug
        iat = Int(issuedAt.timeIntervalSince1970)
        nbf = iat
        exp = iat + Int(validity)
        self.membership = Membership(team: team.slug, name: team.officialName.isEmpty ? team.shortName : team.officialName,
                                     country: team.countryCode, type: membership.type.rawValue, since: membership.since,
                                     status: membership.status.rawValue)
    }

    public var expires: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }

    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try CompactJWS.sign(payload: encoder.encode(self), key: key, typ: Self.mediaType)
    }

    /// Checks the signature against `keys` and the validity period against `now`.
    public static func verify(_ token: String, keys: JWKSet, at now: Date) throws(JWSError) -> MembershipStatement {
        let payload = try CompactJWS.verifiedPayload(token, keys: keys, type: mediaType)
        guard let statement = try? JSONDecoder().decode(MembershipStatement.self, from: payload) else {
            throw .malformed("the payload is not a membership statement.")
        }
        let seconds = Int(now.timeIntervalSince1970)
        if seconds < statement.nbf { throw .notYetValid(Date(timeIntervalSince1970: TimeInterval(statement.nbf))) }
        if seconds >= statement.exp { throw .expired(statement.expires) }
        return statement
    }
}
