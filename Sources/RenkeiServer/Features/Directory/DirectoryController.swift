import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The directory in the browser: the filtered list, team pages, the edit and create forms,
/// and the RFC 2350 profile.
struct DirectoryController {
    static let pageSize = 50

    func register(pages: any RoutesBuilder, forms: any RoutesBuilder) {
        pages.get(.teams, use: list)
        pages.get(.teamNew, use: newForm)
        forms.post(.teamNew, use: create)
        pages.get(.team(.key), use: show)
        pages.get(.teamEdit(.key), use: editForm)
        forms.post(.teamEdit(.key), use: update)
        pages.get(.teamRFC2350(.key), use: rfc2350)
        pages.get(.teamVCard(.key), use: TeamCards.vCard)
        pages.get(.teamKeys(.key), use: TeamCards.keys)
    }

    struct ListQuery: Content {
        var country: String?
        var region: String?
        var type: String?
        var member: String?
        var q: String?
        var page: Int?
        var sort: String?
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var url: String
            var shortName: String
            var officialName: String
            var country: String
            var countryCode: String
            var teamTypes: String
            var memberType: String
            /// "open", "closed", or empty when the reader cannot see the team's hours.
            var openNow: String
        }
        var chrome: Chrome
        var rows: [Row]
        /// "2 teams"; nil when no team matches, and the page says so instead of an empty table.
        var totalLabel: String?
        /// `<option>` elements, escaped (`SelectOptions`).
        var countries: String
        var regions: String
        var types: String
        var memberTypes: String
        var q: String
        var previousPage: String?
        var nextPage: String?
        var pageInfo: String
        var headings: [DirectoryListing.Heading]
        var csvURL: String
        var jsonURL: String
        /// The sort the filter form keeps; nil for the default.
        var sort: String?
    }

    static let countryOptions = SelectOptions(Country.all.filter { $0.region != nil }.map { ($0.code, $0.name) })
    static let regionOptions = SelectOptions(Country.regionMenu.map {
        ($0.name, String(repeating: "\u{00A0}\u{00A0}\u{00A0}", count: $0.depth) + $0.name)
    })
    static let typeOptions = SelectOptions(TeamType.allCases.map { ($0.rawValue, $0.label) })
    static let memberTypeOptions = SelectOptions(MemberType.allCases.map { ($0.rawValue, $0.rawValue) })

    func list(request: Request) async throws -> View {
        let snapshot = try await request.directorySnapshot()
        let now = request.application.renkei.clock.now
        let cacheKey = request.seesAnonymousPage ? request.url.query ?? "" : nil
        if let cacheKey, let cached = snapshot.anonymousPages.page(for: cacheKey, at: now) {
            return View(data: cached)
        }
        let query = try request.query.decode(ListQuery.self)
        let country = (query.country ?? "").uppercased()
        let region = query.region ?? ""
        let type = query.type.flatMap { $0.isEmpty ? nil : $0 }
        let member = query.member.flatMap { $0.isEmpty ? nil : $0 }
        if let type, TeamType(rawValue: type) == nil { throw AppError.badRequest("“\(type)” is not a team type.") }
        if let member, MemberType(rawValue: member) == nil { throw AppError.badRequest("“\(member)” is not a member type.") }
        if !country.isEmpty && Country.named(country) == nil { throw AppError.badRequest("“\(country)” is not a country code.") }
        let filter = DirectoryQuery(countries: country.isEmpty ? [] : [country], region: region,
                                    teamType: type.flatMap(TeamType.init(rawValue:)),
                                    memberType: member.flatMap(MemberType.init(rawValue:)), text: query.q ?? "")
        let view = snapshot.prepared(for: DirectoryPolicy.audience(for: request.currentActor)).view
        let matched: [DirectoryView.Entry]
        do { matched = try view.matching(filter) } catch {
            throw AppError.badRequest("“\(region)” is not a region; choose one from the list.")
        }
        let sort: DirectorySort
        do { sort = try DirectorySort(parsing: query.sort) } catch { throw AppError.badRequest(error.message) }
        let listing = DirectoryListing(country: country, region: region, type: type ?? "", member: member ?? "", text: query.q ?? "", sort: sort)
        let lastPage = max(1, (matched.count + Self.pageSize - 1) / Self.pageSize)
        // Clamped before any arithmetic: a page number near Int.max would overflow and stop the server.
        let page = min(max(1, query.page ?? 1), lastPage)
        // The snapshot is in the default order already.
        let skipped = (page - 1) * Self.pageSize
        let records = sort.isDefault ? matched.dropFirst(skipped).prefix(Self.pageSize).map(\.record)
                                     : Array(sort.sorted(matched.map(\.record), at: now).dropFirst(skipped).prefix(Self.pageSize))
        let rows = records.map { record in
            ListPage.Row(url: SiteURL.team(.value(record.slug)).path, shortName: record.shortName,
                         officialName: record.officialName, country: Country.named(record.countryCode)?.name ?? record.countryCode,
                         countryCode: record.countryCode, teamTypes: record.teamTypes.map(\.label).joined(separator: ", "),
                         memberType: record.memberType?.rawValue ?? "",
                         openNow: record.operatingHours.openState(at: now)?.rawValue ?? "")
        }
        func link(page: Int) -> String { listing.page(page) }
        let context = ListPage(
            chrome: Chrome(request: request, title: "Team directory"),
            rows: Array(rows), totalLabel: matched.isEmpty ? nil : matched.count.counted("team", "teams"),
            countries: Self.countryOptions.html(selected: country), regions: Self.regionOptions.html(selected: region),
            types: Self.typeOptions.html(selected: type ?? ""), memberTypes: Self.memberTypeOptions.html(selected: member ?? ""),
            q: query.q ?? "",
            previousPage: page > 1 ? link(page: page - 1) : nil,
            nextPage: page < lastPage ? link(page: page + 1) : nil,
            pageInfo: "Page \(page) of \(lastPage)",
            headings: listing.headings(), csvURL: listing.csvURL, jsonURL: listing.jsonURL, sort: sort.isDefault ? nil : sort.parameter)
        let rendered = try await context.render("teams", on: request)
        if let cacheKey { snapshot.anonymousPages.store(rendered.data, bytes: rendered.data.readableBytes, for: cacheKey, at: now) }
        return rendered
    }

    struct TeamPage: Encodable {
        struct Change: Encodable {
            var when: String
            var who: String
            var channel: String
            var fields: String
        }
        var chrome: Chrome
        var team: TeamView
        var isMembersView: Bool
        var canEdit: Bool
        var editURL: String
        var rfc2350URL: String
        /// The team's SIM3 profile when the reader may read it, or may start it.
        var sim3: SIM3Link?
        var vCardURL: String
        /// Where the PGP keys download; nil when the reader sees none.
        var keysURL: String?
        var lastModified: String
        var lastModifiedBy: String
        var changes: [Change]?
        var membership: MembershipPanel?
        /// Waiting claims and overlaps, for the team's own people and the secretariat.
        var claims: ClaimStore.Panel?
        var reachability: ReachabilityPanel?
        var responseTimes: ResponseTimesPanel?
    }

    /// The team's response times over 90 days, when it shows them to the reader; the form to
    /// choose whom, for its representatives.
    struct ResponseTimesPanel: Encodable {
        struct Row: Encodable {
            var what: String
            var url: String?
            var count: Int
            var answered: Int
            var median: String
            var p90: String
        }
        struct Choice: Encodable {
            var value: String
            var label: String
            var selected: Bool
        }
        var rows: [Row]
        var shownTo: String
        var formURL: String?
        var choices: [Choice]?
        var csrf: String?
    }

    /// A missed reachability test, for members; the team's history, for its people and the secretariat.
    struct ReachabilityPanel: Encodable {
        var missed: String?
        var historyURL: String?
    }

    struct SIM3Link: Encodable {
        var url: String
        var label: String
    }

    /// The team's membership as its page shows it, with the forms the reader may use.
    struct MembershipPanel: Encodable {
        var status: String
        var reason: String?
        var statementURL: String
        var changeURL: String?
        /// The changes the reader may record (`TeamMembership.availableChanges`).
        var changes: [[String: String]]?
        var asksReason: Bool
        var inviteURL: String?
    }

    func show(request: Request) async throws -> View {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let actor = request.currentActor
        let audience = DirectoryPolicy.audience(for: actor)
        let record = model.record.visible(to: audience)
        var changes: [TeamPage.Change] = []
        if audience == .members {
            changes = try await model.recentChanges(limit: 10, on: request.db).map {
                .init(when: TeamView.minute($0.changedAt), who: $0.actorName, channel: $0.channel, fields: $0.fields.joined(separator: ", "))
            }
        }
        let slug = model.slug
        let standing = try await MembershipStore.standing(of: model, on: request.db)
        let membership = standing.membership.map { membership in
            let offered = actor.map { membership.availableChanges(teamID: standing.id, to: $0) } ?? []
            return MembershipPanel(status: membership.status.label, reason: audience == .members ? membership.reason.nonBlank : nil,
                                   statementURL: SiteURL.apiTeamMembership(.value(slug)).path,
                                   changeURL: offered.isEmpty ? nil : SiteURL.teamMembershipChange(.value(slug)).path,
                                   changes: offered.map { ["value": $0.name, "label": $0.noun] }.nonEmpty,
                                   asksReason: offered.contains(where: \.needsReason),
                                   inviteURL: membership.status == .active && DirectoryPolicy.canEdit(teamID: standing.id, actor: actor)
                                       ? SiteURL.teamInvitations(.value(slug)).path : nil)
        }
        var sim3: SIM3Link?
        let teamID = try model.requireID()
        if let profile = try await SIM3ProfileStore.profile(of: teamID, on: request.db), profile.canRead(actor) {
            sim3 = SIM3Link(url: SiteURL.teamSIM3(.value(slug)).path, label: "SIM3 maturity profile")
        } else if SIM3Profile.canEdit(teamID: teamID, actor: actor) {
            sim3 = SIM3Link(url: SiteURL.teamSIM3Edit(.value(slug)).path, label: "Start your team's SIM3 maturity profile")
        }
        var reachability: ReachabilityPanel?
        if ReachabilityPolicy.canSeeFlag(actor) {
            let missed = try await ReachabilityStore.missed(by: teamID, on: request.db).map {
                "Did not answer the reachability test of \(TeamView.day($0.sentAt)) within a week\($0.missesInARow > 1 ? " (\($0.missesInARow) tests in a row)" : "")"
                    + ($0.bouncedAt == nil ? "." : ": the mail to \($0.addresses.replacingOccurrences(of: ",", with: ", ")) bounced.")
            }
            let history = ReachabilityPolicy.canReadHistory(of: teamID, actor) ? SiteURL.teamReachability(.value(slug)).path : nil
            if missed != nil || history != nil { reachability = ReachabilityPanel(missed: missed, historyURL: history) }
        }
        var responseTimes: ResponseTimesPanel?
        let shownTo = try await ResponseTimeStore.visibility(of: teamID, on: request.db)
        if shownTo.allows(actor, teamOf: teamID) {
            let now = request.application.renkei.clock.now
            let times = try await request.application.renkei.responseTimes.times(of: teamID, now: now) {
                try await ResponseTimeStore.times(of: teamID, now: now, on: request.db)
            }
            let duration = { (seconds: Double?) in seconds.map { AbuseHandling.duration(Int64($0)) } ?? "–" }
            let choosing = MetricVisibility.canChoose(teamID: teamID, actor: actor)
            responseTimes = ResponseTimesPanel(
                rows: [("First reply to requests addressed to the team", nil, times.requests), ("Acknowledging abuse notices", nil, times.abuseNotices),
                       ("Answering reachability tests", reachability?.historyURL, times.reachabilityTests)].map { what, url, time in
                    ResponseTimesPanel.Row(what: what, url: url, count: time.count, answered: time.answered, median: duration(time.medianSeconds),
                                           p90: duration(time.p90Seconds))
                },
                shownTo: shownTo.label, formURL: choosing ? SiteURL.teamResponseTimes(.value(slug)).path : nil,
                choices: choosing ? MetricVisibility.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == shownTo) } : nil,
                csrf: choosing ? CSRF.token(for: request) : nil)
        }
        return try await TeamPage(
            chrome: Chrome(request: request, title: record.shortName), team: TeamView(record),
            isMembersView: audience == .members, canEdit: DirectoryPolicy.canEdit(teamID: try model.requireID(), actor: actor),
            editURL: SiteURL.teamEdit(.value(slug)).path, rfc2350URL: SiteURL.teamRFC2350(.value(slug)).path, sim3: sim3,
            vCardURL: SiteURL.teamVCard(.value(slug)).path, keysURL: record.pgpKeys.isEmpty ? nil : SiteURL.teamKeys(.value(slug)).path,
            lastModified: TeamView.minute(model.modifiedAt), lastModifiedBy: model.modifiedBy, changes: changes.nonEmpty,
            membership: membership, claims: try await ClaimStore.panel(for: model, actor: actor, on: request.db), reachability: reachability,
            responseTimes: responseTimes
        ).render("team", on: request)
    }

    func editForm(request: Request) async throws -> View {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let actor = try requireEditor(of: model, request: request)
        return try await TeamFormPage(chrome: Chrome(request: request, title: "Edit \(model.shortName)"), isNew: false,
                                      slug: model.slug, values: TeamForm(model.record), errors: [], actor: actor,
                                      keys: model.record.pgpKeys).render("team-form", on: request)
    }

    func update(request: Request) async throws -> Response {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let actor = try requireEditor(of: model, request: request)
        let form = try request.content.decode(TeamForm.self)
        let candidate = form.record(base: model.record, actor: actor)
        do {
            let record = try await request.application.renkei.editing.prepare(candidate, replacing: model.record, actor: actor)
            let saved = try await ClaimStore.save(record, existing: model, request: request)
            return request.redirect(to: SiteURL.team(.value(saved.slug)).path, flash: "Saved")
        } catch AppError.invalid(let errors) {
            return try await TeamFormPage(chrome: Chrome(request: request, title: "Edit \(model.shortName)"), isNew: false,
                                          slug: model.slug, values: form, errors: errors, actor: actor, keys: model.record.pgpKeys)
                .render("team-form", on: request).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func newForm(request: Request) async throws -> View {
        let actor = try requireCreator(request)
        let blank = TeamRecord(operatingHours: .weekdays("09:00-17:00", timeZone: "UTC"))
        return try await TeamFormPage(chrome: Chrome(request: request, title: "New team"), isNew: true, slug: "",
                                      values: TeamForm(blank), errors: [], actor: actor, keys: []).render("team-form", on: request)
    }

    func create(request: Request) async throws -> Response {
        let actor = try requireCreator(request)
        let form = try request.content.decode(TeamForm.self)
        let candidate = form.record(base: TeamRecord(), actor: actor)
        do {
            let record = try await request.application.renkei.editing.prepare(candidate, replacing: nil, actor: actor)
            let saved = try await TeamWrites.save(record, existing: nil, author: request.changeAuthor, on: request.db)
            return request.redirect(to: SiteURL.team(.value(saved.slug)).path, flash: "Team added to the directory")
        } catch AppError.invalid(let errors) {
            return try await TeamFormPage(chrome: Chrome(request: request, title: "New team"), isNew: true, slug: "",
                                          values: form, errors: errors, actor: actor, keys: [])
                .render("team-form", on: request).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    func rfc2350(request: Request) async throws -> Response {
        let model = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let record = model.record.visible(to: DirectoryPolicy.audience(for: request.currentActor))
        let url = request.application.renkei.settings.publicURL + SiteURL.teamRFC2350(.value(model.slug)).path
        let text = RFC2350.document(for: record, lastModified: model.modifiedAt, url: url)
        var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])
        headers.replaceOrAdd(name: .lastModified, value: GlobalIRT.httpDate(model.modifiedAt))
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }


    private func requireEditor(of model: TeamModel, request: Request) throws -> Actor {
        guard let actor = request.currentActor else {
            throw AppError.unauthorized("Sign in to edit a team.")
        }
        guard DirectoryPolicy.canEdit(teamID: try model.requireID(), actor: actor) else {
            throw AppError.forbidden("Only \(model.shortName)'s representatives and the secretariat may edit this team.")
        }
        return actor
    }

    private func requireCreator(_ request: Request) throws -> Actor {
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in to add a team.") }
        guard DirectoryPolicy.canCreateTeam(actor: actor) else { throw AppError.forbidden("Only the secretariat adds teams.") }
        return actor
    }
}

extension Request {
    var changeAuthor: ChangeAuthor {
        let user = currentUser
        return ChangeAuthor(userID: user?.id, name: user?.displayName ?? "anonymous",
                            channel: SiteURL.isAPI(path: url.path) ? "api" : "web")
    }
}
