import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Finding feeds and building an ingest for one: shared by the command line and the API.
enum AbuseFeeds {
    struct Row: Content, Equatable {
        var name: String
        var description: String
        var format: String
        var tlp: String
        var retentionDays: Int
    }

    static func all(on database: any Database) async throws -> [AbuseFeedModel] {
        try await AbuseFeedModel.query(on: database).sort(\.$name).all()
    }

    static func named(_ name: String, on database: any Database) async throws -> AbuseFeedModel? {
        guard AbuseFeedName.isValid(name) else { return nil }
        return try await AbuseFeedModel.query(on: database).filter(\.$name == name).first()
    }

    static func row(_ feed: AbuseFeedModel) -> Row {
        Row(name: feed.name, description: feed.description, format: feed.format, tlp: feed.label.text, retentionDays: feed.retentionDays)
    }

    /// An ingest for `feed` in `format` (else the feed's own), routing with the current tables.
    static func ingest(_ feed: AbuseFeedModel, format: AbuseReportReader.Format?, resolver: Resolver, on database: any Database) async throws -> AbuseIngest {
        var teams: [String: UUID] = [:]
        for team in try await TeamModel.query(on: database).field(\.$id).field(\.$slug).all() { teams[team.slug] = try team.requireID() }
        return AbuseIngest(feed: feed, format: format ?? AbuseReportReader.Format(rawValue: feed.format) ?? .csv, resolver: resolver, teams: teams)
    }
}
