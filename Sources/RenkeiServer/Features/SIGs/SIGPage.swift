import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A SIG's page as its reader may see it: the charter for everyone; the space (items,
/// documents, meetings, participants) for its participants; published documents as their
/// labels allow; the chairs' and the board's tools for them. Each list pages on its own
/// query parameter (`items`, `documents`, `meetings`, `participants`).
struct SIGPage: Encodable {
    struct Person: Encodable {
        var id: String
        var name: String
        var team: String?
        var kind: String
        var chairUntil: String?
        var affiliationChanged: Bool
        var steps: [Step]?
    }
    struct Step: Encodable {
        var name: String
        var label: String
        var needsReason: Bool
    }
    struct ItemRow: Encodable {
        var url: String
        var title: String
        var label: SharedItemsController.Label
        var author: String
        var created: String
    }
    struct DocumentRow: Encodable {
        var id: String
        var url: String
        var title: String
        var label: SharedItemsController.Label
        var state: String
        var updated: String
    }
    struct MeetingRow: Encodable {
        var id: String
        var title: String
        var startsLocal: String
        var startsUTC: String
        var location: String
        var agendaHTML: String?
        var minutesURL: String?
        var minutesFormURL: String
    }
    /// A refused form of this page: which one, why, and its fields' problems.
    struct FormError: Encodable {
        var form: String
        var message: String
        var fields: [String: String]
    }
    /// What was typed into the refused form, shown again.
    struct Typed: Encodable {
        var email: String?
        var title: String?
        var body: String?
        var label: String?
        var startsAt: String?
        var timeZone: String?
        var location: String?
        var agenda: String?
    }
    struct BoardMember: Encodable {
        var email: String
        var name: String
    }

    var chrome: Chrome
    var name: String
    var slug: String
    var status: String
    var isProposed: Bool
    var isRetired: Bool
    var retirement: String?
    var mission: String
    var scope: String
    var deliverables: String
    var decisionMaking: String
    var label: SharedItemsController.Label
    var joining: String
    var chairsAppointed: String
    var chairs: [Person]?
    var liaison: String?
    var charterApproved: String?
    var charterDue: String?
    var charterOverdue: Bool
    var participantCount: Int
    // The reader's own standing.
    var signedIn: Bool
    var takesPart: Bool
    var isGuest: Bool
    var hasRequested: Bool
    var canJoin: Bool
    var joinLabel: String
    var isChair: Bool
    var isBoard: Bool
    var canLeave: Bool
    var canWriteDocuments: Bool
    /// Why the reader's seat reads nothing now (moved team, membership ended).
    var seatOnHold: Bool
    // The space.
    var items: [ItemRow]?
    var itemsOlderURL: String?
    var shareURL: String?
    var listURL: String?
    var listAddress: String?
    var documents: [DocumentRow]?
    var documentsOlderURL: String?
    var meetings: [MeetingRow]?
    var meetingsOlderURL: String?
    var documentChoices: [DocumentRow]?
    var participants: [Person]?
    var participantsMoreURL: String?
    var requests: [Person]?
    var labels: [String]
    var boardMembers: [BoardMember]?
    // Form targets.
    var decisionsURL: String
    var participantsURL: String
    var guestsURL: String
    var documentsURL: String
    var meetingsURL: String
    var defaultZone: String
    var formError: FormError?
    var typed = Typed()
    /// How many requests to join wait for this reader's decision.
    var waitingRequests: Int?

