import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// All server tests run one at a time: against PostgreSQL they share one database.
@Suite(.serialized) struct ServerTests {}

/// The seeded directory every server test starts from.
struct Fixture {
    static let alphaInternal = "duty@alpha.example"
    static let alphaEmergency = "+49 30 5555 0199 (alpha duty officer)"
    static let passwords = ["secretariat@test.example": "secretariat-pass", "rep-alpha@test.example": "rep-alpha-pass",
                            "member-alpha@test.example": "member-alpha-pass", "rep-beta@test.example": "rep-beta-pass"]
    /// The TOTP secret of the seeded accounts whose roles require two-factor sign-in.
    static let totpSecret: [UInt8] = Array("renkei-test-totp-key".utf8)
    var alphaID: UUID
    var betaID: UUID
}

/// Runs `test` against a freshly migrated and seeded application: SQLite in memory, or the
/// PostgreSQL database named by RENKEI_TEST_DATABASE_URL (emptied first).
/// One lists' key for the whole test run, made on first use.
let testGPGHome = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-tests-gnupg-\(ProcessInfo.processInfo.processIdentifier)").path

/// The API rate limits are off unless a test sets them.
/// `adjust` changes other settings for one test (trusted proxies, the metrics token).
func withRenkei(rateLimits: RateLimits = .unlimited, adjust: (inout Settings) -> Void = { _ in },
                _ test: (Application, Fixture) async throws -> Void) async throws {
    let databaseURL = ProcessInfo.processInfo.environment["RENKEI_TEST_DATABASE_URL"]
    var configured = Settings(database: databaseURL.map(Settings.Database.postgres) ?? .sqliteMemory,
                              dataDirectory: NSTemporaryDirectory(), publicURL: "https://renkei.test", mailDomain: "lists.renkei.test",
                              gpgHome: testGPGHome)
    configured.rateLimits = rateLimits
    adjust(&configured)
    let settings = configured
    try await withApp(configure: { app in
        app.logger.logLevel = .warning
        try await configure(app, settings: settings)
        if databaseURL != nil {
            try await app.autoRevert()
            try await app.autoMigrate()
        }
    }) { app in
        let fixture = try await seed(app.db)
        try await test(app, fixture)
    }
}

func seed(_ database: any Database) async throws -> Fixture {
    // A reverted PostgreSQL database lost the list `configure` made.
    try await ListStore.ensureCommunityList(at: Date(), on: database)
    let alpha = try TeamRecord(
        shortName: "Alpha-CERT", officialName: "Alpha Computer Emergency Response Team", postalAddress: "1 Alpha Street, Berlin",
        countryCode: "DE", websites: ["https://alpha.example"], email: "cert@alpha.example", internalEmails: [Fixture.alphaInternal],
        phoneNumbers: ["+49 30 5555 0100"], emergencyContact: Fixture.alphaEmergency,
        operatingHours: .weekdays("09:00-17:00", timeZone: "Europe/Berlin"), constituencyName: "National",
        constituency: Constituency(countries: ["DE"], asns: ["AS64500"], prefixes: ["192.0.2.0/24"], domains: ["alpha.example"]),
        languages: ["de", "en"], teamTypes: [.national], memberType: .fullMember, memberSince: "2010-01-01"
    ).validated()
    let beta = try TeamRecord(
        shortName: "Beta-CSIRT", officialName: "Beta Incident Response", countryCode: "JP", email: "csirt@beta.example",
        internalEmails: ["secret@beta.example"], emergencyContact: "+81 3 5555 0199",
        constituency: Constituency(domains: ["jp"]), teamTypes: [.national, .government], memberType: .liaison
    ).validated()
    let author = ChangeAuthor(userID: nil, name: "Test seed", channel: "cli")
    let alphaModel = try await TeamWrites.save(alpha, existing: nil, author: author, on: database)
    let betaModel = try await TeamWrites.save(beta, existing: nil, author: author, on: database)
    let users: [(String, String, Set<Role>, UUID?)] = [
        ("secretariat@test.example", "Sam Secretariat", [.member, .secretariat], nil),
        ("rep-alpha@test.example", "Rita Rep", [.member, .teamRepresentative], try alphaModel.requireID()),
        ("member-alpha@test.example", "Max Member", [.member], try alphaModel.requireID()),
        ("rep-beta@test.example", "Ben Rep", [.member, .teamRepresentative], try betaModel.requireID()),
    ]
    for (email, name, roles, team) in users {
        // A low bcrypt cost keeps the suite fast; verification reads the cost from the hash.
        let hash = try Bcrypt.hash(Fixture.passwords[email]!, cost: 4)
        let user = UserModel(email: email, displayName: name, passwordHash: hash, roles: roles, teamID: team, createdAt: Date())
        if TwoFactor.isRequired(for: user) {
            user.totpSecret = Base32.encode(Fixture.totpSecret)
            user.secondFactorEnrolledAt = user.createdAt
        }
        try await user.create(on: database)
    }
    return Fixture(alphaID: try alphaModel.requireID(), betaID: try betaModel.requireID())
}

