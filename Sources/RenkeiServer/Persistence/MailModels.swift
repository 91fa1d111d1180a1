import Fluent
import Foundation
import RenkeiCore

/// A mailing list; its rules are the core's `MailingList`.
final class MailingListModel: Model, @unchecked Sendable {
    static let schema = "mailing_lists"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "kind") var kind: String
    /// The core's `Audience` as JSON.
    @Field(key: "audience") var audience: String
    @Field(key: "posting") var posting: String
    @Field(key: "default_tlp") var defaultTLP: String
    @Field(key: "retention_days") var retentionDays: Int
    @OptionalField(key: "ends_at") var endsAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ list: MailingList) throws {
        id = list.id
        slug = list.slug
        name = list.name
        description = list.description
        kind = list.kind.rawValue
        audience = String(decoding: try JSONEncoder().encode(list.audience), as: UTF8.self)
        posting = list.posting.rawValue
        defaultTLP = list.defaultLabel.rawValue
        retentionDays = list.retentionDays
        endsAt = list.endsAt
        createdAt = list.createdAt
    }

    func list() throws -> MailingList {
        MailingList(id: try requireID(), slug: slug, name: name, description: description, kind: MailingList.Kind(rawValue: kind) ?? .temporary,
                    audience: try JSONDecoder().decode(Audience.self, from: Data(audience.utf8)),
                    posting: MailingList.Posting(rawValue: posting) ?? .secretariat, defaultLabel: TLPLabel(rawValue: defaultTLP) ?? .default,
                    retentionDays: retentionDays, endsAt: endsAt, createdAt: createdAt)
    }
}

final class ListSubscriptionModel: Model, @unchecked Sendable {
    static let schema = "list_subscriptions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "list_id") var list: MailingListModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "mode") var mode: String
    @Field(key: "created_at") var createdAt: Date
    /// The newest post a digest has carried to this subscriber.
    @OptionalField(key: "digest_through") var digestThrough: Date?

    init() {}

    init(listID: UUID, userID: UUID, mode: DeliveryMode, createdAt: Date) {
        $list.id = listID
        $user.id = userID
        self.mode = mode.rawValue
        self.createdAt = createdAt
        digestThrough = createdAt
    }

    var deliveryMode: DeliveryMode { DeliveryMode(rawValue: mode) ?? .perMessage }
}

/// A message as composed once: its headers and the content to sign. The signed entity is
/// stored at first delivery, so every recipient gets the same signature (one signing per message).
final class MailMessageModel: Model, @unchecked Sendable {
    static let schema = "mail_messages"

    @ID(key: .id) var id: UUID?
    /// `<id@domain>`, the same in every copy and every retry.
    @Field(key: "message_id") var messageID: String
    @Field(key: "from_address") var fromAddress: String
    @Field(key: "subject") var subject: String
    /// Extra header lines (`List-Id`, `In-Reply-To` ...) as `Name: value` lines.
    @Field(key: "extra_headers") var extraHeaders: String
    /// The MIME content entity as rendered (CRLF), the bytes that are signed.
    @Field(key: "content") var content: String
    @OptionalField(key: "signed_entity") var signedEntity: String?
    @OptionalField(key: "item_id") var itemID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID, messageID: String, fromAddress: String, subject: String, extraHeaders: [(String, String)], content: MIMEPart,
         itemID: UUID?, createdAt: Date) {
        self.id = id
        self.messageID = messageID
        self.fromAddress = fromAddress
        self.subject = subject
        self.extraHeaders = extraHeaders.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        self.content = content.rendered
        self.itemID = itemID
        self.createdAt = createdAt
    }
}

/// One recipient's copy of a message in the outbox: sent only once the relay accepted it.
final class MailDeliveryModel: Model, @unchecked Sendable {
    static let schema = "mail_deliveries"

    enum State: String { case queued, sent, failed }

    @ID(key: .id) var id: UUID?
    @Parent(key: "message_id") var message: MailMessageModel
    @Field(key: "recipient") var recipient: String
    @OptionalField(key: "recipient_user_id") var recipientUserID: UUID?
    /// `DeliveryForm`: signed, encrypted or notice.
    @Field(key: "form") var form: String
    @Field(key: "state") var state: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// Set while a worker holds the delivery; a lapsed lease (a worker that died) frees it.
    @OptionalField(key: "leased_until") var leasedUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// The key an encrypted delivery to a team's address goes to (a person's is on their account).
    @OptionalField(key: "recipient_key") var recipientKey: String?

    init() {}

    init(messageID: UUID, recipient: String, userID: UUID?, key: String? = nil, form: DeliveryForm, at now: Date) {
        $message.id = messageID
        self.recipient = recipient
        recipientUserID = userID
        recipientKey = key
        self.form = form.rawValue
        state = State.queued.rawValue
        attempts = 0
        nextAttemptAt = now
        createdAt = now
    }
}

/// A key whose owner was told it expires soon: told once per key and expiry date.
final class KeyExpiryWarningModel: Model, @unchecked Sendable {
    static let schema = "key_expiry_warnings"

    @ID(custom: "fingerprint", generatedBy: .user) var id: String?
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "warned_at") var warnedAt: Date

    init() {}

    init(fingerprint: String, expiresAt: Date, warnedAt: Date) {
        id = fingerprint
        self.expiresAt = expiresAt
        self.warnedAt = warnedAt
    }
}
