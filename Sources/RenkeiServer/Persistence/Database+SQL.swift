import Fluent
import SQLKit
import Vapor

extension Database {
    /// This database as SQLKit speaks to it. Both databases Renkei runs on (SQLite and
    /// PostgreSQL) are SQL databases, so another is a programming error: a 500.
    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw Abort(.internalServerError, reason: "Renkei needs an SQL database.") }
            return sql
        }
    }
}
