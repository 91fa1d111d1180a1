import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// Type-ahead for the fields that name teams and people (item audiences): the first few
/// names that start with what was typed, read by a range over an indexed `lower(name)`
/// (migration 020), never the whole table.
///
/// The browser's script calls these with the session cookie as well as with a token. They
/// only read, answer a JSON object (never a bare array) and send no CORS headers, so another
/// site can neither change anything through them nor read the answer.
struct SuggestController {
    func register(_ app: Application) {
        let routes = app.grouped(UserModel.sessionAuthenticator(), APITokenAuthenticator(), TeamStatusMiddleware(), TwoFactorGate(), RateLimitMiddleware())
        routes.get(.apiSuggestTeams, use: teams)
        routes.get(.apiSuggestPeople, use: people)
    }

    struct TeamSuggestion: Content {
        var slug: String
        var name: String
        var countryCode: String
    }

    struct TeamSuggestions: Content {
        var teams: [TeamSuggestion]
    }

    struct PersonSuggestion: Content {
        var email: String
        var name: String
        var team: String?
    }

    struct PersonSuggestions: Content {
        var people: [PersonSuggestion]
    }

    private func prefix(_ request: Request) throws -> NamePrefix? {
        let typed = (try? request.query.get(String.self, at: "q")) ?? ""
        guard typed.count <= NamePrefix.maximumLength else {
            throw AppError.invalid([FieldError(field: "q", message: "Type at most \(NamePrefix.maximumLength) characters of a name.")])
        }
        return NamePrefix(typed)
    }

    /// Rows whose `lower(column)` starts with `prefix`, in name order, at most `limit`.
    private func startingWith(_ prefix: NamePrefix, table: String, column: String, columns: [String], limit: Int,
                              on database: any Database) async throws -> [any SQLRow] {
        let sql = try database.sql
        let key = SQLFunction("lower", args: SQLColumn(column))
        let query = sql.select().columns(columns.map { SQLColumn($0) }).from(table)
            .where(key, .greaterThanOrEqual, SQLBind(prefix.key))
        if let upper = prefix.upperBound { query.where(key, .lessThan, SQLBind(upper)) }
        query.where(SQLQueryString("lower(\(ident: column)) LIKE \(bind: prefix.likePattern) ESCAPE '!'"))
        return try await query.orderBy(key).orderBy(SQLColumn("id")).limit(limit).all()
    }

    /// Team names are public (the directory lists them), so anyone may ask.
    func teams(request: Request) async throws -> TeamSuggestions {
        guard let prefix = try prefix(request) else { return TeamSuggestions(teams: []) }
        let rows = try await startingWith(prefix, table: TeamModel.schema, column: "short_name", columns: ["id", "slug", "short_name", "country_code"],
                                          limit: NamePrefix.limit, on: request.db)
        return TeamSuggestions(teams: try rows.map {
            TeamSuggestion(slug: try $0.decode(column: "slug", as: String.self), name: try $0.decode(column: "short_name", as: String.self),
                           countryCode: try $0.decode(column: "country_code", as: String.self))
        })
    }

    /// People for signed-in members of the community only, and only people who may be named
    /// in an audience (`AccessPolicy.mayBeNamed`); matched by name, never by address, so the
    /// answer does not tell whether an address has an account.
    func people(request: Request) async throws -> PersonSuggestions {
        guard let reader = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        guard AccessPolicy.mayBeNamed(reader) else {
            throw AppError.forbidden("Only people of member teams pick other people by name.")
        }
        guard let prefix = try prefix(request) else { return PersonSuggestions(people: []) }
        // Accounts without a team are rarely nameable (only officers are): read a few more
        // rows than are shown, still a bounded number whatever the size of the table.
        let rows = try await startingWith(prefix, table: UserModel.schema, column: "display_name", columns: ["id"],
                                          limit: NamePrefix.limit * 3, on: request.db)
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return PersonSuggestions(people: []) }
        let users = try await UserModel.query(on: request.db).filter(\.$id ~~ ids).all()
        let actors = try await ListStore.readers(users, on: request.db)
        let teamIDs = Set(users.compactMap { $0.$team.id })
        let teamNames = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await TeamModel.query(on: request.db)
            .filter(\.$id ~~ Array(teamIDs)).all().map { (try $0.requireID(), $0.shortName) })
        let byID = Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
        let named = ids.compactMap { id -> PersonSuggestion? in
            guard let user = byID[id], let actor = actors[id], AccessPolicy.mayBeNamed(actor) else { return nil }
            return PersonSuggestion(email: user.email, name: user.displayName, team: user.$team.id.flatMap { teamNames[$0] })
        }
        return PersonSuggestions(people: Array(named.prefix(NamePrefix.limit)))
    }
}

extension TeamModel {
    /// The team a person named in a form: its slug, or its name as the directory shows it
    /// (case aside) when exactly one team has that name.
    static func find(slugOrName text: String, on database: any Database) async throws -> TeamModel? {
        if let team = try await find(slug: text.lowercased(), on: database) { return team }
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= NamePrefix.maximumLength, let sql = database as? any SQLDatabase else { return nil }
        let rows = try await sql.select().column("id").from(schema)
            .where(SQLFunction("lower", args: SQLColumn("short_name")), .equal, SQLBind(NamePrefix.key(name))).limit(2).all()
        guard rows.count == 1 else { return nil }
        return try await find(try rows[0].decode(column: "id", as: UUID.self), on: database)
    }
}
