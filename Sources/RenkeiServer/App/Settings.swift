import Foundation

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

    public init(database: Database, dataDirectory: String, publicURL: String, gpgBinary: String = "gpg", loadDemo: Bool = false) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.gpgBinary = gpgBinary
        self.loadDemo = loadDemo
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
        return Settings(database: database, dataDirectory: dataDirectory,
                        publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL,
                        gpgBinary: environment["RENKEI_GPG"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpg",
                        loadDemo: loadDemo)
    }
}
