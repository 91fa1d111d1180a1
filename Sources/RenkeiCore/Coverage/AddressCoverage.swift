/// How much of each country's registered address space has a responsible team: through a
/// team's constituency (a claimed prefix, or a route announced by a claimed AS), through the
/// country's national team only, or none; and the largest registered blocks and announcing
/// ASes nobody answers for.
///
/// IPv4 space is counted in addresses, IPv6 space in /48 networks (a longer prefix counts as
/// the /48 holding it). A block registered inside another counts with the outer one.
public struct AddressCoverage: Sendable, Hashable, Codable {
    public struct Space: Sendable, Hashable, Codable {
        public var registered: UInt64 = 0
        public var constituency: UInt64 = 0
        public var nationalOnly: UInt64 = 0
        public var none: UInt64 = 0

        public init(registered: UInt64 = 0, constituency: UInt64 = 0, nationalOnly: UInt64 = 0, none: UInt64 = 0) {
            (self.registered, self.constituency, self.nationalOnly, self.none) = (registered, constituency, nationalOnly, none)
        }

        /// `part` as a percentage of the registered space, one decimal.
        public func percent(_ part: UInt64) -> Double {
            registered == 0 ? 0 : (Double(part) * 1000 / Double(registered)).rounded() / 10
        }
    }

    public struct CountryRow: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
        public var ipv4: Space
        public var ipv6: Space
    }

    public struct Block: Sendable, Hashable, Codable {
        public var prefix: String
        public var country: String
        /// Addresses (IPv4) or /48 networks (IPv6).
        public var size: UInt64
    }

    public struct UncoveredAS: Sendable, Hashable, Codable {
        public var asn: String
        /// Where the RIR data registers the AS, else where the space it announces is registered.
        public var country: String?
        /// IPv4 addresses in the least specific routes it announces.
        public var announcedIPv4: UInt64
    }

    public var countries: [CountryRow]
    /// The lists of what nobody answers for, for the secretariat (`shown(to:)`).
    public var largestUncoveredIPv4Blocks: [Block]?
    public var largestUncoveredIPv6Blocks: [Block]?
    public var largestUncoveredASes: [UncoveredAS]?
    public var ipv4: Space
    public var ipv6: Space

    /// The secretariat acts on the networks nobody answers for; to anyone else such a list
    /// would be a map of where reports go unread.
    public static func showsUncoveredNetworks(to actor: Actor?) -> Bool {
        actor?.roles.contains(.secretariat) ?? false
    }

    /// The coverage without the lists of uncovered networks unless `actor` may see them.
    public func shown(to actor: Actor?) -> AddressCoverage {
        guard !Self.showsUncoveredNetworks(to: actor) else { return self }
        var shown = self
        (shown.largestUncoveredIPv4Blocks, shown.largestUncoveredIPv6Blocks, shown.largestUncoveredASes) = (nil, nil, nil)
        return shown
    }
}

