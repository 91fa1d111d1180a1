import Foundation
import Testing
@testable import RenkeiCore

/// `ScaleData`, what `renkei demo scale` loads: deterministic from its seed, every label with
/// every audience kind, the demo accounts' teams always present.
@Suite struct ScaleDataTests {
    /// A population as the loader builds it: four demo authors (with their teams), then analysts.
    private func population(teams: Int = 40, analysts: Int = 36) -> ScaleData.Population {
        let teamIDs = (0..<teams).map { UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", $0))! }
        let authors = (0..<(4 + analysts)).map { index in
            ScaleData.Population.Author(userID: UUID(uuidString: String(format: "10000000-0000-4000-8000-%012d", index))!, name: "Person \(index)",
                                        teamID: teamIDs[index % teams], teamName: "Team \(index % teams)")
        }
        return ScaleData.Population(teamIDs: teamIDs, authors: authors, demoAuthors: 4)
    }

    @Test func theSameSeedGivesTheSameTeamsAndAnotherSeedOtherInventedOnes() throws {
        let demoCount = DemoNetwork.teams().count
        let count = demoCount + 50
        let first = ScaleData.teams(count: count, seed: 7)
        #expect(first == ScaleData.teams(count: count, seed: 7))
        let other = ScaleData.teams(count: count, seed: 8)
        #expect(Array(first.prefix(demoCount)) == Array(other.prefix(demoCount)))
        #expect(Array(first.suffix(50)).map(\.slug) != Array(other.suffix(50)).map(\.slug))
        #expect(first.count == count)
        #expect(Set(first.map(\.slug)).count == count)
        for team in first { _ = try team.validated() }
    }

    @Test func theDemoAccountsTeamsComeFirstSoTheSmallestDirectoryHoldsThem() {
        #expect(ScaleData.minimumTeams == 3)
        let teams = ScaleData.teams(count: 3, seed: 1)
        #expect(Set(teams.map(\.slug)) == ["wrenshire-csirt", "hoshizora-csirt", "lindenfeld-csirt"])
    }

    @Test func inventedTeamsHaveTheirOwnNetworksDomainsAndASNsForTheLookup() {
        let demoCount = DemoNetwork.teams().count
        let invented = Array(ScaleData.teams(count: demoCount + 3, seed: 1).suffix(3))
        #expect(invented.map { $0.constituency.prefixes.first } == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"])
        #expect(invented.map { $0.constituency.prefixes.last } == ["2001:db8:ffff::/48", "2001:db8:fffe::/48", "2001:db8:fffd::/48"])
        #expect(invented.map { $0.constituency.asns } == [["AS4210000000"], ["AS4210000001"], ["AS4210000002"]])
        for team in invented {
            #expect(team.constituency.domains.count == 1)
            #expect(team.constituency.domains[0].hasSuffix(".example"))
            #expect(team.email.hasSuffix("@" + team.constituency.domains[0]))
        }
    }

    @Test func everyTeamWithoutADemoAccountGetsOneAnalyst() {
        let teams = ScaleData.teams(count: 30, seed: 3)
        let analysts = ScaleData.analysts(for: teams, seed: 3)
        #expect(analysts.count == 27)
        #expect(Set(analysts.map(\.email)).count == 27)
        #expect(Set(analysts.compactMap(\.teamSlug)) == Set(teams.map(\.slug)).subtracting(["wrenshire-csirt", "hoshizora-csirt", "lindenfeld-csirt"]))
        #expect(analysts == ScaleData.analysts(for: teams, seed: 3))
        // Invented teams may share a word (`Kaford CSIRT`, `Kaford CERT`): addresses stay apart.
        let many = ScaleData.analysts(for: ScaleData.teams(count: 3_000, seed: 3), seed: 3)
        #expect(Set(many.map(\.email)).count == 2_997)
    }

    @Test func theSameSeedGivesTheSameItemsInAnyOrder() {
        let people = population()
        let forwards = (0..<500).map { ScaleData.item($0, of: 500, seed: 42, in: people) }
        let backwards = (0..<500).reversed().map { ScaleData.item($0, of: 500, seed: 42, in: people) }
        #expect(forwards == backwards.reversed())
        let other = (0..<500).map { ScaleData.item($0, of: 500, seed: 43, in: people) }
        #expect(Set(forwards.map(\.id)).isDisjoint(with: other.map(\.id)))
        #expect(Set(forwards.map(\.id)).count == 500)
    }

    @Test func theFirstThirteenItemsTakeEveryLabelWithEveryAudienceKind() {
        let items = (0..<13).map { ScaleData.item($0, of: 13, seed: 1, in: population()) }
        let pairs = items.map { "\($0.tlp.rawValue) \($0.audience.kind)" }
        #expect(pairs == [
            "CLEAR community", "CLEAR teams", "CLEAR individuals",
            "GREEN community", "GREEN teams", "GREEN individuals",
            "AMBER community", "AMBER teams", "AMBER individuals",
            "AMBER+STRICT community", "AMBER+STRICT teams", "AMBER+STRICT individuals",
            "RED individuals",
        ])
    }

    @Test func manyItemsAreValidOldestFirstAndMixEveryPair() {
        let people = population()
        let items = (0..<5_000).map { ScaleData.item($0, of: 5_000, seed: 9, in: people) }
        var pairs: [String: Int] = [:]
        for item in items {
            pairs["\(item.tlp.rawValue) \(item.audience.kind)", default: 0] += 1
            #expect(AccessPolicy.problems(tlp: item.tlp, audience: item.audience).isEmpty)
            #expect(people.authors.contains { $0.userID == item.authorUserID && $0.teamID == item.authorTeamID })
        }
        #expect(pairs.count == 13)
        #expect(pairs.values.allSatisfy { $0 >= 10 })
        #expect(zip(items, items.dropFirst()).allSatisfy { $0.createdAt < $1.createdAt })
        #expect(items.last?.createdAt == ScaleData.newestItemDate)
        #expect(Set(items.map(\.kind)) == [.announcement, .request])
        // Items mention documentation addresses, so searching and indicator pages have content.
        #expect(items.allSatisfy { !$0.indicators.isEmpty || $0.body.contains("exercise") })
    }
}
