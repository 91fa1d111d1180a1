import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Reachability tests on the web: the campaigns and their figures (members, without team
/// names), each campaign's teams, the export, scheduling and the list of unreachable teams
/// (the secretariat), a team's own history, and the page a challenge's link opens.
struct ReachabilityController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.reachability, use: index)
        forms.post(.reachabilityCampaigns, use: start)
        pages.get(.reachabilityCampaign(.key), use: campaign)
        pages.get(.reachabilityCampaignCSV(.key), use: csv)
        forms.post(.reachabilityCampaignRepeat(.key), use: stopRepeating)
        pages.get(.reachabilityAnswer(.key), use: answerForm)
        forms.post(.reachabilityAnswer(.key), use: answer)
        pages.get(.teamReachability(.key), use: teamHistory)
    }

    static let campaignsPerPage = 24

    struct FiguresRow: Encodable {
        var name: String
        var challenged: String
        var withinHour: String
        var withinDay: String
        var withinWeek: String
        var bounced: String
        var autoReplied: String

        /// `nil` figures: too few teams for the reader (`ReachabilityResults.shown`), shown as dashes.
        init(name: String, _ figures: ReachabilityFigures?) {
            self.name = name
            let count = { (value: Int) in figures.map { "\(value) (\($0.percent(value)))" } ?? "–" }
            challenged = figures.map { String($0.challenged) } ?? "–"
            withinHour = count(figures?.withinHour ?? 0)
            withinDay = count(figures?.withinDay ?? 0)
            withinWeek = count(figures?.withinWeek ?? 0)
            bounced = figures.map { String($0.bounced) } ?? "–"
            autoReplied = figures.map { String($0.autoReplied) } ?? "–"
        }
    }

    struct IndexPage: Encodable {
        struct Campaign: Encodable {
            var url: String
            var started: String
            var scope: String
            var state: String
            var figures: FiguresRow
        }
        struct Unreachable: Encodable {
            var name: String
            var url: String
            var misses: Int
            var since: String
        }
        struct Choice: Encodable {
            var code: String
            var label: String
        }
        var chrome: Chrome
        var campaigns: [Campaign]
        var hasCampaigns: Bool
        var olderURL: String?
        var csrf: String?
        var startURL: String
        var scopes: [Choice]
        var unreachable: [Unreachable]?
        var hasUnreachable: Bool
        var smallestGroup: Int
    }

    private func requireReader(_ request: Request) throws -> Actor? {
        let actor = request.currentActor
        guard actor != nil else { throw AppError.unauthorized("Sign in to read the reachability tests.") }
        guard ReachabilityPolicy.canReadFigures(actor) else { throw AppError.forbidden("The reachability tests are for members of the community.") }
        return actor
    }

    func index(request: Request) async throws -> View {
        let actor = try requireReader(request)
        var query = ReachabilityCampaignModel.query(on: request.db).sort(\.$startedAt, .descending).sort(\.$id, .descending)
        if let before = request.query[Double.self, at: "before"] { query = query.filter(\.$startedAt < Date(timeIntervalSince1970: before)) }
        let campaigns = try await query.limit(Self.campaignsPerPage + 1).all()
        let shown = Array(campaigns.prefix(Self.campaignsPerPage))
        let totals = try await ReachabilityStore.totals(of: shown.compactMap(\.id), on: request.db)
        let now = request.application.renkei.clock.now
        let secretariat = ReachabilityPolicy.canRunCampaigns(actor)
        var unreachable: [IndexPage.Unreachable]?
        if secretariat {
            unreachable = try await ReachabilityStore.unreachable(on: request.db).map {
                IndexPage.Unreachable(name: $0.team.shortName, url: SiteURL.teamReachability(.value($0.team.slug)).path, misses: $0.misses,
                                      since: TeamView.day($0.since))
            }
        }
        return try await IndexPage(
            chrome: Chrome(request: request, title: "Reachability tests"),
            campaigns: try shown.map { campaign in
                // Members see no figure of fewer teams than a group may have (`ReachabilityResults`).
                let total = totals[try campaign.requireID()] ?? ReachabilityFigures()
                let shownTotal = secretariat || total.challenged >= ReachabilityResults.smallestGroup ? total : nil
                return IndexPage.Campaign(url: SiteURL.reachabilityCampaign(.value(try campaign.requireID().uuidString)).path,
                                          started: TeamView.minute(campaign.startedAt),
                                          scope: (ReachabilityScope(code: campaign.scope)?.label ?? campaign.scope) + (campaign.repeatsMonthly ? ", monthly" : ""),
                                          state: Self.state(campaign, now: now), figures: FiguresRow(name: "", shownTotal))
            },
            hasCampaigns: !shown.isEmpty,
            olderURL: campaigns.count > Self.campaignsPerPage ? shown.last.map { "\(SiteURL.reachability.path)?before=\($0.startedAt.timeIntervalSince1970)" } : nil,
            csrf: secretariat ? CSRF.token(for: request) : nil, startURL: SiteURL.reachabilityCampaigns.path,
            scopes: ReachabilityScope.choices.map { IndexPage.Choice(code: $0.code, label: $0.label) },
            unreachable: unreachable, hasUnreachable: unreachable?.isEmpty == false, smallestGroup: ReachabilityResults.smallestGroup
        ).render("reachability", on: request)
    }

    private static func state(_ campaign: ReachabilityCampaignModel, now: Date) -> String {
        campaign.closedAt != nil || now >= campaign.closesAt ? "closed \(TeamView.day(campaign.closesAt))" : "open until \(TeamView.minute(campaign.closesAt))"
    }

    struct StartForm: Content {
        var scope: String?
        var repeatsMonthly: String?
    }

    func start(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard ReachabilityPolicy.canRunCampaigns(user.actor) else { throw AppError.forbidden("Campaigns are the secretariat's to start.") }
        let form = try request.content.decode(StartForm.self)
        guard let scope = form.scope.flatMap(ReachabilityScope.init(code:)) else {
            throw AppError.invalid([FieldError(field: "scope", message: "Choose which teams to test.")])
        }
        let now = request.application.renkei.clock.now
        let (campaign, teams) = try await ReachabilityStore.start(scope: scope, repeatsMonthly: form.repeatsMonthly == "on", by: user.displayName,
                                                                  now: now, mail: request.application.renkei.mail, on: request.db)
        try await AuditLog.record("reachability.start", subject: "campaign \(try campaign.requireID())", detail: "\(scope.label): \(teams) teams",
                                  actor: user, address: request.clientAddress, at: now, on: request.db)
        return request.redirect(to: SiteURL.reachabilityCampaign(.value(try campaign.requireID().uuidString)).path,
                                flash: "Reachability test started: \(teams) teams challenged")
    }

    private func requireCampaign(_ request: Request) async throws -> ReachabilityCampaignModel {
        guard let id = request.parameters.get(SiteURL.campaignKey).flatMap(UUID.init(uuidString:)),
              let campaign = try await ReachabilityCampaignModel.find(id, on: request.db) else {
            throw AppError.notFound("There is no such reachability test.")
        }
        return campaign
    }

    struct CampaignPage: Encodable {
        struct TeamRow: Encodable {
            var name: String
            var url: String
            var addresses: String
            var delivered: String
            var answered: String
            var via: String
            var reminders: Int
            var bounced: Bool
            var autoReplied: Bool
        }
        var chrome: Chrome
        var started: String
        var startedBy: String?
        var scope: String
        var state: String
        var total: FiguresRow
        var byRegion: [FiguresRow]
        var byType: [FiguresRow]
        var anonymised: Bool
        var shown: Bool
        var smallestGroup: Int
        var teams: [TeamRow]?
        var csvURL: String?
        var stopURL: String?
        var csrf: String?
    }

    func campaign(request: Request) async throws -> View {
        let actor = try requireReader(request)
        let campaign = try await requireCampaign(request)
        let names = ReachabilityPolicy.namesTeams(actor)
        let rows = try await ReachabilityStore.rows(of: try campaign.requireID(), teams: ReachabilityStore.teams(in: try await request.directorySnapshot()),
                                                    deliveries: names ? request.application.renkei.mail.domain : nil, on: request.db)
        let results = ReachabilityResults(rows.map(\.outcome), anonymised: !names)
        let id = try campaign.requireID().uuidString
        let closed = campaign.closedAt != nil || request.application.renkei.clock.now >= campaign.closesAt
        return try await CampaignPage(
            chrome: Chrome(request: request, title: "Reachability test of \(TeamView.day(campaign.startedAt))"),
            started: TeamView.minute(campaign.startedAt), startedBy: names ? campaign.startedBy : nil,
            scope: ReachabilityScope(code: campaign.scope)?.label ?? campaign.scope, state: Self.state(campaign, now: request.application.renkei.clock.now),
            total: FiguresRow(name: "All", results.total), byRegion: results.byRegion.map { FiguresRow(name: $0.name, $0.figures) },
            byType: results.byType.map { FiguresRow(name: $0.name, $0.figures) }, anonymised: !names, shown: results.shown, smallestGroup: ReachabilityResults.smallestGroup,
            teams: names ? rows.map { row in
                CampaignPage.TeamRow(name: row.team.name, url: SiteURL.teamReachability(.value(row.team.slug)).path,
                                     addresses: row.challenge.addresses.replacingOccurrences(of: ",", with: ", "),
                                     delivered: Self.delivery(row),
                                     answered: row.outcome.secondsToAnswer.map { AbuseHandling.duration(Int64($0)) } ?? (closed ? "no answer" : "not yet"),
                                     via: row.challenge.answeredVia ?? "", reminders: row.challenge.reminders,
                                     bounced: row.challenge.bouncedAt != nil, autoReplied: row.challenge.autoRepliedAt != nil)
            } : nil,
            csvURL: names ? SiteURL.reachabilityCampaignCSV(.value(id)).path : nil,
            stopURL: names && campaign.repeatsMonthly ? SiteURL.reachabilityCampaignRepeat(.value(id)).path : nil,
            csrf: names ? CSRF.token(for: request) : nil
        ).render("reachability-campaign", on: request)
    }

    /// "after 3 s", "waiting", "failed": how the challenge's mail left.
    private static func delivery(_ row: ReachabilityStore.Row) -> String {
        if let at = row.deliveredAt { return "after \(AbuseHandling.duration(Int64(max(0, at.timeIntervalSince(row.challenge.sentAt)))))" }
        return row.deliveryFailed ? "failed" : "waiting"
    }

    /// The secretariat's export: a row per team challenged.
    func csv(request: Request) async throws -> Response {
        guard ReachabilityPolicy.namesTeams(request.currentActor) else { throw AppError.notFound("There is no such reachability test.") }
        let campaign = try await requireCampaign(request)
        var text = "team,country,region,member_type,addresses,sent_at,delivered_at,delivery_failed,answered_at,answered_via,seconds_to_answer,reminders,bounced_at,auto_replied_at\r\n"
        let stamp = { (date: Date?) in date.map { $0.formatted(.iso8601) } ?? "" }
        for row in try await ReachabilityStore.rows(of: try campaign.requireID(), teams: ReachabilityStore.teams(in: try await request.directorySnapshot()),
                                                    deliveries: request.application.renkei.mail.domain, on: request.db) {
            let outcome = row.outcome
            let cells = [row.team.slug, outcome.country, outcome.region, row.team.memberType?.rawValue ?? "listed", row.challenge.addresses, stamp(row.challenge.sentAt),
                         stamp(row.deliveredAt), row.deliveryFailed ? "yes" : "", stamp(row.challenge.answeredAt), row.challenge.answeredVia ?? "", outcome.secondsToAnswer.map { String(Int($0)) } ?? "",
                         String(row.challenge.reminders), stamp(row.challenge.bouncedAt), stamp(row.challenge.autoRepliedAt)]
            text += cells.map { CSV.cell($0) }.joined(separator: ",") + "\r\n"
        }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.setAttachment(named: "reachability-\(TeamView.day(campaign.startedAt)).csv")
        return response
    }

    func stopRepeating(request: Request) async throws -> Response {
        let user = try request.requireUser()
        guard ReachabilityPolicy.canRunCampaigns(user.actor) else { throw AppError.forbidden("Campaigns are the secretariat's to schedule.") }
        let campaign = try await requireCampaign(request)
        try await ReachabilityStore.stopRepeating(scope: campaign.scope, on: request.db)
        try await AuditLog.record("reachability.stop", subject: "campaign \(try campaign.requireID())", detail: "no longer monthly",
                                  actor: user, address: request.clientAddress, at: request.application.renkei.clock.now, on: request.db)
        return request.redirect(to: SiteURL.reachabilityCampaign(.value(try campaign.requireID().uuidString)).path,
                                flash: "Tests of \(ReachabilityScope(code: campaign.scope)?.label ?? campaign.scope) no longer repeat monthly")
    }

    struct AnswerPage: Encodable {
        var chrome: Chrome
        var team: String
        var csrf: String?
        var answered: String?
        var closes: String
    }

    /// The link's page asks for a confirmation: mail filters open links by themselves, and
    /// only a person's answer counts.
    func answerForm(request: Request) async throws -> Response {
        let token = request.parameters.get(SiteURL.tokenKey) ?? ""
        let now = request.application.renkei.clock.now
        guard let (challenge, team) = try await ReachabilityStore.challenge(token: token, on: request.db) else {
            throw AppError.notFound("This reachability test link is not known. Check that the whole link was copied.")
        }
        guard now < challenge.campaign.closesAt, challenge.closedAt == nil else { throw AppError.gone("This reachability test closed on \(TeamView.day(challenge.campaign.closesAt)).") }
        return try await AnswerPage(chrome: Chrome(request: request, title: "Reachability test"), team: team.shortName,
                                    csrf: challenge.answeredAt == nil ? CSRF.token(for: request) : nil,
                                    answered: challenge.answeredAt.map(TeamView.minute), closes: TeamView.minute(challenge.campaign.closesAt))
            .render("reachability-answer", on: request).encodeResponse(for: request)
    }

    func answer(request: Request) async throws -> Response {
        let token = request.parameters.get(SiteURL.tokenKey) ?? ""
        let now = request.application.renkei.clock.now
        switch try await ReachabilityStore.answer(token: token, via: "link", text: nil, now: now, on: request.db) {
        case .accepted(let team):
            return request.redirect(to: SiteURL.reachabilityAnswer(.value(token)).path, flash: "Thank you: \(team) answered the reachability test")
        case .alreadyAnswered: throw AppError.conflict("This reachability test was answered already; an answer counts once.")
        case .closed: throw AppError.gone("This reachability test has closed.")
        case .unknown: throw AppError.notFound("This reachability test link is not known. Check that the whole link was copied.")
        }
    }

    struct HistoryPage: Encodable {
        struct Row: Encodable {
            var started: String
            var campaignURL: String
            var answered: String
            var via: String
            var outcome: String
            /// What the team wrote when it answered by mail.
            var reply: String
        }
        var chrome: Chrome
        var team: String
        var teamURL: String
        var rows: [Row]
        var hasRows: Bool
        var responseTime: String
    }

    /// The team's own history: its people and the secretariat read it.
    func teamHistory(request: Request) async throws -> View {
        let team = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        guard request.currentActor != nil else { throw AppError.unauthorized("Sign in to read \(team.shortName)'s reachability tests.") }
        guard ReachabilityPolicy.canReadHistory(of: try team.requireID(), request.currentActor) else {
            throw AppError.notFound("\(team.shortName)'s reachability tests are for the team and the secretariat.")
        }
        let now = request.application.renkei.clock.now
        let challenges = try await ReachabilityStore.history(of: try team.requireID(), limit: 36, on: request.db)
        let answers = challenges.compactMap { challenge in challenge.answeredAt.map { $0.timeIntervalSince(challenge.sentAt) } }
        let median = ResponseStatistics.median(answers), p90 = ResponseStatistics.percentile(answers, 90)
        return try await HistoryPage(
            chrome: Chrome(request: request, title: "\(team.shortName): reachability tests"), team: team.shortName,
            teamURL: SiteURL.team(.value(team.slug)).path,
            rows: challenges.map { challenge in
                let bounce = challenge.bouncedAt == nil ? "" : " (bounced: \(challenge.bounceText.map { String($0.prefix(120)) } ?? "a delivery report"))"
                let outcome: String = if challenge.answeredAt != nil { "answered" }
                    else if challenge.closedAt != nil || now >= challenge.campaign.closesAt { "missed" + bounce }
                    else { "waiting" + bounce }
                return HistoryPage.Row(started: TeamView.day(challenge.sentAt),
                                       campaignURL: SiteURL.reachabilityCampaign(.value(challenge.$campaign.id.uuidString)).path,
                                       answered: challenge.answeredAt.map { AbuseHandling.duration(Int64($0.timeIntervalSince(challenge.sentAt))) } ?? "no answer",
                                       via: challenge.answeredVia ?? "", outcome: outcome,
                                       reply: challenge.answerText.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)) } ?? "")
            },
            hasRows: !challenges.isEmpty,
            responseTime: median.map {
                "median \(AbuseHandling.duration(Int64($0))), 90th percentile \(AbuseHandling.duration(Int64(p90 ?? $0))) over the \(answers.count) answered \(answers.count == 1 ? "test" : "tests") shown"
            } ?? "no answered test yet"
        ).render("team-reachability", on: request)
    }
}
