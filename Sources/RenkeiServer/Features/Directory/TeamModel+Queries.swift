import Fluent
import Foundation
import RenkeiCore

extension TeamModel {
    /// Every team, ordered by short name (case-insensitively).
    static func all(on database: any Database) async throws -> [TeamModel] {
        try await TeamModel.query(on: database).all()
            .sorted { $0.shortName.localizedCaseInsensitiveCompare($1.shortName) == .orderedAscending }
    }

    static func find(slug: String, on database: any Database) async throws -> TeamModel? {
        try await TeamModel.query(on: database).filter(\.$slug == slug).first()
    }

    /// The team, or a 404 naming the slug.
    static func require(slug: String, on database: any Database) async throws -> TeamModel {
        guard let model = try await find(slug: slug, on: database) else {
            throw AppError.notFound("There is no team “\(slug)” in the directory.")
        }
        return model
    }

    func recentChanges(limit: Int, on database: any Database) async throws -> [TeamChangeModel] {
        try await TeamChangeModel.query(on: database)
            .filter(\.$team.$id == requireID())
            .sort(\.$changedAt, .descending)
            .limit(limit)
            .all()
    }
}

/// Who made a change and through which channel, for the change log.
struct ChangeAuthor: Sendable {
    var userID: UUID?
    var name: String
    /// "web", "api" or "cli".
    var channel: String
}

enum TeamWrites {
    /// Stores a validated record (new when `existing` is nil), its change-log entry and the
    /// directory's new version (`DataVersions`) in one transaction; a slug already taken by
    /// another team is a field error, not a 500.
    @discardableResult
    static func save(_ record: TeamRecord, existing: TeamModel?, author: ChangeAuthor, on database: any Database,
                     now: Date = Date()) async throws -> TeamModel {
        defer { DataVersions.noteLocalWrite() }
        return try await database.transaction { database in
            if let other = try await TeamModel.find(slug: record.slug, on: database), other.id != existing?.id {
                throw AppError.invalid([FieldError(field: "slug", message: "The slug “\(record.slug)” is taken by \(other.shortName).")])
            }
            let fields: [String]
            let model: TeamModel
            if let existing {
                fields = record.changedFields(comparedTo: existing.record)
                guard !fields.isEmpty else { return existing }
                existing.apply(record)
                model = existing
            } else {
                fields = ["created"]
                model = TeamModel(record: record, modifiedAt: now, modifiedBy: author.name)
            }
            model.modifiedAt = now
            model.modifiedBy = author.name
            try await model.save(on: database)
            try await DataVersions.bump(DataVersions.directory, on: database)
            try await TeamChangeModel(teamID: model.requireID(), userID: author.userID, actorName: author.name,
                                      channel: author.channel, fields: fields, changedAt: now).create(on: database)
            return model
        }
    }
}
