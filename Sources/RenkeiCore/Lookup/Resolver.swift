import Foundation

/// How a team came to be a candidate, in the order candidates are ranked.
public enum MatchKind: String, Sendable, Codable, CaseIterable {
    case constituencyPrefix = "constituency-prefix"
    case constituencyASN = "constituency-asn"
    case constituencyDomain = "constituency-domain"
    case nationalTeam = "national-team"
    case regionalCoordinator = "regional-coordinator"
}

/// What a reader may know about how to reach a candidate team.
public struct TeamContact: Sendable, Hashable, Codable {
    public var slug: String
    public var shortName: String
    public var officialName: String
    public var countryCode: String
    public var email: String?
    public var phoneNumbers: [String]
    public var pgpFingerprints: [String]
    public var timeZone: String?
    public var operatingHours: String?
    /// Whether the team is inside its operating hours now; nil when its hours are not visible.
    public var openNow: Bool?
    /// When a team that is closed now opens next (`OperatingHours.nextOpening`).
    public var opensNext: Date?
    /// Given when the team is not open now (and the reader may see it).
    public var emergencyContact: String?

    init(_ record: TeamRecord, now: Date) {
        slug = record.slug
        shortName = record.shortName
        officialName = record.officialName
        countryCode = record.countryCode
        email = record.email.isEmpty ? nil : record.email
        phoneNumbers = record.phoneNumbers
        pgpFingerprints = record.pgpKeys.map(\.fingerprint)
        let hours = record.operatingHours
        let known = !hours.isEmpty && TimeZone(identifier: hours.timeZone) != nil
        timeZone = known ? hours.timeZone : nil
        operatingHours = known ? hours.summary : nil
        openNow = known ? hours.isOpen(at: now) : nil
        opensNext = known && openNow == false ? hours.nextOpening(after: now) : nil
        emergencyContact = openNow == true || record.emergencyContact.isEmpty ? nil : record.emergencyContact
    }
}

public struct Candidate: Sendable, Hashable, Codable {
    public var rank: Int
    public var kind: MatchKind
    /// Why the team was chosen, first the reason that ranked it; then any further reasons.
    public var reasons: [String]
    public var team: TeamContact
}

public struct Resolution: Sendable, Hashable, Codable {
    public var input: String
    public var indicator: String
    public var type: String
    /// Facts found on the way: where the address is registered, which AS announces it.
    public var facts: [String]
    public var candidates: [Candidate]
    /// Why nothing matched, when nothing did.
    public var explanation: String?
    /// The imported datasets the answer was found in (which import of each kind); nil where a
    /// bulk answer names them once for all its results.
    public var datasets: [DatasetSource]?
}

/// The kinds of data `renkei import` keeps for the lookup.
public enum DatasetKind: String, Sendable, Codable, CaseIterable {
    /// The RIRs' delegated-extended statistics: which country an address or AS is registered to.
    case rir
    /// RouteViews prefix-to-AS: which AS announces a prefix.
    case pfx2as
    /// Extra constituency entries (`indicator,team` CSV).
    case constituency
}

/// One import of a dataset, as an answer names what it was built from.
public struct DatasetSource: Sendable, Hashable, Codable {
    public var kind: DatasetKind
    public var id: UUID
    /// The imported files' names.
    public var source: String
    public var importedAt: Date
    public var entries: Int

    public init(kind: DatasetKind, id: UUID, source: String, importedAt: Date, entries: Int) {
        (self.kind, self.id, self.source, self.importedAt, self.entries) = (kind, id, source, importedAt, entries)
    }
}

/// RIR data as lookup tables: which country an address or AS number is registered to.
public struct RegistrationTables: Sendable {
    /// The import the tables were built from, if any.
    public let dataset: DatasetSource?
    /// Each prefix's value is its country (`CountryCode.pack`).
    let prefixes: PrefixTable
    let asns: [(first: UInt32, last: UInt32, country: String)]

