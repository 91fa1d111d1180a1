import Foundation
import RenkeiCore
import Vapor

/// A list as the API shows it, with the reader's subscription.
struct ListDocument: Content {
    var slug: String
    var name: String
    var description: String
    var address: String
    var kind: String
    var audience: String
    var posting: String
    var defaultTLP: String
    var retentionDays: Int
    var endsAt: Date?
    /// `per-message`, `digest`, or nil when not subscribed.
    var subscription: String?
    var canPost: Bool

    init(_ list: MailingList, address: String, subscription: DeliveryMode?, canPost: Bool) {
        slug = list.slug
        name = list.name
        description = list.description
        self.address = address
        kind = list.kind.rawValue
        audience = list.audience.kind
        posting = list.posting.rawValue
        defaultTLP = list.defaultLabel.text
        retentionDays = list.retentionDays
        endsAt = list.endsAt
        self.subscription = subscription?.rawValue
        self.canPost = canPost
    }
}

/// A post to a list, from its archive page's form or the API; without `tlp`, the list's default label.
struct ListPostInput: Content {
    var title: String
    var body: String
    var tlp: String?
}

/// A new list from the secretariat's form or the command line; every field as typed.
struct MailingListInput: Content {
    var slug: String
    var name: String
    var description: String?
    /// `community` or `temporary` (the default).
    var kind: String?
    var posting: String?
    var defaultTLP: String?
    var retentionDays: String?
    /// `YYYY-MM-DD`, for temporary lists: posts are taken until the start of that day (UTC).
    var endsAt: String?

    func list(at now: Date) throws(ValidationFailure) -> MailingList {
        var errors: [FieldError] = []
        let kind = MailingList.Kind(rawValue: kind?.nonBlank ?? "temporary")
        if kind == nil || kind == .sig { errors.append(FieldError(field: "kind", message: "A list is “community” or “temporary”.")) }
        let posting = MailingList.Posting(rawValue: posting?.nonBlank ?? "members")
        if posting == nil { errors.append(FieldError(field: "posting", message: "Posting is open to “members” or to the “secretariat”.")) }
        let label = TLPLabel(parsing: defaultTLP?.nonBlank ?? TLPLabel.default.rawValue)
        if label == nil { errors.append(FieldError(field: "defaultTLP", message: "The default label is CLEAR, GREEN, AMBER or AMBER+STRICT.")) }
        let retention = Int(retentionDays?.nonBlank ?? "3650")
        if retention == nil { errors.append(FieldError(field: "retentionDays", message: "Give the retention in days.")) }
        var ends: Date?
        if let text = endsAt?.nonBlank {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            ends = formatter.date(from: text)
            if ends == nil { errors.append(FieldError(field: "endsAt", message: "Give the end date as YYYY-MM-DD.")) }
        }
        guard errors.isEmpty, let kind, let posting, let label, let retention else { throw ValidationFailure(errors) }
        return MailingList(id: UUID(), slug: slug.trimmingCharacters(in: .whitespaces).lowercased(), name: name.trimmingCharacters(in: .whitespaces),
                           description: description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", kind: kind, audience: .community,
                           posting: posting, defaultLabel: label, retentionDays: retention, endsAt: ends, createdAt: now)
    }
}