/// A browser's session: its cookie and the CSRF token of its forms.
struct BrowserSession {
    var cookie: String
    var csrf: String

    var headers: HTTPHeaders { ["Cookie": cookie] }

    func formHeaders() -> HTTPHeaders {
        ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"]
    }
}

func formBody(_ fields: [(String, String)]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
        .joined(separator: "&")
    return ByteBuffer(string: text)
}

func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
    return String(html[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
}

func sessionCookie(from response: TestingHTTPResponse) -> String? {
    response.headers[.setCookie].first { $0.hasPrefix("renkei-session=") }.map { String($0.split(separator: ";")[0]) }
}

/// Opens the sign-in page and signs in as `email`, as a browser does.
func signIn(_ app: Application, _ email: String, password: String? = nil) async throws -> BrowserSession {
    var session = BrowserSession(cookie: "", csrf: "")
    try await app.testing().test(.GET, "/sign-in") { response in
        session.cookie = try #require(sessionCookie(from: response))
        session.csrf = try #require(csrfToken(in: response.body.string))
    }
    var secondStep = false
    try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(),
                                 body: formBody([("_csrf", session.csrf), ("email", email), ("password", password ?? Fixture.passwords[email]!)])) { response in
        #expect(response.status == .seeOther, "sign-in as \(email)")
        if let renewed = sessionCookie(from: response) { session.cookie = renewed }
        secondStep = response.headers.first(name: .location) == "/sign-in/two-factor"
    }
    if secondStep {
        let code = try await nextTOTPCode(app, email)
        try await app.testing().test(.POST, "/sign-in/two-factor", headers: session.formHeaders(),
                                     body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
            #expect(response.status == .seeOther, "second step of sign-in as \(email)")
            if let renewed = sessionCookie(from: response) { session.cookie = renewed }
        }
    }
    // Signing in issues a new CSRF token (`SignInSession.begin`); a page with forms shows it.
    try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
        session.csrf = try #require(csrfToken(in: response.body.string), "signed in as \(email)")
    }
    return session
}

/// The code an authenticator app would show next for `email`: codes are single-use, so a
/// second sign-in within the same 30 seconds takes the next step's code (allowed as drift).
func nextTOTPCode(_ app: Application, _ email: String) async throws -> String {
    let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
    let totp = try #require(TwoFactor.totp(for: user))
    let now = totp.step(at: app.renkei.clock.now)
    let step = user.totpLastStep.map { max(now, UInt64($0) + 1) } ?? now
    #expect(step <= now + 1, "more than two sign-ins of \(email) within 30 seconds")
    return totp.code(step: step)
}

/// A personal API token for a seeded or test-made user, stored as the account page stores it.
func apiToken(_ app: Application, _ email: String) async throws -> String {
    let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
    let secret = APITokens.generate()
    try await APITokenModel(userID: user.requireID(), name: "test", tokenHash: APITokens.hash(secret), hint: "",
                            createdAt: app.renkei.clock.now).create(on: app.db)
    return secret
}

func jsonObject(_ response: TestingHTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

func jsonArray(_ response: TestingHTTPResponse) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
}

func fixtureKey(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pgp/\(name).asc")
    return try String(contentsOf: url, encoding: .utf8)
}

func jsonBody(_ object: Any) throws -> ByteBuffer {
    ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
}

/// The texts of the mails queued for `address`, oldest first, as the recipient reads them.
func mailTexts(to address: String, _ app: Application) async throws -> [String] {
    let deliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$recipient == address).with(\.$message).all()
    return deliveries.sorted { $0.message.createdAt < $1.message.createdAt }
        .map { String(decoding: QuotedPrintable.decode($0.message.content), as: UTF8.self) }
}

/// The path of the confirmation link in the last mail to `address`, if it has one.
func confirmationPath(to address: String, _ app: Application) async throws -> String? {
    guard let text = try await mailTexts(to: address, app).last,
          let range = text.range(of: #"/membership/confirm/[A-Za-z0-9_-]+"#, options: .regularExpression) else { return nil }
    return String(text[range])
}
