import Foundation
import RenkeiCore
import Vapor

/// `renkei coverage [--json]`: the community's coverage as the secretariat sees it: the
/// summary, the regions, the countries with no team and the address space; with `--json`
/// the API's document.
struct CoverageCommand: AnyAsyncCommand {
    var help: String { "Shows where the community has teams: regions, countries without a team, address space covered (--json for the API's document)." }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, flags: ["json"])
        guard arguments.operands.isEmpty else { throw UsageError(message: "usage: renkei coverage [--json]") }
        let application = context.application
        let snapshot = try await application.renkei.directory.snapshot(on: application.db, publicURL: application.renkei.settings.publicURL)
        let community = try await CoverageStore.community(snapshot: snapshot, now: application.renkei.clock.now,
                                                          cache: application.renkei.communityCoverage, on: application.db)
        let (addresses, datasets) = try await CoverageStore.addresses(for: .members, application: application, on: application.db)
        if arguments.flags.contains("json") {
            let document = CoverageController.Document(community: community, addresses: addresses, datasets: datasets, now: application.renkei.clock.now)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
            return
        }
        print(Self.text(community, addresses))
    }

    static func text(_ community: CommunityCoverage, _ addresses: AddressCoverage) -> String {
        var lines = [community.summary, "", "Region                                   countries  with team  national  teams"]
        for row in community.regions {
            let name = (row.depth == 0 ? "" : "  ") + row.name
            lines.append(name.padding(toLength: 40, withPad: " ", startingAt: 0) + [row.countries, row.countriesWithTeam, row.countriesWithNationalTeam, row.teams]
                .map { String($0).leftPadded(to: 11) }.joined())
        }
        let uncovered = community.uncovered
        lines += ["", "Countries with no team (\(uncovered.count)):"]
        lines += uncovered.map { "  \($0.code)  \($0.name)  (\([$0.region, $0.subRegion].compactMap { $0 }.joined(separator: ", ")))" }
        lines += ["", "Registered address space with a responsible team:"]
        for (name, space) in [("IPv4 addresses", addresses.ipv4), ("IPv6 /48s", addresses.ipv6)] {
            lines.append("  \(name): \(space.registered) registered; constituency \(space.percent(space.constituency))%, "
                         + "national team only \(space.percent(space.nationalOnly))%, none \(space.percent(space.none))%")
        }
        if let ases = addresses.largestUncoveredASes, !ases.isEmpty {
            lines += ["", "Largest announcing ASes nobody answers for:"]
            lines += ases.map { "  \($0.asn) (\($0.country ?? "not registered")): \($0.announcedIPv4) IPv4 addresses" }
        }
        if let blocks = addresses.largestUncoveredIPv4Blocks, !blocks.isEmpty {
            lines += ["", "Largest IPv4 blocks nobody answers for:"]
            lines += blocks.map { "  \($0.prefix) (\($0.country)): \($0.size) addresses" }
        }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
