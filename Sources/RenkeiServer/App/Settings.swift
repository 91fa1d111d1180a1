import Foundation
import RenkeiCore

/// Configuration from the environment, with the defaults the README documents.
public struct Settings: Sendable {
    public enum Database: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(String)
    }

    public var database: Database
    public var dataDirectory: String
    /// The address people use to reach this server; links in documents and mail start with it.
    public var publicURL: String
    /// The GnuPG binary used to read PGP keys.
    public var gpgBinary: String
    /// Load the fictional demo network (and its accounts) into an empty database at start.
    public var loadDemo: Bool
    /// Periods, majority and quorum of the membership process.
    public var membershipRules: MembershipRules
    /// The relay outgoing mail is submitted to; without one, mail waits in the outbox.
    var smtpRelay: SMTPRelay?
    /// The domain of list addresses and Message-IDs (`first-members@DOMAIN`).
    public var mailDomain: String
    /// The GnuPG home directory holding the lists' key.
    public var gpgHome: String
    /// Reverse proxies whose `X-Forwarded-For` is believed (`RENKEI_TRUSTED_PROXIES`).
    public var trustedProxies: [IPPrefix] = []
    /// The bearer token `/metrics` requires (`RENKEI_METRICS_TOKEN`); without one, loopback peers only.
    public var metricsToken: String?
    /// The membership-statement signing key as a private JWK file (`RENKEI_SIGNING_KEY_FILE`);
    /// without one the key lives in the database.
    public var signingKeyFile: String?
    /// Per-client limits of the APIs (`RENKEI_API_RATE_LIMIT` and the like).
    public var rateLimits = RateLimits()
    /// How many imports of each lookup dataset are kept, the current one included
    /// (`RENKEI_DATASET_HISTORY`), so `renkei import rollback` can return to an earlier one.
    public var datasetHistory = 3

    init(database: Database, dataDirectory: String, publicURL: String, gpgBinary: String = "gpg", loadDemo: Bool = false,
         membershipRules: MembershipRules = MembershipRules(), smtpRelay: SMTPRelay? = nil, mailDomain: String? = nil, gpgHome: String? = nil) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.gpgBinary = gpgBinary
        self.loadDemo = loadDemo
        self.membershipRules = membershipRules
        self.smtpRelay = smtpRelay
        self.mailDomain = mailDomain ?? URL(string: publicURL)?.host ?? "localhost"
        self.gpgHome = gpgHome ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("gnupg").path
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       loadDemo: Bool = false) throws(Problem) -> Settings {
        let dataDirectory = environment["RENKEI_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database: Database
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Problem(description: "DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use SQLite in RENKEI_DATA_DIR); got “\(url)”.")
            }
            database = .postgres(url)
        } else {
            database = .sqliteFile(URL(fileURLWithPath: dataDirectory).appendingPathComponent("renkei.sqlite").path)
        }
        let publicURL = environment["RENKEI_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
        guard let parsed = URL(string: publicURL), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw Problem(description: "RENKEI_PUBLIC_URL must be an http(s) URL such as https://renkei.example.org; got “\(publicURL)”.")
        }
        var rules = MembershipRules()
        for (name, keyPath) in [("RENKEI_REVIEW_PERIOD", \MembershipRules.reviewPeriod), ("RENKEI_VOTING_PERIOD", \.votingPeriod),
                                ("RENKEI_STATEMENT_VALIDITY", \.statementValidity)] {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let seconds = duration(text) else {
                throw Problem(description: "\(name) must be a duration such as 14d, 36h, 90m or 30s; got “\(text)”.")
            }
            rules[keyPath: keyPath] = seconds
        }
        for (name, keyPath) in [("RENKEI_VOTE_MAJORITY", \MembershipRules.majority), ("RENKEI_VOTE_QUORUM", \.quorum)] {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let fraction = fraction(text) else {
                throw Problem(description: "\(name) must be a fraction between 0 and 1 such as 2/3; got “\(text)”.")
            }
            rules[keyPath: keyPath] = fraction
        }
        let relay = try environment["SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }.map { (url) throws(Problem) in
            try SMTPRelay.parse(url: url, tls: environment["SMTP_TLS"], trustRootsFile: environment["SMTP_CA_FILE"])
        }
        let mailDomain = environment["RENKEI_MAIL_DOMAIN"].flatMap { $0.isEmpty ? nil : $0 }
        if let mailDomain, DomainName(parsing: mailDomain) == nil {
            throw Problem(description: "RENKEI_MAIL_DOMAIN must be a domain name such as lists.example.org; got “\(mailDomain)”.")
        }
        let trustedProxies: [IPPrefix]
        do {
            trustedProxies = try ForwardedClient.parseTrustedProxies(environment["RENKEI_TRUSTED_PROXIES"] ?? "")
        } catch {
            throw Problem(description: "RENKEI_TRUSTED_PROXIES must be comma-separated networks such as 10.0.0.0/8,::1; \(error.description).")
        }
        var settings = Settings(database: database, dataDirectory: dataDirectory,
                        publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL,
                        gpgBinary: environment["RENKEI_GPG"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpg",
                        loadDemo: loadDemo, membershipRules: rules, smtpRelay: relay, mailDomain: mailDomain,
                        gpgHome: environment["RENKEI_GPG_HOME"].flatMap { $0.isEmpty ? nil : $0 })
        settings.trustedProxies = trustedProxies
        settings.metricsToken = environment["RENKEI_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.rateLimits = try RateLimits.fromEnvironment(environment)
        if let text = environment["RENKEI_DATASET_HISTORY"], !text.isEmpty {
            guard let count = Int(text), (1...100).contains(count) else {
                throw Problem(description: "RENKEI_DATASET_HISTORY must be a whole number from 1 to 100, not “\(text)”")
            }
            settings.datasetHistory = count
        }
        if let keyFile = environment[SigningKeyFile.variable].flatMap({ $0.isEmpty ? nil : $0 }) {
            try SigningKeyFile.check(keyFile)
            settings.signingKeyFile = keyFile
        }
        return settings
    }

    /// "14d", "36h", "90m", "30s": a positive whole number and a unit.
    static func duration(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count > 0 else { return nil }
        return TimeInterval(count) * unit
    }

    /// "2/3": a fraction in (0, 1].
    static func fraction(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0, parts[0] <= parts[1] else { return nil }
        return (parts[0], parts[1])
    }
}
