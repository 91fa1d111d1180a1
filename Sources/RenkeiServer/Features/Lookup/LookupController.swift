import Foundation
import RenkeiCore
import Vapor

/// The lookup page: one indicator (`GET /lookup?q=`) or a pasted list (`POST /lookup`, up to
/// 10,000 lines for members, 1,000 for anonymous visitors, counted against the same lookup
/// rate limit as the API), answered per team with reasons and contacts. It only reads, so it
/// needs no form token and works for anonymous visitors with what they may see.
struct LookupController {
    static let maxLines = 10_000
    static let maxAnonymousLines = LookupAPIController.maxAnonymousIndicators

    func register(pages: any RoutesBuilder) {
        pages.get(.lookup, use: page)
        pages.on(.POST, SiteURL.lookup.pathComponents, body: .collect(maxSize: "4mb"), use: pastedList)
    }

    struct Form: Content {
        var q: String?
        /// The reader's time zone (an IANA name), for when a closed team opens next.
        var zone: String?
    }

    /// The cookie that remembers the reader's time zone between lookups.
    static let zoneCookie = "renkei-zone"

    func page(request: Request) async throws -> Response {
        let form = (try? request.query.decode(Form.self)) ?? Form()
        return try await answer(form.q ?? "", zone: form.zone, request: request)
    }

    func pastedList(request: Request) async throws -> Response {
        let form = try request.content.decode(Form.self)
        return try await answer(form.q ?? "", zone: form.zone, request: request)
    }

    /// The zone the reader gave in the form, else the one remembered; an unknown name is said
    /// so and not used. Without one, opening times are shown in the team's zone and in UTC.
    private func readerZone(_ given: String?, request: Request) -> (zone: String?, error: String?) {
        if let given = given?.trimmingCharacters(in: .whitespaces) {
            guard !given.isEmpty else { return (nil, nil) }
            return TimeZone(identifier: given) != nil ? (given, nil) : (nil, "“\(given)” is not a time zone name such as Europe/Berlin or Asia/Tokyo.")
        }
        return (request.cookies[Self.zoneCookie].flatMap { TimeZone(identifier: $0.string) != nil ? $0.string : nil }, nil)
    }

    private func answer(_ text: String, zone given: String?, request: Request) async throws -> Response {
        let (zone, zoneError) = readerZone(given, request: request)
        let response = try await answer(text, zone: zone, zoneError: zoneError, request: request).encodeResponse(for: request)
        if given != nil, zoneError == nil {
            let secure = request.application.renkei.settings.publicURL.hasPrefix("https:")
            // An IANA name (letters, digits, `/`, `_`, `-`, `+`) is a valid cookie value as it is.
            response.cookies[Self.zoneCookie] = zone.map {
                HTTPCookies.Value(string: $0, maxAge: 365 * 86_400, path: SiteURL.lookup.path, isSecure: secure, isHTTPOnly: true, sameSite: .lax)
            } ?? .expired
        }
        return response
    }

    private func answer(_ text: String, zone: String?, zoneError: String?, request: Request) async throws -> View {
        let lines = text.split(whereSeparator: \.isNewline).enumerated()
            .map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.1.isEmpty && !$0.1.hasPrefix("#") }  // a pasted file's comments are no question
        let maxLines = request.currentUser == nil ? Self.maxAnonymousLines : Self.maxLines
        guard lines.count <= maxLines else {
            throw AppError.payloadTooLarge("Paste at most \(maxLines) lines at a time"
                                           + (request.currentUser == nil ? " without signing in (members: \(Self.maxLines))." : " (the API takes up to 100,000)."))
        }
        // The tab names what was asked, so a reader with several lookups open tells them apart;
        // a line is quoted, as the reader's words and not the site's (a link can set it).
        let asked = lines.count == 1 ? "“\(lines[0].1.prefix(80))”" : "\(lines.count) lines"
        let title = lines.isEmpty ? "Who to call?" : "\(asked) · Who to call?"
        var context = LookupPage(chrome: Chrome(request: request, title: title), query: text, zone: zone ?? "", zoneError: zoneError)
        guard !lines.isEmpty else { return try await context.render("lookup", on: request) }
        let limits = request.application.renkei.settings.rateLimits
        try request.chargeRateLimit(lines.count, kind: "lookup", identified: limits.lookupPerToken, anonymous: limits.lookupAnonymous,
                                    what: "indicators looked up")
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let audience = DirectoryPolicy.audience(for: request.currentActor)
        let now = request.application.renkei.clock.now
        var resolutions: [LookupPage.PastedLine] = []
        var unreadable: [LookupPage.LineError] = []
        for (line, input) in lines {
            do { resolutions.append(.init(line: line, input: input, resolution: try resolver.resolve(input, audience: audience, now: now))) } catch {
                unreadable.append(.init(line: line, input: input, error: error.reason))
            }
        }
        context.fill(resolutions: resolutions, unreadable: unreadable, single: lines.count == 1, datasets: resolver.datasets, readerZone: zone)
        return try await context.render("lookup", on: request)
    }
}

struct LookupPage: Encodable {
    struct Contact: Encodable {
        var name: String
        var url: String
        var email: String?
        var phones: [TeamView.Phone]?
        var fingerprint: String?
        var hours: String?
        var openNow: Bool?
        var closedNow: Bool?
        /// When a closed team opens next, in its zone, UTC and the reader's.
        var opensNext: String?
        var emergency: String?

