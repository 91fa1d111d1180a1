import Foundation
import Testing
@testable import RenkeiCore

/// The rules of reachability tests and the response-time arithmetic, with expectations
/// written out by hand.
@Suite struct ReachabilityTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func tokensAreLongRandomAndFoundInAQuotedReply() {
        let token = ReachabilityRules.newToken()
        #expect(token.count == 43 && token.hasPrefix("rt-") && ReachabilityRules.isToken(token), "160 bits as 40 hex digits")
        #expect(Set((0..<1_000).map { _ in ReachabilityRules.newToken() }).count == 1_000)
        #expect(ReachabilityRules.hash("rt-" + String(repeating: "0", count: 40)) == "5bce79af34707c9966bdfd2bf535ef78b4baa53cfc83c44e9cc7c9a7775a9758", "SHA-256, as Python's hashlib computes it")
        let reply = "Here we are.\n> Token: RT-\(token.dropFirst(3).uppercased())\n> Token: \(token)\nrt-12345 rt-\(String(repeating: "g", count: 40))"
        #expect(ReachabilityRules.tokens(in: reply) == [token], "upper case read as lower, repeats once, malformed ignored")
        let flood = (0..<50).map { _ in ReachabilityRules.newToken() }
        #expect(ReachabilityRules.tokens(in: flood.joined(separator: " ")) == Array(flood.prefix(10)), "a reply is tried for ten tokens at most")
        #expect(!ReachabilityRules.isToken("rt-" + String(repeating: "a", count: 39)) && !ReachabilityRules.isToken("xx-" + String(repeating: "a", count: 40)))
    }

    @Test func aMessageIDNamesOneChallengeOfOurDomain() throws {
        let id = UUID()
        let first = ReachabilityRules.messageID(challenge: id, mail: 0, domain: "renkei.example")
        #expect(first == "<rt.0.\(id.uuidString.lowercased())@renkei.example>")
        let found = ReachabilityRules.challenge(in: "References: <x@y> <rt.\n \(ReachabilityRules.messageID(challenge: id, mail: 2, domain: "renkei.example"))", domain: "renkei.example")
        #expect(found?.id == id && found?.mail == 2)
        #expect(ReachabilityRules.challenge(in: first, domain: "other.example") == nil)
        #expect(ReachabilityRules.challenge(in: "<rt.x.\(id.uuidString)@renkei.example>", domain: "renkei.example") == nil)
        // A delivery report of nothing but `<rt.` (it took 13 s at 80 KB when each was searched to the end of the text).
        #expect(ReachabilityRules.challenge(in: String(repeating: "<rt.", count: 20_000), domain: "renkei.example") == nil)
        #expect(ReachabilityRules.isBounce(contentType: "multipart/report; report-type=delivery-status; boundary=x"))
        #expect(!ReachabilityRules.isBounce(contentType: "multipart/report; report-type=feedback-report"))
    }

    @Test func remindersGoAt24And72HoursOnceAndNeverAfterAnAnswerOrTheClose() {
        let closes = start.addingTimeInterval(7 * 86_400)
        func due(_ hours: Double, sent: Int, answered: Bool = false) -> Int? {
            ReachabilityRules.reminderDue(sentAt: start, remindersSent: sent, answered: answered, closesAt: closes, now: start.addingTimeInterval(hours * 3_600))
        }
        #expect(due(23.9, sent: 0) == nil && due(24, sent: 0) == 1 && due(71, sent: 1) == nil && due(72, sent: 1) == 2)
        #expect(due(100, sent: 0) == 1, "a late round sends the first reminder first")
        #expect(due(150, sent: 2) == nil && due(30, sent: 0, answered: true) == nil && due(168, sent: 1) == nil)
        #expect(ReachabilityRules.missesInARow([false, false, true, false]) == 2 && ReachabilityRules.missesInARow([true, false]) == 0
                && ReachabilityRules.missesInARow([]) == 0)
    }

    @Test func scopesRoundTripAndChooseTeams() {
        for scope in ReachabilityScope.choices { #expect(ReachabilityScope(code: scope.code) == scope) }
        #expect(ReachabilityScope(code: "region:Atlantis") == nil && ReachabilityScope(code: "type:Friend") == nil && ReachabilityScope(code: "") == nil)
        #expect(ReachabilityScope.region(.asia).includes(country: "JP", memberType: nil) && !ReachabilityScope.region(.asia).includes(country: "DE", memberType: .fullMember))
        #expect(ReachabilityScope.memberType(nil).includes(country: "DE", memberType: nil) && !ReachabilityScope.memberType(nil).includes(country: "DE", memberType: .liaison))
    }

    @Test func figuresCountAnswersWithinAnHourADayAndTheWeek() {
        func outcome(_ country: String, _ type: MemberType?, after seconds: Double?, bounced: Bool = false) -> ReachabilityOutcome {
            ReachabilityOutcome(team: "", country: country, memberType: type, sentAt: start, answeredAt: seconds.map { start.addingTimeInterval($0) },
                                bounced: bounced, autoReplied: false)
        }
        let outcomes = [outcome("DE", .fullMember, after: 3_600), outcome("FR", .fullMember, after: 3_601), outcome("NL", .fullMember, after: 86_400),
                        outcome("BE", .fullMember, after: 6 * 86_400), outcome("AT", .fullMember, after: nil, bounced: true),
                        outcome("JP", .liaison, after: 60), outcome("KR", .liaison, after: nil)]
        let all = ReachabilityFigures(outcomes)
        #expect(all.challenged == 7 && all.withinHour == 2 && all.withinDay == 4 && all.withinWeek == 5 && all.bounced == 1 && all.unanswered == 2)
        #expect(all.percent(all.withinDay) == "57 %" && ReachabilityFigures().percent(0) == "–")
        let open = ReachabilityResults(outcomes, anonymised: false)
        #expect(open.byRegion.map(\.name) == ["Asia", "Europe"] && open.byType.map(\.name) == ["Full Members", "Liaisons"])
        // Two teams in Asia could be named, and hiding them alone would leave them as the total minus Europe: merged.
        let members = ReachabilityResults(outcomes, anonymised: true)
        #expect(members.shown && members.total == all)
        #expect(members.byRegion.map(\.name) == ["Asia + Europe"] && members.byType.map(\.name) == ["Full Members + Liaisons"])
        #expect(members.byRegion[0].figures == all)
        let many = outcomes + (0..<5).map { _ in outcome("JP", .liaison, after: 10) } + [outcome("AU", nil, after: nil)]
        let grouped = ReachabilityResults(many, anonymised: true)
        // Oceania's one team joins the smallest other region, Europe (5); Asia has 7.
        #expect(grouped.byRegion.map(\.name) == ["Asia", "Europe + Oceania"] && grouped.byRegion.map(\.figures.challenged) == [7, 6])
        #expect(grouped.byType.map(\.name) == ["Full Members + Listed without membership", "Liaisons"])
        #expect(grouped.byRegion.map(\.figures.challenged).reduce(0, +) == grouped.total.challenged, "every team counted once: nothing left to subtract")
        let few = ReachabilityResults(Array(outcomes.prefix(4)), anonymised: true)
        #expect(!few.shown && few.total == ReachabilityFigures() && few.byRegion.isEmpty, "four teams: nothing for members")
        #expect(ReachabilityResults(Array(outcomes.prefix(4)), anonymised: false).total.challenged == 4)
    }

    @Test func responseTimesAreOfTheAnsweredWithTheirCount() {
        let time = ResponseTime(waits: [7_200, nil, 36_000, -5])
        #expect(time.count == 4 && time.answered == 3 && time.medianSeconds == 7_200 && time.p90Seconds == 36_000, "a negative wait counts as none")
        let none = ResponseTime(waits: [nil])
        #expect(none.count == 1 && none.answered == 0 && none.medianSeconds == nil && none.p90Seconds == nil)
        #expect(TeamResponseTimes.since(start) == start.addingTimeInterval(-90 * 86_400))
    }

    @Test func eachReaderSeesAMetricAsTheTeamChose() {
        let team = UUID()
        let own = Actor(userID: UUID(), roles: [.member], teamID: team, teamStatus: .active)
        let member = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active)
        let former = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .terminated)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        let readers: [Actor?] = [nil, own, member, former, secretariat]
        #expect(readers.map { MetricVisibility.public.allows($0, teamOf: team) } == [true, true, true, true, true])
        #expect(readers.map { MetricVisibility.members.allows($0, teamOf: team) } == [false, true, true, false, true])
        #expect(readers.map { MetricVisibility.private.allows($0, teamOf: team) } == [false, true, false, false, true])
        #expect(readers.map(ReachabilityPolicy.canReadFigures) == [false, true, true, false, true])
        #expect(readers.map(ReachabilityPolicy.namesTeams) == [false, false, false, false, true])
        #expect(readers.map { ReachabilityPolicy.canReadHistory(of: team, $0) } == [false, true, false, false, true])
    }
}
