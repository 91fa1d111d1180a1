import Foundation
import Testing
@testable import RenkeiCore

/// SIM3 profiles: who reads and who writes them, the community's median, percentiles, and the
/// radar chart. Expectations written out by hand.
@Suite struct SIM3ProfileTests {
    let team = UUID(), other = UUID()

    func assessment(_ level: SIM3.Level) -> SIM3Assessment {
        SIM3Assessment(ratings: Dictionary(uniqueKeysWithValues: SIM3.parameters.map { ($0.id, SIM3Assessment.Rating(level: level, comment: "")) }))
    }

    func profile(_ visibility: SIM3Profile.Visibility) -> SIM3Profile {
        SIM3Profile(teamID: team, assessment: assessment(.implicit), visibility: visibility, updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func eachVisibilityHasItsReaders() {
        let ownMember = Actor(userID: UUID(), roles: [.member], teamID: team)
        let otherMember = Actor(userID: UUID(), roles: [.member], teamID: other, teamStatus: .active)
        let terminated = Actor(userID: UUID(), roles: [.member], teamID: other, teamStatus: .terminated)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        let readers: [(String, Actor?)] = [("anonymous", nil), ("own member", ownMember), ("other member", otherMember),
                                          ("terminated team's member", terminated), ("secretariat", secretariat)]
        let expected: [SIM3Profile.Visibility: [String]] = [
            .public: ["anonymous", "own member", "other member", "terminated team's member", "secretariat"],
            .members: ["own member", "other member", "secretariat"],
            .private: ["own member", "secretariat"],
        ]
        for (visibility, allowed) in expected {
            #expect(readers.filter { profile(visibility).canRead($0.1) }.map(\.0) == allowed, "\(visibility)")
        }
    }

    @Test func onlyTheTeamsRepresentativesWriteIt() {
        let representative = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: team, teamStatus: .active)
        #expect(SIM3Profile.canEdit(teamID: team, actor: representative))
        var suspended = representative
        suspended.teamStatus = .suspended
        #expect(SIM3Profile.canEdit(teamID: team, actor: suspended), "a suspended team keeps its profile")
        var terminated = representative
        terminated.teamStatus = .terminated
        #expect(!SIM3Profile.canEdit(teamID: team, actor: terminated))
        #expect(!SIM3Profile.canEdit(teamID: team, actor: Actor(userID: UUID(), roles: [.member], teamID: team)), "a member who is no representative")
        #expect(!SIM3Profile.canEdit(teamID: team, actor: Actor(userID: UUID(), roles: [.secretariat, .board], teamID: nil)), "the secretariat")
        #expect(!SIM3Profile.canEdit(teamID: other, actor: representative), "another team's")
        #expect(!SIM3Profile.canEdit(teamID: team, actor: nil))
    }

    @Test func theMedianNeedsThreeProfiles() throws {
        #expect(SIM3Profile.medians([assessment(.implicit), assessment(.assessed)]) == nil)
        let three = try #require(SIM3Profile.medians([assessment(.implicit), assessment(.explicitInternal), assessment(.assessed)]))
        #expect(three["O-1"] == 2 && three["P-17"] == 2 && three.count == 44)
        let four = try #require(SIM3Profile.medians([assessment(.implicit), assessment(.explicitInternal), assessment(.explicitFormalised), assessment(.assessed)]))
        #expect(four["H-1"] == 2.5)
    }

    @Test func percentilesAreNearestRank() {
        let values = (1...10).map(Double.init)
        #expect(ResponseStatistics.percentile(values, 90) == 9 && ResponseStatistics.percentile(values, 50) == 5 && ResponseStatistics.percentile(values, 100) == 10)
        #expect(ResponseStatistics.percentile(values, 1) == 1 && ResponseStatistics.percentile([7], 90) == 7)
        #expect(ResponseStatistics.percentile([], 90) == nil && ResponseStatistics.percentile(values, 0) == nil)
        #expect(ResponseStatistics.median([3, 1, 2]) == 2 && ResponseStatistics.median([4, 1, 3, 2]) == 2.5 && ResponseStatistics.median([]) == nil)
    }

    @Test func theRadarHasASpokeAndAPointPerParameter() {
        let svg = SIM3Radar.svg(assessment(.assessed), median: nil, title: "A & B")
        #expect(svg.contains("<title id=\"radar-title\">A &amp; B</title>"))
        #expect(svg.components(separatedBy: "<circle ").count == 45 && svg.components(separatedBy: "<line ").count == 45)
        #expect(!svg.contains("class=\"median\""))
        // Level 4 on the first spoke (O-1) is straight up: x at the centre (280), y at the outer ring (280 - 210).
        #expect(svg.contains("<circle cx=\"280\" cy=\"70\" r=\"3\" fill=\"#0072b2\"><title>O-1 Mandate: 4</title></circle>"))
        let compared = SIM3Radar.svg(assessment(.implicit), median: ["O-1": 2.5], title: "t")
        #expect(compared.contains("class=\"median\"") && compared.contains("<title>O-1 Mandate: 1, community median 2.5</title>"))
    }
}
