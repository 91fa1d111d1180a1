/// The fixed vocabulary an abuse event is classified in: the Reference Security Incident
/// Taxonomy's types as IntelMQ's harmonisation names them, grouped by taxonomy, plus
/// `open-service` (a service that should not face the Internet: what sensor feeds report most,
/// and what IntelMQ files as `potentially-unwanted-accessible`).
public enum AbuseTaxonomy: String, Sendable, Hashable, Codable, CaseIterable {
    case abusiveContent = "abusive-content"
    case availability
    case fraud
    case informationContentSecurity = "information-content-security"
    case informationGathering = "information-gathering"
    case intrusionAttempts = "intrusion-attempts"
    case intrusions
    case maliciousCode = "malicious-code"
    case other
    case test
    case vulnerable
}

public enum AbuseType: String, Sendable, Hashable, Codable, CaseIterable {
    case spam, harmfulSpeech = "harmful-speech", violence
    case ddos, dos, outage, sabotage
    case copyright, masquerade, phishing, unauthorizedUseOfResources = "unauthorized-use-of-resources"
    case dataLeak = "data-leak", dataLoss = "data-loss", unauthorisedInformationAccess = "unauthorised-information-access",
         unauthorisedInformationModification = "unauthorised-information-modification"
    case scanner, sniffing, socialEngineering = "social-engineering"
    case bruteForce = "brute-force", exploit, idsAlert = "ids-alert"
    case applicationCompromise = "application-compromise", burglary, privilegedAccountCompromise = "privileged-account-compromise",
         systemCompromise = "system-compromise", unprivilegedAccountCompromise = "unprivileged-account-compromise"
    case infectedSystem = "infected-system", c2Server = "c2-server", malwareDistribution = "malware-distribution",
         malwareConfiguration = "malware-configuration"
    case blacklist, dgaDomain = "dga-domain", other, tor, undetermined
    case test
    case ddosAmplifier = "ddos-amplifier", informationDisclosure = "information-disclosure",
         potentiallyUnwantedAccessible = "potentially-unwanted-accessible", vulnerableSystem = "vulnerable-system",
         weakCrypto = "weak-crypto", openService = "open-service"

    public var taxonomy: AbuseTaxonomy {
        switch self {
        case .spam, .harmfulSpeech, .violence: .abusiveContent
        case .ddos, .dos, .outage, .sabotage: .availability
        case .copyright, .masquerade, .phishing, .unauthorizedUseOfResources: .fraud
        case .dataLeak, .dataLoss, .unauthorisedInformationAccess, .unauthorisedInformationModification: .informationContentSecurity
        case .scanner, .sniffing, .socialEngineering: .informationGathering
        case .bruteForce, .exploit, .idsAlert: .intrusionAttempts
        case .applicationCompromise, .burglary, .privilegedAccountCompromise, .systemCompromise, .unprivilegedAccountCompromise: .intrusions
        case .infectedSystem, .c2Server, .malwareDistribution, .malwareConfiguration: .maliciousCode
        case .blacklist, .dgaDomain, .other, .tor, .undetermined: .other
        case .test: .test
        case .ddosAmplifier, .informationDisclosure, .potentiallyUnwantedAccessible, .vulnerableSystem, .weakCrypto, .openService: .vulnerable
        }
    }
}

/// A configured source of abuse reports: its name is what reports are filed under, and what
/// `renkei abuse ingest --feed NAME` and the API name it by.
public enum AbuseFeedName {
    /// The feed every installation has.
    public static let generic = "generic-csv"
    /// The feed reports received by mail go to (`renkei abuse receive`), as every installation has it.
    public static let mail = "abuse-mail"

    /// Lower-case letters, digits and inner hyphens, at most 63: safe in a file name, a URL and a CSV cell.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
