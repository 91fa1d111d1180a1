import Vapor

/// The one route table: routes are registered from it and every link is built from it.
public enum SiteURL: Sendable, Equatable {
    /// A path parameter: `.key` when registering a route, `.value` when building a link.
    public enum Parameter: Sendable, Equatable {
        case key
        case value(String)
    }

    case home
    case teams
    case teamNew
    case team(Parameter)
    case teamEdit(Parameter)
    case teamRFC2350(Parameter)
    case teamVCard(Parameter)
    case teamKeys(Parameter)
    case teamSIM3(Parameter)
    case teamSIM3Edit(Parameter)
    case apiTeamSIM3(Parameter)
    case sim3
    case signIn
    case signOut
    case account
    case accountTokens
    case accountTokenRevoke(Parameter)
    case accountSessions
    case healthz
    case metrics
    case stylesheet
    case favicon
    case faviconSVG
    case lookup
    case cvss
    case cvssCalculator(Parameter)
    case apiCVSS
    case apiLookup
    case apiOpenAPI
    case apiTeams
    case apiTeam(Parameter)
    case globalIRTTeams
    case globalIRTTeamsJSON
    case globalIRTTeamsCSV
    case membership
    case membershipApply
    case membershipConfirm(Parameter)
    case membershipApplication(Parameter)
    case membershipApplicationSteps(Parameter)
    case teamMembershipChange(Parameter)
    case teamInvitations(Parameter)
    case invitation(Parameter)
    case notifications
    case audit
    case twoFactor
    case twoFactorQRCode
    case twoFactorRecoveryCodes
    case twoFactorNewRecoveryCodes
    case signInTwoFactor
    case jwks
    case apiApplications
    case apiApplication(Parameter)
    case apiApplicationSteps(Parameter)
    case apiTeamMembership(Parameter)
    case apiTeamInvitations(Parameter)
    case apiAudit
    case items
    case itemNew
    case item(Parameter)
    case itemReplies(Parameter)
    case itemAttachment(Parameter, Parameter)
    case apiItemAttachment(Parameter, Parameter)
    case itemStatus(Parameter)
    case apiItemReplies(Parameter)
    case apiItemStatus(Parameter)
    case itemCorrection(Parameter)
    case itemWithdrawal(Parameter)
    case apiItemCorrection(Parameter)
    case apiItemWithdrawal(Parameter)
    case apiItemVersions(Parameter)
    case itemReferral(Parameter, Parameter)
    case apiItemReferral(Parameter, Parameter)
    case artifacts
    case artifactNew
    case artifact(Parameter)
    case artifactSample(Parameter)
    case artifactShares(Parameter)
    case apiArtifacts
    case apiArtifact(Parameter)
    case apiArtifactSample(Parameter)
    case apiArtifactShares(Parameter)
    case apiItems
    case apiItem(Parameter)
    case publicFeed
    case memberFeed
    case apiItemSTIX(Parameter)
    case itemSTIX(Parameter)
    case artifactSTIX(Parameter)
    case apiArtifactSTIX(Parameter)
    case taxiiDiscovery
    case taxiiRoot
    case taxiiCollections
    case taxiiCollection(Parameter)
    case taxiiObjects(Parameter)
    case taxiiObject(Parameter, Parameter)
    case taxiiObjectVersions(Parameter, Parameter)
    case taxiiManifest(Parameter)
    case taxiiStatus(Parameter)
    case mispManifest(Parameter)
    case mispHashes(Parameter)
    case mispEvent(Parameter, Parameter)
    case lists
    case listNew
    case list(Parameter)
    case listSubscription(Parameter)
    case listPosts(Parameter)
    case listKey
    case accountPGPKey
    case apiLists
    case apiListSubscription(Parameter)
    case apiListPosts(Parameter)
    case apiAccountPGPKey
    case adminClaims
    case adminClaim(Parameter)
    case apiClaims
    case apiClaim(Parameter)
    case apiSuggestTeams
    case apiSuggestPeople
    case sigs
    case sigNew
    case sig(Parameter)
    case sigDecisions(Parameter)
    case sigParticipants(Parameter)
    case sigGuests(Parameter)
    case sigDocuments(Parameter)
    case sigDocument(Parameter, Parameter)
    case sigMeetings(Parameter)
    case sigMeetingMinutes(Parameter, Parameter)
    case sigInvitation(Parameter)
    case apiSIGs
    case apiSIG(Parameter)
    case apiSIGDecisions(Parameter)
    case apiSIGParticipants(Parameter)
    case apiSIGJoinRequests(Parameter)
    case apiSIGGuests(Parameter)
    case apiSIGDocuments(Parameter)
    case apiSIGDocument(Parameter, Parameter)
    case apiSIGMeetings(Parameter)
    case events
    case eventNew
    /// An event's page; `SLUG.ics` under the same route is its calendar (`eventCalendar`).
    case event(Parameter)
    case eventCalendar(String)
    case eventEdit(Parameter)
    case eventsCalendar
    case eventRegistrations(Parameter)
    case eventRegistrationLink(Parameter)
    case eventCFP(Parameter)
    case eventReview(Parameter)
    case eventSessions(Parameter)
    case eventSlides(Parameter, Parameter)
    case eventAttendees(Parameter)
    case eventCheckIn(Parameter, Parameter)
    case eventGuests(Parameter)
    case accountEvents
    case accountCalendar
    case apiEvents
    case apiEvent(Parameter)
    case apiEventRegistrations(Parameter)
    case apiEventRegistration(Parameter, Parameter)
    case apiEventSubmissions(Parameter)
    case apiEventReviews(Parameter)
    case apiEventAttendees(Parameter)
    case abuse
    case abuseNotice(Parameter)
    case abuseNoticeEvents(Parameter)
    case abuseNoticeAcknowledgement(Parameter)
    case abuseMonitoring
    case abuseMonitoringCSV
    case coverage
    case coverageCSV
    case reachability
    case reachabilityCampaigns
    case reachabilityCampaign(Parameter)
    case reachabilityCampaignCSV(Parameter)
    case reachabilityCampaignRepeat(Parameter)
    case reachabilityAnswer(Parameter)
    case teamReachability(Parameter)
    case teamResponseTimes(Parameter)
    case apiCoverage
    case abuseMonitoringJSON
    case apiAbuseFeeds
    case apiAbuseMonitoring
    case apiAbuseReports
    case apiAbuseNotices

