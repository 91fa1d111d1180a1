import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Representatives invite people to their team's accounts; the invited person opens the link,
/// chooses a password and joins the team with the role given.
struct InvitationsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder, api: any RoutesBuilder) {
        forms.post(.teamInvitations(.key), use: inviteFromPage)
        pages.get(.invitation(.key), use: acceptForm)
        forms.post(.invitation(.key), use: accept)
        api.post(.apiTeamInvitations(.key), use: inviteFromAPI)
    }

    struct InviteInput: Content {
        var email: String
        var displayName: String?
        var role: String?
        var pgpFingerprint: String?
    }

    struct InvitationDocument: Content {
        var email: String
        var role: String
        /// The roles the invitation gives, as people name them.
        var roleName: String
        var expires: Date
        /// The link to pass on; it is shown once and only its hash is stored.
        var link: String
    }

    func inviteFromAPI(request: Request) async throws -> Response {
        let document = try await invite(request: request)
        return try await document.encodeResponse(status: .created, for: request)
    }

    struct InvitedPage: Encodable {
        var chrome: Chrome
        var email: String
        var roleName: String
        var expires: String
        var link: String
        var teamURL: String
    }

    func inviteFromPage(request: Request) async throws -> View {
        let document = try await invite(request: request)
        return try await InvitedPage(chrome: Chrome(request: request, title: "Invitation sent"), email: document.email, roleName: document.roleName,
                                     expires: InvitationMail.readable(document.expires), link: document.link,
                                     teamURL: SiteURL.team(.value(try request.slugParameter())).path).render("invitation-created", on: request)
    }

    private func invite(request: Request) async throws -> InvitationDocument {
        let user = try request.requireUser()
        let team = try await TeamModel.require(slug: try request.slugParameter(), on: request.db)
        let input = try request.content.decode(InviteInput.self)
        guard let role = Role(rawValue: input.role?.nonBlank ?? Role.member.rawValue) else {
            throw AppError.invalid([FieldError(field: "role", message: "The role is “member” or “team-representative”.")])
        }
        let email = input.email.trimmingCharacters(in: .whitespaces).lowercased()
        let fingerprint = PGPKey.normalizedFingerprint(input.pgpFingerprint ?? "")
        var errors: [FieldError] = []
        if !email.contains("@") || email.count > 254 { errors.append(FieldError(field: "email", message: "Give the e-mail address of the person invited.")) }
        if !fingerprint.isEmpty, !(fingerprint.count == 40 || fingerprint.count == 64) || !fingerprint.allSatisfy(\.isHexDigit) {
            errors.append(FieldError(field: "pgpFingerprint", message: "A PGP fingerprint is 40 (v4) or 64 (v6) hexadecimal digits."))
        }
        if try await UserModel.query(on: request.db).filter(\.$email == email).first() != nil {
            errors.append(FieldError(field: "email", message: "There is already an account for \(email)."))
        }
        guard errors.isEmpty else { throw AppError.invalid(errors) }
        let now = request.application.renkei.clock.now
        let teamID = try team.requireID()
        let secret = APITokens.generate()
        let link = request.application.renkei.settings.publicURL + SiteURL.invitation(.value(secret)).path
        let expires = now.addingTimeInterval(InvitationRules.validity)
        let roles = InvitationRules.roles(for: role)
        try await request.db.writeTransaction { database in
            let standing = try await MembershipStore.standing(of: team, on: database)
            let representatives = try await UserModel.query(on: database).filter(\.$team.$id == teamID).all().count { $0.roleSet.contains(.teamRepresentative) }
            let pending = try await InvitationModel.query(on: database).filter(\.$team.$id == teamID).filter(\.$acceptedAt == nil)
                .filter(\.$expiresAt > now).all().count { InvitationRules.invitesRepresentative($0.roles) }
            try InvitationRules.check(role: role, invitedBy: user.actor, team: standing, representatives: representatives + pending)
            let invitation = InvitationModel()
            invitation.$team.id = teamID
            invitation.email = email
            invitation.displayName = input.displayName?.nonBlank ?? ""
            invitation.roles = roles.sorted().map(\.rawValue).joined(separator: ",")
            invitation.pgpFingerprint = fingerprint
            invitation.tokenHash = APITokens.hash(secret)
            invitation.invitedBy = try user.requireID()
            invitation.createdAt = now
            invitation.expiresAt = expires
            try await invitation.create(on: database)
            try await AuditLog.record("invitation.create", subject: email, detail: "team \(team.slug) as \(role.rawValue)",
                                      actor: user, address: request.clientAddress, at: now, on: database)
            // Queued with the invitation: the mail leaves exactly when the invitation exists.
            let mail = request.application.renkei.mail
            try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: InvitationMail.subject(team: team.shortName),
                                     content: .text(InvitationMail.text(team: team.shortName, roles: roles, invitedBy: user.displayName, link: link, expires: expires)),
                                     messageID: mail.messageID(), to: [Outbox.Recipient(address: email, userID: nil, form: .signed)], at: now, on: database)
        }
        return InvitationDocument(email: email, role: role.rawValue, roleName: InvitationMail.roleNames(roles), expires: expires, link: link)
    }

    struct AcceptPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var email: String
        var team: String
        var role: String
        var expires: String
        var displayName: String
        var error: String?
    }

    /// The invitation of the link, if it can still be accepted (`InvitationRules.checkAcceptance`).
    private func pendingInvitation(request: Request, on database: any Database) async throws -> InvitationModel {
        guard let secret = request.parameters.get(SiteURL.tokenKey),
              let invitation = try await InvitationModel.query(on: database).filter(\.$tokenHash == APITokens.hash(secret)).with(\.$team).first(),
              invitation.acceptedAt == nil, invitation.expiresAt > request.application.renkei.clock.now,
              Role.parseList(invitation.roles) != nil
        else { throw AppError.notFound("This invitation does not exist, was used, or has expired. Ask your team representative for a new one.") }
        let accountExists = try await UserModel.query(on: database).filter(\.$email == invitation.email).first() != nil
        try InvitationRules.checkAcceptance(team: try await MembershipStore.standing(of: invitation.team, on: database), email: invitation.email,
                                           accountExists: accountExists)
        return invitation
    }

    func acceptForm(request: Request) async throws -> View {
        let invitation = try await pendingInvitation(request: request, on: request.db)
        return try await acceptPage(invitation, request: request, displayName: invitation.displayName, error: nil)
    }

    private func acceptPage(_ invitation: InvitationModel, request: Request, displayName: String, error: String?) async throws -> View {
        try await AcceptPage(chrome: Chrome(request: request, title: "Join \(invitation.team.shortName)"), csrf: CSRF.token(for: request),
                             email: invitation.email, team: invitation.team.shortName,
                             role: InvitationMail.roleNames(Role.parseList(invitation.roles) ?? []), expires: InvitationMail.readable(invitation.expiresAt),
                             displayName: displayName, error: error).render("invitation", on: request)
    }

    struct AcceptForm: Content {
        var displayName: String?
        var password: String?
    }

    func accept(request: Request) async throws -> Response {
        let invitation = try await pendingInvitation(request: request, on: request.db)
        let form = try request.content.decode(AcceptForm.self)
        let name = (form.displayName ?? "").trimmingCharacters(in: .whitespaces)
        let password = form.password ?? ""
        guard (1...120).contains(name.count), password.count >= 12 else {
            return try await acceptPage(invitation, request: request, displayName: name,
                                        error: "Give your name and a password of at least 12 characters.").encodeResponse(status: .unprocessableEntity, for: request)
        }
        let now = request.application.renkei.clock.now
        let hash = try await request.password.async.hash(password)
        let user = UserModel(email: invitation.email, displayName: name, passwordHash: hash, roles: Role.parseList(invitation.roles) ?? [.member],
                             teamID: invitation.$team.id, createdAt: now)
        do {
            try await request.db.transaction { database in
                // Checked again where it is written: the team may have left, or the address got an account, since the form was read.
                _ = try await pendingInvitation(request: request, on: database)
                invitation.acceptedAt = now
                try await invitation.save(on: database)
                try await user.create(on: database)
                try await AuditLog.record("user.roles", subject: user.email, detail: "joined \(invitation.team.slug) as \(invitation.roles) by invitation",
                                          actor: user, address: request.clientAddress, at: now, on: database)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another acceptance for the same address won the race: the account exists now.
            throw MembershipRefusal(.wrongState, "There is already an account for \(invitation.email): sign in with it instead.")
        }
        try await SignInSession.begin(user, request: request)
        return request.redirect(to: SiteURL.team(.value(invitation.team.slug)).path, flash: "Welcome: your account is ready and you are signed in")
    }
}
