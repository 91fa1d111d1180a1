import Fluent
import Foundation
import RenkeiCore

/// How people and teams are named on pages and in documents that refer to them by id.
struct DisplayNames {
    var users: [UUID: String]
    var teams: [UUID: (slug: String, name: String)]

    func user(_ id: UUID) -> String { users[id] ?? "a former account" }
    func team(_ id: UUID) -> String { teams[id]?.name ?? "a former team" }
    func teamSlug(_ id: UUID) -> String { teams[id]?.slug ?? id.uuidString }

    /// The names of the people and teams given (every one when both are nil).
    static func load(users userIDs: Set<UUID>? = nil, teams teamIDs: Set<UUID>? = nil, on database: any Database) async throws -> DisplayNames {
        var users: [UUID: String] = [:]
        var userQuery = UserModel.query(on: database)
        if let userIDs { userQuery = userQuery.filter(\.$id ~~ Array(userIDs)) }
        for user in try await userIDs?.isEmpty == true ? [] : userQuery.all() { if let id = user.id { users[id] = user.displayName } }
        var teams: [UUID: (slug: String, name: String)] = [:]
        var teamQuery = TeamModel.query(on: database)
        if let teamIDs { teamQuery = teamQuery.filter(\.$id ~~ Array(teamIDs)) }
        for team in try await teamIDs?.isEmpty == true ? [] : teamQuery.all() { if let id = team.id { teams[id] = (team.slug, team.shortName) } }
        return DisplayNames(users: users, teams: teams)
    }

    /// The names shared items refer to: the people and teams of their audiences.
    static func load(for items: [SharedItem], on database: any Database) async throws -> DisplayNames {
        var users = Set<UUID>(), teams = Set<UUID>()
        for item in items {
            switch item.audience {
            case .teams(let ids): teams.formUnion(ids)
            case .individuals(let ids): users.formUnion(ids)
            case .community, .sig: break
            }
        }
        return try await load(users: users, teams: teams, on: database)
    }

    /// The names registry entries refer to: their holder teams.
    static func load(for artifacts: [Artifact], on database: any Database) async throws -> DisplayNames {
        try await load(users: [], teams: Set(artifacts.flatMap(\.holderTeamIDs)), on: database)
    }
}
