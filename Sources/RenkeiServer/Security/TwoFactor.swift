import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Two-factor sign-in with TOTP: enrolment, the second step of sign-in, recovery codes.
enum TwoFactor {
    static func isRequired(for user: UserModel) -> Bool { !user.roleSet.isDisjoint(with: Role.requiringSecondFactor) }

    static func totp(for user: UserModel) -> RenkeiCore.TOTP? {
        user.totpSecret.flatMap(Base32.decode).map { RenkeiCore.TOTP(secret: $0) }
    }

    enum Outcome { case code, recoveryCode }

    /// Checks a code from the authenticator or an unused recovery code, and uses it up.
    static func verify(_ input: String, for user: UserModel, at now: Date, on database: any Database) async throws -> Outcome? {
        if let totp = totp(for: user), let step = totp.matchingStep(for: input, at: now, lastUsedStep: user.totpLastStep.map(UInt64.init)) {
            user.totpLastStep = Int64(step)
            try await user.save(on: database)
            return .code
        }
        let hash = RecoveryCodes.hash(input)
        var hashes = (user.recoveryCodeHashes ?? "").split(separator: ",").map(String.init)
        guard input.count >= 10, let index = hashes.firstIndex(of: hash) else { return nil }
        hashes.remove(at: index)
        user.recoveryCodeHashes = hashes.joined(separator: ",")
        try await user.save(on: database)
        return .recoveryCode
    }

    /// Stores a confirmed secret and returns fresh recovery codes (only their hashes are kept).
    /// API tokens made before `now` no longer act for someone whose roles need the factor.
    static func enrol(_ user: UserModel, secret: [UInt8], confirmedStep: UInt64, at now: Date, on database: any Database) async throws -> [String] {
        let codes = RecoveryCodes.generate()
        user.totpSecret = Base32.encode(secret)
        user.secondFactorEnrolledAt = now
        user.totpLastStep = Int64(confirmedStep)
        user.recoveryCodeHashes = codes.map(RecoveryCodes.hash).joined(separator: ",")
        try await user.save(on: database)
        return codes
    }
}

/// The changes that make a person's API tokens unsafe to keep: gaining a role that needs the
/// second factor, and losing the factor. Each runs in the caller's transaction, so the change
/// and the revocation of the tokens are stored together or not at all.
enum SecondFactorChanges {
    /// Gives `user` exactly `roles`; a newly gained role that needs the second factor revokes
    /// the tokens made before it (`APITokenPolicy.grantsPrivilege`) and tells the owner.
    static func setRoles(_ roles: Set<Role>, of user: UserModel, at now: Date, mail: MailAddressing?, on database: any Database) async throws {
        let gained = roles.subtracting(user.roleSet).intersection(Role.requiringSecondFactor)
        let grants = APITokenPolicy.grantsPrivilege(from: user.roleSet, to: roles)
        user.roles = roles.sorted().map(\.rawValue).joined(separator: ",")
        if grants { user.privilegedSince = now }
        try await user.save(on: database)
        guard grants else { return }
        let names = gained.sorted().map(\.label).joined(separator: ", ")
        try await APITokens.revokeAll(of: user, because: "You were given the role \(names), which needs two-factor sign-in on every channel.",
                                      at: now, mail: mail, on: database)
    }

    /// Removes `user`'s authenticator and recovery codes (they enrol again at their next
    /// sign-in), revokes their tokens and tells them.
    static func reset(_ user: UserModel, at now: Date, mail: MailAddressing?, on database: any Database) async throws {
        user.totpSecret = nil
        user.totpLastStep = nil
        user.recoveryCodeHashes = nil
        user.secondFactorEnrolledAt = nil
        try await user.save(on: database)
        let reason = "Your second factor was removed; you set up a new one at your next sign-in."
        if try await APITokens.revokeAll(of: user, because: reason, at: now, mail: mail, on: database) == 0 {
            try await Notify.people([try user.requireID()], text: reason, link: SiteURL.twoFactor.path, at: now, mail: mail, on: database)
        }
    }
}

/// Sends a signed-in user who must use two-factor sign-in but has not set it up to the
/// enrolment page before anything else.
struct TwoFactorGate: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // A reachability test's link answers for a team, whoever opens it: no second factor is asked for.
        guard let user = request.currentUser, user.totpSecret == nil, TwoFactor.isRequired(for: user),
              ![SiteURL.twoFactor.path, SiteURL.twoFactorQRCode.path, SiteURL.signOut.path].contains(request.url.path),
              !request.url.path.hasPrefix(SiteURL.reachabilityAnswer(.value("")).path)
        else { return try await next.respond(to: request) }
        return request.redirect(to: SiteURL.twoFactor.path)
    }
}