        init(_ team: TeamContact, readerZone: String?) {
            name = team.shortName
            url = SiteURL.team(.value(team.slug)).path
            email = team.email
            phones = team.phoneNumbers.map { TeamView.Phone(number: $0, href: VCard.telURI($0)) }.nonEmpty
            fingerprint = team.pgpFingerprints.first.map { PGPKey(fingerprint: $0, armored: "").groupedFingerprint }
            hours = team.operatingHours
            openNow = team.openNow == true ? true : nil
            closedNow = team.openNow == false ? true : nil
            opensNext = team.opensNext.flatMap { date in
                team.timeZone.map { OperatingHours.describeOpening(date, teamZone: $0, readerZone: readerZone).joined(separator: " · ") }
            }
            emergency = team.emergencyContact
        }
    }
    struct CandidateView: Encodable {
        var rank: Int
        var kind: String
        var reasons: [String]
        var contact: Contact
    }
    struct Single: Encodable {
        var indicator: String
        var type: String
        var facts: [String]?
        var candidates: [CandidateView]?
        var explanation: String?
    }
    /// A line of a pasted list and what it was read as.
    struct PastedLine {
        var line: Int
        var input: String
        var resolution: Resolution
    }
    /// One row of a pasted list's answer: the line as pasted, so it can be matched to its
    /// source, and what it was read as when that differs (a URL as its host, a defanged name).
    struct Row: Encodable {
        var line: Int
        var pasted: String
        var readAs: String?
        /// Why this team, or why no team.
        var answer: String

        init(_ pasted: PastedLine, answer: String) {
            line = pasted.line
            self.pasted = pasted.input
            readAs = pasted.resolution.indicator == pasted.input ? nil : pasted.resolution.indicator
            self.answer = answer
        }
    }
    struct Group: Encodable {
        var contact: Contact
        var count: Int
        var items: [Row]
    }
    struct LineError: Encodable {
        var line: Int
        var input: String
        var error: String
    }

    var chrome: Chrome
    var query: String
    var zone: String
    var zoneError: String?
    var single: Single?
    var groups: [Group]?
    var unmatched: [Row]?
    var errors: [LineError]?
    var summary: String?
    var sources: [String]?

    init(chrome: Chrome, query: String, zone: String = "", zoneError: String? = nil) {
        self.chrome = chrome
        self.query = query
        self.zone = zone
        self.zoneError = zoneError
    }

    static func kindLabel(_ kind: MatchKind) -> String {
        switch kind {
        case .constituencyPrefix: "network in constituency"
        case .constituencyASN: "AS in constituency"
        case .constituencyDomain: "domain in constituency"
        case .nationalTeam: "national team"
        case .regionalCoordinator: "regional coordinator"
        }
    }

    mutating func fill(resolutions: [PastedLine], unreadable: [LineError], single isSingle: Bool, datasets: [DatasetSource],
                       readerZone: String? = nil) {
        errors = unreadable.nonEmpty
        let rir = datasets.first { $0.kind == .rir }, routing = datasets.first { $0.kind == .pfx2as }
        sources = [rir.map { "RIR data: \($0.summary)" } ?? "No RIR data imported",
                   routing.map { "Routing data: \($0.summary)" } ?? "No routing (pfx2as) data imported"]
        if isSingle, let resolution = resolutions.first?.resolution {
            single = Single(indicator: resolution.indicator, type: resolution.type, facts: resolution.facts.nonEmpty,
                            candidates: resolution.candidates.map {
                                CandidateView(rank: $0.rank, kind: Self.kindLabel($0.kind), reasons: $0.reasons, contact: Contact($0.team, readerZone: readerZone))
                            }.nonEmpty,
                            explanation: resolution.explanation)
            return
        }
        // A pasted list: each indicator goes to its first-ranked team.
        var order: [String] = []
        var byTeam: [String: Group] = [:]
        var misses: [Row] = []
        for pasted in resolutions {
            guard let best = pasted.resolution.candidates.first else {
                misses.append(Row(pasted, answer: pasted.resolution.explanation ?? ""))
                continue
            }
            let slug = best.team.slug
            if byTeam[slug] == nil {
                order.append(slug)
                byTeam[slug] = Group(contact: Contact(best.team, readerZone: readerZone), count: 0, items: [])
            }
            byTeam[slug]!.count += 1
            byTeam[slug]!.items.append(Row(pasted, answer: best.reasons.first ?? ""))
        }
        groups = order.compactMap { byTeam[$0] }.sorted { $0.count > $1.count }.nonEmpty
        unmatched = misses.nonEmpty
        summary = "\((resolutions.count + unreadable.count).counted("line", "lines")): \(resolutions.count - misses.count) answered for \(order.count.counted("team", "teams")), \(misses.count) without a team, \(unreadable.count) unreadable."
    }
}

extension DatasetSource {
    /// "delegated-apnic-extended-latest, imported 2026-11-27 10:00 UTC (1,050,000 entries)".
    var summary: String {
        "\(source), imported \(TeamView.minute(importedAt)) (\(Self.grouped(entries)) entries)"
    }

    /// 1050000 as "1,050,000", whatever the server's locale.
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number.magnitude))
        let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { String(digits[max($0 - 3, 0)..<$0]) }
        return (number < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
