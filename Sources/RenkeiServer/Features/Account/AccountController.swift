import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Signing in and out, and the account page with personal API tokens.
struct AccountController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.signIn, use: signInForm)
        forms.post(.signIn, use: signIn)
        forms.post(.signOut, use: signOut)
        pages.get(.account, use: account)
        forms.post(.accountTokens, use: createToken)
        forms.post(.accountTokenRevoke(.key), use: revokeToken)
        forms.post(.accountSessions, use: endOtherSessions)
        forms.post(.accountPGPKey, use: setPGPKey)
        pages.get(.signInTwoFactor, use: secondStepForm)
        forms.post(.signInTwoFactor, use: secondStep)
        pages.get(.twoFactor, use: twoFactorPage)
        forms.post(.twoFactor, use: enrolTwoFactor)
        pages.get(.twoFactorQRCode, use: twoFactorQRCode)
        forms.post(.twoFactorRecoveryCodes, use: downloadRecoveryCodes)
        forms.post(.twoFactorNewRecoveryCodes, use: newRecoveryCodes)
    }

    struct SignInPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var email: String
        var next: String
        var error: String?
    }

    struct SignInForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    func signInForm(request: Request) async throws -> Response {
        if request.currentUser != nil { return request.redirect(to: SiteURL.teams.path) }
        let next = (try? request.query.get(String.self, at: "next")) ?? ""
        return try await SignInPage(chrome: Chrome(request: request, title: "Sign in"), csrf: CSRF.token(for: request), email: "", next: Self.safeNext(next))
            .render("sign-in", on: request).encodeResponse(for: request)
    }

    func signIn(request: Request) async throws -> Response {
        let form = try request.content.decode(SignInForm.self)
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let next = Self.safeNext(form.next ?? "")
        let throttle = request.application.renkei.signInThrottle
        let address = request.clientAddress
        try await throttle.requireAllowed(account: email, address: address, what: "failed sign-ins", on: request.db)
        let user = try await UserModel.query(on: request.db).filter(\.$email == email).first()
        // Verify against a fixed hash when the account does not exist, so timing does not tell.
        let hash = user?.passwordHash ?? "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5Ll8CkUwmX6VdAZKWzIaOBBa9yTRe6e"
        let matches = try await request.password.async.verify(form.password ?? "", created: hash)
        guard let user, matches else {
            try await throttle.recordFailure(account: email, address: address, on: request.db)
            try await AuditLog.record("sign-in.failed", subject: email, detail: "wrong e-mail address or password", actor: nil, address: address,
                                      at: request.application.renkei.clock.now, on: request.db)
            return try await SignInPage(chrome: Chrome(request: request, title: "Sign in"), csrf: CSRF.token(for: request), email: email, next: next,
                                        error: "The e-mail address or the password is wrong.")
                .render("sign-in", on: request).encodeResponse(status: .unauthorized, for: request)
        }
        if user.totpSecret != nil {
            // The password was right; the session remembers whose second factor to ask for.
            request.session.data[Self.pendingUserKey] = try user.requireID().uuidString
            request.session.data[Self.pendingNextKey] = next
            return request.redirect(to: SiteURL.signInTwoFactor.path)
        }
        return try await completeSignIn(user, method: "password", next: next, request: request)
    }

    static let pendingUserKey = "two-factor-user"
    static let pendingNextKey = "two-factor-next"

    private func completeSignIn(_ user: UserModel, method: String, next: String, request: Request) async throws -> Response {
        try await request.application.renkei.signInThrottle.recordSuccess(account: user.email, address: request.clientAddress, on: request.db)
        request.session.data[Self.pendingUserKey] = nil
        request.session.data[Self.pendingNextKey] = nil
        try await SignInSession.begin(user, request: request)
        try await AuditLog.record("sign-in", subject: user.email, detail: method, actor: user, address: request.clientAddress,
                                  at: request.application.renkei.clock.now, on: request.db)
        return request.redirect(to: next.isEmpty ? SiteURL.home.path : Self.safeNext(next))
    }

    struct SecondStepPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var error: String?
    }

    struct SecondStepForm: Content {
        var code: String?
    }

    private func pendingUser(request: Request) async throws -> UserModel {
        guard let id = request.session.data[Self.pendingUserKey].flatMap(UUID.init(uuidString:)),
              let user = try await UserModel.find(id, on: request.db) else {
            throw AppError.unauthorized("Sign in with your password first.")
        }
        return user
    }

    func secondStepForm(request: Request) async throws -> View {
        _ = try await pendingUser(request: request)
        return try await SecondStepPage(chrome: Chrome(request: request, title: "Two-factor sign-in"), csrf: CSRF.token(for: request))
            .render("sign-in-two-factor", on: request)
    }

    func secondStep(request: Request) async throws -> Response {
        let user = try await pendingUser(request: request)
        let throttle = request.application.renkei.signInThrottle
        let address = request.clientAddress
        try await throttle.requireAllowed(account: user.email, address: address, what: "failed sign-ins", on: request.db)
        let code = try request.content.decode(SecondStepForm.self).code ?? ""
        let now = request.application.renkei.clock.now
        guard let outcome = try await TwoFactor.verify(code, for: user, at: now, on: request.db) else {
            try await throttle.recordFailure(account: user.email, address: address, on: request.db)
            try await AuditLog.record("sign-in.failed", subject: user.email, detail: "wrong two-factor code", actor: nil, address: address, at: now, on: request.db)
            return try await SecondStepPage(chrome: Chrome(request: request, title: "Two-factor sign-in"), csrf: CSRF.token(for: request),
                                            error: "That code is not valid (or was already used). Try the next one.")
                .render("sign-in-two-factor", on: request).encodeResponse(status: .unauthorized, for: request)
        }
        let next = request.session.data[Self.pendingNextKey] ?? ""
        return try await completeSignIn(user, method: outcome == .code ? "password and TOTP" : "password and recovery code", next: next, request: request)
    }

    struct TwoFactorPage: Encodable {
        var chrome: Chrome
        var enrolled: Bool
        var required: Bool
        var secret: String?
        var uri: String?
        /// The enrolment address as a QR code image; nil when it does not fit one.
        var qrCodeURL: String?
        var recoveryCodes: [String]?
        /// The codes just shown, posted back for the download (see `RecoveryCodeFile`).
        var recoveryCodesText: String?
        var recoveryCodesURL: String
        var newRecoveryCodesURL: String
        var recoveryCodesLeft: Int
        var error: String?
    }

    static let enrolmentSecretKey = "two-factor-enrolment"

    /// Shows the state of two-factor sign-in or, before enrolment, a new secret to add to an
    /// authenticator app; the secret waits in the session until a code confirms it.
    func twoFactorPage(request: Request) async throws -> View {
        try await twoFactorView(request: request, recoveryCodes: nil, error: nil)
    }

    private func twoFactorView(request: Request, recoveryCodes: [String]?, error: String?) async throws -> View {
        let user = try request.requireUser()
        var secret: String?
        var uri: String?
        if user.totpSecret == nil {
            let pending = request.session.data[Self.enrolmentSecretKey].flatMap(Base32.decode) ?? RenkeiCore.TOTP.generateSecret()
            request.session.data[Self.enrolmentSecretKey] = Base32.encode(pending)
            secret = Base32.encode(pending)
            uri = RenkeiCore.TOTP(secret: pending).provisioningURI(issuer: "Renkei", account: user.email)
        }
        let left = (user.recoveryCodeHashes ?? "").split(separator: ",").count
        return try await TwoFactorPage(chrome: Chrome(request: request, title: "Two-factor sign-in"), enrolled: user.totpSecret != nil,
                                       required: TwoFactor.isRequired(for: user), secret: secret, uri: uri,
                                       qrCodeURL: uri.flatMap { QRCode(text: $0) }.map { _ in SiteURL.twoFactorQRCode.path },
                                       recoveryCodes: recoveryCodes, recoveryCodesText: recoveryCodes?.joined(separator: " "),
                                       recoveryCodesURL: SiteURL.twoFactorRecoveryCodes.path, newRecoveryCodesURL: SiteURL.twoFactorNewRecoveryCodes.path,
                                       recoveryCodesLeft: left, error: error).render("two-factor", on: request)
    }

    /// The pending enrolment address as an SVG QR code, drawn on the server so the page needs
    /// no script; it carries the secret, so it is never cached and exists only before enrolment.
    func twoFactorQRCode(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard user.totpSecret == nil, let secret = request.session.data[Self.enrolmentSecretKey].flatMap(Base32.decode),
              let code = QRCode(text: RenkeiCore.TOTP(secret: secret).provisioningURI(issuer: "Renkei", account: user.email))
        else { throw AppError.notFound("No two-factor set-up is waiting: open the two-factor page first.") }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: code.svg()))
    }

    struct RecoveryCodesForm: Content {
        var codes: String?
    }

    /// The recovery codes the enrolment page showed, as a text file: only codes still unused
    /// for this account are written, so the file never carries text the server did not issue.
    func downloadRecoveryCodes(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let posted = (try request.content.decode(RecoveryCodesForm.self).codes ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
            .prefix(50).map(String.init)
        let codes = RecoveryCodeFile.unused(posted, storedHashes: (user.recoveryCodeHashes ?? "").split(separator: ",").map(String.init))
        guard !codes.isEmpty else {
            throw ValidationFailure([FieldError(field: "codes", message: "These are not unused recovery codes of your account; make new ones on the two-factor page.")])
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: HeaderValue.contentDisposition(attachmentNamed: RecoveryCodeFile.fileName))
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let site = request.application.renkei.settings.publicURL
        return Response(status: .ok, headers: headers, body: .init(string: RecoveryCodeFile.text(codes: codes, account: user.email, site: site)))
    }

    /// New recovery codes in place of the old ones, confirmed with a code from the authenticator
    /// (or one of the old recovery codes): for someone who used up, lost or never downloaded them.
    func newRecoveryCodes(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard user.totpSecret != nil else { return request.redirect(to: SiteURL.twoFactor.path) }
        let now = request.application.renkei.clock.now
        let throttle = request.application.renkei.signInThrottle
        try await throttle.requireAllowed(account: user.email, address: request.clientAddress, what: "failed sign-ins", on: request.db)
        let code = try request.content.decode(SecondStepForm.self).code ?? ""
        guard try await TwoFactor.verify(code, for: user, at: now, on: request.db) != nil else {
            try await throttle.recordFailure(account: user.email, address: request.clientAddress, on: request.db)
            return try await twoFactorView(request: request, recoveryCodes: nil, error: "That code is not valid (or was already used). Try the next one.")
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
        let codes = RecoveryCodes.generate()
        user.recoveryCodeHashes = codes.map(RecoveryCodes.hash).joined(separator: ",")
        try await user.save(on: request.db)
        try await AuditLog.record("two-factor.recovery-codes", subject: user.email, detail: "new recovery codes; the old ones no longer work", request: request)
        return try await twoFactorView(request: request, recoveryCodes: codes, error: nil).encodeResponse(for: request)
    }

    func enrolTwoFactor(request: Request) async throws -> View {
        let user = try request.requireUser()
        guard user.totpSecret == nil, let secret = request.session.data[Self.enrolmentSecretKey].flatMap(Base32.decode) else {
            return try await twoFactorView(request: request, recoveryCodes: nil, error: nil)
        }
        let now = request.application.renkei.clock.now
        let code = try request.content.decode(SecondStepForm.self).code ?? ""
        guard let step = RenkeiCore.TOTP(secret: secret).matchingStep(for: code, at: now, lastUsedStep: nil) else {
            return try await twoFactorView(request: request, recoveryCodes: nil,
                                           error: "That code does not match. Check the app shows codes for this account and the device clock is right.")
        }
        let codes = try await TwoFactor.enrol(user, secret: secret, confirmedStep: step, at: now, on: request.db)
        request.session.data[Self.enrolmentSecretKey] = nil
        try await AuditLog.record("two-factor.enrol", subject: user.email, request: request)
        return try await twoFactorView(request: request, recoveryCodes: codes, error: nil)
    }

    func signOut(request: Request) async throws -> Response {
        try await SignInSession.end(request: request)
        return request.redirect(to: SiteURL.teams.path)
    }

    /// "Sign out everywhere else" on the account page.
    func endOtherSessions(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let ended = try await SignInSession.endOthers(of: user, request: request)
        try await AuditLog.record("sign-out.others", subject: user.email, detail: "\(ended) other session(s) ended", request: request)
        return request.redirect(to: SiteURL.account.path, flash: ended == 1 ? "1 other session signed out" : "\(ended) other sessions signed out")
    }

    /// Where to go after signing in: no `next` means the directory; a `next` that is not a
    /// safe local path (`SafeRedirect`) means the home page.
    static func safeNext(_ next: String) -> String {
        next.isEmpty ? "" : SafeRedirect.target(next)
    }

    struct AccountPage: Encodable {
        struct Token: Encodable {
            var name: String
            var hint: String
            var created: String
            var lastUsed: String
            var revokeURL: String
        }
        var chrome: Chrome
        var email: String
        var displayName: String
        var roles: String
        var team: String?
        var teamURL: String?
        var tokens: [Token]?
        var newToken: String?
        var tokensURL: String
        var error: String?
        var pgpKeyURL: String
        var keyFingerprint: String?
        var keyExpires: String?
        /// Set when the key cannot carry restricted mail soon or at all.
        var keyWarning: String?
        struct Session: Encodable {
            var signedIn: String
            var lastSeen: String
            var address: String
            var isCurrent: Bool
        }
        var sessions: [Session]
        var sessionsURL: String
        /// Where TAXII clients and MISP instances read what this account may read.
        struct Feed: Encodable {
            var title: String
            var collectionID: String
            var mispURL: String
        }
        var taxiiURL: String
        var feeds: [Feed]
    }

    func account(request: Request) async throws -> View {
        try await accountPage(request: request, newToken: nil, error: nil)
    }

    private func accountPage(request: Request, newToken: String?, error: String?) async throws -> View {
        let user = try request.requireUser()
        let team = try await user.$team.get(on: request.db)
        let tokens = try await APITokenModel.query(on: request.db).filter(\.$user.$id == user.requireID())
            .filter(\.$revokedAt == nil).sort(\.$createdAt, .descending).all()
        return try await AccountPage(
            chrome: Chrome(request: request, title: "Your account"), email: user.email, displayName: user.displayName,
            roles: user.roleSet.sorted().map(\.label).joined(separator: ", "), team: team?.shortName,
            teamURL: team.map { SiteURL.team(.value($0.slug)).path },
            tokens: try tokens.nonEmpty?.map { token in
                AccountPage.Token(name: token.name, hint: token.hint + "…", created: TeamView.minute(token.createdAt),
                                  lastUsed: token.lastUsedAt.map(TeamView.minute) ?? "never",
                                  revokeURL: SiteURL.accountTokenRevoke(.value(try token.requireID().uuidString)).path)
            },
            newToken: newToken, tokensURL: SiteURL.accountTokens.path, error: error, pgpKeyURL: SiteURL.accountPGPKey.path,
            keyFingerprint: user.pgpFingerprint, keyExpires: user.pgpExpiresAt.map(TeamView.minute),
            keyWarning: Self.keyWarning(user.keyHealth(at: request.application.renkei.clock.now)),
            sessions: try await SignInSession.active(of: user, request: request).map {
                AccountPage.Session(signedIn: TeamView.minute($0.signedInAt), lastSeen: TeamView.minute($0.lastSeenAt),
                                    address: $0.clientAddress ?? "unknown", isCurrent: $0.sessionKey == request.session.id?.string)
            },
            sessionsURL: SiteURL.accountSessions.path,
            taxiiURL: request.application.renkei.settings.publicURL + SiteURL.taxiiDiscovery.path + "/",
            feeds: try await Self.feeds(request)
        ).render("account", on: request)
    }

    /// The reader's TAXII collections, each with the address MISP subscribes to (the folder
    /// holding `manifest.json`).
    private static func feeds(_ request: Request) async throws -> [AccountPage.Feed] {
        var feeds: [AccountPage.Feed] = []
        for collection in ShareCollection.collections(for: request.currentActor) {
            let id = collection.id.uuidString.lowercased()
            let manifest = SiteURL.mispManifest(.value(id)).path
            feeds.append(AccountPage.Feed(title: try await TAXIIController.describe(collection, on: request.db).0, collectionID: id,
                                          mispURL: request.application.renkei.settings.publicURL + manifest.dropLast("/manifest.json".count)))
        }
        return feeds
    }

    static func keyWarning(_ health: KeyHealth) -> String? {
        switch health {
        case .valid: nil
        case .missing: "No PGP key: restricted (TLP:AMBER and above) list mail reaches you only as a notice to read it on the web."
        case .expiringSoon(let date): "Your PGP key expires on \(TeamView.minute(date)): extend it and upload it again, or restricted mail stops reaching you."
        case .expired(let date): "Your PGP key expired on \(TeamView.minute(date)): restricted mail reaches you only as a notice until you upload a valid key."
        }
    }

    func setPGPKey(request: Request) async throws -> Response {
        let user = try request.requireUser()
        do {
            try await AccountPGPKey.set(try request.content.decode(AccountPGPKey.Input.self).key, for: user, request: request)
            return request.redirect(to: SiteURL.account.path, flash: "PGP key saved")
        } catch let failure as ValidationFailure {
            return try await accountPage(request: request, newToken: nil, error: failure.errors.map(\.message).joined(separator: " "))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    struct TokenForm: Content {
        var name: String?
    }

    /// Creates a token and shows its secret this once; only its hash is stored.
    func createToken(request: Request) async throws -> View {
        let user = try request.requireUser()
        let name = (try request.content.decode(TokenForm.self).name ?? "").trimmingCharacters(in: .whitespaces)
        guard (1...80).contains(name.count) else {
            return try await accountPage(request: request, newToken: nil, error: "Give the token a name of 1 to 80 characters, e.g. the script that uses it.")
        }
        let secret = try await APITokens.create(for: user, name: name, at: request.application.renkei.clock.now, on: request.db)
        return try await accountPage(request: request, newToken: secret, error: nil)
    }

    func revokeToken(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard let id = request.parameters.get(SiteURL.tokenKey, as: UUID.self),
              let token = try await APITokenModel.query(on: request.db).filter(\.$id == id)
                .filter(\.$user.$id == user.requireID()).first()
        else { throw AppError.notFound("No such token.") }
        token.revokedAt = Date()
        try await token.save(on: request.db)
        return request.redirect(to: SiteURL.account.path, flash: "Token “\(token.name)” revoked")
    }
}
