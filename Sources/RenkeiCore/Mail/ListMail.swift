import Foundation

/// Whether a person's PGP key can carry restricted mail now.
public enum KeyHealth: Sendable, Hashable {
    case missing
    case valid
    /// Usable, but expires within `warningPeriod`: its owner is told.
    case expiringSoon(Date)
    case expired(Date)

    public static let warningPeriod: TimeInterval = 30 * 86_400

    public init(expires: Date?, hasKey: Bool, at now: Date) {
        guard hasKey else { self = .missing; return }
        guard let expires else { self = .valid; return }
        if expires <= now { self = .expired(expires) } else if expires.timeIntervalSince(now) <= Self.warningPeriod { self = .expiringSoon(expires) } else { self = .valid }
    }

    public var isExpiringSoon: Bool {
        if case .expiringSoon = self { return true }
        return false
    }

    public var isUsable: Bool {
        switch self {
        case .valid, .expiringSoon: true
        case .missing, .expired: false
        }
    }
}

extension PGPKey {
    /// Why this key cannot carry restricted mail to its owner, or nil when it can.
    public func problemForMail(at now: Date) -> String? {
        if let expires, expires <= now {
            let day = ISO8601DateFormatter.string(from: expires, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            return "The key expired on \(day): extend its expiry, or give a new key."
        }
        if canEncrypt == false { return "The key cannot encrypt (it has no encryption subkey): restricted mail could not be sent to it." }
        return nil
    }
}

/// What one recipient gets of a message (README.md, Security: AMBER and above never in clear).
public enum DeliveryForm: String, Sendable, Hashable, Codable {
    /// Signed by the list, readable by anyone who sees it: CLEAR and GREEN.
    case signed
    /// Signed, then encrypted to the recipient's key.
    case encrypted
    /// A signed notice that a restricted message waits on the web: AMBER and above without a usable key.
    case notice

    public static func form(for label: TLPLabel, key: KeyHealth) -> DeliveryForm {
        guard label >= .amber else { return .signed }
        return key.isUsable ? .encrypted : .notice
    }

    /// A message for one person (a notification) may name restricted content: it goes as TLP:AMBER does.
    public static func personal(key: KeyHealth) -> DeliveryForm { form(for: .amber, key: key) }
}

/// Someone a shared item may be mailed to, as the access policy and the mail see them.
public struct MailReader: Sendable, Hashable {
    public var actor: Actor
    public var key: KeyHealth

    public init(actor: Actor, key: KeyHealth) {
        self.actor = actor
        self.key = key
    }
}

/// What one reader gets of an item by mail.
public struct MailFanOut: Sendable, Hashable {
    public var userID: UUID
    public var form: DeliveryForm
    /// Set when the reader's key had expired: the author and the reader's team are told.
    public var expiredKey: Date?

    /// Mail goes only to those the access policy lets read the item; its label and each
    /// reader's key decide whether they get it signed, encrypted, or as a notice.
    public static func plan(_ item: SharedItem, to readers: [MailReader]) -> [MailFanOut] {
        readers.compactMap { reader in
            guard AccessPolicy.canRead(item.access, reader: reader.actor) else { return nil }
            let form = DeliveryForm.form(for: item.tlp, key: reader.key)
            var expired: Date?
            if form == .notice, case .expired(let date) = reader.key { expired = date }
            return MailFanOut(userID: reader.actor.userID, form: form, expiredKey: expired)
        }
    }
}

/// Retries of a delivery the relay did not take: 1, 2, 4 ... minutes, at most 4 hours apart,
/// for three days; then the delivery has failed and its sender is told.
public enum DeliveryRetry {
    public static let giveUpAfter: TimeInterval = 3 * 86_400

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(60 * pow(2, Double(max(0, min(attempt, 20) - 1))), 4 * 3_600)
    }
}

/// Exit statuses of a mail delivery agent, as MTAs read them (sysexits.h): 75 asks the MTA to
/// try again later; the others bounce the message with the text written to standard error.
public enum SendmailExit: Int32, Sendable {
    case ok = 0
    case dataError = 65
    case noUser = 67
    case software = 70
    case tempFail = 75
    case noPermission = 77
}

/// The addresses and links a list message carries.
public struct ListAddressing: Sendable, Hashable {
    public var listName: String
    /// `first-members@lists.example.org`
    public var listAddress: String
    public var archiveURL: String
    public var subscriptionURL: String
    public var accountURL: String

    public init(listName: String, listAddress: String, archiveURL: String, subscriptionURL: String, accountURL: String) {
        self.listName = listName
        self.listAddress = listAddress
        self.archiveURL = archiveURL
        self.subscriptionURL = subscriptionURL
        self.accountURL = accountURL
    }