    static let slugKey = "slug"
    static let tokenKey = "token"
    static let versionKey = "version"
    static let applicationKey = "application"
    static let itemKey = "item"
    static let fileKey = "file"
    static let replyKey = "reply"
    static let claimKey = "claim"
    static let documentKey = "document"
    static let meetingKey = "meeting"
    static let sessionKey = "session"
    static let registrationKey = "registration"
    static let collectionKey = "collection"
    static let objectKey = "object"
    static let statusKey = "status"
    static let eventKey = "event"
    static let ticketKey = "ticket"
    static let campaignKey = "campaign"

    private var components: [String] {
        switch self {
        case .home: []
        case .teams: ["teams"]
        case .teamNew: ["teams", "new"]
        case .team(let slug): ["teams", slug.text(Self.slugKey)]
        case .teamEdit(let slug): ["teams", slug.text(Self.slugKey), "edit"]
        case .teamRFC2350(let slug): ["teams", slug.text(Self.slugKey), "rfc2350.txt"]
        case .teamVCard(let slug): ["teams", slug.text(Self.slugKey), "vcard.vcf"]
        case .teamKeys(let slug): ["teams", slug.text(Self.slugKey), "keys.asc"]
        case .teamSIM3(let slug): ["teams", slug.text(Self.slugKey), "sim3"]
        case .teamSIM3Edit(let slug): ["teams", slug.text(Self.slugKey), "sim3", "edit"]
        case .apiTeamSIM3(let slug): ["api", "v1", "teams", slug.text(Self.slugKey), "sim3"]
        case .sim3: ["sim3"]
        case .signIn: ["sign-in"]
        case .signOut: ["sign-out"]
        case .account: ["account"]
        case .accountTokens: ["account", "tokens"]
        case .accountTokenRevoke(let id): ["account", "tokens", id.text(Self.tokenKey), "revoke"]
        case .accountSessions: ["account", "sessions"]
        case .healthz: ["healthz"]
        case .metrics: ["metrics"]
        case .stylesheet: ["css", "renkei.css"]
        case .favicon: ["favicon.ico"]
        case .faviconSVG: ["favicon.svg"]
        case .lookup: ["lookup"]
        case .cvss: ["cvss"]
        case .cvssCalculator(let version): ["cvss", version.text(Self.versionKey)]
        case .apiCVSS: ["api", "v1", "cvss"]
        case .apiLookup: ["api", "v1", "lookup"]
        case .apiOpenAPI: ["api", "v1", "openapi.json"]
        case .apiTeams: ["api", "v1", "teams"]
        case .apiTeam(let slug): ["api", "v1", "teams", slug.text(Self.slugKey)]
        case .globalIRTTeams: ["global-irt", "v1", "teams"]
        case .globalIRTTeamsJSON: ["global-irt", "v1", "teams.json"]
        case .globalIRTTeamsCSV: ["global-irt", "v1", "teams.csv"]
        case .membership: ["membership"]
        case .membershipApply: ["membership", "apply"]
        case .membershipConfirm(let token): ["membership", "confirm", token.text(Self.tokenKey)]
        case .membershipApplication(let id): ["membership", "applications", id.text(Self.applicationKey)]
        case .membershipApplicationSteps(let id): ["membership", "applications", id.text(Self.applicationKey), "steps"]
        case .teamMembershipChange(let slug): ["teams", slug.text(Self.slugKey), "membership"]
        case .teamInvitations(let slug): ["teams", slug.text(Self.slugKey), "invitations"]
        case .invitation(let token): ["invitations", token.text(Self.tokenKey)]
        case .notifications: ["notifications"]
        case .audit: ["admin", "audit"]
        case .twoFactor: ["account", "two-factor"]
        case .twoFactorQRCode: ["account", "two-factor", "qr.svg"]
        case .twoFactorRecoveryCodes: ["account", "two-factor", "recovery-codes.txt"]
        case .twoFactorNewRecoveryCodes: ["account", "two-factor", "recovery-codes"]
        case .signInTwoFactor: ["sign-in", "two-factor"]
        case .jwks: [".well-known", "jwks.json"]
        case .apiApplications: ["api", "v1", "membership", "applications"]
        case .apiApplication(let id): ["api", "v1", "membership", "applications", id.text(Self.applicationKey)]
        case .apiApplicationSteps(let id): ["api", "v1", "membership", "applications", id.text(Self.applicationKey), "steps"]
        case .apiTeamMembership(let slug): ["api", "v1", "teams", slug.text(Self.slugKey), "membership"]
        case .apiTeamInvitations(let slug): ["api", "v1", "teams", slug.text(Self.slugKey), "invitations"]
        case .apiAudit: ["api", "v1", "audit"]
        case .items: ["items"]
        case .itemNew: ["items", "new"]
        case .item(let id): ["items", id.text(Self.itemKey)]
        case .itemReplies(let id): ["items", id.text(Self.itemKey), "replies"]
        case .itemAttachment(let id, let file): ["items", id.text(Self.itemKey), "attachments", file.text(Self.fileKey)]
        case .apiItemAttachment(let id, let file): ["api", "v1", "items", id.text(Self.itemKey), "attachments", file.text(Self.fileKey)]
        case .itemStatus(let id): ["items", id.text(Self.itemKey), "status"]
        case .apiItemReplies(let id): ["api", "v1", "items", id.text(Self.itemKey), "replies"]
        case .apiItemStatus(let id): ["api", "v1", "items", id.text(Self.itemKey), "status"]
        case .itemCorrection(let id): ["items", id.text(Self.itemKey), "correction"]
        case .itemWithdrawal(let id): ["items", id.text(Self.itemKey), "withdrawal"]
        case .apiItemCorrection(let id): ["api", "v1", "items", id.text(Self.itemKey), "correction"]
        case .apiItemWithdrawal(let id): ["api", "v1", "items", id.text(Self.itemKey), "withdrawal"]
        case .apiItemVersions(let id): ["api", "v1", "items", id.text(Self.itemKey), "versions"]
        case .itemReferral(let id, let reply): ["items", id.text(Self.itemKey), "referrals", reply.text(Self.replyKey)]
        case .apiItemReferral(let id, let reply): ["api", "v1", "items", id.text(Self.itemKey), "referrals", reply.text(Self.replyKey)]
        case .abuse: ["abuse"]
        case .abuseNotice(let ticket): ["abuse", "notices", ticket.text(Self.ticketKey)]
        case .abuseNoticeEvents(let ticket): ["abuse", "notices", ticket.text(Self.ticketKey), "events.csv"]
        case .abuseNoticeAcknowledgement(let ticket): ["abuse", "notices", ticket.text(Self.ticketKey), "acknowledgement"]
        case .abuseMonitoring: ["abuse", "monitoring"]
        case .coverage: ["coverage"]
        case .reachability: ["reachability"]
        case .reachabilityCampaigns: ["reachability", "campaigns"]
        case .reachabilityCampaign(let id): ["reachability", "campaigns", id.text(Self.campaignKey)]
        case .reachabilityCampaignCSV(let id): ["reachability", "campaigns", id.text(Self.campaignKey), "results.csv"]
        case .reachabilityCampaignRepeat(let id): ["reachability", "campaigns", id.text(Self.campaignKey), "repeat"]
        case .reachabilityAnswer(let token): ["reachability", "answer", token.text(Self.tokenKey)]
        case .teamReachability(let slug): ["teams", slug.text(Self.slugKey), "reachability"]
        case .teamResponseTimes(let slug): ["teams", slug.text(Self.slugKey), "response-times"]
        case .coverageCSV: ["coverage.csv"]
        case .apiCoverage: ["api", "v1", "coverage"]
        case .abuseMonitoringCSV: ["abuse", "monitoring.csv"]
        case .abuseMonitoringJSON: ["abuse", "monitoring.json"]
        case .apiAbuseMonitoring: ["api", "v1", "abuse", "monitoring"]
        case .apiAbuseFeeds: ["api", "v1", "abuse", "feeds"]
        case .apiAbuseReports: ["api", "v1", "abuse", "reports"]
        case .apiAbuseNotices: ["api", "v1", "abuse", "notices"]
        case .artifacts: ["artifacts"]
        case .artifactNew: ["artifacts", "new"]
        case .artifact(let id): ["artifacts", id.text(Self.itemKey)]
        case .artifactSample(let id): ["artifacts", id.text(Self.itemKey), "sample.zip"]
        case .artifactShares(let id): ["artifacts", id.text(Self.itemKey), "shares"]
        case .apiArtifacts: ["api", "v1", "artifacts"]
        case .apiArtifact(let id): ["api", "v1", "artifacts", id.text(Self.itemKey)]
        case .apiArtifactSample(let id): ["api", "v1", "artifacts", id.text(Self.itemKey), "sample.zip"]
        case .apiArtifactShares(let id): ["api", "v1", "artifacts", id.text(Self.itemKey), "shares"]
        case .apiItems: ["api", "v1", "items"]
        case .apiItem(let id): ["api", "v1", "items", id.text(Self.itemKey)]
        case .sigs: ["sigs"]
        case .sigNew: ["sigs", "new"]
        case .sig(let slug): ["sigs", slug.text(Self.slugKey)]
        case .sigDecisions(let slug): ["sigs", slug.text(Self.slugKey), "decisions"]
        case .sigParticipants(let slug): ["sigs", slug.text(Self.slugKey), "participants"]
        case .sigGuests(let slug): ["sigs", slug.text(Self.slugKey), "guests"]
        case .sigDocuments(let slug): ["sigs", slug.text(Self.slugKey), "documents"]
        case .sigDocument(let slug, let id): ["sigs", slug.text(Self.slugKey), "documents", id.text(Self.documentKey)]
        case .sigMeetings(let slug): ["sigs", slug.text(Self.slugKey), "meetings"]
        case .sigMeetingMinutes(let slug, let id): ["sigs", slug.text(Self.slugKey), "meetings", id.text(Self.meetingKey), "minutes"]
        case .sigInvitation(let token): ["sig-invitations", token.text(Self.tokenKey)]
        case .apiSIGs: ["api", "v1", "sigs"]
        case .apiSIG(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey)]
        case .apiSIGDecisions(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "decisions"]
        case .apiSIGParticipants(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "participants"]
        case .apiSIGJoinRequests(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "join-requests"]
        case .apiSIGGuests(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "guests"]
        case .apiSIGDocuments(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "documents"]
        case .apiSIGDocument(let slug, let id): ["api", "v1", "sigs", slug.text(Self.slugKey), "documents", id.text(Self.documentKey)]
        case .apiSIGMeetings(let slug): ["api", "v1", "sigs", slug.text(Self.slugKey), "meetings"]
        case .events: ["events"]
        case .eventNew: ["events", "new"]
        case .event(let slug): ["events", slug.text(Self.slugKey)]
        case .eventCalendar(let slug): ["events", slug + ".ics"]
        case .eventEdit(let slug): ["events", slug.text(Self.slugKey), "edit"]
        case .eventsCalendar: ["events.ics"]
        case .eventRegistrations(let slug): ["events", slug.text(Self.slugKey), "registrations"]
        case .eventRegistrationLink(let token): ["event-registrations", token.text(Self.tokenKey)]
        case .eventCFP(let slug): ["events", slug.text(Self.slugKey), "cfp"]
        case .eventReview(let slug): ["events", slug.text(Self.slugKey), "review"]
        case .eventSessions(let slug): ["events", slug.text(Self.slugKey), "sessions"]
        case .eventSlides(let slug, let id): ["events", slug.text(Self.slugKey), "sessions", id.text(Self.sessionKey), "slides"]
        case .eventAttendees(let slug): ["events", slug.text(Self.slugKey), "attendees"]
        case .eventCheckIn(let slug, let id): ["events", slug.text(Self.slugKey), "attendees", id.text(Self.registrationKey), "check-in"]
        case .eventGuests(let slug): ["events", slug.text(Self.slugKey), "guests"]
        case .accountEvents: ["account", "events"]
        case .accountCalendar: ["account", "calendar.ics"]
        case .apiEvents: ["api", "v1", "events"]
        case .apiEvent(let slug): ["api", "v1", "events", slug.text(Self.slugKey)]
        case .apiEventRegistrations(let slug): ["api", "v1", "events", slug.text(Self.slugKey), "registrations"]
        case .apiEventRegistration(let slug, let id): ["api", "v1", "events", slug.text(Self.slugKey), "registrations", id.text(Self.registrationKey)]
        case .apiEventSubmissions(let slug): ["api", "v1", "events", slug.text(Self.slugKey), "submissions"]
        case .apiEventReviews(let slug): ["api", "v1", "events", slug.text(Self.slugKey), "reviews"]
        case .apiEventAttendees(let slug): ["api", "v1", "events", slug.text(Self.slugKey), "attendees"]
        case .publicFeed: ["feeds", "public.atom"]
        case .memberFeed: ["feeds", "items.atom"]
        case .apiItemSTIX(let id): ["api", "v1", "items", id.text(Self.itemKey), "stix"]
        case .itemSTIX(let id): ["items", id.text(Self.itemKey), "stix.json"]
        case .artifactSTIX(let id): ["artifacts", id.text(Self.itemKey), "stix.json"]
        case .apiArtifactSTIX(let id): ["api", "v1", "artifacts", id.text(Self.itemKey), "stix"]
        case .taxiiDiscovery: ["taxii2"]
        case .taxiiRoot: ["taxii2", "api"]
        case .taxiiCollections: ["taxii2", "api", "collections"]
        case .taxiiCollection(let id): ["taxii2", "api", "collections", id.text(Self.collectionKey)]
        case .taxiiObjects(let id): ["taxii2", "api", "collections", id.text(Self.collectionKey), "objects"]
        case .taxiiObject(let id, let object): ["taxii2", "api", "collections", id.text(Self.collectionKey), "objects", object.text(Self.objectKey)]
        case .taxiiObjectVersions(let id, let object):
            ["taxii2", "api", "collections", id.text(Self.collectionKey), "objects", object.text(Self.objectKey), "versions"]
        case .taxiiManifest(let id): ["taxii2", "api", "collections", id.text(Self.collectionKey), "manifest"]
        case .taxiiStatus(let id): ["taxii2", "api", "status", id.text(Self.statusKey)]
        case .mispManifest(let id): ["feeds", "misp", id.text(Self.collectionKey), "manifest.json"]
        case .mispHashes(let id): ["feeds", "misp", id.text(Self.collectionKey), "hashes.csv"]
        case .mispEvent(let id, let event): ["feeds", "misp", id.text(Self.collectionKey), event.text(Self.eventKey)]
        case .lists: ["lists"]
        case .listNew: ["lists", "new"]
        case .list(let slug): ["lists", slug.text(Self.slugKey)]
        case .listSubscription(let slug): ["lists", slug.text(Self.slugKey), "subscription"]
        case .listPosts(let slug): ["lists", slug.text(Self.slugKey), "posts"]
        case .listKey: ["lists", "key.asc"]
        case .accountPGPKey: ["account", "pgp-key"]
        case .apiLists: ["api", "v1", "lists"]
        case .apiListSubscription(let slug): ["api", "v1", "lists", slug.text(Self.slugKey), "subscription"]
        case .apiListPosts(let slug): ["api", "v1", "lists", slug.text(Self.slugKey), "posts"]
        case .apiAccountPGPKey: ["api", "v1", "account", "pgp-key"]
        case .adminClaims: ["admin", "claims"]
        case .adminClaim(let id): ["admin", "claims", id.text(Self.claimKey)]
        case .apiClaims: ["api", "v1", "claims"]
        case .apiClaim(let id): ["api", "v1", "claims", id.text(Self.claimKey)]
        case .apiSuggestTeams: ["api", "v1", "suggest", "teams"]
        case .apiSuggestPeople: ["api", "v1", "suggest", "people"]
        }
    }

    /// The path for links, percent-encoding parameter values.
    public var path: String {
        "/" + components.map(Self.escaped).joined(separator: "/")
    }

    /// A path component with what a path may not hold percent-encoded. Route names, slugs and
    /// ids are letters, digits, `-`, `.`, `_` and `~`, which need none: they skip Foundation's
    /// encoder, the largest cost of naming an item's links in a page of items.
    private static func escaped(_ component: String) -> String {
        let unreserved = component.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
            default: false
            }
        }
        return unreserved ? component : component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? component
    }

    /// The components for registering the route.
    public var pathComponents: [PathComponent] { components.map { PathComponent(stringLiteral: $0) } }

    /// Links mailed with a secret as their last segment (invitations, confirmations,
    /// reachability tests), whose logs and gates must not keep or stop them.
    static let secretLinkPrefixes = [SiteURL.membershipConfirm(.value("")), .invitation(.value("")), .reachabilityAnswer(.value("")),
                                     .sigInvitation(.value("")), .eventRegistrationLink(.value(""))].map(\.path)

    /// The path with a mailed secret replaced, for the request log.
    static func redactingSecret(in path: String) -> String {
        secretLinkPrefixes.first(where: { path.hasPrefix($0) }).map { $0 + "[secret]" } ?? path
    }

    /// Whether requests under this URL are answered as an API (problem+json errors).
    public static func isAPI(path: String) -> Bool {
        path.hasPrefix("/api/") || path.hasPrefix("/taxii2") || path.hasPrefix("/global-irt/") || path.hasPrefix("/.well-known/") || path.hasPrefix("/feeds/")
    }
}

extension SiteURL.Parameter {
    fileprivate func text(_ key: String) -> String {
        switch self {
        case .key: ":" + key
        case .value(let value): value
        }
    }
}

extension RoutesBuilder {
    @discardableResult
    func get<Response: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.GET, url.pathComponents, use: handler)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.POST, url.pathComponents, use: handler)
    }

    @discardableResult
    func patch<Response: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.PATCH, url.pathComponents, use: handler)
    }
}

extension Request {
    /// The `:slug` of a route registered with `SiteURL.Parameter.key`.
    func slugParameter() throws -> String {
        guard let slug = parameters.get(SiteURL.slugKey) else { throw AppError.notFound("No such team.") }
        return slug
    }
}