extension Resolver {
    /// The address coverage as `audience` may know it: for anonymous readers only the
    /// constituencies teams made public and the national teams for their own countries, as in
    /// a lookup.
    public func addressCoverage(audience: DirectoryAudience, limit: Int = 20) -> AddressCoverage {
        let found = Found(teams: teams, audience: audience)
        let claimedASNs = Set(asnTeams.filter { !found.visible($0.value).isEmpty }.keys)
        var nationalCountries = Set(nationalTeams.filter { !found.visible($0.value).isEmpty }.keys)
        nationalCountries.remove("")

        var covered = CoveredIntervals()
        for entry in prefixTeams.entries where !found.visible(prefixClaims[Int(entry.value)]).isEmpty { covered.add(entry.prefix) }
        var announced: [UInt32: (addresses: UInt64, registeredTo: String?)] = [:]
        for entry in routing.entries {
            let origins = registry.routing.origins.origins(at: entry.value)
            if origins.contains(where: { claimedASNs.contains($0.value) }) { covered.add(entry.prefix) }
            if entry.parent == PrefixTable.none, case .v4 = entry.prefix.network {
                let registered = registration.longestMatch(entry.prefix.network)
                let country = registered == PrefixTable.none ? nil : CountryCode.unpack(registration.entries[Int(registered)].value)
                for origin in origins {
                    let sum = announced[origin.value]
                    announced[origin.value] = ((sum?.addresses ?? 0) + CoveredIntervals.interval(entry.prefix).count, sum?.registeredTo ?? country)
                }
            }
        }
        covered.merge()

        var rows: [String: AddressCoverage.CountryRow] = [:]
        var blocks: [(block: AddressCoverage.Block, prefix: IPPrefix)] = []
        var totals = (v4: AddressCoverage.Space(), v6: AddressCoverage.Space())
        for entry in registration.entries where entry.parent == PrefixTable.none {
            let code = CountryCode.unpack(entry.value)
            let interval = CoveredIntervals.interval(entry.prefix)
            let isV4 = interval.isV4
            let inConstituency = covered.overlap(interval)
            var space = AddressCoverage.Space(registered: interval.count, constituency: inConstituency)
            if nationalCountries.contains(code) { space.nationalOnly = interval.count - inConstituency } else { space.none = interval.count - inConstituency }
            var row = rows[code] ?? AddressCoverage.CountryRow(code: code, name: Country.named(code)?.name ?? code, ipv4: .init(), ipv6: .init())
            if isV4 { row.ipv4.add(space); totals.v4.add(space) } else { row.ipv6.add(space); totals.v6.add(space) }
            rows[code] = row
            if space.none == interval.count {
                let block = AddressCoverage.Block(prefix: entry.prefix.description, country: code, size: interval.count)
                blocks.append((block, entry.prefix))
            }
        }

        // The largest first; blocks of one size in address order.
        func largest(_ v4: Bool) -> [AddressCoverage.Block] {
            let family = blocks.filter { ($0.prefix.network.bitWidth == 32) == v4 }
            let sorted = family.sorted { (a: (block: AddressCoverage.Block, prefix: IPPrefix), b: (block: AddressCoverage.Block, prefix: IPPrefix)) in
                a.block.size == b.block.size ? a.prefix < b.prefix : a.block.size > b.block.size
            }
            return sorted.prefix(limit).map(\.block)
        }
        // An AS is placed where the RIR data registers it, else where its first route's space is registered.
        let uncoveredASes = announced.compactMap { asn, announcement -> AddressCoverage.UncoveredAS? in
            guard !claimedASNs.contains(asn) else { return nil }
            let country = registry.registration.country(of: ASN(asn)) ?? announcement.registeredTo
            if let country, nationalCountries.contains(country) { return nil }
            return AddressCoverage.UncoveredAS(asn: ASN(asn).description, country: country, announcedIPv4: announcement.addresses)
        }.sorted { (a: AddressCoverage.UncoveredAS, b: AddressCoverage.UncoveredAS) in
            a.announcedIPv4 == b.announcedIPv4 ? a.asn < b.asn : a.announcedIPv4 > b.announcedIPv4
        }
        return AddressCoverage(countries: rows.values.sorted { $0.code < $1.code }, largestUncoveredIPv4Blocks: largest(true),
                               largestUncoveredIPv6Blocks: largest(false), largestUncoveredASes: Array(uncoveredASes.prefix(limit)),
                               ipv4: totals.v4, ipv6: totals.v6)
    }
}

extension AddressCoverage.Space {
    mutating func add(_ other: Self) {
        registered += other.registered
        constituency += other.constituency
        nationalOnly += other.nationalOnly
        none += other.none
    }
}

/// Address ranges as closed intervals in one number line per family: IPv4 addresses, and IPv6
/// /48 networks offset past the IPv4 space so the two never meet.
struct CoveredIntervals {
    struct Interval {
        var first: UInt64
        var last: UInt64
        var count: UInt64 { last - first + 1 }
        var isV4: Bool { last <= UInt64(UInt32.max) }
    }

    private static let v6Offset: UInt64 = 1 << 33

    private var intervals: [Interval] = []

    static func interval(_ prefix: IPPrefix) -> Interval {
        switch prefix.network {
        case .v4(let network):
            let first = UInt64(network)
            return Interval(first: first, last: first + (UInt64(1) << (32 - prefix.length)) - 1)
        case .v6(let high, _):
            let length = min(max(prefix.length, 2), 48)
            let first = high >> 16
            return Interval(first: v6Offset + first, last: v6Offset + first + (UInt64(1) << (48 - length)) - 1)
        }
    }

    mutating func add(_ prefix: IPPrefix) { intervals.append(Self.interval(prefix)) }

    /// Sorts and joins overlapping or touching intervals; call once after adding.
    mutating func merge() {
        intervals.sort { $0.first < $1.first }
        var merged: [Interval] = []
        merged.reserveCapacity(intervals.count)
        for interval in intervals {
            if let last = merged.last, interval.first <= last.last + 1 {
                merged[merged.count - 1].last = max(last.last, interval.last)
            } else {
                merged.append(interval)
            }
        }
        intervals = merged
    }

    /// How much of `range` the (merged) intervals cover.
    func overlap(_ range: Interval) -> UInt64 {
        var low = 0, high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].last < range.first { low = middle + 1 } else { high = middle }
        }
        var total: UInt64 = 0
        var index = low
        while index < intervals.count, intervals[index].first <= range.last {
            total += min(range.last, intervals[index].last) - max(range.first, intervals[index].first) + 1
            index += 1
        }
        return total
    }
}
