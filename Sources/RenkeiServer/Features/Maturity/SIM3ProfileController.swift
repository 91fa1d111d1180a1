import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Teams' SIM3 maturity profiles: each team's page (a radar chart against the community's
/// median, the ratings, the saved versions), its form, its API document, and the community's
/// medians. Who reads what is `SIM3Profile.canRead`; a profile the reader may not read answers
/// as one that does not exist.
struct SIM3ProfileController {
    func register(pages: any RoutesBuilder, forms: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.teamSIM3(.key), use: page)
        pages.get(.teamSIM3Edit(.key), use: editForm)
        forms.post(.teamSIM3(.key), use: save)
        api.get(.apiTeamSIM3(.key), use: json)
        pages.get(.sim3, use: community)
        forms.post(.teamResponseTimes(.key), use: chooseResponseTimes)
    }

    struct ResponseTimesForm: Content {
        var visibility: String?
    }

    /// The team's representatives choose whom its page shows its response times, as for its profile.
    func chooseResponseTimes(request: Request) async throws -> Response {
        let user = try request.requireUser()
        let team = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        let teamID = try team.requireID()
        guard MetricVisibility.canChoose(teamID: teamID, actor: request.currentActor) else {
            throw AppError.forbidden("Only \(team.shortName)'s representatives choose whom its response times are shown.")
        }
        guard let visibility = try request.content.decode(ResponseTimesForm.self).visibility.flatMap(MetricVisibility.init(rawValue:)) else {
            throw AppError.invalid([FieldError(field: "visibility", message: "Choose who sees the response times.")])
        }
        try await ResponseTimeStore.choose(visibility, for: teamID, on: request.db)
        try await AuditLog.record("team.response-times", subject: "team \(team.slug)", detail: "shown to: \(visibility.rawValue)",
                                  actor: user, address: request.clientAddress, at: request.application.renkei.clock.now, on: request.db)
        return request.redirect(to: SiteURL.team(.value(team.slug)).path, flash: "Response times shown to: \(visibility.label.lowercased())")
    }

    struct Document: Content {
        var team: String
        var visibility: SIM3Profile.Visibility
        var updatedAt: Date
        var ratings: [String: SIM3Assessment.Rating]
        /// Average level per category (O, H, T, P).
        var averages: [String: Double]
        /// The median of each parameter over the profiles the reader may read; absent when fewer than three.
        var communityMedian: [String: Double]?
        var communityProfiles: Int
    }

    /// The team and its profile when `actor` may read it; otherwise not found, whether there is
    /// a profile or not.
    private func readable(_ request: Request) async throws -> (team: TeamModel, profile: SIM3Profile) {
        let team = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        guard let profile = try await SIM3ProfileStore.profile(of: try team.requireID(), on: request.db), profile.canRead(request.currentActor) else {
            throw AppError.notFound("\(team.shortName) has no SIM3 profile you may read.")
        }
        return (team, profile)
    }

    private func median(for actor: Actor?, on database: any Database) async throws -> (median: [String: Double]?, profiles: Int) {
        let profiles = try await SIM3ProfileStore.readable(by: actor, on: database)
        return (SIM3Profile.medians(profiles.map(\.assessment)), profiles.count)
    }

    func json(request: Request) async throws -> Document {
        let (team, profile) = try await readable(request)
        let (median, count) = try await median(for: request.currentActor, on: request.db)
        var averages: [String: Double] = [:]
        for category in SIM3.Category.allCases { averages[category.rawValue] = profile.assessment.average(category) }
        return Document(team: team.slug, visibility: profile.visibility, updatedAt: profile.updatedAt, ratings: profile.assessment.ratings,
                        averages: averages, communityMedian: median, communityProfiles: count)
    }

    struct ProfilePage: Encodable {
        struct Row: Encodable {
            var id: String
            var name: String
            var level: Int
            var median: String
            var comment: String
        }
        struct Version: Encodable {
            var savedAt: String
            var savedBy: String
            var visibility: String
            var averages: String
        }
        var chrome: Chrome
        var teamName: String
        var teamURL: String
        var radar: String
        var visibility: String
        var updatedAt: String
        var medianNote: String
        var rows: [Row]
        var editURL: String?
        var history: [Version]?
        var apiURL: String
    }

    func page(request: Request) async throws -> View {
        let (team, profile) = try await readable(request)
        let actor = request.currentActor
        let (median, count) = try await median(for: actor, on: request.db)
        let slug = team.slug
        let mayEdit = SIM3Profile.canEdit(teamID: profile.teamID, actor: actor)
        var history: [ProfilePage.Version]?
        // The versions are the team's and the secretariat's to see.
        if actor?.teamID == profile.teamID || actor?.roles.contains(.secretariat) == true {
            history = try await SIM3ProfileStore.history(of: profile.teamID, on: request.db).map { version in
                ProfilePage.Version(savedAt: TeamView.minute(version.savedAt), savedBy: version.savedBy,
                                    visibility: SIM3Profile.Visibility(rawValue: version.visibility)?.label ?? version.visibility,
                                    averages: Self.averages(version.assessment))
            }
        }
        return try await ProfilePage(
            chrome: Chrome(request: request, title: "\(team.shortName): SIM3 profile"), teamName: team.shortName,
            teamURL: SiteURL.team(.value(slug)).path,
            radar: SIM3Radar.svg(profile.assessment, median: median, title: "\(team.shortName)'s SIM3 levels\(median == nil ? "" : " against the community median")"),
            visibility: profile.visibility.label, updatedAt: TeamView.minute(profile.updatedAt),
            medianNote: median == nil ? "No community median: fewer than \(SIM3Profile.fewestForMedian) profiles are visible to you."
                : "The community median is taken over the \(count) profiles visible to you.",
            rows: SIM3.parameters.map { parameter in
                let rating = profile.assessment.ratings[parameter.id]
                return ProfilePage.Row(id: parameter.id, name: parameter.name, level: rating?.level.rawValue ?? 0,
                                       median: median?[parameter.id].map { String(format: "%.1f", $0) } ?? "–", comment: rating?.comment ?? "")
            },
            editURL: mayEdit ? SiteURL.teamSIM3Edit(.value(slug)).path : nil, history: history,
            apiURL: SiteURL.apiTeamSIM3(.value(slug)).path
        ).render("sim3-profile", on: request)
    }

    /// "O 2.5 · H 3.0 · T 2.0 · P 1.8"
    static func averages(_ assessment: SIM3Assessment) -> String {
        SIM3.Category.allCases.map { "\($0.rawValue) \(assessment.average($0).map { String(format: "%.1f", $0) } ?? "–")" }.joined(separator: " · ")
    }

    struct EditPage: Encodable {
        var chrome: Chrome
        var csrf: String
        var teamName: String
        var action: String
        var sim3: [SIM3Form.Category]
        var levels: [[String: String]]
        var definitions: [String]
        var profileURL: String
        var visibilities: [Choice]
        var errors: [String: String]?

        struct Choice: Encodable {
            var value: String
            var label: String
            var checked: Bool
        }
    }

    struct ProfileForm: Content {
        var visibility: String?
        var level: [String: String]?
        var comment: [String: String]?
    }

    private func editable(_ request: Request) async throws -> TeamModel {
        _ = try request.requireUser()
        let team = try await TeamModel.require(slug: request.slugParameter(), on: request.db)
        guard SIM3Profile.canEdit(teamID: try team.requireID(), actor: request.currentActor) else {
            throw AppError.forbidden("A team's representatives keep its SIM3 profile.")
        }
        return team
    }

    func editForm(request: Request) async throws -> View {
        let team = try await editable(request)
        let current = try await SIM3ProfileStore.profile(of: try team.requireID(), on: request.db)
        return try await editPage(request, team: team, categories: current.map { SIM3Form.categories($0.assessment) } ?? SIM3Form.categories(level: nil, comment: nil, unrated: ""),
                                  visibility: current?.visibility ?? .members, errors: [])
    }

    private func editPage(_ request: Request, team: TeamModel, categories: [SIM3Form.Category], visibility: SIM3Profile.Visibility,
                          errors: [FieldError]) async throws -> View {
        let formErrors = FormErrors(errors)
        return try await EditPage(
            chrome: Chrome(request: request, title: "\(team.shortName): SIM3 profile")
                .with(formErrors, headline: "The profile was not saved: \(errors.count.counted("problem", "problems")) to correct"),
            csrf: CSRF.token(for: request), teamName: team.shortName, action: SiteURL.teamSIM3(.value(team.slug)).path,
            sim3: categories, levels: SIM3Form.levels, definitions: SIM3Form.definitions, profileURL: SiteURL.teamSIM3(.value(team.slug)).path,
            visibilities: SIM3Profile.Visibility.allCases.map { EditPage.Choice(value: $0.rawValue, label: $0.label, checked: $0 == visibility) },
            errors: formErrors.byControl.nonEmpty
        ).render("sim3-edit", on: request)
    }

    func save(request: Request) async throws -> Response {
        let team = try await editable(request)
        let user = try request.requireUser()
        let form = try request.content.decode(ProfileForm.self)
        let assessment = SIM3Form.assessment(level: form.level, comment: form.comment)
        let visibility = SIM3Profile.Visibility(rawValue: form.visibility ?? "")
        var errors = SIM3Form.fieldErrors(assessment)
        if visibility == nil { errors.append(FieldError(field: "visibility", message: "Choose who may read the profile.")) }
        guard errors.isEmpty, let visibility else {
            let categories = SIM3Form.categories(level: form.level, comment: form.comment, unrated: "", errors: SIM3Form.errorsByParameter(errors))
            return try await editPage(request, team: team, categories: categories, visibility: visibility ?? .members, errors: errors)
                .encodeResponse(status: .unprocessableEntity, for: request)
        }
        let profile = SIM3Profile(teamID: try team.requireID(), assessment: assessment, visibility: visibility, updatedAt: request.application.renkei.clock.now)
        try await SIM3ProfileStore.save(profile, team: team.slug, by: user, request: request)
        return request.redirect(to: SiteURL.teamSIM3(.value(team.slug)).path, flash: "The SIM3 profile was saved")
    }

    struct CommunityPage: Encodable {
        struct Row: Encodable {
            var id: String
            var name: String
            var median: String
            /// How many profiles rate the parameter at each level, 0 to 4.
            var levels: [Int]
        }
        var chrome: Chrome
        var profiles: Int
        var enough: Bool
        var fewest: Int
        var rows: [Row]
        var ownURL: String?
        /// The teams whose profiles the reader may read, by name.
        var teams: [Link]

        struct Link: Encodable {
            var name: String
            var url: String
        }
    }

    private func teamLinks(_ ids: [UUID], request: Request) async throws -> [CommunityPage.Link] {
        let names = try await request.directorySnapshot().teamNames
        return ids.compactMap { names[$0] }.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
            .map { CommunityPage.Link(name: $0.name, url: SiteURL.teamSIM3(.value($0.slug)).path) }
    }

    /// The community's medians and the spread of levels, over the profiles the reader may read:
    /// anonymous readers get figures from public profiles only.
    func community(request: Request) async throws -> View {
        let actor = request.currentActor
        let profiles = try await SIM3ProfileStore.readable(by: actor, on: request.db)
        let medians = SIM3Profile.medians(profiles.map(\.assessment))
        var ownURL: String?
        if let teamID = actor?.teamID, let team = try await TeamModel.find(teamID, on: request.db) {
            ownURL = SiteURL.teamSIM3(.value(team.slug)).path
        }
        return try await CommunityPage(
            chrome: Chrome(request: request, title: "SIM3 maturity of the community"), profiles: profiles.count, enough: medians != nil,
            fewest: SIM3Profile.fewestForMedian,
            rows: medians == nil ? [] : SIM3.parameters.map { parameter in
                var levels = [0, 0, 0, 0, 0]
                for profile in profiles { if let level = profile.assessment.ratings[parameter.id]?.level { levels[level.rawValue] += 1 } }
                return CommunityPage.Row(id: parameter.id, name: parameter.name, median: medians?[parameter.id].map { String(format: "%.1f", $0) } ?? "–", levels: levels)
            },
            ownURL: ownURL,
            teams: try await teamLinks(profiles.map(\.teamID), request: request)
        ).render("sim3-community", on: request)
    }
}
