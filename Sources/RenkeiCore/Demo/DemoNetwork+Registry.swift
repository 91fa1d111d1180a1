import Foundation

extension DemoNetwork {
    /// Registry data (the RIRs' delegated-stats format) and routing data (pfx2as) for the demo's
    /// invented networks, so coverage and lookups have something to show: every network and AS
    /// a team declares, registered to the team's country and announced by the team's AS; and
    /// the rest of the demo's /15 (198.18.0.0/15, set aside for benchmarks) registered to
    /// countries without a team, and to some with only a national team, each block announced by
    /// an AS nobody declares.
    public static func registryFiles(_ teams: [TeamRecord]) -> (registration: String, routing: String) {
        var registration = ["2.3|demo|20261201|0|19700101|20261201|+0000"]
        var routing: [String] = []
        var claimed: [IPPrefix] = []
        var registeredASNs = Set<UInt32>()
        for (index, team) in teams.enumerated() {
            let asns = team.constituency.asns.compactMap(ASN.init(parsing:))
            for asn in asns where registeredASNs.insert(asn.value).inserted {
                registration.append("demo|\(team.countryCode)|asn|\(asn.value)|1|20100101|allocated")
            }
            // A team without an AS of its own is announced by its upstream, one per team.
            let origin = asns.first?.value ?? 4_200_050_000 + UInt32(index)
            for prefix in team.constituency.prefixes.compactMap({ try? IPPrefix(parsing: $0) }) where !claimed.contains(where: { $0.overlaps(prefix) }) {
                claimed.append(prefix)
                registration.append(registered(prefix, country: team.countryCode))
                routing.append("\(prefix.network)\t\(prefix.length)\t\(origin)")
            }
        }
        let based = Set(teams.flatMap(\.allCountryCodes))
        let national = Set(teams.filter { $0.teamTypes.contains(.national) }.map(\.countryCode))
        let without = Country.all.filter { !based.contains($0.code) && $0.region != nil }.map(\.code)
        let nationalOnly = national.sorted()
        var next = 0
        for block in 0..<512 {
            let prefix = IPPrefix(network: .v4(0xC612_0000 + UInt32(block) << 8), length: 24)
            guard !claimed.contains(where: { $0.overlaps(prefix) }) else { continue }
            // Three blocks in four to countries with no team, the fourth to a national team's country.
            let country = next % 4 == 3 ? nationalOnly[(next / 4) % nationalOnly.count] : without[(next - next / 4) % without.count]
            let asn = 4_200_100_000 + UInt32(next)
            registration.append(registered(prefix, country: country))
            registration.append("demo|\(country)|asn|\(asn)|1|20150101|allocated")
            routing.append("\(prefix.network)\t24\t\(asn)")
            if next < without.count {
                let v6 = IPPrefix(network: .v6(high: 0x2001_0DB8_FF00_0000 | UInt64(next) << 16, low: 0), length: 48)
                registration.append(registered(v6, country: without[next]))
            }
            next += 1
        }
        return (registration.joined(separator: "\n") + "\n", routing.joined(separator: "\n") + "\n")
    }

    private static func registered(_ prefix: IPPrefix, country: String) -> String {
        switch prefix.network {
        case .v4: "demo|\(country)|ipv4|\(prefix.network)|\(1 << (32 - prefix.length))|20100101|allocated"
        case .v6: "demo|\(country)|ipv6|\(prefix.network)|\(prefix.length)|20100101|allocated"
        }
    }
}

extension DemoNetwork {
    /// Four commercial members that left (two resigned, two terminated) some years after
    /// joining, so the growth figures show departures too. None is a demo account's team.
    public static func departures(_ teams: [TeamRecord]) -> [(slug: String, membership: TeamMembership)] {
        let accountTeams = Set(accounts.compactMap(\.teamSlug))
        let leaving = teams.filter { $0.teamTypes == [.commercial] && $0.memberType == .fullMember && !accountTeams.contains($0.slug) }
            .sorted { $0.slug < $1.slug }.prefix(4)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return leaving.enumerated().compactMap { position, team in
            guard let joined = Int(team.memberSince.prefix(4)) else { return nil }
            let year = min(2025, joined + 3 + position * 2)
            let terminated = position % 2 == 1
            let changedAt = calendar.date(from: DateComponents(year: year, month: 3 + position * 2, day: 15))!
            return (team.slug, TeamMembership(type: .fullMember, since: team.memberSince, status: terminated ? .terminated : .resigned,
                                              reason: terminated ? "Membership fees unpaid for two years." : "", changedAt: changedAt))
        }
    }
}

