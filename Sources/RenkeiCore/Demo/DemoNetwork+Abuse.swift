import Foundation

extension DemoNetwork {
    /// A demo feed and a day of its reports, written as the feed's format has them.
    public struct DemoAbuseFeed: Sendable {
        public var name: String
        public var description: String
        public var format: AbuseReportReader.Format
        public var tlp: TLPLabel
        public var report: String
    }

    /// Three feeds with the 24 hours before `now` (seconds) of generated events: scans and
    /// open services in `generic-csv`, brute force from a honeypot as IntelMQ JSON lines,
    /// phishing URLs on the teams' domains. Addresses lie in the demo teams' declared prefixes,
    /// with some in a block no team declares (the unrouted queue), and about a
    /// quarter repeat an earlier event within the hour (counted, not listed twice). `daysBefore`
    /// draws another day's events, a little busier or quieter, for the monitoring views' week.
    public static func abuseFeeds(endingAt now: Int64, daysBefore: Int = 0) -> [DemoAbuseFeed] {
        var random = SplitMix64(text: daysBefore == 0 ? "renkei-demo-abuse" : "renkei-demo-abuse-\(daysBefore)")
        let scanCount = 1_200 - 120 * (daysBefore % 4), honeypotCount = 400 + 60 * (daysBefore % 3)
        func prefixes(of teams: [TeamRecord]) -> [(IPPrefix, [String])] {
            teams.flatMap { team in
                team.constituency.prefixes.compactMap { try? IPPrefix(parsing: $0) }.filter { $0.network.bitWidth == 32 }.map { ($0, team.constituency.domains) }
            }
        }
        let networks = prefixes(of: teams())
        // The demo accounts' teams get events first, so each account has a notice to open.
        let accountTeams = Set(accounts.compactMap(\.teamSlug))
        let featured = prefixes(of: teams().filter { accountTeams.contains($0.slug) })
        // The former 6to4 relay anycast block: no demo team declares it.
        let unclaimed = try! IPPrefix(parsing: "192.88.99.0/24")
        var featuring = 0
        func address() -> (ip: String, domains: [String]) {
            defer { featuring += 1 }
            let (prefix, domains) = featuring < featured.count ? featured[featuring]
                : random.next() % 10 == 0 ? (unclaimed, []) : networks[Int(random.next() % UInt64(networks.count))]
            guard case .v4(let base) = prefix.network else { return ("192.0.2.1", []) }
            let hosts = UInt32(truncatingIfNeeded: (UInt64(1) << (32 - prefix.length)) - 1)
            return (IPAddress.v4(base | (UInt32(truncatingIfNeeded: random.next()) & hosts | 1)).description, domains)
        }
        func time(_ step: Int, of count: Int) -> String { AbuseNotice.isoTime(now - 86_400 + Int64(step) * 86_400 / Int64(count)) }
        var scans = ["time,ip,port,type,fqdn,url"]
        var recent: [String] = []
        for step in 0..<scanCount {
            let source: String
            if !recent.isEmpty, random.next() % 4 == 0 {
                source = recent[Int(random.next() % UInt64(recent.count))]
            } else {
                let (type, port) = [("scanner", 23), ("scanner", 445), ("open-service", 11211), ("open-service", 1900), ("infected-system", 8080)][Int(random.next() % 5)]
                source = "\(address().ip),\(port),\(type)"
                recent = Array((recent + [source]).suffix(40))
            }
            scans.append("\(time(step, of: scanCount)),\(source),,")
        }
        var honeypot: [String] = []
        for step in 0..<honeypotCount {
            honeypot.append(#"{"time.source": "\#(time(step, of: honeypotCount))", "source.ip": "\#(address().ip)", "source.port": \#(1_024 + random.next() % 60_000), "#
                + #""destination.port": 22, "classification.taxonomy": "intrusion-attempts", "classification.type": "brute-force", "feed.name": "demo-honeypot"}"#)
        }
        var phishing = ["time,ip,port,type,fqdn,url"]
        for step in 0..<120 {
            let (ip, domains) = address()
            let host = "login-\(random.next() % 1_000).\(domains.first ?? "phish.example")"
            phishing.append("\(time(step, of: 120)),\(ip),443,phishing,\(host),https://\(host)/account/verify?id=\(random.next() % 100_000)")
        }
        return [
            DemoAbuseFeed(name: AbuseFeedName.generic, description: "", format: .csv, tlp: .amber, report: scans.joined(separator: "\n") + "\n"),
            DemoAbuseFeed(name: "demo-honeypot", description: "SSH brute force seen by a demo honeypot, as IntelMQ writes it (JSON lines).",
                          format: .jsonl, tlp: .green, report: honeypot.joined(separator: "\n") + "\n"),
            DemoAbuseFeed(name: "demo-phishing", description: "Phishing URLs on the demo teams' domains.", format: .csv, tlp: .amberStrict,
                          report: phishing.joined(separator: "\n") + "\n"),
        ]
    }
}
