import Foundation

/// Fictional data at the size of a real community (`renkei demo scale`): the demo network's
/// teams and accounts (`DemoNetwork`), more invented teams up to the number asked for, one
/// analyst account per team, and any number of shared items under every TLP label and every
/// audience kind. Everything follows from the seed: the same seed gives the same teams, people
/// and items (ids and dates included), item by item, so items can be made in any order.
///
/// Invented teams follow `DemoNetwork`'s conventions for fictional data: domains under
/// `.example`, AS numbers from the private range, IPv6 from 2001:db8::/32; their IPv4 networks
/// are /24s of 10.0.0.0/8, which leaves 198.18.0.0/15 to the demo network.
public enum ScaleData {
    /// The largest number of teams: one /24 of 10.0.0.0/8 and one /48 of 2001:db8::/32 each.
    public static let maximumTeams = 60_000

    /// The teams the demo accounts belong to come first, so any count from this one up keeps
    /// every demo account in its team.
    public static var minimumTeams: Int { requiredDemoSlugs.count }

    /// `count` teams: the demo network's (those of the demo accounts first), then invented ones.
    public static func teams(count: Int, seed: UInt64) -> [TeamRecord] {
        let demo = DemoNetwork.teams()
        let required = demo.filter { requiredDemoSlugs.contains($0.slug) }
        var teams = Array((required + demo.filter { !requiredDemoSlugs.contains($0.slug) }).prefix(count))
        var slugs = Set(teams.map(\.slug))
        var rng = SplitMix64(seed: seed ^ 0x7EA4_5EED)
        var index = 0
        while teams.count < count {
            let team = inventedTeam(index, rng: &rng, taken: &slugs)
            teams.append(team)
            index += 1
        }
        return teams
    }

    /// Someone who writes and receives items: a demo account or a team's analyst.
    public struct Person: Sendable, Hashable {
        public var email: String
        public var displayName: String
        public var teamSlug: String?

        public init(email: String, displayName: String, teamSlug: String?) {
            self.email = email
            self.displayName = displayName
            self.teamSlug = teamSlug
        }
    }

    /// One analyst per team that has no demo account, named from the seed. They cannot sign in
    /// with a known password (the loader gives them an unguessable one); they author items.
    public static func analysts(for teams: [TeamRecord], seed: UInt64) -> [Person] {
        let demoTeams = Set(DemoNetwork.accounts.compactMap(\.teamSlug))
        var rng = SplitMix64(seed: seed ^ 0xA7A1_4575)
        return teams.filter { !demoTeams.contains($0.slug) }.map { team in
            let domain = team.email.split(separator: "@").last.map(String.init) ?? "\(team.slug).example"
            let name = "\(rng.pick(givenNames)) \(rng.pick(familyNames))"
            // The slug keeps addresses apart where two teams share a domain.
            return Person(email: "analyst.\(team.slug)@\(domain)", displayName: name, teamSlug: team.slug)
        }
    }

    /// The ids the database gave the teams and people, which items refer to.
    public struct Population: Sendable {
        public struct Author: Sendable, Hashable {
            public var userID: UUID
            public var name: String
            public var teamID: UUID
            public var teamName: String

            public init(userID: UUID, name: String, teamID: UUID, teamName: String) {
                self.userID = userID
                self.name = name
                self.teamID = teamID
                self.teamName = teamName
            }
        }

        /// Every team, in `teams(count:seed:)` order.
        public var teamIDs: [UUID]
        /// The people who share (members of active teams), demo accounts first.
        public var authors: [Author]
        /// The demo accounts that belong to a team: often among an item's audience, so each
        /// sees items shared with their team and with them by name.
        public var demoAuthors: Int

        public init(teamIDs: [UUID], authors: [Author], demoAuthors: Int) {
            self.teamIDs = teamIDs
            self.authors = authors
            self.demoAuthors = demoAuthors
        }
    }