    static func build(for request: Request) async throws -> SIGPage {
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let model = try await SIGStore.find(slug: try request.slugParameter(), for: actor, on: request.db)
        let sig = try model.sig()
        let sigID = sig.id
        let database = request.db
        var mine: SIGParticipantModel?
        if let actor { mine = try await SIGStore.participation(of: actor.userID, in: sigID, on: database) }
        let myState = mine?.participant.state
        let takesPart = actor.map { AccessPolicy.takesPart($0, in: sigID) } ?? false
        let isChair = actor.map { mine?.participant.actsAsChair($0, at: now) == true } ?? false
        let isBoard = actor?.roles.contains(.board) == true
        let snapshot = try await request.directorySnapshot()
        let path = SiteURL.sig(.value(sig.slug)).path

        func cursor(_ name: String) throws -> PageRequest {
            try PageRequest.parse(limit: nil, cursor: request.query[String.self, at: name])
        }
        func older(_ name: String, _ next: PageCursor?) -> String? {
            next.map { path + "?\(name)=" + $0.encoded + "#\(name)" }
        }

        // Chairs, for everyone: the charter names who leads.
        let chairRows = try await SIGParticipantModel.query(on: database).filter(\.$sigID == sigID)
            .filter(\.$state == SIGParticipant.State.active.rawValue).filter(\.$chairUntil > now).all()
        var names = try await DisplayNames.load(users: Set(chairRows.map(\.userID) + [sig.boardLiaison].compactMap { $0 }), teams: [], on: database)
        names.teams = snapshot.teamNames
        let chairs = chairRows.map { row in
            Person(id: row.userID.uuidString, name: names.user(row.userID), team: row.teamID.map(names.team), kind: row.kind,
                   chairUntil: row.chairUntil.map(TeamView.day), affiliationChanged: false, steps: nil)
        }

        let participantCount = try await request.sigSnapshot().activeCountBySIG[sigID] ?? 0
        let canJoin = (actor.map(AccessPolicy.isMemberOfMemberTeam) ?? false) && sig.isOpenForWork && (myState == nil || myState == .ended)
        var page = SIGPage(
            chrome: Chrome(request: request, title: sig.name), name: sig.name, slug: sig.slug, status: sig.status.label,
            isProposed: sig.status == .proposed, isRetired: sig.status == .retired,
            retirement: sig.retiredAt.map { "Retired on \(TeamView.day($0)): \(sig.retirementReason ?? "")" },
            mission: sig.charter.mission, scope: sig.charter.scope, deliverables: sig.charter.deliverables, decisionMaking: sig.charter.decisionMaking,
            label: .init(sig.charter.defaultLabel), joining: sig.charter.joining == .open ? "People of member teams join at once." : "People of member teams ask to join; the chairs decide.",
            chairsAppointed: sig.charter.chairsAppointedByBoard ? "The board appoints the chairs." : "The participants elect the chairs, for two years.",
            chairs: chairs.nonEmpty, liaison: sig.boardLiaison.map(names.user), charterApproved: sig.charterApprovedAt.map(TeamView.day),
            charterDue: sig.charterDue.map(TeamView.day), charterOverdue: sig.isCharterOverdue(at: now),
            participantCount: participantCount,
            signedIn: actor != nil, takesPart: takesPart, isGuest: mine?.participant.kind == .guest && myState == .active,
            hasRequested: myState == .requested, canJoin: canJoin,
            joinLabel: sig.charter.joining == .open ? "Join" : "Ask to join", isChair: isChair, isBoard: isBoard,
            canLeave: myState == .active || myState == .requested, canWriteDocuments: takesPart && sig.isOpenForWork,
            seatOnHold: myState == .active && !takesPart,
            labels: TLPLabel.allCases.filter { $0 != .red }.map(\.text),
            decisionsURL: SiteURL.sigDecisions(.value(sig.slug)).path, participantsURL: SiteURL.sigParticipants(.value(sig.slug)).path,
            guestsURL: SiteURL.sigGuests(.value(sig.slug)).path, documentsURL: SiteURL.sigDocuments(.value(sig.slug)).path,
            meetingsURL: SiteURL.sigMeetings(.value(sig.slug)).path, defaultZone: "UTC")

        // Documents: published ones for whom their label allows, drafts for participants.
        let documents = try await SIGStore.documents(in: sig, readBy: actor, page: try cursor("documents"), on: database)
        page.documents = documents.items.map { document in
            DocumentRow(id: document.id.uuidString, url: SiteURL.sigDocument(.value(sig.slug), .value(document.id.uuidString)).path, title: document.title, label: .init(document.tlp),
                        state: document.state.rawValue, updated: TeamView.minute(document.updatedAt))
        }.nonEmpty
        page.documentsOlderURL = older("documents", documents.next)

        if isBoard, sig.status != .retired {
            page.boardMembers = try await SIGStore.boardMembers(on: database).map { BoardMember(email: $0.email, name: $0.displayName) }.nonEmpty
        }
        guard let actor else { return page }
        if takesPart { try await addSpace(to: &page, sig: sig, listID: model.listID, reader: actor, request: request) }
        if isChair { page.documentChoices = page.documents }

        // Participants for those who take part and the board, with the steps each may take on
        // them; requests for the chairs (and the board, which decides while there is none).
        guard SIGParticipant.mayList(in: sigID, by: actor) else { return page }
        let manages = SIGParticipant.mayManage(in: sigID, by: actor, isChair: isChair)
        let participants = try await SIGStore.participants(of: sig, state: .active, page: try cursor("participants"), on: database)
        let people = try await ListStore.readers(participants.items.map(\.1), on: database)
        let chairCount = chairRows.count
        func person(_ participant: SIGParticipant, _ user: UserModel, seen: Actor, withSteps: Bool) -> Person {
            let context = SIGParticipant.Context(sig: sig, actor: actor, actorIsChair: isChair, person: seen, chairCount: chairCount, now: now)
            return Person(id: participant.userID.uuidString, name: user.displayName, team: participant.teamID.map(names.team), kind: participant.kind.rawValue,
                          chairUntil: participant.isChair(at: now) ? participant.chairUntil.map(TeamView.day) : nil,
                          affiliationChanged: participant.affiliationChanged(person: seen),
                          // One's own leaving and stepping down are in "my participation", asked to confirm.
                          steps: withSteps && participant.userID != actor.userID ? participant.availableSteps(in: context).filter { $0.name != "leave" }.map {
                              Step(name: $0.name, label: $0.label(chairsAppointedByBoard: sig.charter.chairsAppointedByBoard), needsReason: $0.needsReason)
                          }.nonEmpty : nil)
        }
        page.participants = participants.items.map { person($0.0, $0.1, seen: people[$0.0.userID] ?? $0.1.actor, withSteps: manages) }.nonEmpty
        page.participantsMoreURL = older("participants", participants.next)
        if manages {
            let requests = try await SIGStore.participants(of: sig, state: .requested, page: PageRequest(limit: PageRequest.maximumLimit), on: database)
            let requesters = try await ListStore.readers(requests.items.map(\.1), on: database)
            page.requests = requests.items.map { person($0.0, $0.1, seen: requesters[$0.0.userID] ?? $0.1.actor, withSteps: true) }
                .filter { $0.steps != nil }.nonEmpty
            page.waitingRequests = page.requests?.count
        }
        return page
    }

