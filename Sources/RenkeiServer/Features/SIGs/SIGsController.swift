import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The pages of Special Interest Groups: the list, a SIG's charter (public) and space (its
/// participants'), its documents, the board's and chairs' tools, and a guest's invitation.
struct SIGsController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.sigs, use: index)
        pages.get(.sigNew, use: newForm)
        forms.post(.sigs, use: propose)
        pages.get(.sig(.key), use: show)
        forms.post(.sigDecisions(.key), use: decide)
        forms.post(.sigParticipants(.key), use: participate)
        forms.post(.sigGuests(.key), use: inviteGuest)
        forms.post(.sigDocuments(.key), use: draftDocument)
        pages.get(.sigDocument(.key, .key), use: document)
        forms.post(.sigDocument(.key, .key), use: changeDocument)
        forms.post(.sigMeetings(.key), use: planMeeting)
        forms.post(.sigMeetingMinutes(.key, .key), use: setMinutes)
        pages.get(.sigInvitation(.key), use: invitation)
        forms.post(.sigInvitation(.key), use: acceptInvitation)
    }

    // MARK: - The list

    struct IndexPage: Encodable {
        struct Row: Encodable {
            var name: String
            var url: String
            var status: String
            var summary: String
            var chairs: String?
            var participants: Int
            var label: SharedItemsController.Label
            var joining: String
            var charterDue: String?
        }
        var chrome: Chrome
        var active: [Row]?
        var proposed: [Row]?
        var retired: [Row]?
        var canPropose: Bool
        var newURL: String
    }

    func index(request: Request) async throws -> View {
        let actor = request.currentActor
        let snapshot = try await request.sigSnapshot()
        let now = request.application.renkei.clock.now
        let listed = snapshot.sigs.values.filter { $0.isListed(to: actor) }.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
        let names = try await request.application.renkei.peopleNames.names(of: Set(listed.flatMap { snapshot.chairs(of: $0.id, at: now) }), on: request.db)
        func row(_ sig: SpecialInterestGroup) -> IndexPage.Row {
            IndexPage.Row(name: sig.name, url: SiteURL.sig(.value(sig.slug)).path, status: sig.status.label, summary: sig.charter.summary,
                          chairs: snapshot.chairs(of: sig.id, at: now).compactMap { names[$0] }.sorted().joined(separator: ", ").nonBlank,
                          participants: snapshot.activeCountBySIG[sig.id] ?? 0, label: .init(sig.charter.defaultLabel),
                          joining: sig.charter.joining == .open ? "open" : "on the chairs' approval", charterDue: sig.charterDue.map(TeamView.day))
        }
        return try await IndexPage(chrome: Chrome(request: request, title: "Special Interest Groups"),
                                   active: listed.filter(\.isOpenForWork).map(row).nonEmpty,
                                   proposed: listed.filter { $0.status == .proposed }.map(row).nonEmpty,
                                   retired: listed.filter { $0.status == .retired }.map(row).nonEmpty,
                                   canPropose: SpecialInterestGroup.canPropose(actor), newURL: SiteURL.sigNew.path)
            .render("sigs", on: request)
    }

    // MARK: - Proposing

    struct CharterForm: Content {
        var slug: String?
        var name: String?
        var mission: String?
        var scope: String?
        var deliverables: String?
        var decisionMaking: String?
        var defaultLabel: String?
        var joining: String?
        var chairsAppointedByBoard: String?

        /// The charter as typed; a label or joining that is not one of the choices is a field error.
        func charter() throws -> SpecialInterestGroup.Charter {
            var errors: [FieldError] = []
            let label = TLPLabel(parsing: defaultLabel ?? TLPLabel.amber.text)
            if label == nil { errors.append(FieldError(field: "defaultLabel", message: "Choose a TLP 2.0 label.")) }
            let joining = SpecialInterestGroup.Joining(rawValue: joining ?? "open")
            if joining == nil { errors.append(FieldError(field: "joining", message: "People join “open” or “moderated”.")) }
            guard errors.isEmpty, let label, let joining else { throw ValidationFailure(errors) }
            return SpecialInterestGroup.Charter(mission: mission ?? "", scope: scope ?? "", deliverables: deliverables ?? "",
                                                decisionMaking: decisionMaking ?? "", defaultLabel: label, joining: joining,
                                                chairsAppointedByBoard: chairsAppointedByBoard == "on" || chairsAppointedByBoard == "true")
        }
    }

    struct ProposePage: Encodable {
        var chrome: Chrome
        var form: CharterForm
        var labels: [String]
        var errors: [String: String]?
    }

    func newForm(request: Request) async throws -> View {
        try await proposePage(request: request, form: CharterForm(defaultLabel: TLPLabel.amber.text, joining: "open"), errors: [])
    }

    private func proposePage(request: Request, form: CharterForm, errors: [FieldError]) async throws -> View {
        _ = try request.requireUser()
        guard SpecialInterestGroup.canPropose(request.currentActor) else { throw AppError.forbidden("Only people of active member teams propose a SIG.") }
        let formErrors = FormErrors(errors)
        return try await ProposePage(chrome: Chrome(request: request, title: "Propose a SIG")
                                        .with(formErrors, headline: "Nothing was proposed: \(errors.count.counted("problem", "problems")) to correct"),
                                     form: form, labels: TLPLabel.allCases.filter { $0 != .red }.map(\.text), errors: formErrors.byControl.nonEmpty)
            .render("sig-form", on: request)
    }

    func propose(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let form = try request.content.decode(CharterForm.self)
        do {
            let sig = try await SIGStore.propose(slug: form.slug ?? "", name: form.name ?? "", charter: try form.charter(), by: acting, on: request.db)
            return request.redirect(to: SiteURL.sig(.value(sig.slug)).path, flash: "Proposed: the board decides on the charter")
        } catch let failure as ValidationFailure {
            return try await proposePage(request: request, form: form, errors: failure.errors).encodeResponse(status: .unprocessableEntity, for: request)
        } catch let refusal as SIGRefusal where refusal.reason == .invalid {
            return try await proposePage(request: request, form: form, errors: refusal.fieldErrors).encodeResponse(status: .unprocessableEntity, for: request)
        } catch AppError.invalid(let errors) {
            return try await proposePage(request: request, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    // MARK: - A SIG's page

    func show(request: Request) async throws -> View {
        let page = try await SIGPage.build(for: request)
        return try await page.render("sig", on: request)
    }

    struct DecisionForm: Content {
        /// `approve-charter` or `retire`.
        var decision: String
        var liaison: String?
        var reason: String?
    }

    func decide(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(DecisionForm.self)
        return try await Self.onSIGPage(request, form: "board") {
            let step = try await Self.step(decision: form.decision, liaison: form.liaison, reason: form.reason, on: request.db)
            let sig = try await SIGStore.apply(step, to: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.sig(.value(sig.slug)).path,
                                    flash: sig.status == .retired ? "\(sig.name) is retired" : "The charter is approved until \(sig.charterDue.map(TeamView.day) ?? "—")")
        }
    }

    /// Runs a form of a SIG's page; a refusal or bad input shows the page again, with the
    /// reason next to that form (`formError`) and what was typed, not a bare error page.
    static func onSIGPage(_ request: Request, form: String, typed: SIGPage.Typed = .init(),
                          _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error where isFormProblem(error) {
            let problem = ProblemMiddleware.problem(for: error, request: request)
            var page = try await SIGPage.build(for: request)
            page.formError = SIGPage.FormError(form: form, message: problem.detail, fields: FormErrors(problem.errors ?? []).byControl)
            page.typed = typed
            return try await page.render("sig", on: request).encodeResponse(status: .init(statusCode: problem.status), for: request)
        }
    }

    /// Errors a page shows beside the form that caused them; others (not found, sign in) stay errors.
    static func isFormProblem(_ error: any Error) -> Bool {
        switch error {
        case is any RuleRefusal, is ValidationFailure: true
        case AppError.invalid, AppError.conflict, AppError.forbidden: true
        default: false
        }
    }

    /// The board's decision as the forms and the API name it; the liaison by e-mail address.
    static func step(decision: String, liaison: String?, reason: String?, charter: SpecialInterestGroup.Charter? = nil,
                     on database: any Database) async throws -> SpecialInterestGroup.Step {
        switch decision {
        case "approve-charter":
            let address = (liaison ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard let user = try await UserModel.query(on: database).filter(\.$email == address).first(), let id = user.id, user.roleSet.contains(.board) else {
                throw AppError.invalid([FieldError(field: "liaison", message: "Name the board member who is the SIG's liaison, by the e-mail address of their account.")])
            }
            return .approveCharter(liaison: id)
        case "retire":
            return .retire(reason: reason ?? "")
        case "amend-charter":
            guard let charter else { throw AppError.invalid([FieldError(field: "charter", message: "Give the charter as amended.")]) }
            return .amendCharter(charter)
        default:
            throw AppError.invalid([FieldError(field: "decision", message: "The decision is “approve-charter”, “amend-charter” or “retire”.")])
        }
    }

    struct ParticipationForm: Content {
        var step: String
        /// The participant's account id; the signed-in person when absent.
        var person: UUID?
        var reason: String?
    }

    func participate(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(ParticipationForm.self)
        return try await Self.onSIGPage(request, form: form.person == nil ? "mine" : "participants") {
            let participant: SIGParticipant
            let step: SIGParticipant.Step
            if form.step == "join" {
                step = .join
                participant = try await SIGStore.join(slug, by: acting, on: request.db)
            } else {
                guard let named = SIGParticipant.Step(name: form.step, reason: form.reason ?? "") else {
                    throw AppError.invalid([FieldError(field: "step", message: "“\(form.step)” is not a step of participation.")])
                }
                step = named
                participant = try await SIGStore.step(step, on: form.person ?? acting.actor.userID, in: slug, by: acting, on: request.db)
            }
            return request.redirect(to: SiteURL.sig(.value(slug.lowercased())).path + (form.person == nil ? "" : "#participants"),
                                    flash: step.done(participant))
        }
    }

    struct GuestForm: Content {
        var email: String
    }

    struct GuestInvitedPage: Encodable {
        var chrome: Chrome
        var sig: String
        var sigURL: String
        var email: String
        var link: String
        var expires: String
    }

    func inviteGuest(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let email = try request.content.decode(GuestForm.self).email
        return try await Self.onSIGPage(request, form: "guest", typed: SIGPage.Typed(email: email)) {
            let (invitation, link) = try await SIGStore.inviteGuest(email, to: slug, by: acting, publicURL: request.application.renkei.settings.publicURL, on: request.db)
            let sig = try await SIGStore.find(slug: slug, for: acting.actor, on: request.db)
            return try await GuestInvitedPage(chrome: Chrome(request: request, title: "Guest invited"), sig: sig.name, sigURL: SiteURL.sig(.value(sig.slug)).path,
                                              email: invitation.email, link: link, expires: TeamView.minute(invitation.expiresAt))
                .render("sig-guest-invited", on: request).encodeResponse(for: request)
        }
    }

    // MARK: - Documents

    struct DocumentForm: Content {
        var title: String?
        var body: String?
        var tlp: String?
        /// `revise` or `publish`, on an existing document.
        var action: String?
        /// The version a chair read and publishes.
        var version: Int?

        func label() throws -> TLPLabel {
            guard let label = TLPLabel(parsing: tlp ?? "") else { throw AppError.invalid([FieldError(field: "tlp", message: "Choose a TLP 2.0 label.")]) }
            return label
        }
    }

    /// A publish names the version the chair read (`SIGDocument.published`).
    static func publishedVersion(_ version: Int?) throws -> Int {
        guard let version else { throw AppError.invalid([FieldError(field: "version", message: "Name the version you publish (the number you read).")]) }
        return version
    }

    func draftDocument(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(DocumentForm.self)
        return try await Self.onSIGPage(request, form: "document", typed: SIGPage.Typed(title: form.title, body: form.body, label: form.tlp)) {
            let document = try await SIGStore.change(.draft(title: form.title ?? "", body: form.body ?? "", tlp: try form.label()), in: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.sigDocument(.value(slug.lowercased()), .value(document.id.uuidString)).path, flash: "Draft saved: the SIG's participants read it")
        }
    }

    func document(request: Request) async throws -> View {
        try await SIGDocumentPage.build(for: request).render("sig-document", on: request)
    }

    func changeDocument(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        guard let id = request.parameters.get(SiteURL.documentKey, as: UUID.self) else { throw AppError.notFound("There is no such document.") }
        let form = try request.content.decode(DocumentForm.self)
        let change: SIGStore.DocumentChange = form.action == "publish" ? .publish(id, version: try Self.publishedVersion(form.version))
            : .revise(id, title: form.title ?? "", body: form.body ?? "", tlp: try form.label())
        let document = try await SIGStore.change(change, in: slug, by: acting, on: request.db)
        return request.redirect(to: SiteURL.sigDocument(.value(slug.lowercased()), .value(id.uuidString)).path,
                                flash: form.action == "publish" ? "Published under \(document.tlp.text)" : "Version \(document.versions.count) saved")
    }

    // MARK: - Meetings

    struct MeetingForm: Content {
        var title: String?
        /// As a `datetime-local` control sends it (`2027-03-10T14:00`), in `timeZone`.
        var startsAt: String?
        var timeZone: String?
        var location: String?
        var agenda: String?

        /// The start as an instant; nil when it is not a date and time (the core says so). With a
        /// zone that is not one, it is read in UTC only so that the zone alone is marked wrong.
        func start() -> Date? {
            guard let text = startsAt else { return nil }
            let zone = TimeZone(identifier: timeZone ?? "") ?? .gmt
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return date }
            }
            return nil
        }
    }

    func planMeeting(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let form = try request.content.decode(MeetingForm.self)
        let typed = SIGPage.Typed(title: form.title, startsAt: form.startsAt, timeZone: form.timeZone, location: form.location, agenda: form.agenda)
        return try await Self.onSIGPage(request, form: "meeting", typed: typed) {
            let meeting = try await SIGStore.planMeeting(in: slug, title: form.title ?? "", startsAt: form.start(), timeZone: form.timeZone ?? "",
                                                         location: form.location ?? "", agenda: form.agenda ?? "", by: acting, on: request.db)
            return request.redirect(to: SiteURL.sig(.value(slug.lowercased())).path + "#meetings", flash: "Meeting planned: \(meeting.title)")
        }
    }

    struct MinutesForm: Content {
        var document: UUID
    }

    func setMinutes(request: Request) async throws -> Response {
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        guard let meeting = request.parameters.get(SiteURL.meetingKey, as: UUID.self) else { throw AppError.notFound("There is no such meeting.") }
        let document = try request.content.decode(MinutesForm.self).document
        return try await Self.onSIGPage(request, form: "meeting") {
            try await SIGStore.setMinutes(of: meeting, to: document, in: slug, by: acting, on: request.db)
            return request.redirect(to: SiteURL.sig(.value(slug.lowercased())).path + "#meetings", flash: "Minutes recorded")
        }
    }

    // MARK: - A guest's invitation

    struct InvitationPage: Encodable {
        var chrome: Chrome
        /// The form's token: a guest without an account has no session before this page.
        var csrf: String
        var signInURL: String
        var sig: String
        var email: String
        var agreement: String
        var expires: String
        /// Signed in with the invited address: one button. Signed in otherwise: sign out first.
        var signedInAs: String?
        var isInvitee: Bool
        var needsAccount: Bool
        var displayName: String
        var error: String?
    }

    func invitation(request: Request) async throws -> View {
        try await invitationPage(request: request, displayName: "", error: nil)
    }

    private func invitationPage(request: Request, displayName: String, error: String?) async throws -> View {
        guard let secret = request.parameters.get(SiteURL.tokenKey) else { throw AppError.notFound("There is no such invitation.") }
        let (row, sig) = try await SIGStore.pendingInvitation(secret: secret, at: request.application.renkei.clock.now, on: request.db)
        let user = request.currentUser
        var accountExists = user != nil
        if !accountExists { accountExists = try await UserModel.query(on: request.db).filter(\.$email == row.email).first() != nil }
        return try await InvitationPage(chrome: Chrome(request: request, title: "Guest of \(sig.name)"), csrf: CSRF.token(for: request),
                                        signInURL: SiteURL.signIn.path + "?next=" + request.url.path, sig: sig.name, email: row.email,
                                        agreement: SIGGuestInvitation.agreement(sigName: sig.name), expires: TeamView.minute(row.expiresAt),
                                        signedInAs: user?.email, isInvitee: user?.email == row.email, needsAccount: !accountExists,
                                        displayName: displayName, error: error)
            .render("sig-invitation", on: request)
    }

    struct AcceptForm: Content {
        var agreement: String?
        var displayName: String?
        var password: String?
    }

    func acceptInvitation(request: Request) async throws -> Response {
        guard let secret = request.parameters.get(SiteURL.tokenKey) else { throw AppError.notFound("There is no such invitation.") }
        let form = try request.content.decode(AcceptForm.self)
        let now = request.application.renkei.clock.now
        var newAccount: (name: String, passwordHash: String)?
        if request.currentUser == nil {
            let name = (form.displayName ?? "").trimmingCharacters(in: .whitespaces)
            let password = form.password ?? ""
            guard (1...120).contains(name.count), password.count >= 12 else {
                return try await invitationPage(request: request, displayName: name, error: "Give your name and a password of at least 12 characters.")
                    .encodeResponse(status: .unprocessableEntity, for: request)
            }
            newAccount = (name, try await request.password.async.hash(password))
        }
        do {
            let (user, sig) = try await SIGStore.acceptInvitation(secret: secret, agreementAccepted: form.agreement == "accept", newAccount: newAccount,
                                                                  signedIn: request.currentUser, address: request.clientAddress, now: now, on: request.db)
            if request.currentUser == nil { try await SignInSession.begin(user, request: request) }
            return request.redirect(to: SiteURL.sig(.value(sig.slug)).path, flash: "Welcome to \(sig.name): you take part as a guest")
        } catch let refusal as SIGRefusal where refusal.reason == .agreementNotAccepted {
            return try await invitationPage(request: request, displayName: form.displayName ?? "", error: refusal.message)
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
    }
}
