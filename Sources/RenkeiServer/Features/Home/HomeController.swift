import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The home page: for a member, what needs them today (their team's open requests, what was
/// shared with them lately, notifications, membership deadlines); for a visitor, what the
/// community is and the lookup box. Every list is a few rows read with a limit.
struct HomeController {
    /// Rows per list on the home page.
    static let sharedLimit = 20
    static let requestLimit = 10
    static let noticeLimit = 5
    static let deadlineLimit = 5

    func register(pages: any RoutesBuilder) {
        pages.get(.home, use: home)
        pages.get(.favicon, use: Self.favicon)
    }

    struct HomePage: Encodable {
        struct ItemRow: Encodable {
            var url: String
            var title: String
            var kind: String
            var label: SharedItemsController.Label
            var author: String
            var created: String
        }
        struct NoticeRow: Encodable {
            var text: String
            var link: String
            var at: String
            var unread: Bool
        }
        struct DeadlineRow: Encodable {
            var url: String
            var team: String
            var phase: String
            var deadline: String
        }
        var chrome: Chrome
        var signedIn: Bool
        var teamName: String?
        var openRequests: [ItemRow]?
        var shared: [ItemRow]?
        var notices: [NoticeRow]?
        var deadlines: [DeadlineRow]?
        var teamCount: Int?
        var canShare: Bool
        var newRequestURL: String
        var newItemURL: String
        var itemsURL: String
        var membershipURL: String
        var applyURL: String
    }

    func home(request: Request) async throws -> View {
        let chrome = Chrome(request: request, title: "Home")
        var page = HomePage(chrome: chrome, signedIn: false, canShare: false, newRequestURL: SiteURL.itemNew.path + "?kind=request",
                            newItemURL: SiteURL.itemNew.path, itemsURL: SiteURL.items.path, membershipURL: SiteURL.membership.path,
                            applyURL: SiteURL.membershipApply.path)
        guard let user = request.currentUser, let actor = request.currentActor else {
            page.teamCount = try await TeamModel.query(on: request.db).count()
            return try await page.render("home", on: request)
        }
        page.signedIn = true
        page.canShare = SharedItem.canShare(actor)
        page.teamName = try await user.$team.get(on: request.db)?.shortName
        let requests = try await SharedItemStore.openRequests(of: user, readableBy: actor, limit: Self.requestLimit, on: request.db)
        let shared = try await SharedItemStore.readable(by: actor, page: PageRequest(limit: Self.sharedLimit),
                                                        decoded: request.application.renkei.decodedItems, on: request.db).items
        try await SharedItemStore.recordReads(requests + shared.filter { item in !requests.contains { $0.id == item.id } }, channel: "home page", request: request)
        page.openRequests = requests.nonEmpty?.map(Self.row)
        page.shared = shared.nonEmpty?.map(Self.row)
        let userID = try user.requireID()
        page.notices = try await NotificationModel.query(on: request.db).filter(\.$userID == userID)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(Self.noticeLimit).all().nonEmpty?
            .map { HomePage.NoticeRow(text: $0.text, link: $0.link, at: TeamView.minute($0.createdAt), unread: $0.readAt == nil) }
        page.deadlines = try await Self.deadlines(for: user, request: request).nonEmpty
        return try await page.render("home", on: request)
    }

    static func row(_ item: SharedItem) -> HomePage.ItemRow {
        HomePage.ItemRow(url: SiteURL.item(.value(item.id.uuidString)).path, title: item.title,
                         kind: item.request.map { "request (\($0.status.rawValue))" } ?? item.kind.rawValue, label: SharedItemsController.Label(item.tlp),
                         author: item.authorName + (item.authorTeamName.map { " (\($0))" } ?? ""), created: TeamView.minute(item.createdAt))
    }

    /// The next deadlines of the open applications the user may read, soonest first. Open
    /// applications are few at any time; the read is capped all the same.
    static func deadlines(for user: UserModel, request: Request) async throws -> [HomePage.DeadlineRow] {
        let now = request.application.renkei.clock.now
        let actorTeam = try await MembershipStore.standing(teamID: user.$team.id, on: request.db)
        let open = try await ApplicationModel.query(on: request.db).filter(\.$isOpen == true).sort(\.$submittedAt, .descending).limit(100).all()
        return try open.compactMap { try $0.application().readable(by: user.actor, actorTeam: actorTeam) }
            .compactMap { application in application.deadline(at: now).map { (application, $0) } }
            .sorted { $0.1 < $1.1 }.prefix(deadlineLimit)
            .map { application, deadline in
                HomePage.DeadlineRow(url: SiteURL.membershipApplication(.value(application.id.uuidString)).path, team: application.team.shortName,
                                     phase: application.phase(at: now).label, deadline: TeamView.minute(deadline))
            }
    }

    /// Browsers ask for `/favicon.ico` whatever the page links: answer with the SVG icon.
    @Sendable static func favicon(request: Request) async throws -> Response {
        let path = request.application.directory.publicDirectory + "favicon.svg"
        let response = try await request.fileio.asyncStreamFile(at: path)
        response.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return response
    }
}

extension SharedItemStore {
    /// The open requests written by the user's team (or by the user, without a team), newest
    /// first, as `reader` may read them: the newest requests of the team's people, at most
    /// `4 × limit` rows, are read and checked one by one with `AccessPolicy`.
    static func openRequests(of user: UserModel, readableBy reader: Actor, limit: Int, on database: any Database) async throws -> [SharedItem] {
        var authors = [try user.requireID()]
        if let teamID = user.$team.id {
            authors = try await UserModel.query(on: database).filter(\.$team.$id == teamID).limit(500).all().compactMap(\.id)
        }
        let models = try await SharedItemModel.query(on: database).filter(\.$kind == SharedItem.Kind.request.rawValue)
            .filter(\.$authorUserID ~~ authors).sort(\.$createdAt, .descending).limit(limit * 4).all()
        return try models.map { try $0.item() }
            .filter { $0.request?.status == .open && !$0.isWithdrawn && AccessPolicy.canRead($0.access, reader: reader) }
            .prefix(limit).map { $0.withoutPrivateOfferText() }
    }
}
