import Foundation

/// One thing a team claims to be responsible for, as the lookup engine uses it: a network, an
/// autonomous system, a domain, a country of its constituency, or a coordinating role (national
/// team, regional coordinator) for the countries it serves.
public struct ConstituencyClaim: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case prefix, asn, domain, country, role
    }

    public var kind: Kind
    /// The normal form `TeamRecord.validated()` gives: `10.0.0.0/8`, `AS64500`, `example.com`,
    /// `DE`, or a `TeamType` raw value (`national`, `regional-coordinator`) for a role.
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    public static func < (lhs: ConstituencyClaim, rhs: ConstituencyClaim) -> Bool {
        let order = Kind.allCases
        let (left, right) = (order.firstIndex(of: lhs.kind)!, order.firstIndex(of: rhs.kind)!)
        return left == right ? lhs.value < rhs.value : left < right
    }

    public var description: String {
        switch kind {
        case .prefix: "network \(value)"
        case .asn: value
        case .domain: "domain \(value)"
        case .country: "country \(Country.named(value)?.name ?? value) (\(value))"
        case .role: "role: \(TeamType(rawValue: value)?.label.lowercased() ?? value) team"
        }
    }

    /// The roles that make a team answer for whole countries in the lookup.
    public static let coordinatingRoles: [TeamType] = [.national, .regionalCoordinator]
}

/// Why a claim waits for the secretariat.
public enum ClaimReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// An IPv4 prefix shorter than /16 or an IPv6 prefix shorter than /32.
    case broadPrefix = "broad-prefix"
    /// A top-level domain or a well-known public suffix (`com`, `co.uk`).
    case publicSuffix = "public-suffix"
    case country
    /// A national or regional coordinator role, or one widened to more countries.
    case coordinatingRole = "coordinating-role"
    /// Another team already claims the same, a containing or a contained network or domain,
    /// the same AS, or the same country.
    case overlap

    public var label: String {
        switch self {
        case .broadPrefix: "a network larger than /16 (IPv4) or /32 (IPv6)"
        case .publicSuffix: "a top-level domain or public suffix"
        case .country: "a whole country"
        case .coordinatingRole: "a national or regional coordinator role"
        case .overlap: "overlaps another team's constituency"
        }
    }
}

/// Another team's approved claim that overlaps one of ours.
public struct ClaimOverlap: Sendable, Hashable, Codable {
    /// The other team's slug.
    public var team: String
    public var claim: ConstituencyClaim

    public init(team: String, claim: ConstituencyClaim) {
        self.team = team
        self.claim = claim
    }
}

/// What the rules say about one claim.
public struct ClaimAssessment: Sendable, Hashable, Codable {
    public var claim: ConstituencyClaim
    public var reasons: [ClaimReason]
    public var overlaps: [ClaimOverlap]

    public var needsApproval: Bool { !reasons.isEmpty }
}

/// The outcome of an edit: the record to store (only claims that apply), and the claims that
/// were new in the edit, split into those applied now and those waiting for approval.
public struct ClaimReview: Sendable, Hashable {
    public var record: TeamRecord
    public var applied: [ClaimAssessment]
    public var waiting: [ClaimAssessment]
}

/// The rule that keeps the lookup honest: a representative's new claim that is broad (a large
/// network, a public suffix, a country, a coordinating role) or that overlaps another team's
/// approved claim is not used until the secretariat approves it; narrow, non-overlapping claims
/// apply at once. Removing a claim always applies at once.
public enum ConstituencyClaims {
    /// The shortest IPv4 and IPv6 prefixes a team may claim without approval.
    public static let narrowIPv4Length = 16
    public static let narrowIPv6Length = 32