    /// `<first-members.lists.example.org>` (RFC 2919).
    public var listID: String { "<" + listAddress.replacingOccurrences(of: "@", with: ".") + ">" }
}

/// The words of list mail. TLP 2.0 wants the label in the subject and at the top of the body;
/// a restricted post's title stays out of the subject, which travels unencrypted.
public enum ListMail {
    public static func subject(of item: SharedItem, on list: ListAddressing) -> String {
        let prefix = "[\(list.listName)] \(item.tlp.text)"
        return item.tlp >= .amber ? "\(prefix) (encrypted message)" : "\(prefix) \(item.title)"
    }

    /// The content that is signed (and, for AMBER and above, encrypted).
    public static func post(_ item: SharedItem, itemURL: String, on list: ListAddressing) -> MIMEPart {
        var text = "\(item.tlp.text)\n\n"
        text += "\(item.title)\n\(String(repeating: "-", count: min(72, max(3, item.title.count))))\n\n"
        text += "From: \(item.authorName)" + (item.authorTeamName.map { " (\($0))" } ?? "") + "\n\n"
        text += item.body + "\n\n"
        if !item.attachments.isEmpty {
            text += "Attachments (on the web): " + item.attachments.map(\.name).joined(separator: ", ") + "\n"
        }
        text += "-- \n\(item.tlp.text) · \(list.listName) <\(list.listAddress)>\nOn the web: \(itemURL)\nYour subscription: \(list.subscriptionURL)\n"
        var part = MIMEPart.text(text)
        if item.tlp >= .amber {
            // Protected headers: the real subject travels inside the encryption.
            part.headers[0].value += "; protected-headers=\"v1\""
            part.headers.insert(("Subject", HeaderText.encode("[\(list.listName)] \(item.tlp.text) \(item.title)")), at: 0)
        }
        return part
    }

    /// A day's posts in one message, labelled with the most restrictive label among them; nil
    /// when there is nothing to send.
    public static func digest(_ items: [SharedItem], itemURL: (UUID) -> String, on list: ListAddressing) -> (label: TLPLabel, subject: String, content: MIMEPart)? {
        guard let label = items.map(\.tlp).max() else { return nil }
        var text = "\(label.text)\n\n\(list.listName) digest: \(items.count) post\(items.count == 1 ? "" : "s")\n\n"
        for item in items.sorted(by: { $0.createdAt < $1.createdAt }) {
            text += "\(item.tlp.text) · \(item.title)\nFrom: \(item.authorName)\(item.authorTeamName.map { " (\($0))" } ?? "")\n\n\(item.body)\n\nOn the web: \(itemURL(item.id))\n\n"
        }
        text += "-- \n\(label.text) · \(list.listName) <\(list.listAddress)>\nYour subscription: \(list.subscriptionURL)\n"
        let subject = label >= .amber ? "[\(list.listName)] \(label.text) digest (encrypted message)" : "[\(list.listName)] \(label.text) digest: \(items.count) post\(items.count == 1 ? "" : "s")"
        return (label, subject, .text(text))
    }

    public static func noticeSubject(for label: TLPLabel, on list: ListAddressing) -> String {
        "[\(list.listName)] \(label.text) message waiting on the web"
    }

    /// For a recipient without a usable key: where to read the message, never what it says.
    public static func notice(for label: TLPLabel, itemURL: String, on list: ListAddressing) -> MIMEPart {
        .text("""
        \(label.text)

        A \(label.text) message was posted to \(list.listName). \(label.text) is never mailed in clear, and your \
        account has no usable PGP key (none is set, or it has expired), so it was not mailed to you.

        Read it on the web: \(itemURL)
        Add or renew your key: \(list.accountURL)

        -- \n\(list.listName) <\(list.listAddress)>
        """)
    }

    /// Told to the author and to the recipient's team when a restricted message could not be
    /// encrypted to a recipient's key: it had `expired`, or (nil) GnuPG could not use it.
    public static func keyProblemReport(recipientName: String, expired: Date?, label: TLPLabel, itemURL: String, on list: ListAddressing,
                                        toAuthor: Bool) -> (subject: String, content: MIMEPart) {
        let problem = expired.map { "their PGP key expired on " + ISO8601DateFormatter.string(from: $0, timeZone: TimeZone(identifier: "UTC")!,
                                                                                               formatOptions: [.withFullDate]) }
            ?? "GnuPG could not encrypt to their PGP key"
        let opening = toAuthor
            ? "Your \(label.text) post to \(list.listName) could not be encrypted to \(recipientName): \(problem)."
            : "A \(label.text) post to \(list.listName) could not be encrypted to \(recipientName) of your team: \(problem)."
        return ("[\(list.listName)] Undelivered \(label.text) message: \(expired == nil ? "unusable" : "expired") PGP key",
                .text("""
                \(opening)

                They were sent a notice to read it on the web instead: \(itemURL)
                Once a valid key is on their account, future messages are encrypted to it again.

                -- \n\(list.listName) <\(list.listAddress)>
                """))
    }

