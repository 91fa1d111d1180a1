import Foundation
import RenkeiCore
import Vapor

/// A team as the JSON API returns it: the record's fields plus where and when it changed.
struct TeamDocument: Content {
    var record: TeamRecord
    var url: String
    var lastModified: Date
    var lastModifiedBy: String?
    /// The team's claims waiting for the secretariat (`ClaimStore`), for its own people and the
    /// secretariat only; nil (left out) for everyone else.
    var pendingClaims: [PendingClaimDocument]?

    private enum ExtraKeys: String, CodingKey { case url, lastModified, lastModifiedBy, pendingClaims }

    init(_ model: TeamModel, audience: DirectoryAudience, publicURL: String) {
        record = model.record.visible(to: audience)
        url = publicURL + SiteURL.team(.value(model.slug)).path
        lastModified = model.modifiedAt
        lastModifiedBy = audience == .members ? model.modifiedBy : nil
    }

    /// A team of a prepared directory view (`DirectorySnapshot`), cut to that view's audience.
    init(_ entry: DirectoryView.Entry, publicURL: String) {
        record = entry.record
        url = publicURL + SiteURL.team(.value(entry.record.slug)).path
        lastModified = entry.lastModified
        lastModifiedBy = entry.lastModifiedBy.isEmpty ? nil : entry.lastModifiedBy
    }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(lastModified, forKey: .lastModified)
        try container.encodeIfPresent(lastModifiedBy, forKey: .lastModifiedBy)
        try container.encodeIfPresent(pendingClaims, forKey: .pendingClaims)
    }

    init(from decoder: any Decoder) throws {
        record = try TeamRecord(from: decoder)
        let container = try decoder.container(keyedBy: ExtraKeys.self)
        url = try container.decode(String.self, forKey: .url)
        lastModified = try container.decode(Date.self, forKey: .lastModified)
        lastModifiedBy = try container.decodeIfPresent(String.self, forKey: .lastModifiedBy)
        pendingClaims = try container.decodeIfPresent([PendingClaimDocument].self, forKey: .pendingClaims)
    }
}

/// Applies a JSON object of changes to a record: top-level fields are replaced, and the two
/// nested objects (`operatingHours`, `constituency`) are merged one level deep, so a PATCH can
/// change Monday's hours without restating the week. Unknown fields are refused by name.
enum TeamPatch {
    static let nestedObjects: Set<String> = ["operatingHours", "constituency"]
    /// Optional fields, which the encoded base leaves out while they are nil.
    static let optionalFields: Set<String> = ["memberType"]

    static func apply(_ body: ByteBuffer?, to base: TeamRecord) throws -> TeamRecord {
        guard let body, body.readableBytes > 0 else { throw AppError.badRequest("The request body is empty; send a JSON object.") }
        let changes: JSONValue
        do { changes = try JSONValue.parse(Data(buffer: body)) } catch { throw AppError.badRequest(error.description) }
        guard case .object(let changePairs) = changes else { throw AppError.badRequest("The body must be a JSON object of team fields.") }

        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard case .object(var pairs) = try JSONValue.parse(encoder.encode(base)) else {
            throw AppError.badRequest("The stored record could not be read.")
        }
        var unknown: [FieldError] = []
        for (key, value) in changePairs {
            if optionalFields.contains(key) && !pairs.contains(where: { $0.key == key }) {
                pairs.append((key, .null))
            }
            guard let index = pairs.firstIndex(where: { $0.key == key }) else {
                unknown.append(FieldError(field: key, message: "“\(key)” is not a field of a team."))
                continue
            }
            if nestedObjects.contains(key), case .object(var inner) = pairs[index].value, case .object(let innerChanges) = value {
                for (innerKey, innerValue) in innerChanges {
                    guard let innerIndex = inner.firstIndex(where: { $0.key == innerKey }) else {
                        unknown.append(FieldError(field: "\(key).\(innerKey)", message: "“\(innerKey)” is not a field of \(key)."))
                        continue
                    }
                    inner[innerIndex].value = innerValue
                }
                pairs[index].value = .object(inner)
            } else {
                pairs[index].value = value
            }
        }
        guard unknown.isEmpty else { throw AppError.invalid(unknown) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(TeamRecord.self, from: Data(JSONValue.object(pairs).serialized(pretty: false).utf8))
    }
}
