import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `/api/v1/sigs`: SIGs, their participants and join requests, guests, documents and meetings,
/// under the same rules as the pages (`SIGStore`).
struct SIGsAPIController {
    func register(_ api: any RoutesBuilder) {
        api.get(.apiSIGs, use: list)
        api.post(.apiSIGs, use: propose)
        api.get(.apiSIG(.key), use: show)
        api.post(.apiSIGDecisions(.key), use: decide)
        api.get(.apiSIGParticipants(.key), use: participants)
        api.post(.apiSIGParticipants(.key), use: participate)
        api.get(.apiSIGJoinRequests(.key), use: joinRequests)
        api.post(.apiSIGGuests(.key), use: inviteGuest)
        api.get(.apiSIGDocuments(.key), use: documents)
        api.post(.apiSIGDocuments(.key), use: draftDocument)
        api.get(.apiSIGDocument(.key, .key), use: document)
        api.post(.apiSIGDocument(.key, .key), use: changeDocument)
        api.get(.apiSIGMeetings(.key), use: meetings)
        api.post(.apiSIGMeetings(.key), use: planMeeting)
    }

    /// Every SIG listed to the caller (`SpecialInterestGroup.isListed`), by name: a few dozen at most, so one answer.
    func list(request: Request) async throws -> [SIGSummaryDocument] {
        let snapshot = try await request.sigSnapshot()
        var documents: [SIGSummaryDocument] = []
        for sig in snapshot.sigs.values.filter({ $0.isListed(to: request.currentActor) }).sorted(by: { $0.name < $1.name }) {
            documents.append(try await summary(sig, request: request))
        }
        return documents
    }

    private func summary(_ sig: SpecialInterestGroup, request: Request) async throws -> SIGSummaryDocument {
        let now = request.application.renkei.clock.now
        let snapshot = try await request.sigSnapshot()
        let chairs = snapshot.chairTerms[sig.id]?.filter { $0.value > now } ?? [:]
        let names = try await request.application.renkei.peopleNames.names(of: Set(chairs.keys).union([sig.boardLiaison].compactMap { $0 }), on: request.db)
        var participation: String?
        if let userID = request.currentUser?.id { participation = try await SIGStore.participation(of: userID, in: sig.id, on: request.db)?.state }
        var list: String?
        if let listID = try await SIGModel.find(sig.id, on: request.db)?.listID, let model = try await MailingListModel.find(listID, on: request.db) {
            list = request.application.renkei.mail.listAddress(model.slug)
        }
        return SIGSummaryDocument(sig, chairs: chairs.map { .init(name: names[$0.key] ?? "a former account", until: $0.value) }.sorted { $0.name < $1.name },
                                  liaison: sig.boardLiaison.flatMap { names[$0] }, participants: snapshot.activeCountBySIG[sig.id] ?? 0, list: list,
                                  participation: participation == SIGParticipant.State.ended.rawValue ? nil : participation)
    }

    func show(request: Request) async throws -> SIGSummaryDocument {
        try await summary(try await SIGStore.find(slug: try request.slugParameter(), for: request.currentActor, on: request.db).sig(), request: request)
    }

    func propose(request: Request) async throws -> Response {
        try request.requireJSONBody("the proposal")
        let acting = try Acting(request)
        let input = try request.content.decode(SIGProposalInput.self)
        let sig = try await SIGStore.propose(slug: input.slug, name: input.name, charter: try input.charter(), by: acting, on: request.db)
        return try await summary(sig, request: request).encodeResponse(status: .created, for: request)
    }

    struct DecisionInput: Content {
        var decision: String
        /// The board liaison's account e-mail (`approve-charter`).
        var liaison: String?
        var reason: String?
        /// The charter as amended (`amend-charter`).
        var charter: SIGProposalInput?
    }

    func decide(request: Request) async throws -> SIGSummaryDocument {
        try request.requireJSONBody("the decision")
        let acting = try Acting(request)
        let input = try request.content.decode(DecisionInput.self)
        let step = try await SIGsController.step(decision: input.decision, liaison: input.liaison, reason: input.reason, charter: try input.charter?.charter(),
                                                 on: request.db)
        return try await summary(try await SIGStore.apply(step, to: try request.slugParameter(), by: acting, on: request.db), request: request)
    }

