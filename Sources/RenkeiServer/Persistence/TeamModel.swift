import Fluent
import Foundation
import RenkeiCore

/// A team row: the record as JSON plus the columns that identify and order it.
final class TeamModel: Model, @unchecked Sendable {
    static let schema = "teams"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "short_name") var shortName: String
    @Field(key: "country_code") var countryCode: String
    @Field(key: "record") var record: TeamRecord
    @Field(key: "modified_at") var modifiedAt: Date
    @Field(key: "modified_by") var modifiedBy: String

    init() {}

    init(id: UUID? = nil, record: TeamRecord, modifiedAt: Date, modifiedBy: String) {
        self.id = id
        apply(record)
        self.modifiedAt = modifiedAt
        self.modifiedBy = modifiedBy
    }

    func apply(_ record: TeamRecord) {
        self.record = record
        slug = record.slug
        shortName = record.shortName
        countryCode = record.countryCode
    }
}

/// One change to a team: who, when, through which channel, which fields.
final class TeamChangeModel: Model, @unchecked Sendable {
    static let schema = "team_changes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "team_id") var team: TeamModel
    @OptionalParent(key: "user_id") var user: UserModel?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "channel") var channel: String
    @Field(key: "fields") var fields: [String]
    @Field(key: "changed_at") var changedAt: Date

    init() {}

    init(teamID: UUID, userID: UUID?, actorName: String, channel: String, fields: [String], changedAt: Date) {
        $team.id = teamID
        $user.id = userID
        self.actorName = actorName
        self.channel = channel
        self.fields = fields
        self.changedAt = changedAt
    }
}
