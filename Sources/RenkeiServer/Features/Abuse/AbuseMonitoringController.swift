import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The network-monitoring views: events per day and type, AS, country, prefix and source, and
/// how notices were handled, for a team's own constituency or (the secretariat) the community
/// or one team; as a page with a server-drawn SVG plot, as CSV and as JSON (pages and API).
struct AbuseMonitoringController {
    func register(pages: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.abuseMonitoring, use: page)
        pages.get(.abuseMonitoringCSV, use: csv)
        pages.get(.abuseMonitoringJSON, use: json)
        api.get(.apiAbuseMonitoring, use: json)
    }

    /// What a request asks for: `days` (1 to 366, else 30) and, for the secretariat, `team` (a slug).
    private struct Question {
        var scope: AbuseScope
        var team: TeamModel?
        var days: Int
        var period: ClosedRange<Int64>
    }

    private func question(_ request: Request) async throws -> Question {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in, or send an API token.") }
        var days = AbuseMonitoring.standardPeriod
        if let text = request.query[String.self, at: "days"] {
            guard let number = Int(text), AbuseMonitoring.periods.contains(number) else {
                throw AppError.invalid([FieldError(field: "days", message: "days is a number from 1 to 366.")])
            }
            days = number
        }
        let slug = request.query[String.self, at: "team"].flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        var asked: TeamModel?
        if let slug { asked = try await TeamModel.query(on: request.db).filter(\.$slug == slug).first() }
        if let slug, asked == nil, actor.roles.contains(.secretariat) { throw AppError.notFound("There is no team “\(slug)”.") }
        // To anyone else, a slug that names no team is refused like another team's.
        let askedID = try asked?.requireID() ?? (slug == nil ? nil : UUID())
        guard let scope = AbuseAccess.scope(actor, asking: askedID) else {
            throw AppError.forbidden("Monitoring shows your own team's events; the secretariat sees every team's.")
        }
        if case .team(let id) = scope, asked == nil { asked = try await TeamModel.find(id, on: request.db) }
        let now = Int64(request.application.renkei.clock.now.timeIntervalSince1970)
        return Question(scope: scope, team: asked, days: days, period: AbuseMonitoring.period(days: days, now: now))
    }

    private func report(_ question: Question, on request: Request) async throws -> (report: AbuseMonitoringStore.Report, counts: [AbuseDayCount]) {
        try await AbuseMonitoringStore.report(question.scope, team: question.team?.slug, days: question.period,
                                              resolver: try await request.application.lookup.resolver(on: request.db), on: request.db)
    }

    func json(request: Request) async throws -> AbuseMonitoringStore.Report {
        try await report(try await question(request), on: request).report
    }

    /// Events and reports per day and type, a row each, for a spreadsheet or a plotting tool.
    func csv(request: Request) async throws -> Response {
        let question = try await question(request)
        let report = try await report(question, on: request).report
        var text = "day,taxonomy,type,events,reports\r\n"
        for row in report.perDay { text += [row.day, row.taxonomy, row.type, String(row.events), String(row.reports)].map { CSV.cell($0) }.joined(separator: ",") + "\r\n" }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.setAttachment(named: "abuse-\(question.team?.slug ?? "community")-\(report.from)-\(report.to).csv")
        return response
    }

    struct Page: Encodable {
        struct Legend: Encodable {
            var name: String
            var colour: String
            var events: Int64
        }
        /// One bar of the plot as a table row: its label and each group's events.
        struct Bar: Encodable {
            var label: String
            var values: [Int64]
            var total: Int64
        }
        struct HandlingRow: Encodable {
            var name: String
            var received: Int64
            var notified: Int64
            var notices: Int
            var acknowledged: Int
            var median: String
        }
        var chrome: Chrome
        var scopeName: String
        /// Leaf takes an empty array for true: whether the period had events at all.
        var hasEvents: Bool
        var barsAreWeeks: Bool
        var bars: [Bar]
        var periods: [AbuseController.Option]
        var teams: [AbuseController.Option]?
        var chart: String
        var legend: [Legend]
        var report: AbuseMonitoringStore.Report
        var feeds: [HandlingRow]
        var teamHandling: [HandlingRow]?
        var csvURL: String
        var jsonURL: String
    }

    func page(request: Request) async throws -> View {
        _ = try request.requireUser()
        let question = try await question(request)
        let (report, counts) = try await report(question, on: request)
        let scopeName = question.team?.shortName ?? "the whole community"
        let series = AbuseMonitoring.series(counts, days: question.period)
        let totals = (0..<series.groups.count).map { group in series.values.reduce(0) { $0 + $1[group] } }
        let bars = series.days.indices.map { Page.Bar(label: series.label($0), values: series.values[$0], total: series.totals[$0]) }
        var teams: [AbuseController.Option]?
        if AbuseAccess.scope(request.currentActor) == .community {
            teams = [AbuseController.Option(value: "", label: "The whole community", selected: question.team == nil)]
                + (try await TeamModel.query(on: request.db).field(\.$id).field(\.$slug).field(\.$shortName).sort(\.$shortName).all())
                .map { AbuseController.Option(value: $0.slug, label: $0.shortName, selected: $0.slug == question.team?.slug) }
        }
        let query = "?days=\(question.days)" + (question.team.map { "&team=\($0.slug)" } ?? "")
        func rows(_ handling: [AbuseMonitoringStore.Handling]) -> [Page.HandlingRow] {
            handling.map { Page.HandlingRow(name: $0.name, received: $0.handling.received, notified: $0.handling.notified, notices: $0.handling.notices,
                                            acknowledged: $0.handling.acknowledged,
                                            median: $0.handling.medianSecondsToAcknowledge.map(AbuseHandling.duration) ?? "–") }
        }
        // The period asked for is among the choices, whatever number it was.
        let periods = Set([7, 30, 90, 365, question.days]).sorted()
        return try await Page(chrome: Chrome(request: request, title: "Abuse monitoring"), scopeName: scopeName,
                              hasEvents: !series.groups.isEmpty, barsAreWeeks: series.span > 1, bars: bars,
                              periods: periods.map { AbuseController.Option(value: String($0), label: $0 == 1 ? "1 day" : "\($0) days", selected: $0 == question.days) },
                              teams: teams,
                              chart: AbuseMonitoring.svg(series, title: "Abuse events per \(series.span > 1 ? "week" : "day") for \(scopeName), \(report.from) to \(report.to)"),
                              legend: series.groups.enumerated().map { Page.Legend(name: $0.element, colour: AbuseMonitoring.colour(ofGroup: $0.offset, in: series),
                                                                                   events: totals[$0.offset]) },
                              report: report, feeds: rows(report.feeds),
                              // The busiest teams first: the secretariat looks for who is slow with much to do.
                              teamHandling: report.teams.map { rows($0.sorted { $0.handling.received == $1.handling.received ? $0.name < $1.name : $0.handling.received > $1.handling.received }) },
                              csvURL: SiteURL.abuseMonitoringCSV.path + query, jsonURL: SiteURL.abuseMonitoringJSON.path + query).render("abuse-monitoring", on: request)
    }
}
