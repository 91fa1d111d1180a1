import Fluent
import Foundation
import RenkeiCore

/// The hourly work of the lists: digests, key expiry warnings, and the end of posts kept
/// longer than their list's retention period.
enum MailUpkeep {
    static func run(at now: Date, addressing: MailAddressing, on database: any Database) async throws {
        try await sendDigests(at: now, addressing: addressing, on: database)
        try await warnOfExpiringKeys(at: now, addressing: addressing, on: database)
        try await deleteExpiredPosts(at: now, on: database)
    }

    /// Deletes each list's posts older than its retention period, with their attachments,
    /// search entries and mail; the audit log keeps a line per list saying how many went.
    static func deleteExpiredPosts(at now: Date, on database: any Database) async throws {
        for list in try await ListStore.all(on: database) {
            let expired = try await SharedItemModel.query(on: database).filter(\.$listID == list.id)
                .filter(\.$createdAt < list.retentionCutoff(at: now)).all()
            guard !expired.isEmpty else { continue }
            try await database.transaction { database in
                for item in expired {
                    let id = try item.requireID()
                    try await AttachmentModel.query(on: database).filter(\.$item.$id == id).delete()
                    let messages = try await MailMessageModel.query(on: database).filter(\.$itemID == id).all(\.$id).compactMap { $0 }
                    if !messages.isEmpty {
                        try await MailDeliveryModel.query(on: database).filter(\.$message.$id ~~ messages).delete()
                        try await MailMessageModel.query(on: database).filter(\.$id ~~ messages).delete()
                    }
                    try await SharedItemSearch.remove(id, on: database)
                    try await item.delete(on: database)
                }
                try await AuditLog.record("list.retention", subject: "list \(list.slug)",
                                          detail: "deleted \(expired.count) post(s) older than \(list.retentionDays) days", actor: nil, address: nil,
                                          at: now, on: database)
            }
        }
    }

    /// A digest subscriber gets, once a day, the posts since their last digest that they may read.
    static func sendDigests(at now: Date, addressing: MailAddressing, on database: any Database) async throws {
        let due = try await ListSubscriptionModel.query(on: database).filter(\.$mode == DeliveryMode.digest.rawValue)
            .filter(\.$digestThrough <= now.addingTimeInterval(-86_400)).with(\.$user).with(\.$list).all()
        for subscription in due {
            let list = try subscription.list.list()
            let since = subscription.digestThrough ?? subscription.createdAt
            let user = subscription.user
            guard let reader = try await ListStore.readers([user], on: database)[try user.requireID()] else { continue }
            var posts: [SharedItem] = []
            var page = PageRequest(limit: PageRequest.maximumLimit)
            repeat {
                let found = try await SharedItemStore.readable(by: reader, inList: list.id, notBefore: since, page: page, on: database)
                posts += found.items.filter { $0.createdAt > since && $0.createdAt <= now }
                page.after = found.next
            } while page.after != nil
            let items = posts
            try await database.transaction { database in
                let listAddressing = addressing.addressing(for: list)
                if let digest = ListMail.digest(items, itemURL: addressing.itemURL, on: listAddressing) {
                    let form = DeliveryForm.form(for: digest.label, key: user.keyHealth(at: now))
                    let content = form == .notice ? ListMail.notice(for: digest.label, itemURL: listAddressing.archiveURL, on: listAddressing) : digest.content
                    let subject = form == .notice ? ListMail.noticeSubject(for: digest.label, on: listAddressing) : digest.subject
                    try await Outbox.enqueue(from: (list.name, listAddressing.listAddress), subject: subject, content: content,
                                             extraHeaders: [("List-Id", listAddressing.listID), ("Precedence", "list")], messageID: addressing.messageID(),
                                             to: [Outbox.Recipient(address: user.email, userID: user.id, form: form)], at: now, on: database)
                }
                subscription.digestThrough = now
                try await subscription.save(on: database)
            }
        }
    }

    /// Tells the owner of each key that expires within 30 days, once per key and expiry date:
    /// people by mail to their account, teams by mail to the team's address.
    static func warnOfExpiringKeys(at now: Date, addressing: MailAddressing, on database: any Database) async throws {
        let horizon = now.addingTimeInterval(KeyHealth.warningPeriod)
        var owners: [(fingerprint: String, expires: Date, name: String, address: String, userID: UUID?)] = []
        for user in try await UserModel.query(on: database).filter(\.$pgpExpiresAt > now).filter(\.$pgpExpiresAt <= horizon).all() {
            if let fingerprint = user.pgpFingerprint, let expires = user.pgpExpiresAt {
                owners.append((fingerprint, expires, user.displayName, user.email, user.id))
            }
        }
        for team in try await TeamModel.query(on: database).all() where !team.record.email.isEmpty {
            for key in team.record.pgpKeys {
                if let expires = key.expires, expires > now, expires <= horizon {
                    owners.append((key.fingerprint, expires, team.shortName, team.record.email, nil))
                }
            }
        }
        for owner in owners {
            // Stored dates lose sub-second precision: the same expiry is within a second.
            if let warned = try await KeyExpiryWarningModel.find(owner.fingerprint, on: database),
               abs(warned.expiresAt.timeIntervalSince(owner.expires)) < 1 { continue }
            let warning = ListMail.keyExpiryWarning(ownerName: owner.name, fingerprint: owner.fingerprint, expires: owner.expires,
                                                    accountURL: addressing.publicURL + (owner.userID == nil ? SiteURL.teams.path : SiteURL.account.path))
            try await database.transaction { database in
                try await Outbox.enqueue(from: ("Renkei", addressing.platformAddress), subject: warning.subject, content: warning.content,
                                         messageID: addressing.messageID(),
                                         to: [Outbox.Recipient(address: owner.address, userID: owner.userID, form: .signed)], at: now, on: database)
                try await KeyExpiryWarningModel.find(owner.fingerprint, on: database)?.delete(on: database)
                try await KeyExpiryWarningModel(fingerprint: owner.fingerprint, expiresAt: owner.expires, warnedAt: now).create(on: database)
            }
        }
    }
}
