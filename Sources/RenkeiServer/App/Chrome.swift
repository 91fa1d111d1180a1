import Foundation
import RenkeiCore
import Vapor

/// What every page's frame needs: title, who is signed in, the CSRF token for its forms, the
/// demo notice, and the links of the navigation built from `SiteURL`.
struct Chrome: Encodable {
    struct Links: Encodable {
        var home = SiteURL.home.path
        var teams = SiteURL.teams.path
        var teamNew = SiteURL.teamNew.path
        var signIn = SiteURL.signIn.path
        var signOut = SiteURL.signOut.path
        var account = SiteURL.account.path
        var stylesheet = SiteURL.stylesheet.path
        var globalIRT = SiteURL.globalIRTTeams.path
        var apiTeams = SiteURL.apiTeams.path
        var lookup = SiteURL.lookup.path
        var cvss = SiteURL.cvssCalculator(.value(CVSSVersion.v4_0.rawValue)).path
        var openAPI = SiteURL.apiOpenAPI.path
        var signInTwoFactor = SiteURL.signInTwoFactor.path
        var twoFactor = SiteURL.twoFactor.path
        var membership = SiteURL.membership.path
        var items = SiteURL.items.path
        var artifacts = SiteURL.artifacts.path
        var publicFeed = SiteURL.publicFeed.path
        var notifications = SiteURL.notifications.path
        var audit = SiteURL.audit.path
        var claims = SiteURL.adminClaims.path
        var lists = SiteURL.lists.path
        var sigs = SiteURL.sigs.path
        var events = SiteURL.events.path
        var abuse = SiteURL.abuse.path
        var abuseMonitoring = SiteURL.abuseMonitoring.path
        var coverage = SiteURL.coverage.path
        var sim3 = SiteURL.sim3.path
        var reachability = SiteURL.reachability.path
        var accountEvents = SiteURL.accountEvents.path
        var listKey = SiteURL.listKey.path
        var favicon = SiteURL.faviconSVG.path
        var suggestTeams = SiteURL.apiSuggestTeams.path
        var suggestPeople = SiteURL.apiSuggestPeople.path
    }

    /// The error summary at the top of a form page (see `FormErrors`).
    struct ErrorSummary: Encodable {
        var headline: String
        var links: [FormErrors.Link]
    }

    var title: String
    var userName: String?
    var canCreateTeam: Bool
    var canReadAudit: Bool
    /// People of a team, and the secretariat, handle abuse notices.
    var handlesAbuse: Bool
    /// Members of the community read the reachability tests.
    var readsReachability: Bool
    /// Unread in-app notifications, counted by `NotificationCountMiddleware`.
    var unread: Int?
    var csrf: String?
    var demoNotice: String?
    /// What the previous action did, said once after its redirect (`Flash`).
    var flash: String?
    var errorSummary: ErrorSummary?
    var links = Links()

    init(request: Request, title: String) {
        self.title = title
        let user = request.auth.get(UserModel.self)
        userName = user?.displayName
        canCreateTeam = DirectoryPolicy.canCreateTeam(actor: user?.actor)
        canReadAudit = user?.roleSet.contains(.secretariat) ?? false
        handlesAbuse = AbuseAccess.hasDesk(user?.actor)
        readsReachability = ReachabilityPolicy.canReadFigures(request.currentActor)
        unread = request.storage[NotificationCountMiddleware.Key.self].flatMap { $0 > 0 ? $0 : nil }
        // Signed-in pages carry forms (sign-out at least); anonymous visitors get no session
        // until they open the sign-in form, so crawlers do not fill the session table.
        csrf = user == nil ? nil : CSRF.token(for: request)
        demoNotice = request.application.renkei.isDemo ? DemoNetwork.notice : nil
        flash = Flash.take(from: request)
    }

    /// This frame with a form's error summary.
    /// A page whose form a visitor fills without signing in (an event's registration, a call
    /// for presentations) opens a session for its token; other anonymous pages do not.
    func withVisitorForm(_ request: Request) -> Chrome {
        var chrome = self
        chrome.csrf = csrf ?? CSRF.token(for: request)
        return chrome
    }

    func with(_ errors: FormErrors, headline: String) -> Chrome {
        var chrome = self
        chrome.errorSummary = errors.summary(headline)
        return chrome
    }
}

struct ErrorPage: Encodable {
    var problem: Problem
    var chrome: Chrome

    func encodeResponse(status: HTTPResponseStatus, for request: Request) async throws -> Response {
        let response = try await request.view.render("error", self).encodeResponse(for: request)
        response.status = status
        return response
    }
}

extension Encodable {
    /// Renders `template` with this value as its context.
    func render(_ template: String, on request: Request) async throws -> View {
        try await request.view.render(template, self)
    }
}
