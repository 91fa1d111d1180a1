import Foundation

/// Where an abuse event goes, and what was learned on the way: the AS announcing its address
/// (else the one the report named) and the country it is registered to.
public struct AbuseRoute: Sendable, Hashable {
    /// The responsible team's slug; nil sends the event to the secretariat's queue.
    public var team: String?
    public var asn: UInt32?
    public var country: String?

    public init(team: String?, asn: UInt32?, country: String?) {
        (self.team, self.asn, self.country) = (team, asn, country)
    }
}

extension Resolver {
    /// The resolver's ranking without its reasons, for millions of events: a team whose
    /// constituency holds the address, else one declaring the announcing (or reported) AS, else
    /// one declaring the host name or a parent domain, else the national team of the country.
    /// Regional coordinators are left out: they coordinate, they do not take a network's
    /// events, which wait in the secretariat's queue instead.
    public func abuseRoute(address: IPAddress?, reportedASN: UInt32?, host: String?) -> AbuseRoute {
        var team: Int?
        var origins: [UInt32] = []
        var country: String?
        if let address {
            let claim = prefixTeams.longestMatch(address)
            if claim >= 0 { team = prefixClaims[Int(prefixTeams.entries[Int(claim)].value)].first?.team }
            let route = routing.longestMatch(address)
            if route >= 0 { origins = registry.routing.origins.origins(at: routing.entries[Int(route)].value).map(\.value) }
            let registered = registration.longestMatch(address)
            if registered >= 0 { country = CountryCode.unpack(registration.entries[Int(registered)].value) }
        }
        if origins.isEmpty, let reportedASN { origins = [reportedASN] }
        if team == nil { team = origins.lazy.compactMap { self.asnTeams[$0]?.first?.team }.first }
        let domain = host.flatMap { DomainName(parsing: $0) }
        if team == nil, let domain { team = domain.selfAndParents.lazy.compactMap { self.domainTeams[$0]?.first?.team }.first }
        if country == nil, let first = origins.first { country = registry.registration.country(of: ASN(first)) }
        if country == nil { country = domain?.countryOfTopLevelDomain }
        if team == nil, let country { team = nationalTeams[country]?.first?.team }
        return AbuseRoute(team: team.map { teams[$0].slug }, asn: origins.first, country: country)
    }
}

extension Resolver {
    /// The prefix the monitoring views count an address under: the announced prefix it lies in
    /// (routing data), else its /24 (IPv4) or /48 (IPv6), as networks are commonly assigned,
    /// said to be unannounced.
    public func monitoringPrefix(of address: IPAddress) -> String {
        let route = routing.longestMatch(address)
        if route >= 0 { return routing.entries[Int(route)].prefix.description }
        return IPPrefix(network: address, length: address.bitWidth == 32 ? 24 : 48).description + " (not announced)"
    }
}