    public init(_ data: RegistrationData = .init(), dataset: DatasetSource? = nil) {
        prefixes = PrefixTable(data.prefixes)
        asns = data.asns.map { ($0.first, $0.first + ($0.count - 1), $0.country) }.sorted { $0.first < $1.first }
        self.dataset = dataset
    }

    func country(of asn: ASN) -> String? {
        var low = 0, high = asns.count
        while low < high {
            let mid = (low + high) / 2
            if asns[mid].first <= asn.value { low = mid + 1 } else { high = mid }
        }
        guard low > 0, asns[low - 1].last >= asn.value else { return nil }
        return asns[low - 1].country
    }
}

/// Routing data as a lookup table: which AS announces the most specific route to an address.
public struct RoutingTables: Sendable {
    public let dataset: DatasetSource?
    /// Each prefix's value is the position of its origin list in `origins`.
    let prefixes: PrefixTable
    /// Only the origin lists are kept once the table is built.
    let origins: RoutingData

    public init(_ data: RoutingData = .init(), dataset: DatasetSource? = nil) {
        prefixes = PrefixTable(data.prefixes)
        var origins = RoutingData()
        origins.origins = data.origins
        self.origins = origins
        self.dataset = dataset
    }
}

/// Registry and routing data together; each part is built once per import and shared by every
/// resolver built while the teams or the other dataset change.
public struct RegistryTables: Sendable {
    public let registration: RegistrationTables
    public let routing: RoutingTables

    public init(registration: RegistrationTables = .init(), routing: RoutingTables = .init()) {
        self.registration = registration
        self.routing = routing
    }

    /// The imports these tables were built from (RIR data, routing data, or neither).
    public var datasets: [DatasetSource] { [registration.dataset, routing.dataset].compactMap { $0 } }
}

/// The point-of-contact engine: answers which teams are responsible for an indicator, from
/// the teams' declared constituencies, imported constituency entries, routing data (origin AS)
/// and registry data (country), most specific first.
public struct Resolver: Sendable {
    let teams: [TeamRecord]
    /// Each prefix's value is the position of its claims in `prefixClaims`.
    let prefixTeams: PrefixTable
    let prefixClaims: [[Claim]]
    let asnTeams: [UInt32: [Claim]]
    let domainTeams: [String: [Claim]]
    /// National teams by country: declared by the team's type, or listed in imported entries.
    let nationalTeams: [String: [Claim]]
    let coordinators: [Int]
    let registry: RegistryTables
    var registration: PrefixTable { registry.registration.prefixes }
    var routing: PrefixTable { registry.routing.prefixes }
    /// The imports this resolver answers from: RIR and routing data, extra constituency entries.
    public let datasets: [DatasetSource]

    public func dataset(_ kind: DatasetKind) -> DatasetSource? { datasets.first { $0.kind == kind } }

    /// The imports an answer names: public registry and routing data for everyone; the
    /// constituency file (its name, its size) only for members, as the entries themselves are.
    public func datasets(for audience: DirectoryAudience) -> [DatasetSource] {
        audience == .members ? datasets : datasets.filter { $0.kind != .constituency }
    }

    /// A team's claim on a network, AS or domain, and where the claim comes from.
    struct Claim: Sendable, Hashable {
        var team: Int
        var imported: Bool
        /// A national team for its own country: its country and type are public, unlike the
        /// countries its constituency lists.
        var ownCountry = false
    }