    /// The items shared with the SIG, its list and its meetings: for those who take part.
    private static func addSpace(to page: inout SIGPage, sig: SpecialInterestGroup, listID: UUID?, reader actor: Actor, request: Request) async throws {
        let database = request.db
        let path = SiteURL.sig(.value(sig.slug)).path
        func cursor(_ name: String) throws -> PageRequest {
            try PageRequest.parse(limit: nil, cursor: request.query[String.self, at: name])
        }
        func older(_ name: String, _ next: PageCursor?) -> String? {
            next.map { path + "?\(name)=" + $0.encoded + "#\(name)" }
        }
        let items = try await SharedItemStore.readable(by: actor, sharedWith: sig.id, page: try cursor("items"),
                                                       decoded: request.application.renkei.decodedItems, on: database)
        try await SharedItemStore.recordReads(items.items, channel: "sig \(sig.slug)", request: request)
        page.items = items.items.map { item in
            ItemRow(url: SiteURL.item(.value(item.id.uuidString)).path, title: item.title, label: .init(item.tlp),
                    author: item.authorName + (item.authorTeamName.map { " (\($0))" } ?? ""), created: TeamView.minute(item.createdAt))
        }.nonEmpty
        page.itemsOlderURL = older("items", items.next)
        if sig.isOpenForWork, SharedItem.canShare(actor) { page.shareURL = SiteURL.itemNew.path + "?sig=" + sig.slug }
        if let listID, let list = try await MailingListModel.find(listID, on: database) {
            page.listURL = SiteURL.list(.value(list.slug)).path
            page.listAddress = request.application.renkei.mail.listAddress(list.slug)
        }
        let meetings = try await SIGStore.meetings(in: sig, readBy: actor, page: try cursor("meetings"), on: database)
        page.meetings = meetings.items.map { meeting in
            let zone = TimeZone(identifier: meeting.timeZone) ?? .gmt
            return MeetingRow(id: meeting.id.uuidString, title: meeting.title,
                              startsLocal: meeting.startsAt.formatted(Date.VerbatimFormatStyle(format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)", timeZone: zone, calendar: Calendar(identifier: .gregorian))) + " " + meeting.timeZone,
                              startsUTC: TeamView.minute(meeting.startsAt), location: meeting.location, agendaHTML: meeting.agenda.nonBlank.map(Markdown.html),
                              minutesURL: meeting.minutesDocumentID.map { SiteURL.sigDocument(.value(sig.slug), .value($0.uuidString)).path },
                              minutesFormURL: SiteURL.sigMeetingMinutes(.value(sig.slug), .value(meeting.id.uuidString)).path)
        }.nonEmpty
        page.meetingsOlderURL = older("meetings", meetings.next)
    }
}

extension SIGParticipant.Step {
    /// The step as a button says it; where the board appoints the chairs, it appoints.
    func label(chairsAppointedByBoard: Bool) -> String {
        switch self {
        case .join: "Join"
        case .approve: "Approve"
        case .decline: "Decline"
        case .leave: "Leave"
        case .remove: "Remove"
        case .confirmAffiliation: "Keep for their new team"
        case .seatChair: chairsAppointedByBoard ? "Appoint as chair" : "Record as elected chair"
        case .unseatChair: "End chair's term"
        }
    }

