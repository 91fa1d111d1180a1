import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// The abuse desk in pages: a team's notices and how it receives them; a notice's events, to
/// acknowledge and close; the secretariat's view of every notice and of the unrouted queue.
struct AbuseController {
    static let eventsPerPage = 100

    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.abuse, use: desk)
        forms.post(.abuse, use: choosePreference)
        pages.get(.abuseNotice(.key), use: notice)
        forms.post(.abuseNotice(.key), use: markEvents)
        pages.get(.abuseNoticeEvents(.key), use: noticeCSV)
        forms.post(.abuseNoticeAcknowledgement(.key), use: acknowledge)
    }

    struct DeskPage: Encodable {
        struct Notice: Encodable {
            var ticket: String
            var link: String
            var team: String
            var at: String
            var events: Int
            var tlp: String
            var tlpClass: String
            var acknowledged: String?
        }
        struct Choice: Encodable {
            var value: String
            var checked: Bool
        }
        var chrome: Chrome
        /// Leaf takes an empty array for true.
        var hasNotices: Bool
        var notices: [Notice]
        var olderURL: String?
        var waiting: String?
        var unroutedWaiting: String?
        var unrouted: [AbuseStore.EventRow]?
        var schedules: [Choice]?
        var types: [Choice]?
        var attachments: [Choice]?
        var feeds: [AbuseFeeds.Row]?
    }

    func desk(request: Request) async throws -> View {
        let user = try request.requireUser()
        let actor = request.currentActor
        let page = try await AbuseStore.notices(for: actor, page: try request.pageRequest(), on: request.db)
        let teams = try await DisplayNames.load(users: Set(page.items.compactMap(\.acknowledgedBy)), teams: Set(page.items.map(\.teamID)), on: request.db)
        var view = DeskPage(chrome: Chrome(request: request, title: "Abuse notices"), hasNotices: !page.items.isEmpty,
                            notices: page.items.map { Self.row($0, names: teams) },
                            olderURL: page.next.map(request.nextPagePath))
        if let team = user.$team.id {
            view.waiting = Self.counted(try await AbuseStore.waiting(team: team, on: request.db))
            if AbuseAccess.mayChoosePreference(for: team, actor) {
                let preference = try await AbusePreferenceModel.find(team, on: request.db)?.preference ?? .standard
                view.schedules = AbuseSchedule.allCases.map { .init(value: $0.rawValue, checked: $0 == preference.schedule) }
                view.types = AbuseType.allCases.map { .init(value: $0.rawValue, checked: preference.types.contains($0)) }
                view.attachments = AbuseAttachment.allCases.map { .init(value: $0.rawValue, checked: $0 == preference.attachment) }
            }
        }
        if AbuseAccess.mayHandle(eventsOf: nil, actor) {
            view.unroutedWaiting = Self.counted(try await AbuseStore.waiting(team: nil, on: request.db))
            view.unrouted = try await AbuseStore.unrouted(before: nil, limit: 50, on: request.db)
            view.feeds = try await AbuseFeeds.all(on: request.db).map(AbuseFeeds.row)
        }
        return try await view.render("abuse", on: request)
    }

    static func counted(_ count: Int) -> String {
        count > AbuseStore.countLimit ? "more than \(AbuseStore.countLimit)" : String(count)
    }

    /// `names` holds the notice's team and whoever acknowledged it.
    static func row(_ notice: AbuseNoticeModel, names: DisplayNames) -> DeskPage.Notice {
        let acknowledged = notice.acknowledgedAt.map { at in
            TeamView.minute(at) + (notice.acknowledgedBy.map { " by \(names.user($0))" } ?? "")
                + (notice.acknowledgedVia == AbuseStore.Acknowledgement.reply.rawValue ? ", by replying to the notice" : "")
        }
        return DeskPage.Notice(ticket: notice.ticket, link: SiteURL.abuseNotice(.value(notice.ticket)).path, team: names.team(notice.teamID),
                               at: TeamView.minute(notice.createdAt), events: notice.events, tlp: notice.label.text,
                               tlpClass: SharedItemsController.Label(notice.label).cssClass, acknowledged: acknowledged)
    }

    struct PreferenceForm: Content {
        var schedule: String
        var types: [String]?
        var attachment: String?
    }

    func choosePreference(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard let team = user.$team.id, AbuseAccess.mayChoosePreference(for: team, request.currentActor) else {
            throw AppError.forbidden("A team's representatives choose how it receives abuse events.")
        }
        let form = try request.content.decode(PreferenceForm.self)
        guard let schedule = AbuseSchedule(rawValue: form.schedule) else {
            throw AppError.invalid([FieldError(field: "schedule", message: "Choose immediately, hourly or daily.")])
        }
        var types = Set<AbuseType>()
        for text in form.types ?? [] {
            guard let type = AbuseType(rawValue: text) else { throw AppError.invalid([FieldError(field: "types", message: "“\(text.prefix(40))” is not a classification type.")]) }
            types.insert(type)
        }
        let now = request.application.renkei.clock.now
        guard let attachment = AbuseAttachment(rawValue: form.attachment ?? AbuseAttachment.csv.rawValue) else {
            throw AppError.invalid([FieldError(field: "attachment", message: "Choose csv or xarf.")])
        }
        let preference = AbusePreference(schedule: schedule, types: types, attachment: attachment)
        if let stored = try await AbusePreferenceModel.find(team, on: request.db) {
            stored.set(preference, at: now)
            try await stored.save(on: request.db)
        } else {
            try await AbusePreferenceModel(teamID: team, preference: preference, at: now).create(on: request.db)
        }
        return request.redirect(to: SiteURL.abuse.path, flash: "Your team now receives abuse notices \(schedule.rawValue), with the events as \(attachment == .xarf ? "XARF v4 reports" : "CSV")")
    }

    struct NoticePage: Encodable {
        var chrome: Chrome
        var notice: DeskPage.Notice
        var open: Int
        var mayAcknowledge: Bool
        var hasEvents: Bool
        var eventsURL: String
        var acknowledgeURL: String
        var markURL: String
        var events: [AbuseStore.EventRow]
        var firstURL: String?
        var nextURL: String?
        var statuses: [String]
        /// Which events the page lists, by status.
        var filters: [Option]
    }

    /// An option of a select on the abuse pages.
    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    func notice(request: Request) async throws -> View {
        _ = try request.requireUser()
        let notice = try await AbuseStore.notice(try ticket(request), for: request.currentActor, on: request.db)
        let after = try? request.query.get(Int64.self, at: "after")
        let status = request.query[String.self, at: "status"].flatMap(AbuseEventTable.Status.init(rawValue:))
        let rows = try await AbuseStore.events(of: notice, status: status, after: after, limit: Self.eventsPerPage + 1, on: request.db)
        let shown = Array(rows.prefix(Self.eventsPerPage))
        let names = try await DisplayNames.load(users: Set([notice.acknowledgedBy].compactMap { $0 }), teams: [notice.teamID], on: request.db)
        let path = SiteURL.abuseNotice(.value(notice.ticket)).path
        let filter = status.map { "status=\($0.rawValue)" }
        func link(after: Int64?) -> String {
            let query = [filter, after.map { "after=\($0)" }].compactMap { $0 }.joined(separator: "&")
            return path + (query.isEmpty ? "" : "?" + query)
        }
        return try await NoticePage(chrome: Chrome(request: request, title: "Notice \(notice.ticket)"), notice: Self.row(notice, names: names),
                                    open: try await AbuseStore.openEvents(of: notice, on: request.db),
                                    mayAcknowledge: AbuseAccess.mayAcknowledge(noticeOf: notice.teamID, request.currentActor), hasEvents: !shown.isEmpty,
                                    eventsURL: SiteURL.abuseNoticeEvents(.value(notice.ticket)).path,
                                    acknowledgeURL: SiteURL.abuseNoticeAcknowledgement(.value(notice.ticket)).path,
                                    markURL: link(after: after), events: shown,
                                    firstURL: after == nil ? nil : link(after: nil),
                                    nextURL: rows.count > Self.eventsPerPage ? shown.last.map { link(after: $0.id) } : nil,
                                    statuses: AbuseEventTable.Status.markable.map(\.rawValue),
                                    filters: [("", "every status")].map { Option(value: $0.0, label: $0.1, selected: status == nil) }
                                        + AbuseEventTable.Status.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == status) })
            .render("abuse-notice", on: request)
    }

    /// The notice's events as its mail attached them, for the team's tools.
    func noticeCSV(request: Request) async throws -> Response {
        _ = try request.requireUser()
        let notice = try await AbuseStore.notice(try ticket(request), for: request.currentActor, on: request.db)
        guard let sql = request.db as? any SQLDatabase else { throw AppError.notFound("There is no such notice.") }
        let rows = try await AbuseStore.noticeRows(try notice.requireID(), on: sql)
        let response = Response(status: .ok, body: .init(string: AbuseNotice.csv(rows)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        // The label travels in the file's name, as a CSV has no place for it.
        response.headers.setAttachment(named: "\(notice.ticket)_TLP-\(notice.label.rawValue).csv")
        return response
    }

    func acknowledge(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let notice = try await AbuseStore.notice(try ticket(request), for: request.currentActor, on: request.db)
        guard AbuseAccess.mayAcknowledge(noticeOf: notice.teamID, request.currentActor) else {
            throw AppError.forbidden("A notice is acknowledged by the team it was sent to.")
        }
        try await AbuseStore.acknowledge(notice, by: try user.requireID(), via: .web, at: request.application.renkei.clock.now, on: request.db)
        return request.redirect(to: SiteURL.abuseNotice(.value(notice.ticket)).path, flash: "Notice \(notice.ticket) acknowledged")
    }

    struct MarkForm: Content {
        var events: [Int64]?
        var status: String
    }

    func markEvents(request: Request) async throws -> Response {
        let notice = try await AbuseStore.notice(try ticket(request), for: request.currentActor, on: request.db)
        let form = try request.content.decode(MarkForm.self)
        guard let status = AbuseEventTable.Status(rawValue: form.status), AbuseEventTable.Status.markable.contains(status) else {
            throw AppError.invalid([FieldError(field: "status", message: "Choose open, resolved or false-positive.")])
        }
        // Back to the page the form was on: the same filter and the same events.
        let page = request.url.query.map { "?" + $0 } ?? ""
        guard let ids = form.events, !ids.isEmpty else {
            return request.redirect(to: SiteURL.abuseNotice(.value(notice.ticket)).path + page, flash: "No event was ticked: nothing marked")
        }
        let changed = try await AbuseStore.mark(ids, of: notice, as: status, on: request.db)
        return request.redirect(to: SiteURL.abuseNotice(.value(notice.ticket)).path + page,
                                flash: "\(changed) event\(changed == 1 ? "" : "s") marked as \(status == .falsePositive ? "false positive" : status.rawValue)")
    }

    private func ticket(_ request: Request) throws -> String {
        guard let ticket = request.parameters.get(SiteURL.ticketKey), ticket.utf8.count <= 40 else { throw AppError.notFound("There is no such notice.") }
        return ticket
    }
}
