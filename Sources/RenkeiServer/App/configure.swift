import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import SQLKit
import RenkeiCore
import Vapor

/// Sets up the database, migrations, sessions, templates and routes. Migrations run here, so a
/// fresh data directory or an empty PostgreSQL database is ready after one start.
public func configure(_ app: Application, settings: Settings) async throws {
    switch settings.database {
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .sqliteFile(let path):
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        // Write-ahead logging: the server and a command (`renkei mail deliver`) share the file
        // without blocking each other's reads, and each commit costs one sync, not two.
        if let sql = app.db as? any SQLDatabase { try await sql.raw("PRAGMA journal_mode=WAL").run() }
    case .postgres(let url):
        app.databases.use(try .postgres(url: url), as: .psql)
    }
    app.databases.middleware.use(PeopleVersionMiddleware())
    app.registerMigrations()
    try await app.autoMigrate()

    var isDemo = try await DemoLoader.isLoaded(on: app.db)
    if settings.loadDemo && !isDemo {
        // The application's services are not set up yet; the demo's lookup answers need only the directory.
        try await DemoLoader.load(on: app.db, hasher: app.password.async, lookup: LookupService(),
                                  mail: MailAddressing(domain: settings.mailDomain, publicURL: settings.publicURL), logger: app.logger)
        isDemo = true
    }
    app.renkei = AppContext(settings: settings, isDemo: isDemo)
    app.lifecycle.use(app.renkei.lookup)
    try await ListStore.ensureCommunityList(at: Date(), on: app.db)

    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)
    ContentConfiguration.global.use(decoder: FormDataContentDecoder(), for: .formData)

    // Leaf caches parsed templates only outside Vapor's development environment, and
    // `renkei serve` runs in development unless told otherwise: every page was read from disk
    // and parsed again, the largest cost of a directory page. The templates ship with the
    // binary and do not change while it runs, so they are always cached.
    app.views.use { app in
        var userInfo = app.leaf.userInfo
        userInfo["application"] = app
        return LeafRenderer(configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache, sources: app.leaf.sources,
                            eventLoop: app.eventLoopGroup.next(), userInfo: userInfo)
    }
    app.sessions.use(.fluent)
    let secureCookie = settings.publicURL.hasPrefix("https://")
    app.sessions.configuration = SessionsConfiguration(cookieName: "renkei-session") { id in
        HTTPCookies.Value(string: id.string, expires: Date().addingTimeInterval(8 * 3600), maxAge: 8 * 3600,
                          path: "/", isSecure: secureCookie, isHTTPOnly: true, sameSite: .lax)
    }
    app.passwords.use(.bcrypt)
    app.routes.defaultMaxBodySize = ByteCount(value: CSRFMiddleware.defaultMaxFormBytes)
    _ = Metrics.registry

    app.middleware = Middlewares()
    // Outermost, so error pages, static files and 404s get the security headers too.
    app.middleware.use(SecurityHeadersMiddleware(settings: settings))
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(LocalWriteMiddleware())
    // Sessions outside the error handler, so error pages keep the session cookie; a session
    // is only created when a handler uses it.
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(ProblemMiddleware())
    // Before any route's session authenticator: an expired session is signed out.
    app.middleware.use(SessionLifetimeMiddleware())
    app.middleware.use(QueryHygieneMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    try routes(app)
}