    /// What the page says once the step is taken.
    func done(_ participant: SIGParticipant) -> String {
        switch self {
        case .join: participant.state == .active ? "You take part now; the SIG's list reaches you" : "Asked: the chairs (the board, while there is none) decide"
        case .approve: "Approved: they take part now"
        case .decline: "Declined; they are told, with your reason"
        case .leave: "You no longer take part"
        case .remove: "Removed; they are told, with your reason"
        case .confirmAffiliation: "Kept for their new team"
        case .seatChair: "Chair until \(participant.chairUntil.map(TeamView.day) ?? "—")"
        case .unseatChair: "The chair's term ended"
        }
    }
}

/// One of a SIG's documents, at its current version or (`?version=N`) an earlier one.
struct SIGDocumentPage: Encodable {
    struct Version: Encodable {
        var number: Int
        var title: String
        var body: String
        var label: String

        init(_ version: SIGDocument.Version) {
            number = version.number
            title = version.title
            body = version.body
            label = version.tlp.text
        }
    }
    struct VersionRow: Encodable {
        var number: Int
        var url: String
        var editor: String
        var edited: String
        var label: SharedItemsController.Label
        var isShown: Bool
    }
    var chrome: Chrome
    var sig: String
    var sigURL: String
    var title: String
    var label: SharedItemsController.Label
    var state: String
    var isPublished: Bool
    var published: String?
    var bodyHTML: String
    /// The newest version, which the form for a new version starts from and a chair publishes.
    var current: Version
    var disclaimer: String?
    var shownVersion: Int
    var isCurrentShown: Bool
    var versions: [VersionRow]
    var canEdit: Bool
    var canPublish: Bool
    var formURL: String
    var labels: [String]

    static func build(for request: Request) async throws -> SIGDocumentPage {
        let actor = request.currentActor
        let now = request.application.renkei.clock.now
        let sig = try await SIGStore.find(slug: try request.slugParameter(), for: actor, on: request.db).sig()
        guard let id = request.parameters.get(SiteURL.documentKey, as: UUID.self) else { throw AppError.notFound("There is no such document.") }
        let document = try await SIGStore.document(id, in: sig, readBy: actor, on: request.db)
        // Readers outside the SIG read only the published text, not the drafts before it.
        let versions = document.versions(readBy: actor)
        let wanted = request.query[Int.self, at: "version"] ?? document.current.number
        guard let shown = versions.first(where: { $0.number == wanted }) else { throw AppError.notFound("There is no such version of the document.") }
        let names = try await DisplayNames.load(users: Set(versions.map(\.editedBy)), teams: [], on: request.db)
        let takesPart = actor.map { AccessPolicy.takesPart($0, in: sig.id) } ?? false
        var isChair = false
        if let actor { isChair = try await SIGStore.isChair(actor, of: sig.id, at: now, on: request.db) }
        let path = SiteURL.sigDocument(.value(sig.slug), .value(id.uuidString)).path
        return SIGDocumentPage(
            chrome: Chrome(request: request, title: shown.title), sig: sig.name, sigURL: SiteURL.sig(.value(sig.slug)).path, title: shown.title,
            label: .init(shown.tlp), state: document.state.rawValue, isPublished: document.state == .published,
            published: document.publishedAt.map(TeamView.minute), bodyHTML: Markdown.html(shown.body), current: Version(document.current),
            disclaimer: document.state == .published ? SIGDocument.disclaimer(sigName: sig.name) : nil, shownVersion: shown.number,
            isCurrentShown: shown.number == document.current.number,
            versions: versions.reversed().map { version in
                VersionRow(number: version.number, url: path + "?version=\(version.number)", editor: names.user(version.editedBy),
                           edited: TeamView.minute(version.editedAt), label: .init(version.tlp), isShown: version.number == shown.number)
            },
            canEdit: takesPart && sig.isOpenForWork && (document.state == .draft || isChair),
            canPublish: isChair && document.state == .draft && sig.isOpenForWork,
            formURL: path, labels: TLPLabel.allCases.filter { $0 != .red }.map(\.text))
    }
}
