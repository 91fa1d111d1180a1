import Fluent
import Foundation
import RenkeiCore

/// A source of abuse reports: its format, the label its events carry, how long they are kept.
final class AbuseFeedModel: Model, @unchecked Sendable {
    static let schema = "abuse_feeds"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    /// `AbuseReportReader.Format`: what `ingest` reads when no format is named.
    @Field(key: "format") var format: String
    @Field(key: "tlp") var tlp: String
    /// Days an event is kept after it was last seen; then `renkei abuse expire` deletes it.
    @Field(key: "retention_days") var retentionDays: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(name: String, description: String, format: AbuseReportReader.Format, tlp: TLPLabel, retentionDays: Int, createdAt: Date) {
        (self.name, self.description, self.format, self.tlp) = (name, description, format.rawValue, tlp.rawValue)
        (self.retentionDays, self.createdAt) = (retentionDays, createdAt)
    }

    var label: TLPLabel { TLPLabel(rawValue: tlp) ?? .default }
}

/// One report file or upload taken in: what it held, so the same bytes or the same
/// `Idempotency-Key` are answered with this record instead of being counted twice.
final class AbuseIngestModel: Model, @unchecked Sendable {
    static let schema = "abuse_ingests"

    @ID(key: .id) var id: UUID?
    @Field(key: "feed") var feed: String
    @Field(key: "file_name") var fileName: String
    /// SHA-256 of the bytes, hex.
    @Field(key: "digest") var digest: String
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @OptionalField(key: "user_id") var userID: UUID?
    /// The summary as `renkei abuse ingest --json` prints it, with the first line errors.
    @Field(key: "summary") var summary: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID, feed: String, fileName: String, digest: String, idempotencyKey: String?, userID: UUID?, createdAt: Date) {
        (self.id, self.feed, self.fileName, self.digest, self.idempotencyKey) = (id, feed, fileName, digest, idempotencyKey)
        (self.userID, self.summary, self.createdAt) = (userID, "{}", createdAt)
    }
}

/// A batch notice sent to a team: the events it carried point to it.
final class AbuseNoticeModel: Model, @unchecked Sendable {
    static let schema = "abuse_notices"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket") var ticket: String
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "tlp") var tlp: String
    @Field(key: "events") var events: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: UUID?
    /// `web` or `reply` (`AbuseReply`).
    @OptionalField(key: "acknowledged_via") var acknowledgedVia: String?
    /// The random key its mails' Message-IDs carry, so a reply finds the notice (`AbuseReply`).
    @OptionalField(key: "reply_key") var replyKey: String?

    init() {}

    init(id: UUID, ticket: String, teamID: UUID, tlp: TLPLabel, events: Int, createdAt: Date) {
        (self.id, self.ticket, self.teamID, self.tlp, self.events, self.createdAt) = (id, ticket, teamID, tlp.rawValue, events, createdAt)
    }

    var label: TLPLabel { TLPLabel(rawValue: tlp) ?? .default }
}

/// How a team receives its events (`AbusePreference`); a team without a row gets the standard.
final class AbusePreferenceModel: Model, @unchecked Sendable {
    static let schema = "abuse_preferences"

    /// The team's id.
    @ID(custom: "team_id", generatedBy: .user) var id: UUID?
    @Field(key: "schedule") var schedule: String
    /// Comma-separated `AbuseType`s; empty for all.
    @Field(key: "types") var types: String
    /// `AbuseAttachment`; none: CSV, as before teams could choose.
    @OptionalField(key: "attachment") var attachment: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(teamID: UUID, preference: AbusePreference, at now: Date) {
        id = teamID
        (schedule, types, updatedAt) = ("", "", now)
        set(preference, at: now)
    }

    func set(_ preference: AbusePreference, at now: Date) {
        schedule = preference.schedule.rawValue
        types = preference.types.map(\.rawValue).sorted().joined(separator: ",")
        attachment = preference.attachment.rawValue
        updatedAt = now
    }

    var preference: AbusePreference {
        AbusePreference(schedule: AbuseSchedule(rawValue: schedule) ?? .daily,
                        types: Set(types.split(separator: ",").compactMap { AbuseType(rawValue: String($0)) }),
                        attachment: attachment.flatMap(AbuseAttachment.init(rawValue:)) ?? .csv)
    }
}

/// The events table, written and read in SQL (`AbuseStore`): a million rows are never models.
enum AbuseEventTable {
    static let name = "abuse_events"

    enum Status: String, CaseIterable {
        case open
        case resolved
        case falsePositive = "false-positive"
        /// Of a type the team's preference leaves out: never sent, and no longer waiting.
        case notWanted = "not-wanted"

        /// What a team marks its events as.
        static let markable: [Status] = [.resolved, .falsePositive, .open]
    }
}

/// The kept counts, written and read in SQL (`AbuseTally`, `AbuseMonitoringStore`).
enum AbuseCountTable {
    static let name = "abuse_counts"
    static let totals = "abuse_feed_totals"
    static let noticeFeeds = "abuse_notice_feeds"
}
