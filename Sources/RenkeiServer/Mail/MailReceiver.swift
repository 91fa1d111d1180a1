import Fluent
import Foundation
import RenkeiCore

/// Takes a post by mail, as the MTA hands it over (`renkei mail receive`): the sender must be a
/// subscribed member whose message carries a valid PGP/MIME signature by the key on their
/// account; a message encrypted to the list key is decrypted first. An accepted post becomes an
/// item with the list's audience and goes out to the list; a refused one is answered to its
/// sender alone, when the sender is one of ours (a stranger's address may be forged).
struct MailReceiver {
    var database: any Database
    var keyring: ListKeyring
    var addressing: MailAddressing
    var resolver: Resolver?
    var now: Date

    struct Outcome {
        var exit: SendmailExit
        var message: String
    }

    /// `recipient` is the envelope recipient the MTA names; without it the list is found in To and Cc.
    func receive(_ bytes: [UInt8], recipient: String?) async throws -> Outcome {
        let message = ReceivedEntity(bytes: bytes)
        if let resolver, isFor(addressing.abuseAddress, recipient: recipient, in: message),
           let feed = try await AbuseFeeds.named(AbuseFeedName.mail, on: database) {
            return try await AbuseMailIntake(database: database, resolver: resolver, now: now).receive(bytes, feed: feed)
        }
        if isFor(addressing.reachabilityAddress, recipient: recipient, in: message) {
            return try await ReachabilityMailIntake(database: database, keyring: keyring, addressing: addressing, now: now).receive(bytes)
        }
        guard let list = try await findList(recipient: recipient, in: message) else {
            return Outcome(exit: .noUser, message: PostRefusal.unknownList(recipient ?? message.header("To") ?? "this address").message)
        }
        let senderAddress = Self.address(in: HeaderText.decode(message.header("From") ?? ""))
        var sender: UserModel?
        if let senderAddress { sender = try await UserModel.query(on: database).filter(\.$email == senderAddress.lowercased()).first() }
        let subject = HeaderText.decode(message.header("Subject") ?? "")
        let refusal: PostRefusal
        do {
            let (content, signed, valid) = try await unwrap(message, sender: sender)
            let (label, title) = ListMail.label(inSubject: subject, listName: list.slug)
            var actor: Actor?
            var subscribed = false
            if let sender, let id = sender.id {
                actor = try await ListStore.readers([sender], on: database)[id]
                subscribed = try await ListStore.subscription(of: id, to: list.id, on: database) != nil
            }
            try list.checkPost(by: actor, subscribed: subscribed, signed: signed, signatureValid: valid, label: label ?? list.defaultLabel, at: now)
            let text = content.plainText?.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines) ?? ""
            guard let sender, !text.isEmpty else { throw PostRefusal.malformed("it has no text/plain part") }
            var parent: SharedItemModel?
            if let id = message.header("In-Reply-To").flatMap(addressing.itemID(inMessageID:)) { parent = try await SharedItemModel.find(id, on: database) }
            let draft = SharedItemDraft(title: title.isEmpty ? "(no subject)" : title, body: text, tlp: label ?? list.defaultLabel, audience: list.audience)
            let item = try await SharedItemStore.create(draft, by: sender, address: "mail", at: now, resolver: resolver, mail: addressing, list: list,
                                                        parentID: parent?.listID == list.id ? parent?.id : nil, on: database)
            return Outcome(exit: .ok, message: "posted \(item.tlp.text) “\(item.title)” to \(list.slug): \(addressing.itemURL(item.id))")
        } catch let error as PostRefusal {
            refusal = error
        } catch let failure as ValidationFailure {
            refusal = .malformed(failure.errors.map(\.message).joined(separator: " "))
        }
        if let sender {
            let answer = ListMail.refusal(refusal.message, subject: subject, on: addressing.addressing(for: list))
            try await Outbox.enqueue(from: ("Renkei", addressing.platformAddress), subject: answer.subject, content: answer.content,
                                     messageID: addressing.messageID(),
                                     to: [Outbox.Recipient(address: sender.email, userID: sender.id, form: .signed)], at: now, on: database)
        }
        try await AuditLog.record("list.refuse", subject: "list \(list.slug)", detail: "from \(senderAddress ?? "unknown"): \(refusal.message)",
                                  actor: sender, address: "mail", at: now, on: database)
        return Outcome(exit: refusal.exit, message: refusal.message)
    }

    /// The signed content, whether it was signed, and whether the signature is the sender's.
    /// Encrypted posts are read either way RFC 3156 allows: a signed PGP/MIME entity inside the
    /// encryption, or one OpenPGP message both signed and encrypted.
    private func unwrap(_ message: ReceivedEntity, sender: UserModel?) async throws(PostRefusal) -> (ReceivedEntity, Bool, Bool) {
        var entity = message
        if case .encrypted(let armored) = PGPMIME.classify(entity) {
            guard let (plain, signedInside) = try? await keyring.decrypt(armored) else { throw .undecryptable }
            entity = ReceivedEntity(bytes: plain)
            if signedInside {
                guard let key = sender?.pgpKey else { return (entity, true, false) }
                return (entity, true, (try? await keyring.verifyInside(armored, by: key)) ?? false)
            }
        }
        guard case .signed(let content, let signature) = PGPMIME.classify(entity) else { return (entity, false, false) }
        guard let key = sender?.pgpKey else { return (content, true, false) }
        let valid = (try? await keyring.verify(content.bytes, signature: signature, by: key)) ?? false
        return (content, true, valid)
    }

    /// Mail to one of the platform's desks: the abuse address (`AbuseMailIntake`), the
    /// reachability address (`ReachabilityMailIntake`).
    private func isFor(_ desk: String, recipient: String?, in message: ReceivedEntity) -> Bool {
        Self.recipients(recipient, of: message).contains { Self.address(in: $0)?.lowercased() == desk.lowercased() }
    }

    private func findList(recipient: String?, in message: ReceivedEntity) async throws -> MailingList? {
        for candidate in Self.recipients(recipient, of: message) {
            guard let address = Self.address(in: candidate)?.lowercased(), address.hasSuffix("@" + addressing.domain.lowercased()) else { continue }
            let slug = String(address.dropLast(addressing.domain.count + 1))
            if let list = try? await ListStore.require(slug: slug, on: database) { return list }
        }
        return nil
    }

    /// The envelope recipient, else the addresses in To and Cc.
    private static func recipients(_ recipient: String?, of message: ReceivedEntity) -> [String] {
        recipient.map { [$0] } ?? ((message.header("To") ?? "") + "," + (message.header("Cc") ?? "")).split(separator: ",").map(String.init)
    }

    /// `a@b` out of `Name <a@b>` or a bare address.
    static func address(in text: String) -> String? {
        let candidate: Substring
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            candidate = text[text.index(after: open)..<close]
        } else {
            candidate = Substring(text)
        }
        let address = candidate.trimmingCharacters(in: .whitespaces)
        return address.contains("@") && !address.contains(" ") ? address : nil
    }
}
