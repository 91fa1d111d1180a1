import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei reachability start|round|results`: reachability tests for the secretariat and its scripts.
struct ReachabilityCommand: AnyAsyncCommand {
    var help: String {
        """
        start [--scope all|region:NAME|type:TYPE|type:listed] [--monthly]: challenges the current teams of the scope by mail (through the outbox).
        round [--as-of TIME]: sends the reminders that are due, closes week-old tests and starts the monthly ones, as the server does every
              10 minutes; --as-of (ISO 8601) runs it as at that time, for drills and tests.
        results CAMPAIGN [--json]: a test's figures: within 1 hour, 24 hours and 7 days, bounced, automatic replies, by region and by type.
        """
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["scope", "as-of"], flags: ["monthly", "json"])
        let app = context.application
        switch arguments.operands.first {
        case "start" where arguments.operands.count == 1:
            let code = arguments.options["scope"] ?? ReachabilityScope.all.code
            guard let scope = ReachabilityScope(code: code) else {
                throw UsageError(message: "unknown scope “\(code)”: all, region:NAME (\(Region.allCases.map(\.rawValue).joined(separator: ", "))), type:TYPE or type:listed")
            }
            let (campaign, teams) = try await ReachabilityStore.start(scope: scope, repeatsMonthly: arguments.flags.contains("monthly"), by: "renkei reachability",
                                                                      now: Date(), mail: app.renkei.mail, on: app.db)
            print("\(try campaign.requireID().uuidString)\t\(teams) teams challenged (\(scope.label))")
        case "round" where arguments.operands.count == 1:
            var now = Date()
            if let text = arguments.options["as-of"] {
                guard let date = try? Date(text, strategy: .iso8601) else { throw UsageError(message: "--as-of takes an ISO 8601 time such as 2026-12-08T09:00:00Z") }
                now = date
            }
            try await ReachabilityStore.round(now: now, mail: app.renkei.mail, on: app.db)
            print("reachability round done as of \(now.formatted(.iso8601))")
        case "results" where arguments.operands.count == 2:
            guard let id = UUID(uuidString: arguments.operands[1]), try await ReachabilityCampaignModel.find(id, on: app.db) != nil else {
                throw UsageError(message: "there is no reachability test “\(arguments.operands[1])”")
            }
            let snapshot = try await app.renkei.directory.snapshot(on: app.db, publicURL: app.renkei.settings.publicURL)
            let rows = try await ReachabilityStore.rows(of: id, teams: ReachabilityStore.teams(in: snapshot), deliveries: nil, on: app.db)
            let results = ReachabilityResults(rows.map(\.outcome), anonymised: false)
            if arguments.flags.contains("json") {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(results), as: UTF8.self))
            } else {
                for (name, figures) in [("All", results.total)] + results.byRegion.map { ($0.name, $0.figures) } + results.byType.map { ($0.name, $0.figures) } {
                    print("\(name)\t\(figures.challenged) challenged\t\(figures.withinHour) within 1 h\t\(figures.withinDay) within 24 h\t"
                          + "\(figures.withinWeek) within 7 days\t\(figures.bounced) bounced\t\(figures.autoReplied) automatic replies")
                }
            }
        default:
            throw UsageError(message: "usage: renkei reachability start [--scope CODE] [--monthly]|round [--as-of TIME]|results CAMPAIGN [--json] (renkei reachability --help)")
        }
    }
}
