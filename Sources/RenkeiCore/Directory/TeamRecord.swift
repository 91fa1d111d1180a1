import Foundation

/// Everything the directory knows about one team. Field names follow FIRST's Global IRT v1
/// properties where one exists; values are stored as the user gave them after `validated()`
/// normalised them, so one type serves the form, the API and the file formats.
public struct TeamRecord: Sendable, Hashable, Codable {
    public var slug: String
    public var shortName: String
    public var officialName: String
    public var postalAddress: String
    public var countryCode: String
    public var additionalCountryCodes: [String]
    public var websites: [String]
    public var email: String
    /// Addresses for members only (e.g. a duty-officer alias); never public.
    public var internalEmails: [String]
    public var host: String
    /// ISO 8601 date (YYYY-MM-DD) or empty.
    public var establishment: String
    public var phoneNumbers: [String]
    public var emergencyContact: String
    public var operatingHours: OperatingHours
    /// Global IRT `constituency`: the kind of constituency in words ("Government", "National").
    public var constituencyName: String
    public var constituencyCode: String
    public var constituencyDescription: String
    /// The machine-readable constituency the lookup engine answers from.
    public var constituency: Constituency
    /// ISO 639 language codes.
    public var languages: [String]
    public var teamTypes: [TeamType]
    public var memberType: MemberType?
    /// ISO 8601 date or empty.
    public var memberSince: String
    public var pgpKeys: [PGPKey]
    /// Which optional fields anonymous visitors may see.
    public var publicFields: Set<TeamField>

    public init(
        slug: String = "", shortName: String = "", officialName: String = "", postalAddress: String = "",
        countryCode: String = "", additionalCountryCodes: [String] = [], websites: [String] = [],
        email: String = "", internalEmails: [String] = [], host: String = "", establishment: String = "",
        phoneNumbers: [String] = [], emergencyContact: String = "", operatingHours: OperatingHours = .init(),
        constituencyName: String = "", constituencyCode: String = "", constituencyDescription: String = "",
        constituency: Constituency = .init(), languages: [String] = [], teamTypes: [TeamType] = [],
        memberType: MemberType? = nil, memberSince: String = "", pgpKeys: [PGPKey] = [],
        publicFields: Set<TeamField> = TeamField.publicByDefault
    ) {
        self.slug = slug; self.shortName = shortName; self.officialName = officialName
        self.postalAddress = postalAddress; self.countryCode = countryCode
        self.additionalCountryCodes = additionalCountryCodes; self.websites = websites; self.email = email
        self.internalEmails = internalEmails; self.host = host; self.establishment = establishment
        self.phoneNumbers = phoneNumbers; self.emergencyContact = emergencyContact
        self.operatingHours = operatingHours; self.constituencyName = constituencyName
        self.constituencyCode = constituencyCode; self.constituencyDescription = constituencyDescription
        self.constituency = constituency; self.languages = languages; self.teamTypes = teamTypes
        self.memberType = memberType; self.memberSince = memberSince; self.pgpKeys = pgpKeys
        self.publicFields = publicFields
    }

    public var country: Country? { Country.named(countryCode) }

    /// All countries the team serves: its own and the additional ones.
    public var allCountryCodes: [String] { [countryCode] + additionalCountryCodes }
}

/// The optional fields a team decides to show to anonymous visitors. Identity fields (names,
/// country, team and member type, constituency name) are always public; internal e-mail
/// addresses never are.
public enum TeamField: String, Sendable, Hashable, Codable, CaseIterable {
    case postalAddress, websites, email, host, establishment, phoneNumbers, operatingHours
    case constituencyDescription, constituency, languages, pgpKeys, emergencyContact

    public static let publicByDefault: Set<TeamField> = [
        .websites, .email, .host, .establishment, .phoneNumbers, .operatingHours,
        .constituencyDescription, .constituency, .languages,
    ]

    public var label: String {
        switch self {
        case .postalAddress: "Postal address"
        case .websites: "Websites"
        case .email: "E-mail"
        case .host: "Host organisation"
        case .establishment: "Established"
        case .phoneNumbers: "Phone numbers"
        case .operatingHours: "Operating hours"
        case .constituencyDescription: "Constituency description"
        case .constituency: "Constituency (networks, domains, countries)"
        case .languages: "Languages"
        case .pgpKeys: "PGP keys"
        case .emergencyContact: "Emergency contact"
        }
    }
}