    /// Every TLP label with every audience kind the platform offers (RED only to named people).
    public static let labelsAndAudiences: [(TLPLabel, String)] = TLPLabel.allCases.flatMap { tlp in
        ["community", "teams", "individuals"].filter { tlp != .red || $0 == "individuals" }.map { (tlp, $0) }
    }

    /// When the newest item was shared; the others go back two years before it.
    public static let newestItemDate = Date(timeIntervalSince1970: 1_795_000_000)
    static let span: TimeInterval = 2 * 365 * 86400

    /// Item `index` (0 is the oldest) of `count`. The first items take each label and
    /// audience kind in turn, so every pair is present once `count` reaches their number;
    /// the rest are drawn with a community's usual mix (mostly GREEN and AMBER).
    public static func item(_ index: Int, of count: Int, seed: UInt64, in population: Population) -> SharedItem {
        // Seeded by a mixed (seed, index), not by seed + index steps: consecutive items would
        // share all but one of their draws.
        var mixer = SplitMix64(seed: seed ^ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        var rng = SplitMix64(seed: mixer.next())
        let (tlp, kind): (TLPLabel, String)
        if index < labelsAndAudiences.count {
            (tlp, kind) = labelsAndAudiences[index]
        } else {
            tlp = switch rng.int(0...99) {
            case 0..<15: .clear
            case 15..<50: .green
            case 50..<80: .amber
            case 80..<92: .amberStrict
            default: .red
            }
            let draw = rng.int(0...99)
            kind = tlp == .red || draw >= 90 ? "individuals" : draw < 50 ? "community" : "teams"
        }
        // Mostly the invented teams' analysts; a demo account now and then.
        let author = rng.chance(5) || population.authors.count <= population.demoAuthors
            ? population.authors[rng.int(0...(max(population.demoAuthors, 1) - 1))]
            : population.authors[rng.int(population.demoAuthors...(population.authors.count - 1))]
        let audience: Audience
        switch kind {
        case "community":
            audience = .community
        case "teams":
            var teams = [UUID]()
            if rng.chance(20), population.demoAuthors > 0 { teams.append(population.authors[rng.int(0...(population.demoAuthors - 1))].teamID) }
            for _ in 0..<rng.int(1...4) { teams.append(rng.pick(population.teamIDs)) }
            audience = .teams(unique(teams))
        default:
            var people = [UUID]()
            if rng.chance(30), population.demoAuthors > 0 { people.append(population.authors[rng.int(0...(population.demoAuthors - 1))].userID) }
            for _ in 0..<rng.int(1...3) { people.append(rng.pick(population.authors).userID) }
            audience = .individuals(unique(people))
        }
        let subject = subjects[rng.int(0...(subjects.count - 1))]
        let isRequest = rng.chance(10)
        let step = span / Double(max(count, 1))
        let createdAt = newestItemDate.addingTimeInterval(-(Double(count - 1 - index) * step).rounded(.down))
        return SharedItem(
            id: uuid(&rng), kind: isRequest ? .request : .announcement,
            title: (isRequest ? "Does anyone see this? " : "") + "\(subject.title) (\(tlp.text), #\(index + 1))",
            body: subject.body, tags: subject.tags, tlp: tlp, audience: audience, authorUserID: author.userID, authorName: author.name,
            authorTeamID: author.teamID, authorTeamName: author.teamName, createdAt: createdAt, indicators: subject.indicators,
            request: isRequest ? RequestDetails(kind: .information, urgency: rng.pick(RequestDetails.Urgency.allCases)) : nil,
            replies: [], attachments: [])
    }

    // MARK: - Data

    static let requiredDemoSlugs: Set<String> = Set(DemoNetwork.accounts.compactMap(\.teamSlug))

    private struct Subject: Sendable {
        let title: String
        let body: String
        let tags: [String]
        let indicators: [ExtractedIndicator]

        init(_ title: String, _ tags: [String], _ body: String) {
            self.title = title
            self.body = body
            self.tags = tags.sorted()
            indicators = ExtractedIndicator.extract(from: title + "\n" + body + "\n")
        }
    }

    /// What the invented items are about; their indicators use documentation addresses and
    /// `.example` domains, and the hashes are of short public strings.
    private static let subjects: [Subject] = [
        Subject("Phishing wave impersonating parcel services", ["phishing"],
                "Lures link to hxxps://parcel-notice[.]example/track. Sending hosts: 192.0.2.61, 198.51.100.14."),
        Subject("Credential stuffing against webmail", ["credentials", "webmail"],
                "Login attempts from 203.0.113.0/24 at about 40 per second; accounts with reused passwords were taken over."),
        Subject("Exploited file-transfer appliance", ["vulnerability", "exploited"],
                "CVE-2026-50123 is exploited in the wild; CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Isolate the admin interface."),
        Subject("Ransomware loader hashes", ["malware", "ransomware"],
                "SHA-256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 dropped by a macro document; C2 at 198.51.100.201."),
        Subject("Scanning for exposed building controllers", ["ics", "scanning"],
                "Sources 192.0.2.140 and 2001:db8:4f::21 probe port 47808 across the region since Monday."),
        Subject("DDoS against payment providers", ["ddos", "finance"],
                "UDP reflection peaking at 180 Gbit/s; the attack traffic names 203.0.113.9 as its target."),
        Subject("Malicious browser extension", ["malware", "browser"],
                "The extension posts form data to https://stats-collector.example/api; remove it and reset sessions."),
        Subject("Vulnerability in a popular VPN client", ["vulnerability"],
                "CVE-2026-48001: local privilege escalation, CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N."),
        Subject("Takedown contacts for a bulletproof host", ["takedown"],
                "Abuse desks that acted on phishing hosted at 198.51.100.77 within a day, and the ones that did not."),
        Subject("Data leak from a supplier portal", ["leak", "supply-chain"],
                "A dump with customer e-mail addresses is offered for sale; the MD5 of the sample is 5d41402c7b9a33a5b3b6b6d6a4c0e4d1."),
        Subject("Botnet command servers moved", ["botnet", "malware"],
                "The operators moved to 192.0.2.233 and 2001:db8:c2::10; the old addresses answer with decoys."),
        Subject("Quarterly exercise findings", ["exercise"],
                "What worked and what did not in the regional crisis exercise: contact lists, encrypted mail, the phone bridge."),
    ]

    private static let givenNames = ["Ada", "Bram", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas", "Kofi", "Lena",
                                     "Mateo", "Noor", "Oskar", "Priya", "Quentin", "Rania", "Sven", "Tomoko", "Uma", "Viktor", "Wen", "Yusuf", "Zofia"]
    private static let familyNames = ["Achterberg", "Bianchi", "Castell", "Dahl", "Eriksen", "Fontaine", "Grünwald", "Haddad", "Ibarra", "Jansen",
                                      "Kovač", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Sato", "Teller", "Ueda",
                                      "Varga", "Weber", "Yilmaz", "Zeller"]

    private static let firstSyllables = ["Ka", "Lo", "Vel", "Mar", "Sin", "Tor", "Ber", "Quin", "Ash", "Dun", "Fal", "Gren", "Hal", "Ist", "Jor",
                                         "Kel", "Lun", "Mor", "Nor", "Oss", "Pel", "Ros", "Sal", "Tam", "Ulm", "Var", "Wes", "Yar", "Zel", "Bri"]
    private static let middleSyllables = ["", "a", "e", "i", "o", "an", "en", "or", "ar", "il"]
    private static let lastSyllables = ["mark", "ford", "haven", "dale", "wick", "stead", "brook", "mere", "holm", "gard", "moor", "ridge", "field", "port"]

    private struct Kind: Sendable {
        let suffix: String
        let official: String
        let host: String
        let types: [TeamType]
        let constituency: String
        let mailbox: String
    }

    private static let kinds = [
        Kind(suffix: "CSIRT", official: "Computer Security Incident Response Team", host: "Networks", types: [.commercial], constituency: "Customers", mailbox: "csirt"),
        Kind(suffix: "CERT", official: "Computer Emergency Response Team", host: "University", types: [.academic], constituency: "Academic", mailbox: "cert"),
        Kind(suffix: "PSIRT", official: "Product Security Incident Response Team", host: "Systems", types: [.vendor], constituency: "Products", mailbox: "psirt"),
        Kind(suffix: "SIRT", official: "Security Incident Response Team", host: "Energy", types: [.sector], constituency: "Energy sector", mailbox: "sirt"),
        Kind(suffix: "GovCERT", official: "Government Computer Emergency Response Team", host: "Ministry of Digital Services", types: [.government],
             constituency: "Government", mailbox: "govcert"),
    ]

    private static let zones = ["Europe/Berlin", "Europe/Paris", "Europe/London", "America/New_York", "America/Sao_Paulo", "Asia/Tokyo",
                                "Asia/Singapore", "Africa/Nairobi", "Australia/Sydney", "America/Mexico_City", "Asia/Kolkata", "Europe/Warsaw"]

    private static func inventedTeam(_ index: Int, rng: inout SplitMix64, taken: inout Set<String>) -> TeamRecord {
        let kind = rng.pick(kinds)
        var word = rng.pick(firstSyllables) + rng.pick(middleSyllables) + rng.pick(lastSyllables)
        var slug = TeamRecord.slug(from: "\(word) \(kind.suffix)")
        if taken.contains(slug) {
            word += " \(index + 1)"
            slug = TeamRecord.slug(from: "\(word) \(kind.suffix)")
        }
        taken.insert(slug)
        let domain = "\(slug).example"
        let country = rng.pick(Country.all).code
        // /24s of 10.0.0.0/8 and /48s of 2001:db8::/32 counted from the top, far from the demo's.
        let v4 = IPPrefix(network: .v4(0x0A00_0000 | UInt32(index) << 8), length: 24)
        let v6 = IPPrefix(network: .v6(high: 0x2001_0DB8_0000_0000 | UInt64(0xFFFF - index) << 16, low: 0), length: 48)
        let hours = OperatingHours.weekdays("09:00-17:00", timeZone: rng.pick(zones))
        let founded = rng.int(1995...2022)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return TeamRecord(
            slug: slug, shortName: "\(word) \(kind.suffix)", officialName: "\(word) \(kind.official)",
            postalAddress: "\(rng.int(1...90)) \(rng.pick(lastSyllables).capitalized) Road, \(word)",
            countryCode: country, websites: ["https://www.\(domain)"], email: "\(kind.mailbox)@\(domain)",
            host: "\(word) \(kind.host)", establishment: "\(founded)-\(two(rng.int(1...12)))-\(two(rng.int(1...28)))",
            phoneNumbers: ["+1 555 01\(two(rng.int(0...99)))"], operatingHours: hours,
            constituencyName: kind.constituency, constituencyDescription: "The networks and people \(word) \(kind.suffix) serves.",
            constituency: Constituency(countries: kind.types == [.government] ? [country] : [], asns: [ASN(4_210_000_000 + UInt32(index)).description],
                                       prefixes: [v4.description, v6.description], domains: [domain]),
            languages: ["en"], teamTypes: kind.types, memberType: rng.chance(90) ? .fullMember : .liaison,
            memberSince: "\(min(2025, founded + rng.int(1...8)))-\(two(rng.int(1...12)))-\(two(rng.int(1...28)))")
    }

    private static func unique(_ ids: [UUID]) -> [UUID] {
        var seen = Set<UUID>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// A version 4 UUID from the generator, so ids follow from the seed too.
    private static func uuid(_ rng: inout SplitMix64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        let high = rng.next(), low = rng.next()
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