    /// A page of the SIG's participants (`SIGParticipant.mayList`) or requests to join (`mayManage`);
    /// addresses only for those who manage it.
    private func participantPage(_ request: Request, state: SIGParticipant.State) async throws -> Response {
        let actor = try request.currentActor ?? { throw AppError.unauthorized("Sign in first.") }()
        let sig = try await SIGStore.find(slug: try request.slugParameter(), for: actor, on: request.db).sig()
        let now = request.application.renkei.clock.now
        let manages = SIGParticipant.mayManage(in: sig.id, by: actor, isChair: try await SIGStore.isChair(actor, of: sig.id, at: now, on: request.db))
        guard state == .requested ? manages : SIGParticipant.mayList(in: sig.id, by: actor) else {
            throw AppError.forbidden(state == .requested ? "Only the SIG's chairs and the board see requests to join." : "Only the SIG's participants and the board see who takes part.")
        }
        let page = try await SIGStore.participants(of: sig, state: state, page: try request.pageRequest(), on: request.db)
        let people = try await ListStore.readers(page.items.map(\.1), on: request.db)
        let teams = try await request.directorySnapshot().teamNames
        return try await page.response(for: request) { participant, user in
            SIGParticipantDocument(id: participant.userID, name: user.displayName, email: manages ? user.email : nil, kind: participant.kind.rawValue,
                                   state: participant.state.rawValue, team: participant.teamID.flatMap { teams[$0]?.slug },
                                   chairUntil: participant.isChair(at: now) ? participant.chairUntil : nil,
                                   affiliationChanged: participant.affiliationChanged(person: people[participant.userID] ?? user.actor), since: participant.changedAt)
        }
    }

    func participants(request: Request) async throws -> Response {
        try await participantPage(request, state: .active)
    }

    func joinRequests(request: Request) async throws -> Response {
        try await participantPage(request, state: .requested)
    }

    struct ParticipationInput: Content {
        var step: String
        /// The account id of the participant, or the e-mail address; the caller when absent.
        var person: String?
        var reason: String?
    }

    func participate(request: Request) async throws -> Response {
        try request.requireJSONBody("the step")
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let input = try request.content.decode(ParticipationInput.self)
        let participant: SIGParticipant
        if input.step == "join" {
            participant = try await SIGStore.join(slug, by: acting, on: request.db)
        } else {
            guard let step = SIGParticipant.Step(name: input.step, reason: input.reason ?? "") else {
                throw AppError.invalid([FieldError(field: "step", message: "“\(input.step)” is not a step: join, leave, approve, decline, remove, confirm-affiliation, seat-chair, unseat-chair.")])
            }
            participant = try await SIGStore.step(step, on: try await Self.person(input.person, default: acting.actor.userID, on: request.db), in: slug,
                                                  by: acting, on: request.db)
        }
        let user = try await UserModel.find(participant.userID, on: request.db)
        return try await SIGParticipantDocument(id: participant.userID, name: user?.displayName ?? "", email: user?.email, kind: participant.kind.rawValue,
                                                state: participant.state.rawValue, team: nil, chairUntil: participant.chairUntil,
                                                affiliationChanged: false, since: participant.changedAt)
            .encodeResponse(status: .ok, for: request)
    }