public enum TeamType: String, Sendable, Hashable, Codable, CaseIterable {
    case national, government, academic, commercial, vendor, sector, regionalCoordinator = "regional-coordinator"

    public var label: String {
        switch self {
        case .national: "National"
        case .government: "Government"
        case .academic: "Academic"
        case .commercial: "Commercial"
        case .vendor: "Vendor / PSIRT"
        case .sector: "Sector"
        case .regionalCoordinator: "Regional coordinator"
        }
    }
}

public enum MemberType: String, Sendable, Hashable, Codable, CaseIterable {
    case fullMember = "Full Member", liaison = "Liaison", associate = "Associate"
}

/// An OpenPGP public key as the directory keeps it: the armored key and what GnuPG read from it.
public struct PGPKey: Sendable, Hashable, Codable {
    /// Upper-case hexadecimal, no spaces (40 characters for v4 keys).
    public var fingerprint: String
    public var armored: String
    public var userIDs: [String]
    public var algorithm: String
    public var created: Date?
    public var expires: Date?
    /// Whether the key (a subkey of it) can encrypt, as GnuPG read it; nil when not known.
    public var canEncrypt: Bool?

    public init(fingerprint: String, armored: String, userIDs: [String] = [], algorithm: String = "",
                created: Date? = nil, expires: Date? = nil, canEncrypt: Bool? = nil) {
        self.fingerprint = fingerprint; self.armored = armored; self.userIDs = userIDs
        self.algorithm = algorithm; self.created = created; self.expires = expires; self.canEncrypt = canEncrypt
    }

    private enum CodingKeys: String, CodingKey { case fingerprint, armored, userIDs, algorithm, created, expires, canEncrypt }

    /// Only `armored` is required: a client adding a key sends the key (and may send the
    /// fingerprint it expects); the rest is read from the key by GnuPG.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        armored = try container.decode(String.self, forKey: .armored)
        fingerprint = try container.decodeIfPresent(String.self, forKey: .fingerprint) ?? ""
        userIDs = try container.decodeIfPresent([String].self, forKey: .userIDs) ?? []
        algorithm = try container.decodeIfPresent(String.self, forKey: .algorithm) ?? ""
        created = try container.decodeIfPresent(Date.self, forKey: .created)
        expires = try container.decodeIfPresent(Date.self, forKey: .expires)
        canEncrypt = try container.decodeIfPresent(Bool.self, forKey: .canEncrypt)
    }

    public func isExpired(at now: Date) -> Bool { expires.map { $0 <= now } ?? false }

    /// Fingerprint in groups of four, as people compare them aloud.
    public var groupedFingerprint: String {
        stride(from: 0, to: fingerprint.count, by: 4).map { offset -> String in
            let start = fingerprint.index(fingerprint.startIndex, offsetBy: offset)
            return String(fingerprint[start..<(fingerprint.index(start, offsetBy: 4, limitedBy: fingerprint.endIndex) ?? fingerprint.endIndex)])
        }.joined(separator: " ")
    }

    /// Normalises a user-typed fingerprint ("0x", spaces, lower case) for comparison.
    public static func normalizedFingerprint(_ text: String) -> String {
        var hex = text.uppercased().filter { !$0.isWhitespace }
        if hex.hasPrefix("0X") { hex.removeFirst(2) }
        return hex
    }
}

/// The machine-readable constituency: what the lookup engine matches indicators against.
public struct Constituency: Sendable, Hashable, Codable {
    public var countries: [String]
    public var asns: [String]
    public var prefixes: [String]
    public var domains: [String]

    public init(countries: [String] = [], asns: [String] = [], prefixes: [String] = [], domains: [String] = []) {
        self.countries = countries; self.asns = asns; self.prefixes = prefixes; self.domains = domains
    }

    public var isEmpty: Bool { countries.isEmpty && asns.isEmpty && prefixes.isEmpty && domains.isEmpty }
}
