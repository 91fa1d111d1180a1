import Fluent
import Foundation
import RenkeiCore

/// Addresses and links of outgoing mail, from the settings.
struct MailAddressing: Sendable {
    var domain: String
    var publicURL: String

    /// The sender of notifications and reports.
    var platformAddress: String { "renkei@\(domain)" }
    /// Where abuse reports (ARF, X-ARF) and replies to abuse notices come in (`renkei abuse receive`).
    var abuseAddress: String { "abuse@\(domain)" }
    /// Where answers to reachability tests, their bounces and automatic replies come in.
    var reachabilityAddress: String { "reachability@\(domain)" }
    /// Who files the XARF reports abuse notices carry.
    var xarfSender: AbuseNotice.XARFSender { AbuseNotice.XARFSender(org: "Renkei abuse desk", contact: abuseAddress, domain: domain) }

    func listAddress(_ slug: String) -> String { "\(slug)@\(domain)" }

    /// A list's addresses; without a list (a TLP:RED item mailed to its people), the platform's.
    func addressing(for list: MailingList?) -> ListAddressing {
        guard let list else {
            return ListAddressing(listName: "renkei", listAddress: platformAddress, archiveURL: publicURL + SiteURL.items.path,
                                  subscriptionURL: publicURL + SiteURL.account.path, accountURL: publicURL + SiteURL.account.path)
        }
        return ListAddressing(listName: list.slug, listAddress: listAddress(list.slug), archiveURL: publicURL + SiteURL.list(.value(list.slug)).path,
                              subscriptionURL: publicURL + SiteURL.lists.path, accountURL: publicURL + SiteURL.account.path)
    }

    /// The Message-ID of the mail carrying a post: stable, so a reply's `In-Reply-To` finds it.
    func messageID(forItem id: UUID) -> String { "<\(id.uuidString.lowercased())@\(domain)>" }

    func messageID() -> String { "<\(UUID().uuidString.lowercased())@\(domain)>" }

    /// The item a Message-ID of ours names.
    func itemID(inMessageID text: String) -> UUID? {
        let bare = text.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        guard bare.hasSuffix("@" + domain) else { return nil }
        return UUID(uuidString: String(bare.dropLast(domain.count + 1)))
    }

    func itemURL(_ id: UUID) -> String { publicURL + SiteURL.item(.value(id.uuidString)).path }
}

/// Writes messages into the outbox, on the database (transaction) of the event that causes
/// them: a message is queued exactly when its cause is committed.
enum Outbox {
    struct Recipient: Sendable {
        var address: String
        var userID: UUID?
        /// A team address's key, for `.encrypted`; a person's comes from their account as the mail leaves.
        var key: String?
        var form: DeliveryForm

        init(address: String, userID: UUID?, key: String? = nil, form: DeliveryForm) {
            (self.address, self.userID, self.key, self.form) = (address, userID, key, form)
        }
    }

    /// Queues one message for `recipients`; nothing when there are none.
    static func enqueue(from: (name: String, address: String), subject: String, content: MIMEPart, extraHeaders: [(String, String)] = [],
                        messageID: String, itemID: UUID? = nil, to recipients: [Recipient], at now: Date, on database: any Database) async throws {
        guard !recipients.isEmpty else { return }
        let id = UUID()
        let headers = [("From", "\(HeaderText.encode(from.name)) <\(from.address)>"), ("Subject", HeaderText.encode(subject))] + extraHeaders
        try await MailMessageModel(id: id, messageID: messageID, fromAddress: from.address, subject: subject, extraHeaders: headers,
                                   content: content, itemID: itemID, createdAt: now).create(on: database)
        try await recipients.map { MailDeliveryModel(messageID: id, recipient: $0.address, userID: $0.userID, key: $0.key, form: $0.form, at: now) }
            .create(on: database, inBatchesOf: 500)
    }

    /// A message only its one recipient reads, encrypted to their key when they have a usable
    /// one, otherwise reduced to a pointer to the web (notifications, warnings, refusals).
    static func enqueuePersonal(to user: UserModel, subject: String, text: String, link: String, addressing: MailAddressing, at now: Date,
                                on database: any Database) async throws {
        let form = DeliveryForm.personal(key: user.keyHealth(at: now))
        let body = form == .encrypted ? "\(TLPLabel.amber.text)\n\n\(text)\n\nOn the web: \(addressing.publicURL)\(link)\n"
            : "\(TLPLabel.amber.text)\n\nSomething waits for you on the web: \(addressing.publicURL)\(link)\n\nWith a PGP key on your account, these messages would say what it is, encrypted to you: \(addressing.publicURL)\(SiteURL.account.path)\n"
        try await enqueue(from: ("Renkei", addressing.platformAddress), subject: "Renkei: \(subject) (\(TLPLabel.amber.text))", content: .text(body),
                          messageID: addressing.messageID(), to: [Recipient(address: user.email, userID: try user.requireID(), form: form)],
                          at: now, on: database)
    }
}
