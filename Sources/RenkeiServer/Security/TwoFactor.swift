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
    static func enrol(_ user: UserModel, secret: [UInt8], confirmedStep: UInt64, on database: any Database) async throws -> [String] {
        let codes = RecoveryCodes.generate()
        user.totpSecret = Base32.encode(secret)
        user.totpLastStep = Int64(confirmedStep)
        user.recoveryCodeHashes = codes.map(RecoveryCodes.hash).joined(separator: ",")
        try await user.save(on: database)
        return codes
    }
}

/// Sends a signed-in user who must use two-factor sign-in but has not set it up to the
/// enrolment page before anything else.
struct TwoFactorGate: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.currentUser, user.totpSecret == nil, TwoFactor.isRequired(for: user),
              ![SiteURL.twoFactor.path, SiteURL.signOut.path].contains(request.url.path)
        else { return try await next.respond(to: request) }
        return request.redirect(to: SiteURL.twoFactor.path)
    }
}
