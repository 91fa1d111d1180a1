import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A visitor's application waits for its e-mail address (`AddressConfirmation`): `hold` stores
/// it and mails the link, or mails the owner of an existing account; `confirm` makes the
/// account and the application when the link is followed.
enum ApplicationConfirmation {
    /// Keeps the checked form until the address is confirmed and mails the address. Without an
    /// SMTP relay no mail leaves, so the link is written to the server log for whoever runs it.
    static func hold(_ form: MembershipController.ApplyForm, applicant: UserModel, request: Request) async throws {
        let now = request.application.renkei.clock.now
        let settings = request.application.renkei.settings
        let team = form.draft().team.shortName
        let held = form
        let perAddress = AddressConfirmation.mailsPerAddress.share(of: settings.rateLimits.instances)
        if case .refused(let seconds) = request.application.renkei.rateLimiter.take(1, from: "application-mail|" + AddressConfirmation.mailboxKey(applicant.email), limit: perAddress, at: now) {
            throw AppError.tooManyRequests("Confirmation mails have already gone to this address today: use the link in one of them,"
                                           + " or try again in \((seconds + 3599) / 3600) hours.", retryAfter: seconds)
        }
        let text: String
        var link: String?
        try await PendingApplicationModel.query(on: request.db).filter(\.$expiresAt < now).delete()
        if try await UserModel.query(on: request.db).filter(\.$email == applicant.email).first() != nil {
            text = AddressConfirmation.existingAccountText(team: team, signInLink: settings.publicURL + SiteURL.signIn.path + "?next=" + SiteURL.membershipApply.path)
        } else {
            let secret = APITokens.generate()
            let pending = PendingApplicationModel()
            pending.tokenHash = APITokens.hash(secret)
            pending.email = applicant.email
            pending.displayName = applicant.displayName
            pending.form = String(decoding: try JSONEncoder().encode(held), as: UTF8.self)
            pending.createdAt = now
            pending.expiresAt = now.addingTimeInterval(AddressConfirmation.validity)
            try await pending.create(on: request.db)
            link = settings.publicURL + SiteURL.membershipConfirm(.value(secret)).path
            text = AddressConfirmation.newApplicantText(team: team, link: link!, expires: pending.expiresAt)
        }
        let mail = request.application.renkei.mail
        try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: AddressConfirmation.subject, content: .text(text),
                                 messageID: mail.messageID(), to: [Outbox.Recipient(address: applicant.email, userID: nil, form: .signed)],
                                 at: now, on: request.db)
        if settings.smtpRelay == nil, let link {
            request.logger.notice("No SMTP relay is set (RENKEI_SMTP_URL): the application of \(team) is confirmed at \(link)")
        }
    }

    /// The application waiting behind `secret`, while its link works.
    static func pending(_ secret: String, on database: any Database, at now: Date) async throws -> (PendingApplicationModel, MembershipController.ApplyForm) {
        guard let pending = try await PendingApplicationModel.query(on: database).filter(\.$tokenHash == APITokens.hash(secret)).first(),
              pending.expiresAt > now else {
            throw AppError.notFound("This confirmation link is unknown or has expired; apply again.")
        }
        return (pending, try JSONDecoder().decode(MembershipController.ApplyForm.self, from: Data(pending.form.utf8)))
    }

    /// Makes the account and submits the application; the link works once. Whoever follows it
    /// holds the mailbox, so here it may be said that the address has an account meanwhile.
    static func confirm(_ secret: String, passwordHash: String, request: Request) async throws -> (UserModel, MembershipApplication) {
        let now = request.application.renkei.clock.now
        let (pending, form) = try await pending(secret, on: request.db, at: now)
        if try await UserModel.query(on: request.db).filter(\.$email == pending.email).first() != nil {
            throw AppError.conflict("This address has an account by now: sign in and apply from your account.")
        }
        let applicant = UserModel(id: UUID(), email: pending.email, displayName: pending.displayName, passwordHash: passwordHash,
                                  roles: [], teamID: nil, createdAt: now)
        do {
            let application = try await MembershipStore.submit(form.draft(), applicant: applicant, request: request)
            try await pending.delete(on: request.db)
            return (applicant, application)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same link pressed twice at once: the account exists from the other press.
            throw AppError.notFound("This confirmation link is unknown or has expired; apply again.")
        }
    }
}