    public static func keyExpiryWarning(ownerName: String, fingerprint: String, expires: Date, accountURL: String) -> (subject: String, content: MIMEPart) {
        let day = ISO8601DateFormatter.string(from: expires, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        return ("Your PGP key expires on \(day)",
                .text("""
                The PGP key \(fingerprint) of \(ownerName) expires on \(day).

                After that, restricted (TLP:AMBER and TLP:RED) mail from the lists cannot be encrypted to it and
                only a notice arrives. Extend the key's expiry or upload a new one: \(accountURL)
                """))
    }

    /// A refusal of a post by mail, to its sender only.
    public static func refusal(_ reason: String, subject: String, on list: ListAddressing) -> (subject: String, content: MIMEPart) {
        ("[\(list.listName)] Your post was not accepted",
         .text("""
         Your message “\(subject)” to \(list.listAddress) was not posted:

         \(reason)

         -- \n\(list.listName) <\(list.listAddress)>
         """))
    }

    /// Reads `TLP:AMBER` out of a received subject and strips it and the list prefix off.
    public static func label(inSubject subject: String, listName: String) -> (label: TLPLabel?, title: String) {
        var title = subject.trimmingCharacters(in: .whitespaces)
        for prefix in ["Re:", "RE:", "Fwd:"] where title.hasPrefix(prefix) { title = String(title.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
        if title.hasPrefix("[\(listName)]") { title = String(title.dropFirst(listName.count + 2)).trimmingCharacters(in: .whitespaces) }
        var label: TLPLabel?
        if let range = title.range(of: #"TLP:(CLEAR|GREEN|AMBER\+STRICT|AMBER|RED)"#, options: [.regularExpression, .caseInsensitive]) {
            label = TLPLabel(parsing: String(title[range]))
            title.removeSubrange(range)
            title = title.trimmingCharacters(in: .whitespaces)
        }
        return (label, title)
    }
}

/// Why a post to a list was not taken (by mail or on the web), and what an MTA is told.
public enum PostRefusal: Error, Sendable, Hashable {
    case unknownList(String)
    case listClosed
    case notAMember
    case notSubscribed
    case mayNotPost
    case unsigned
    case badSignature
    case undecryptable
    case labelNotAllowed(String)
    case malformed(String)
    case notAnAnnouncement

    public var exit: SendmailExit {
        switch self {
        case .unknownList: .noUser
        case .malformed, .undecryptable: .dataError
        default: .noPermission
        }
    }

    public var message: String {
        switch self {
        case .unknownList(let address): "There is no list at \(address)."
        case .listClosed: "The list has ended and takes no more posts."
        case .notAMember: "The sender's address does not belong to a member of this network."
        case .notSubscribed: "Only subscribers may post; subscribe on the web first."
        case .mayNotPost: "You may not post to this list."
        case .unsigned: "Posts must carry a PGP/MIME signature (RFC 3156) by the key on your account."
        case .badSignature: "The PGP signature is not valid, or not made by the key on your account."
        case .undecryptable: "The message is encrypted, but not to the list's key."
        case .labelNotAllowed(let why): why
        case .malformed(let why): "The message could not be read: \(why)"
        case .notAnAnnouncement: "A list carries announcements; ask for help with a request to the community or to teams."
        }
    }
}

extension MailingList {
    /// Whether `sender` may post what they sent; `signatureValid` is GnuPG's verdict against
    /// the key on the sender's own record.
    public func checkPost(by sender: Actor?, subscribed: Bool, signed: Bool, signatureValid: Bool, label: TLPLabel,
                          at now: Date) throws(PostRefusal) {
        guard isOpen(at: now) else { throw .listClosed }
        guard let sender else { throw .notAMember }
        guard subscribed else { throw .notSubscribed }
        guard canPost(sender, at: now) else { throw .mayNotPost }
        guard signed else { throw .unsigned }
        guard signatureValid else { throw .badSignature }
        if let problem = AccessPolicy.problems(tlp: label, audience: audience).first { throw .labelNotAllowed(problem.message) }
    }
}