    /// Well-known public suffixes below the top level, where registrants (not one organisation)
    /// hold the names. Every single-label name (a TLD) counts as a public suffix too. A short
    /// built-in list on purpose: it catches the claims that matter ("all of co.uk") without
    /// shipping and updating the whole public-suffix list.
    public static let wellKnownPublicSuffixes: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "nhs.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "ed.jp", "gr.jp", "lg.jp",
        "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
        "com.br", "net.br", "org.br", "gov.br", "edu.br",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn",
        "co.in", "net.in", "org.in", "gov.in", "ac.in", "nic.in",
        "co.kr", "or.kr", "go.kr", "ac.kr", "ne.kr",
        "co.za", "org.za", "gov.za", "ac.za",
        "com.mx", "gob.mx", "org.mx", "com.ar", "gob.ar", "com.co", "gov.co",
        "com.tr", "gov.tr", "org.tr", "edu.tr", "com.sg", "gov.sg", "edu.sg",
        "com.hk", "gov.hk", "com.tw", "gov.tw", "co.il", "org.il", "ac.il", "gov.il",
        "gv.at", "co.at", "or.at", "ac.at", "com.pl", "net.pl", "org.pl", "gov.pl",
        "gouv.fr", "gob.es", "com.es", "org.es", "com.ua", "gov.ua", "com.ru", "org.ru",
        "europa.eu", "gc.ca", "gov.ie",
        "github.io", "gitlab.io", "blogspot.com", "appspot.com", "herokuapp.com", "cloudfront.net",
        "amazonaws.com", "azurewebsites.net", "cloudapp.net", "netlify.app", "vercel.app", "pages.dev",
        "workers.dev", "web.app", "firebaseapp.com", "duckdns.org", "no-ip.org", "dyndns.org", "ngrok.io",
    ]

    public static func isPublicSuffix(_ domain: String) -> Bool {
        !domain.contains(".") || wellKnownPublicSuffixes.contains(domain)
    }

    /// Every claim a (validated) record makes; roles only for the coordinating team types.
    public static func claims(of record: TeamRecord) -> [ConstituencyClaim] {
        record.constituency.prefixes.map { ConstituencyClaim(.prefix, $0) }
            + record.constituency.asns.map { ConstituencyClaim(.asn, $0) }
            + record.constituency.domains.map { ConstituencyClaim(.domain, $0) }
            + record.constituency.countries.map { ConstituencyClaim(.country, $0) }
            + ConstituencyClaim.coordinatingRoles.filter(record.teamTypes.contains).map { ConstituencyClaim(.role, $0.rawValue) }
    }

    /// The countries a coordinating role makes the team answer for, as `Resolver` reads them:
    /// a national team for its constituency's countries (its own country when it lists none), a
    /// regional coordinator for those and every country it serves.
    public static func countries(of role: TeamType, in record: TeamRecord) -> Set<String> {
        switch role {
        case .national: Set(record.constituency.countries.isEmpty ? [record.countryCode] : record.constituency.countries)
        case .regionalCoordinator: Set(record.constituency.countries + record.allCountryCodes)
        default: []
        }
    }

    /// What the rules say about `claim` made by `record`, against the other teams' approved
    /// records (the team's own record in `others` is ignored).
    public static func assess(_ claim: ConstituencyClaim, by record: TeamRecord, others: [TeamRecord]) -> ClaimAssessment {
        var reasons: [ClaimReason] = []
        switch claim.kind {
        case .prefix:
            if let prefix = try? IPPrefix(parsing: claim.value),
               prefix.length < (prefix.network.bitWidth == 32 ? narrowIPv4Length : narrowIPv6Length) {
                reasons.append(.broadPrefix)
            }
        case .domain:
            if isPublicSuffix(claim.value) { reasons.append(.publicSuffix) }
        case .country:
            reasons.append(.country)
        case .role:
            reasons.append(.coordinatingRole)
        case .asn:
            break
        }
        let found = others.filter { $0.slug != record.slug }.flatMap { other in
            claims(of: other).filter { overlap(claim, in: record, with: $0, in: other) }.map { ClaimOverlap(team: other.slug, claim: $0) }
        }
        if !found.isEmpty { reasons.append(.overlap) }
        return ClaimAssessment(claim: claim, reasons: reasons, overlaps: found)
    }

    /// Whether two teams' claims cover some of the same ground: prefixes that contain one
    /// another, the same domain or one below the other, the same AS, the same country (in a
    /// constituency or through a national role), the same role for a common country.
    static func overlap(_ claim: ConstituencyClaim, in record: TeamRecord, with theirs: ConstituencyClaim, in other: TeamRecord) -> Bool {
        switch (claim.kind, theirs.kind) {
        case (.prefix, .prefix):
            guard let mine = try? IPPrefix(parsing: claim.value), let other = try? IPPrefix(parsing: theirs.value) else { return false }
            return mine.overlaps(other)
        case (.asn, .asn), (.country, .country):
            return claim.value == theirs.value
        case (.domain, .domain):
            return claim.value == theirs.value || claim.value.hasSuffix("." + theirs.value) || theirs.value.hasSuffix("." + claim.value)
        case (.country, .role):
            return theirs.value == TeamType.national.rawValue && countries(of: .national, in: other).contains(claim.value)
        case (.role, .country):
            return claim.value == TeamType.national.rawValue && countries(of: .national, in: record).contains(theirs.value)
        case (.role, .role):
            guard claim.value == theirs.value, let role = TeamType(rawValue: claim.value) else { return false }
            return !countries(of: role, in: record).isDisjoint(with: countries(of: role, in: other))
        default:
            return false
        }
    }

    /// Decides an edit from `old` (the stored record: approved claims only; nil for a new
    /// team) to `new` (validated). Claims `new` adds are assessed against `others`; those that
    /// need approval are left out of the returned record unless `approver` (the secretariat,
    /// who would approve them anyway) made the edit. A coordinating role waits when it is new or
    /// would cover a country it did not cover before.
    public static func review(old: TeamRecord?, new: TeamRecord, others: [TeamRecord], approver: Bool) -> ClaimReview {
        let before = Set(old.map(claims(of:)) ?? [])
        var record = new
        var applied: [ClaimAssessment] = []
        var waiting: [ClaimAssessment] = []
        for claim in claims(of: new) where claim.kind != .role && !before.contains(claim) {
            let assessment = assess(claim, by: new, others: others)
            if assessment.needsApproval && !approver {
                waiting.append(assessment)
                record = removing(claim, from: record)
            } else {
                applied.append(assessment)
            }
        }
        for role in ConstituencyClaim.coordinatingRoles where record.teamTypes.contains(role) {
            let covered = old.map { $0.teamTypes.contains(role) ? countries(of: role, in: $0) : [] } ?? []
            guard !countries(of: role, in: record).isSubset(of: covered) else { continue }
            let assessment = assess(ConstituencyClaim(.role, role.rawValue), by: record, others: others)
            if approver {
                applied.append(assessment)
            } else {
                waiting.append(assessment)
                record = removing(assessment.claim, from: record)
            }
        }
        return ClaimReview(record: record, applied: applied, waiting: waiting)
    }

    /// Every approved claim of `record` that overlaps another team's approved claim.
    public static func overlaps(of record: TeamRecord, others: [TeamRecord]) -> [ClaimAssessment] {
        claims(of: record).map { assess($0, by: record, others: others) }.filter { !$0.overlaps.isEmpty }
    }

    /// The record with `claim` added: what approving it does.
    public static func adding(_ claim: ConstituencyClaim, to record: TeamRecord) -> TeamRecord {
        var record = record
        switch claim.kind {
        case .prefix: if !record.constituency.prefixes.contains(claim.value) { record.constituency.prefixes.append(claim.value) }
        case .asn: if !record.constituency.asns.contains(claim.value) { record.constituency.asns.append(claim.value) }
        case .domain: if !record.constituency.domains.contains(claim.value) { record.constituency.domains.append(claim.value) }
        case .country: if !record.constituency.countries.contains(claim.value) { record.constituency.countries.append(claim.value) }
        case .role:
            if let role = TeamType(rawValue: claim.value), !record.teamTypes.contains(role) { record.teamTypes.append(role) }
        }
        return record
    }

    public static func removing(_ claim: ConstituencyClaim, from record: TeamRecord) -> TeamRecord {
        var record = record
        switch claim.kind {
        case .prefix: record.constituency.prefixes.removeAll { $0 == claim.value }
        case .asn: record.constituency.asns.removeAll { $0 == claim.value }
        case .domain: record.constituency.domains.removeAll { $0 == claim.value }
        case .country: record.constituency.countries.removeAll { $0 == claim.value }
        case .role: record.teamTypes.removeAll { $0.rawValue == claim.value }
        }
        return record
    }
}

extension DirectoryPolicy {
    /// The secretariat approves and rejects claims; its own edits are therefore applied at once.
    public static func canDecideClaims(actor: Actor?) -> Bool {
        actor?.roles.contains(.secretariat) ?? false
    }

    /// Waiting claims and overlaps are for the team's own people and the secretariat: they
    /// reveal what a team asked for before anyone vouched for it.
    public static func canSeeClaims(of teamID: UUID, actor: Actor?) -> Bool {
        guard let actor else { return false }
        return canDecideClaims(actor: actor) || actor.teamID == teamID
    }
}