    /// A person named by account id or e-mail address (the caller when absent); nil for an
    /// address without an account, which `SIGStore.step` answers like a person who takes no part.
    static func person(_ text: String?, default caller: UUID, on database: any Database) async throws -> UUID? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return caller }
        if let id = UUID(uuidString: text) { return id }
        return try await UserModel.query(on: database).filter(\.$email == text.lowercased()).first()?.id
    }

    struct GuestInput: Content {
        var email: String
    }

    struct GuestInvitationDocument: Content {
        var email: String
        var expiresAt: Date
        var link: String
    }

    func inviteGuest(request: Request) async throws -> Response {
        try request.requireJSONBody("the invitation")
        let acting = try Acting(request)
        let (invitation, link) = try await SIGStore.inviteGuest(try request.content.decode(GuestInput.self).email, to: try request.slugParameter(), by: acting,
                                                                publicURL: request.application.renkei.settings.publicURL, on: request.db)
        return try await GuestInvitationDocument(email: invitation.email, expiresAt: invitation.expiresAt, link: link).encodeResponse(status: .created, for: request)
    }

    // MARK: - Documents

    func documents(request: Request) async throws -> Response {
        let sig = try await SIGStore.find(slug: try request.slugParameter(), for: request.currentActor, on: request.db).sig()
        let page = try await SIGStore.documents(in: sig, readBy: request.currentActor, page: try request.pageRequest(), on: request.db)
        return try await page.response(for: request) {
            SIGDocumentSummary(id: $0.id, title: $0.title, tlp: $0.tlp.text, state: $0.state.rawValue, updatedAt: $0.updatedAt)
        }
    }

    static func document(_ document: SIGDocument, sig: SpecialInterestGroup, for actor: Actor?, on database: any Database) async throws -> SIGDocumentDocument {
        let versions = document.versions(readBy: actor)
        let names = try await DisplayNames.load(users: Set(versions.map(\.editedBy)), teams: [], on: database)
        return SIGDocumentDocument(id: document.id, sig: sig.slug, title: document.title, tlp: document.tlp.text, state: document.state.rawValue,
                                   publishedAt: document.publishedAt, body: document.current.body,
                                   disclaimer: document.state == .published ? SIGDocument.disclaimer(sigName: sig.name) : nil,
                                   versions: versions.map { .init(number: $0.number, title: $0.title, tlp: $0.tlp.text, editedBy: names.user($0.editedBy), editedAt: $0.editedAt) })
    }

    func document(request: Request) async throws -> SIGDocumentDocument {
        let sig = try await SIGStore.find(slug: try request.slugParameter(), for: request.currentActor, on: request.db).sig()
        guard let id = request.parameters.get(SiteURL.documentKey, as: UUID.self) else { throw AppError.notFound("There is no such document.") }
        return try await Self.document(try await SIGStore.document(id, in: sig, readBy: request.currentActor, on: request.db), sig: sig,
                                       for: request.currentActor, on: request.db)
    }

    struct DocumentInput: Content {
        var title: String?
        var body: String?
        var tlp: String?
        /// On an existing document: `revise` (the default) or `publish`.
        var action: String?
        /// With `publish`: the version the chair read.
        var version: Int?

        func label() throws -> TLPLabel {
            try SIGsController.DocumentForm(title: title, body: body, tlp: tlp, action: action, version: version).label()
        }
    }

    func draftDocument(request: Request) async throws -> Response {
        try request.requireJSONBody("the document")
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        let input = try request.content.decode(DocumentInput.self)
        let document = try await SIGStore.change(.draft(title: input.title ?? "", body: input.body ?? "", tlp: try input.label()), in: slug, by: acting, on: request.db)
        let sig = try await SIGStore.find(slug: slug, for: acting.actor, on: request.db).sig()
        return try await Self.document(document, sig: sig, for: acting.actor, on: request.db).encodeResponse(status: .created, for: request)
    }

    func changeDocument(request: Request) async throws -> SIGDocumentDocument {
        try request.requireJSONBody("the change")
        let acting = try Acting(request)
        let slug = try request.slugParameter()
        guard let id = request.parameters.get(SiteURL.documentKey, as: UUID.self) else { throw AppError.notFound("There is no such document.") }
        let input = try request.content.decode(DocumentInput.self)
        let change: SIGStore.DocumentChange
        switch input.action ?? "revise" {
        case "publish": change = .publish(id, version: try SIGsController.publishedVersion(input.version))
        case "revise": change = .revise(id, title: input.title ?? "", body: input.body ?? "", tlp: try input.label())
        default: throw AppError.invalid([FieldError(field: "action", message: "The action is “revise” or “publish”.")])
        }
        let document = try await SIGStore.change(change, in: slug, by: acting, on: request.db)
        let sig = try await SIGStore.find(slug: slug, for: acting.actor, on: request.db).sig()
        return try await Self.document(document, sig: sig, for: acting.actor, on: request.db)
    }

    // MARK: - Meetings

    func meetings(request: Request) async throws -> Response {
        let actor = try request.currentActor ?? { throw AppError.unauthorized("Sign in first.") }()
        let sig = try await SIGStore.find(slug: try request.slugParameter(), for: actor, on: request.db).sig()
        guard AccessPolicy.takesPart(actor, in: sig.id) else { throw AppError.forbidden("Only the SIG's participants see its meetings.") }
        let page = try await SIGStore.meetings(in: sig, readBy: actor, page: try request.pageRequest(), on: request.db)
        return try await page.response(for: request) {
            SIGMeetingDocument(id: $0.id, title: $0.title, startsAt: $0.startsAt, timeZone: $0.timeZone, location: $0.location, agenda: $0.agenda,
                               minutes: $0.minutesDocumentID)
        }
    }

    struct MeetingInput: Content {
        var title: String?
        /// RFC 3339, with an offset or Z.
        var startsAt: Date?
        var timeZone: String?
        var location: String?
        var agenda: String?
    }

    func planMeeting(request: Request) async throws -> Response {
        try request.requireJSONBody("the meeting")
        let acting = try Acting(request)
        let input = try request.content.decode(MeetingInput.self)
        let meeting = try await SIGStore.planMeeting(in: try request.slugParameter(), title: input.title ?? "", startsAt: input.startsAt,
                                                     timeZone: input.timeZone ?? "", location: input.location ?? "", agenda: input.agenda ?? "",
                                                     by: acting, on: request.db)
        return try await SIGMeetingDocument(id: meeting.id, title: meeting.title, startsAt: meeting.startsAt, timeZone: meeting.timeZone,
                                            location: meeting.location, agenda: meeting.agenda, minutes: nil).encodeResponse(status: .created, for: request)
    }
}
