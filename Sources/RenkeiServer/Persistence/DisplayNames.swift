import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// How people, teams and SIGs are named on pages and in documents that refer to them by id.
struct DisplayNames {
    var users: [UUID: String]
    var teams: [UUID: (slug: String, name: String)]
    var sigs: [UUID: (slug: String, name: String)] = [:]

    func user(_ id: UUID) -> String { users[id] ?? "a former account" }
    func team(_ id: UUID) -> String { teams[id]?.name ?? "a former team" }
    func teamSlug(_ id: UUID) -> String { teams[id]?.slug ?? id.uuidString }
    func sig(_ id: UUID) -> String { sigs[id].map { "the \($0.name) SIG" } ?? "a Special Interest Group" }
    func sigSlug(_ id: UUID) -> String { sigs[id]?.slug ?? id.uuidString }

    /// The names of the people and teams given (every one when both are nil). Only the name
    /// columns are read: a team's full record is not needed to name it.
    static func load(users userIDs: Set<UUID>? = nil, teams teamIDs: Set<UUID>? = nil, on database: any Database) async throws -> DisplayNames {
        let sql = try database.sql
        struct UserRow: Decodable { var id: UUID; var display_name: String }
        struct TeamRow: Decodable { var id: UUID; var slug: String; var short_name: String }
        var users: [UUID: String] = [:]
        if userIDs?.isEmpty != true {
            let query = sql.select().columns("id", "display_name").from(UserModel.schema)
            if let userIDs { query.where("id", .in, Array(userIDs)) }
            for row in try await query.all(decoding: UserRow.self) { users[row.id] = row.display_name }
        }
        var teams: [UUID: (slug: String, name: String)] = [:]
        if teamIDs?.isEmpty != true {
            let query = sql.select().columns("id", "slug", "short_name").from(TeamModel.schema)
            if let teamIDs { query.where("id", .in, Array(teamIDs)) }
            for row in try await query.all(decoding: TeamRow.self) { teams[row.id] = (row.slug, row.short_name) }
        }
        return DisplayNames(users: users, teams: teams)
    }

    /// The names shared items refer to: the people of their audiences, from `people`, and the
    /// teams, looked up in `teamNames` (the directory snapshot's).
    static func load(for items: [SharedItem], teamNames: [UUID: (slug: String, name: String)], sigNames: [UUID: (slug: String, name: String)],
                     people: PeopleNames, on database: any Database) async throws -> DisplayNames {
        var users = Set<UUID>()
        for item in items {
            if case .individuals(let ids) = item.audience { users.formUnion(ids) }
        }
        return DisplayNames(users: try await people.names(of: users, on: database), teams: teamNames, sigs: sigNames)
    }
}
