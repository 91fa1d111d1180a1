import Fluent
import Foundation

/// How people and teams are named on pages and in documents that refer to them by id.
struct DisplayNames {
    var users: [UUID: String]
    var teams: [UUID: (slug: String, name: String)]

    func user(_ id: UUID) -> String { users[id] ?? "a former account" }
    func team(_ id: UUID) -> String { teams[id]?.name ?? "a former team" }
    func teamSlug(_ id: UUID) -> String { teams[id]?.slug ?? id.uuidString }

    static func load(on database: any Database) async throws -> DisplayNames {
        var users: [UUID: String] = [:]
        for user in try await UserModel.query(on: database).all() { if let id = user.id { users[id] = user.displayName } }
        var teams: [UUID: (slug: String, name: String)] = [:]
        for team in try await TeamModel.query(on: database).all() { if let id = team.id { teams[id] = (team.slug, team.shortName) } }
        return DisplayNames(users: users, teams: teams)
    }
}