extension DemoNetwork {
    /// SIM3 profiles for every third team: levels drawn around a team-wide maturity (national
    /// teams a little higher), half shown to members, a third public, the rest private; each
    /// has an earlier version a year before, one level lower where it has moved since.
    public static func sim3Profiles(_ teams: [TeamRecord]) -> [(slug: String, versions: [(assessment: SIM3Assessment, visibility: SIM3Profile.Visibility, yearsAgo: Int)])] {
        teams.enumerated().filter { $0.offset % 3 == 0 }.map { _, team in
            var rng = SplitMix64(text: "sim3 " + team.slug)
            let base = team.teamTypes.contains(.national) ? rng.int(2...3) : rng.int(1...3)
            var now: [String: SIM3Assessment.Rating] = [:], before: [String: SIM3Assessment.Rating] = [:]
            for parameter in SIM3.parameters {
                let level = min(4, max(0, base + rng.int(-1...1)))
                now[parameter.id] = SIM3Assessment.Rating(level: SIM3.Level(rawValue: level)!, comment: "")
                before[parameter.id] = SIM3Assessment.Rating(level: SIM3.Level(rawValue: max(0, level - (rng.chance(30) ? 1 : 0)))!, comment: "")
            }
            let visibility: SIM3Profile.Visibility = switch rng.int(0...5) { case 0, 1: .public; case 2, 3, 4: .members; default: .private }
            return (team.slug, [(SIM3Assessment(ratings: before), visibility, 1), (SIM3Assessment(ratings: now), visibility, 0)])
        }
    }
}

extension DemoNetwork {
    /// One team's answer to a past reachability test.
    public struct PastChallenge: Sendable {
        public var slug: String
        /// Seconds from the challenge to the answer; nil when the team did not answer.
        public var answeredAfter: TimeInterval?
        public var via: String
        public var bounced: Bool
        public var autoReplied: Bool
        public var reminders: Int
    }

    /// Two past reachability tests of every current team, 60 and 30 days ago: most teams
    /// answer, within minutes to days (national teams faster), by link more often than by mail;
    /// some bounce, some answer only by vacation notice, a few miss both. The demo accounts'
    /// teams answer.
    public static func pastChallenges(_ teams: [TeamRecord]) -> [[PastChallenge]] {
        let gone = Set(departures(teams).map(\.slug))
        let accountTeams = Set(accounts.compactMap(\.teamSlug))
        return (0..<2).map { campaign in
            teams.filter { !gone.contains($0.slug) }.map { team in
                var rng = SplitMix64(text: "reachability \(campaign) " + team.slug)
                var steady = SplitMix64(text: "reachability " + team.slug)
                let sloppy = steady.chance(8)
                let roll = rng.int(0...99)
                let answers = accountTeams.contains(team.slug) || (!sloppy && roll < (team.teamTypes.contains(.national) ? 90 : 78))
                let bounced = !answers && rng.chance(40)
                let seconds = switch rng.int(0...9) {
                case 0...3: rng.int(120...3_600)
                case 4...7: rng.int(3_600...86_400)
                default: rng.int(86_400...(6 * 86_400))
                }
                let after: TimeInterval? = answers ? TimeInterval(seconds) : nil
                let reminders = after.map { $0 >= 259_200 ? 2 : $0 >= 86_400 ? 1 : 0 } ?? 2
                return PastChallenge(slug: team.slug, answeredAfter: after, via: rng.chance(70) ? "link" : "mail", bounced: bounced,
                                     autoReplied: !bounced && rng.chance(15), reminders: reminders)
            }
        }
    }

    /// A request one demo team asked another, answered (or not) after a while.
    public struct PastRequest: Sendable {
        public var author: String
        public var toTeam: String
        public var daysAgo: Int
        public var title: String
        public var answer: (author: String, after: TimeInterval)?
    }

    /// A year of requests between the demo accounts' teams, addressed team to team, most
    /// answered within hours, some after days, some not at all.
    public static func pastRequests() -> [PastRequest] {
        let people = [("board@renkei-demo.example", "wrenshire-csirt"), ("sigchair@renkei-demo.example", "hoshizora-csirt"),
                      ("rep@renkei-demo.example", "lindenfeld-csirt")]
        let subjects = ["a loader's C2 at 203.0.113.%d", "phishing from 198.51.100.%d", "a scanner at 192.0.2.%d", "a defacement on host %d",
                        "credentials of your constituency (batch %d)"]
        var rng = SplitMix64(text: "demo request history")
        return (0..<48).map { index in
            let from = people[index % 3], to = people[(index + 1 + index / 3 % 2) % 3]
            let after: TimeInterval? = switch rng.int(0...9) {
            case 0: nil
            case 1...5: TimeInterval(rng.int(300...(8 * 3_600)))
            case 6...8: TimeInterval(rng.int((8 * 3_600)...(2 * 86_400)))
            default: TimeInterval(rng.int((2 * 86_400)...(9 * 86_400)))
            }
            let subject = String(format: rng.pick(subjects), rng.int(2...250))
            return PastRequest(author: from.0, toTeam: to.1, daysAgo: 365 - index * 365 / 48, title: "Can you help with \(subject)?",
                               answer: after.map { (to.0, $0) })
        }
    }
}