    public init(teams: [TeamRecord], registry: RegistryTables = RegistryTables(), extra: [ConstituencyCSV.Entry] = [], extraSource: DatasetSource? = nil) {
        self.teams = teams
        let index = Dictionary(teams.enumerated().map { ($0.element.slug, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var prefixes: [IPPrefix: [Claim]] = [:]
        var asns: [UInt32: [Claim]] = [:]
        var domains: [String: [Claim]] = [:]
        var national: [String: [Claim]] = [:]
        var coordinators: [Int] = []
        func add<Key: Hashable>(_ claim: Claim, _ key: Key, to table: inout [Key: [Claim]]) {
            if !(table[key]?.contains { $0.team == claim.team } ?? false) { table[key, default: []].append(claim) }
        }
        for (position, team) in teams.enumerated() {
            let claim = Claim(team: position, imported: false)
            for text in team.constituency.prefixes { if let prefix = try? IPPrefix(parsing: text) { add(claim, prefix, to: &prefixes) } }
            for text in team.constituency.asns { if let asn = ASN(parsing: text) { add(claim, asn.value, to: &asns) } }
            for text in team.constituency.domains { if let domain = DomainName(parsing: text) { add(claim, domain.name, to: &domains) } }
            if team.teamTypes.contains(.national) {
                let countries = team.constituency.countries.isEmpty ? [team.countryCode] : team.constituency.countries
                for country in countries {
                    add(Claim(team: position, imported: false, ownCountry: country == team.countryCode), country, to: &national)
                }
            }
            if team.teamTypes.contains(.regionalCoordinator) { coordinators.append(position) }
        }
        for entry in extra {
            guard let position = index[entry.team] else { continue }
            let claim = Claim(team: position, imported: true)
            switch entry.indicator {
            case .prefix(let prefix): add(claim, prefix, to: &prefixes)
            case .address(let address): add(claim, IPPrefix(network: address, length: address.bitWidth), to: &prefixes)
            case .asn(let asn): add(claim, asn.value, to: &asns)
            case .domain(let domain): add(claim, domain.name, to: &domains)
            case .country(let code): add(claim, code, to: &national)
            }
        }
        let claimed = Array(prefixes)
        prefixTeams = PrefixTable(claimed.enumerated().map { ($0.element.key, Int32($0.offset)) })
        prefixClaims = claimed.map(\.value)
        datasets = registry.datasets + (extraSource.map { [$0] } ?? [])
        asnTeams = asns
        domainTeams = domains
        nationalTeams = national
        self.coordinators = coordinators
        self.registry = registry
    }

    /// Parses and resolves one line of input; unparseable input is an error, not a crash.
    public func resolve(_ input: String, audience: DirectoryAudience, now: Date = Date()) throws(Indicator.ParseError) -> Resolution {
        resolve(try Indicator(pasted: input), input: input, audience: audience, now: now)
    }

    public func resolve(_ indicator: Indicator, input: String? = nil, audience: DirectoryAudience, now: Date = Date()) -> Resolution {
        var found = Found(teams: teams, audience: audience)
        var facts: [String] = []
        var checked: [String] = []
        switch indicator {
        case .address(let address):
            resolveNetwork(IPPrefix(network: address, length: address.bitWidth), shown: address.description, into: &found, facts: &facts, checked: &checked)
        case .prefix(let prefix):
            resolveNetwork(prefix, shown: prefix.description, into: &found, facts: &facts, checked: &checked)
        case .asn(let asn):
            claimASN(asn, because: "\(asn)", into: &found, checked: &checked)
            if let country = country(of: asn) {
                facts.append("\(asn) is registered to \(countryName(country)) (RIR data).")
                resolveCountry(country, because: "\(asn) is registered to \(countryName(country))", into: &found, checked: &checked)
            } else {
                checked.append(dataset(.rir) == nil ? "no RIR data is imported" : "\(asn) is not registered to a country in the RIR data")
            }
        case .domain(let domain):
            var matchedDomain = false
            for (depth, name) in domain.selfAndParents.enumerated() {
                for claim in found.visible(domainTeams[name] ?? []) {
                    matchedDomain = true
                    let how = claim.imported ? "is listed for \(teams[claim.team].shortName) in the imported constituency data" : "is in \(teams[claim.team].shortName)'s declared constituency"
                    let subject = depth == 0 ? "The domain \(name)" : "The parent domain \(name)"
                    found.add(claim.team, .constituencyDomain, "\(subject) \(how).")
                }
            }
            if !matchedDomain { checked.append("no team declares \(domain.name) or a parent domain") }
            if let country = domain.countryOfTopLevelDomain {
                facts.append("The top-level domain .\(domain.selfAndParents.last!) is \(countryName(country))'s.")
                resolveCountry(country, because: ".\(domain.selfAndParents.last!) is the top-level domain of \(countryName(country))", into: &found, checked: &checked)
            } else {
                checked.append("the top-level domain .\(domain.selfAndParents.last!) belongs to no country")
            }
        case .country(let code):
            resolveCountry(code, because: "\(countryName(code)) was asked for", into: &found, checked: &checked)
        }
        let candidates = found.ranked(now: now)
        let explanation = candidates.isEmpty ? "No team matched: " + checked.joined(separator: "; ") + "." : nil
        return Resolution(input: input ?? indicator.description, indicator: indicator.description, type: indicator.kind,
                          facts: facts, candidates: candidates, explanation: explanation, datasets: datasets(for: audience))
    }

    private func resolveNetwork(_ prefix: IPPrefix, shown: String, into found: inout Found, facts: inout [String], checked: inout [String]) {
        let claims = prefixTeams.allMatches(prefix.network)
            .filter { $0.prefix.length <= prefix.length && !found.visible(prefixClaims[Int($0.value)]).isEmpty }
        for entry in claims {
            for claim in found.visible(prefixClaims[Int(entry.value)]) {
                let how = claim.imported ? "listed for \(teams[claim.team].shortName) in the imported constituency data" : "in \(teams[claim.team].shortName)'s declared constituency"
                found.add(claim.team, .constituencyPrefix, "\(shown) is inside \(entry.prefix), \(how).")
            }
        }
        if claims.isEmpty { checked.append("no team's constituency contains \(shown)") }

        let routes = routing.allMatches(prefix.network).filter { $0.prefix.length <= prefix.length }
        if let route = routes.first {
            let announcing = registry.routing.origins.origins(at: route.value)
            let origins = announcing.map(\.description).joined(separator: ", ")
            facts.append("\(route.prefix) is announced by \(origins) (routing data).")
            for origin in announcing {
                claimASN(origin, because: "\(origin), which announces \(route.prefix),", into: &found, checked: &checked)
            }
        } else {
            checked.append(dataset(.pfx2as) == nil ? "no routing (pfx2as) data is imported" : "no announced route covers \(shown) in the routing data")
        }

        let registrations = registration.allMatches(prefix.network).filter { $0.prefix.length <= prefix.length }
        if let registered = registrations.first {
            let country = CountryCode.unpack(registered.value)
            facts.append("\(registered.prefix) is registered to \(countryName(country)) (RIR data).")
            resolveCountry(country, because: "\(shown) is registered to \(countryName(country))", into: &found, checked: &checked)
        } else {
            checked.append(dataset(.rir) == nil ? "no RIR data is imported" : "\(shown) is not registered to a country in the RIR data")
        }
    }

    private func claimASN(_ asn: ASN, because subject: String, into found: inout Found, checked: inout [String]) {
        let claims = found.visible(asnTeams[asn.value] ?? [])
        for claim in claims {
            let how = claim.imported ? "is listed for \(teams[claim.team].shortName) in the imported constituency data" : "is in \(teams[claim.team].shortName)'s declared constituency"
            found.add(claim.team, .constituencyASN, "\(subject) \(how).")
        }
        if claims.isEmpty { checked.append("no team declares \(asn)") }
    }

    private func resolveCountry(_ code: String, because subject: String, into found: inout Found, checked: inout [String]) {
        // The countries a constituency lists, declared or imported, are shown only to whom may see it.
        let national = found.visible(nationalTeams[code] ?? []).map(\.team)
        for team in national {
            found.add(team, .nationalTeam, "\(subject), and \(teams[team].shortName) is a national team for \(countryName(code)).")
        }
        if national.isEmpty { checked.append("\(countryName(code)) has no national team in the directory") }
        let (serving, inRegion) = coordinators(for: code, seenBy: found)
        for team in serving {
            found.add(team, .regionalCoordinator, "\(teams[team].shortName) is the regional coordinator for \(countryName(code)).")
        }
        for team in inRegion {
            found.add(team, .regionalCoordinator, "\(teams[team].shortName) is a regional coordinator in \(Country.named(code)?.region?.rawValue ?? "the region").")
        }
        if serving.isEmpty && inRegion.isEmpty { checked.append("no regional coordinator covers \(countryName(code))") }
    }

    /// Regional coordinators for a country: those naming it (among their own countries, which
    /// are public, or the ones their constituency lists, if the reader may see it), or else
    /// those based in its M49 region.
    private func coordinators(for code: String, seenBy found: Found) -> (serving: [Int], inRegion: [Int]) {
        let serving = coordinators.filter {
            teams[$0].allCountryCodes.contains(code)
                || (!found.visible([Claim(team: $0, imported: false)]).isEmpty && teams[$0].constituency.countries.contains(code))
        }
        guard serving.isEmpty, let region = Country.named(code)?.region else { return (serving, []) }
        return ([], coordinators.filter { Country.named(teams[$0].countryCode)?.region == region })
    }

    /// The slug of the first-ranked team for an address as a member sees it, without building
    /// reasons: the hot path of routing an event file.
    public func topTeam(for address: IPAddress) -> String? {
        let claim = prefixTeams.longestMatch(address)
        if claim >= 0, let first = prefixClaims[Int(prefixTeams.entries[Int(claim)].value)].first { return teams[first.team].slug }
        let route = routing.longestMatch(address)
        if route >= 0 {
            for origin in registry.routing.origins.origins(at: routing.entries[Int(route)].value) {
                if let first = asnTeams[origin.value]?.first { return teams[first.team].slug }
            }
        }
        let registered = registration.longestMatch(address)
        guard registered >= 0 else { return nil }
        let country = CountryCode.unpack(registration.entries[Int(registered)].value)
        if let national = nationalTeams[country]?.first { return teams[national.team].slug }
        let (serving, inRegion) = coordinators(for: country, seenBy: Found(teams: teams, audience: .members))
        return (serving.first ?? inRegion.first).map { teams[$0].slug }
    }

    func country(of asn: ASN) -> String? { registry.registration.country(of: asn) }

    func countryName(_ code: String) -> String {
        Country.named(code).map { "\($0.name) (\($0.code))" } ?? code
    }

    /// Candidates collected in rank order; a team keeps its first (best) rank and gathers reasons.
    struct Found {
        let teams: [TeamRecord]
        let audience: DirectoryAudience
        var order: [Int] = []
        var kinds: [Int: MatchKind] = [:]
        var reasons: [Int: [String]] = [:]

        mutating func add(_ team: Int, _ kind: MatchKind, _ reason: String) {
            if kinds[team] == nil {
                order.append(team)
                kinds[team] = kind
            }
            if !(reasons[team]?.contains(reason) ?? false) { reasons[team, default: []].append(reason) }
        }

        /// Claims the reader may know of: a team's constituency is used for anonymous readers
        /// only when the team made it public, so a lookup cannot reveal what the page hides.
        func visible(_ claims: [Claim]) -> [Claim] {
            audience == .members ? claims : claims.filter { $0.ownCountry || teams[$0.team].publicFields.contains(.constituency) }
        }

        init(teams: [TeamRecord], audience: DirectoryAudience) {
            self.teams = teams
            self.audience = audience
        }

        func ranked(now: Date) -> [Candidate] {
            let kindOrder = Dictionary(uniqueKeysWithValues: MatchKind.allCases.enumerated().map { ($0.element, $0.offset) })
            // Stable: within a kind, the order found (most specific first).
            let sorted = order.enumerated().sorted { a, b in
                let (ka, kb) = (kindOrder[kinds[a.element]!]!, kindOrder[kinds[b.element]!]!)
                return ka == kb ? a.offset < b.offset : ka < kb
            }.map(\.element)
            return sorted.enumerated().map { position, team in
                Candidate(rank: position + 1, kind: kinds[team]!, reasons: reasons[team]!,
                          team: TeamContact(teams[team].visible(to: audience), now: now))
            }
        }
    }
}
