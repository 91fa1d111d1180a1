import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The membership pages: the list, the application form, each application with the forms
/// of the steps its reader can take, and the secretariat's membership changes on a team.
struct MembershipController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.membership, use: list)
        pages.get(.membershipApply, use: applyForm)
        forms.post(.membershipApply, use: apply)
        pages.get(.membershipConfirm(.key), use: confirmForm)
        forms.post(.membershipConfirm(.key), use: confirm)
        pages.get(.membershipApplication(.key), use: show)
        forms.post(.membershipApplicationSteps(.key), use: perform)
        forms.post(.teamMembershipChange(.key), use: changeMembership)
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var url: String
            var team: String
            var type: String
            var phase: String
            var deadline: String?
            var submitted: String
            var yourTurn: Bool
        }
        var chrome: Chrome
        var open: [Row]?
        var closed: [Row]?
        var applyURL: String?
        var reviewDays: Int
        var votingDays: Int
        /// The next page of applications (nil on the last page).
        var olderURL: String?
    }

    /// The applications the reader may read, a page at a time, split into open and closed.
    func list(request: Request) async throws -> View {
        let now = request.application.renkei.clock.now
        let user = request.currentUser
        let paging = try request.pageRequest()
        var open: [ListPage.Row] = []
        var closed: [ListPage.Row] = []
        var olderURL: String?
        if let user {
            let actorTeam = try await MembershipStore.standing(teamID: user.$team.id, on: request.db)
            let boardSize = try await MembershipStore.boardSize(on: request.db)
            let page = try await MembershipStore.readable(by: user.actor, page: paging, on: request.db)
            olderURL = page.next.map(request.nextPagePath)
            for application in page.items {
                let row = ListPage.Row(
                    url: SiteURL.membershipApplication(.value(application.id.uuidString)).path, team: application.team.shortName,
                    type: application.membershipType.rawValue, phase: application.phase(at: now).label,
                    deadline: application.deadline(at: now).map(TeamView.minute), submitted: TeamView.day(application.submittedAt),
                    yourTurn: !application.availableSteps(for: user.actor, actorTeam: actorTeam, at: now, boardSize: boardSize).subtracting(["withdraw"]).isEmpty)
                if application.isOpen { open.append(row) } else { closed.append(row) }
            }
        }
        let rules = request.application.renkei.settings.membershipRules
        return try await ListPage(chrome: Chrome(request: request, title: "Membership"), open: open.nonEmpty, closed: closed.nonEmpty,
                                  applyURL: try await canApply(user, on: request.db) ? SiteURL.membershipApply.path : nil,
                                  reviewDays: Int(rules.reviewPeriod / 86_400), votingDays: Int(rules.votingPeriod / 86_400), olderURL: olderURL)
            .render("membership", on: request)
    }

    private func canApply(_ user: UserModel?, on database: any Database) async throws -> Bool {
        MembershipApplication.canApply(user?.actor, team: try await MembershipStore.standing(teamID: user?.$team.id, on: database))
    }

    struct ApplyPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var needsAccount: Bool
        var form: ApplyForm
        var sim3: [SIM3Form.Category]
        var levels: [[String: String]]
        var definitions: [String]
        var memberTypes: [String]
        var teamTypes: [[String: String]]
        var errors: [String: String]?
        var error: String?
    }

    /// The application form as posted: the account (for a visitor), the team's basic record
    /// and the application itself. SIM3 ratings come as `level[O-1]` and `comment[O-1]`.
    struct ApplyForm: Content {
        var accountEmail: String?
        var accountName: String?
        var shortName: String?
        var officialName: String?
        var slug: String?
        var countryCode: String?
        var email: String?
        var websites: String?
        var phoneNumbers: String?
        var emergencyContact: String?
        var teamTypes: [String]?
        var constituencyName: String?
        var constituencyDescription: String?
        var constituency_domains: String?
        var constituency_prefixes: String?
        var constituency_asns: String?
        var membershipType: String?
        var hostOrganisation: String?
        var services: String?
        var confidentialNote: String?
        var sponsors: String?
        var level: [String: String]?
        var comment: [String: String]?

        func draft() -> ApplicationDraft {
            func items(_ text: String?) -> [String] {
                (text ?? "").split(whereSeparator: { $0.isNewline || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let host = (hostOrganisation ?? "").trimmingCharacters(in: .whitespaces)
            let record = TeamRecord(
                slug: slug?.nonBlank ?? "", shortName: shortName ?? "", officialName: officialName ?? "", countryCode: countryCode ?? "",
                websites: items(websites), email: email ?? "", host: host, phoneNumbers: items(phoneNumbers), emergencyContact: emergencyContact ?? "",
                constituencyName: constituencyName ?? "", constituencyDescription: constituencyDescription ?? "",
                constituency: Constituency(asns: items(constituency_asns), prefixes: items(constituency_prefixes), domains: items(constituency_domains)),
                teamTypes: (teamTypes ?? []).compactMap(TeamType.init(rawValue:)))
            return ApplicationDraft(team: record, membershipType: membershipType.flatMap(MemberType.init(rawValue:)) ?? .fullMember,
                                    hostOrganisation: host, services: services ?? "", sim3: SIM3Form.assessment(level: level, comment: comment),
                                    confidentialNote: confidentialNote ?? "", sponsorSlugs: items(sponsors).map { $0.lowercased() })
        }
    }

    func applyForm(request: Request) async throws -> View {
        guard try await canApply(request.currentUser, on: request.db) else {
            throw AppError.forbidden("Your team is already a Full Member; only a team representative applies for a team.")
        }
        var form = ApplyForm()
        if let team = try await request.currentUser?.$team.get(on: request.db) {
            let record = team.record
            form = ApplyForm(shortName: record.shortName, officialName: record.officialName, slug: record.slug, countryCode: record.countryCode,
                             email: record.email, websites: record.websites.joined(separator: "\n"), teamTypes: record.teamTypes.map(\.rawValue),
                             constituencyName: record.constituencyName, constituencyDescription: record.constituencyDescription,
                             hostOrganisation: record.host)
        }
        return try await applyPage(request: request, form: form, errors: [], message: nil)
    }

    private func applyPage(request: Request, form: ApplyForm, errors: [FieldError], message: String?) async throws -> View {
        let formErrors = FormErrors(errors, anchor: { ["constituency": "constituency_domains", "teamTypes": "apply-form"][$0] ?? $0 })
        return try await ApplyPage(
            chrome: Chrome(request: request, title: "Apply for membership")
                .with(formErrors, headline: "The application was not submitted: \(errors.count.counted("problem", "problems")) to correct"), csrf: CSRF.token(for: request),
            needsAccount: request.currentUser == nil, form: form, sim3: SIM3Form.categories(level: form.level, comment: form.comment),
            levels: SIM3Form.levels, definitions: SIM3Form.definitions,
            memberTypes: MemberType.allCases.map(\.rawValue),
            teamTypes: TeamType.allCases.map { ["value": $0.rawValue, "label": $0.label, "checked": (form.teamTypes ?? []).contains($0.rawValue) ? "checked" : ""] },
            errors: formErrors.byControl.nonEmpty, error: message
        ).render("membership-apply", on: request)
    }

    func apply(request: Request) async throws -> Response {
        let form = try request.content.decode(ApplyForm.self)
        guard try await canApply(request.currentUser, on: request.db) else {
            throw AppError.forbidden("Your team is already a Full Member; only a team representative applies for a team.")
        }
        do {
            guard let user = request.currentUser else {
                let (applicant, accountErrors) = try await Self.newApplicant(form, request: request)
                _ = try await MembershipStore.submit(form.draft(), applicant: applicant, accountErrors: accountErrors, storing: false, request: request)
                try await ApplicationConfirmation.hold(form, applicant: applicant, request: request)
                return try await CheckMailPage(chrome: Chrome(request: request, title: "Check your mail"), email: applicant.email,
                                               hours: Int(AddressConfirmation.validity / 3600)).render("membership-apply-sent", on: request)
                    .encodeResponse(status: .accepted, for: request)
            }
            let application = try await MembershipStore.submit(form.draft(), applicant: user, request: request)
            return request.redirect(to: SiteURL.membershipApplication(.value(application.id.uuidString)).path, flash: "Application submitted")
        } catch let refusal as MembershipRefusal {
            return try await applyPage(request: request, form: form, errors: refusal.fieldErrors, message: refusal.message)
                .encodeResponse(status: refusal.isAboutWho ? .forbidden : .unprocessableEntity, for: request)
        } catch AppError.invalid(let errors) {
            return try await applyPage(request: request, form: form, errors: errors, message: nil).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    struct CheckMailPage: Encodable {
        var chrome: Chrome
        var email: String
        var hours: Int
    }

    struct ConfirmPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var team: String
        var officialName: String
        var country: String
        var sponsors: String
        var email: String
        var action: String
        var error: String?
    }

    struct ConfirmForm: Content {
        var password: String?
    }

    /// The page a confirmation link opens: what was applied for and a password to choose, so a
    /// mail scanner that follows links submits nothing, and the account's password is the
    /// mailbox holder's, never one typed on the form by whoever gave the address.
    func confirmForm(request: Request) async throws -> View {
        try await confirmPage(request: request, error: nil)
    }

    private func confirmPage(request: Request, error: String?) async throws -> View {
        let secret = try request.confirmationSecret()
        let (pending, form) = try await ApplicationConfirmation.pending(secret, on: request.db, at: request.application.renkei.clock.now)
        let team = form.draft().team
        return try await ConfirmPage(chrome: Chrome(request: request, title: "Confirm your application"), csrf: CSRF.token(for: request),
                                     team: team.shortName, officialName: team.officialName,
                                     country: Country.named(team.countryCode)?.name ?? team.countryCode, sponsors: form.sponsors ?? "",
                                     email: pending.email, action: SiteURL.membershipConfirm(.value(secret)).path, error: error)
            .render("membership-apply-confirm", on: request)
    }

    func confirm(request: Request) async throws -> Response {
        let password = try request.content.decode(ConfirmForm.self).password ?? ""
        guard password.count >= 12 else {
            return try await confirmPage(request: request, error: "Choose a password of at least 12 characters.")
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
        let hash = try await request.password.async.hash(password)
        let (applicant, application) = try await ApplicationConfirmation.confirm(try request.confirmationSecret(), passwordHash: hash, request: request)
        try await SignInSession.begin(applicant, request: request)
        return request.redirect(to: SiteURL.membershipApplication(.value(application.id.uuidString)).path)
    }

    /// A visitor applying gets an account without a team or roles, and the problems with its
    /// fields; it is made when the address is confirmed (`ApplicationConfirmation`), never
    /// before. Whether the address has an account is not one of the problems: the form
    /// must not tell.
    private static func newApplicant(_ form: ApplyForm, request: Request) async throws -> (UserModel, [FieldError]) {
        let throttle = request.application.renkei.signInThrottle
        let key = "apply:" + (request.clientAddress ?? "unknown")
        let now = request.application.renkei.clock.now
        try await throttle.requireAllowed(account: key, address: nil, what: "applications from this address", now: now, on: request.db)
        try await throttle.recordFailure(account: key, address: nil, now: now, on: request.db)
        var errors: [FieldError] = []
        let email = AddressConfirmation.acceptableAddress(form.accountEmail ?? "")
        if email == nil { errors.append(FieldError(field: "accountEmail", message: "Give your e-mail address.")) }
        let name = (form.accountName ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 120 { errors.append(FieldError(field: "accountName", message: "Give your name (up to 120 characters).")) }
        // No password yet: it is chosen on the confirmation page, by whoever holds the mailbox.
        return (UserModel(id: UUID(), email: email ?? "", displayName: name, passwordHash: "", roles: [], teamID: nil,
                          createdAt: request.application.renkei.clock.now), errors)
    }

    struct ShowPage: Encodable {
        var chrome: Chrome
        var application: ApplicationView
        var isApplicant: Bool
        var recommendations: [String]
        var error: String?
    }

    func show(request: Request) async throws -> View {
        try await showPage(request: request, error: nil)
    }

    private func showPage(request: Request, error: String?) async throws -> View {
        let user = try request.requireUser()
        let model = try await MembershipStore.require(try request.applicationID(), on: request.db)
        let application = try model.application()
        let actorTeam = try await MembershipStore.standing(teamID: user.$team.id, on: request.db)
        guard let readable = application.readable(by: user.actor, actorTeam: actorTeam) else { throw AppError.notFound("There is no such application.") }
        try await MembershipStore.recordRedReads([readable], by: user, request: request)
        let now = request.application.renkei.clock.now
        let steps = application.availableSteps(for: user.actor, actorTeam: actorTeam, at: now, boardSize: try await MembershipStore.boardSize(on: request.db))
        return try await ShowPage(
            chrome: Chrome(request: request, title: "Application of \(application.team.shortName)"),
            application: ApplicationView(readable, steps: steps, at: now, names: try await DisplayNames.load(on: request.db)),
            isApplicant: user.id == application.applicantUserID,
            recommendations: MembershipApplication.SiteVisitReport.Recommendation.allCases.map(\.rawValue), error: error
        ).render("membership-application", on: request)
    }

    func perform(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let id = try request.applicationID()
        do {
            let input = try request.content.decode(MembershipStepInput.self)
            _ = try await MembershipStore.perform(try await input.step(on: request.db), on: id, by: user, request: request)
            return request.redirect(to: SiteURL.membershipApplication(.value(id.uuidString)).path, flash: "Saved")
        } catch let refusal as MembershipRefusal {
            let status: HTTPResponseStatus = refusal.isAboutWho ? .forbidden : refusal.reason == .invalid ? .unprocessableEntity : .conflict
            let detail = ([refusal.message] + refusal.fieldErrors.map(\.message)).joined(separator: " ")
            return try await showPage(request: request, error: refusal.fieldErrors.count == 1 ? refusal.fieldErrors[0].message : detail)
                .encodeResponse(status: status, for: request)
        } catch AppError.invalid(let errors) {
            return try await showPage(request: request, error: errors.map(\.message).joined(separator: " "))
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func changeMembership(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let team = try await TeamModel.require(slug: try request.slugParameter(), on: request.db)
        let input = try request.content.decode(MembershipAPIController.ChangeInput.self)
        _ = try await MembershipStore.change(try input.membershipChange(), team: team, by: user, request: request)
        return request.redirect(to: SiteURL.team(.value(team.slug)).path, flash: "Membership changed")
    }
}

extension Request {
    func confirmationSecret() throws -> String {
        guard let secret = parameters.get(SiteURL.tokenKey), secret.count <= 128 else { throw AppError.notFound("This confirmation link is unknown or has expired; apply again.") }
        return secret
    }
}
