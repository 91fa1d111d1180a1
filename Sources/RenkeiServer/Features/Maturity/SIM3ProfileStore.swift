import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Reads and writes teams' SIM3 profiles: a save replaces the current profile and adds a
/// version, in one transaction with its audit line.
enum SIM3ProfileStore {
    static func profile(of teamID: UUID, on database: any Database) async throws -> SIM3Profile? {
        try await SIM3ProfileModel.find(teamID, on: database)?.profile
    }

    /// The profiles `actor` may read (`SIM3Profile.canRead`): the community's median for that
    /// reader is made of these and no others. Teams number in the hundreds.
    static func readable(by actor: Actor?, on database: any Database) async throws -> [SIM3Profile] {
        try await SIM3ProfileModel.query(on: database).all().compactMap(\.profile).filter { $0.canRead(actor) }
    }

    /// The versions a profile page lists, at most.
    static let versionsShown = 50

    /// The newest saved versions, newest first.
    static func history(of teamID: UUID, on database: any Database) async throws -> [SIM3ProfileVersionModel] {
        try await SIM3ProfileVersionModel.query(on: database).filter(\.$teamID == teamID).sort(\.$savedAt, .descending).limit(versionsShown).all()
    }

    static func save(_ profile: SIM3Profile, team: String, by user: UserModel, request: Request) async throws {
        try await request.db.transaction { database in
            if let stored = try await SIM3ProfileModel.find(profile.teamID, on: database) {
                stored.assessment = profile.assessment
                stored.visibility = profile.visibility.rawValue
                stored.updatedAt = profile.updatedAt
                stored.updatedBy = user.displayName
                try await stored.save(on: database)
            } else {
                try await SIM3ProfileModel(profile, by: user.displayName).create(on: database)
            }
            try await SIM3ProfileVersionModel(profile, by: user.displayName).create(on: database)
            try await AuditLog.record("sim3.save", subject: "team \(team)", detail: "visible to \(profile.visibility.rawValue)", request: request, on: database)
        }
    }
}
