import Fluent
import Foundation
import NIOCore
import NIOPosix
import RenkeiCore
import SQLKit

/// Delivers the outbox: claims due deliveries (so two workers never take the same one), signs
/// each message once, encrypts per recipient where its form says so, submits to the relay and
/// marks a delivery sent only after the relay accepted it. A refused or unreachable relay
/// defers the delivery with backoff; after `DeliveryRetry.giveUpAfter` it has failed.
struct OutboxDelivery: Sendable {
    var database: any Database
    var keyring: ListKeyring
    var relay: SMTPRelay
    var addressing: MailAddressing
    var logger: Logger
    var now: @Sendable () -> Date
    /// Deliveries claimed at a time; a claim lapses after `lease` if its worker died.
    var batchSize = 200
    var lease: TimeInterval = 600
    /// Messages encrypted at once (each a GnuPG process).
    var parallelism = 4

    struct Report: Sendable, Equatable {
        var sent = 0
        var deferred = 0
        var failed = 0
    }

    /// Delivers until nothing is due. `flush` first makes every waiting retry due (after the
    /// relay was fixed), as `postqueue -f` does; deliveries another worker holds stay its own.
    func run(flush: Bool = false, progress: (@Sendable (Report) -> Void)? = nil) async throws -> Report {
        if flush {
            try await MailDeliveryModel.query(on: database).filter(\.$state == MailDeliveryModel.State.queued.rawValue)
                .set(\.$nextAttemptAt, to: now()).update()
        }
        var report = Report()
        while true {
            let claimed = try await claim()
            if claimed.isEmpty { return report }
            let outcome = try await deliver(claimed)
            report.sent += outcome.sent
            report.deferred += outcome.deferred
            report.failed += outcome.failed
            progress?(report)
            if outcome.sent == 0 && outcome.failed == 0 { return report }
        }
    }

    /// Takes up to `batchSize` due deliveries that no live worker holds, leasing them until
    /// `lease` from now; an UPDATE ... RETURNING makes the claim atomic between processes.
    private func claim() async throws -> [MailDeliveryModel] {
        let moment = now()
        let due = try await MailDeliveryModel.query(on: database).filter(\.$state == MailDeliveryModel.State.queued.rawValue)
            .filter(\.$nextAttemptAt <= moment).group(.or) { $0.filter(\.$leasedUntil == nil).filter(\.$leasedUntil <= moment) }
            .sort(\.$createdAt).limit(batchSize).all(\.$id)
        guard !due.isEmpty, let sql = database as? any SQLDatabase else { return [] }
        let taken = try await sql.update(MailDeliveryModel.schema)
            .set("leased_until", to: SQLBind(moment.addingTimeInterval(lease)))
            .where("id", .in, SQLBind.group(due.compactMap { $0 }))
            .where("state", .equal, SQLBind(MailDeliveryModel.State.queued.rawValue))
            .where(group: { $0.where("leased_until", .is, SQLLiteral.null).orWhere("leased_until", .lessThanOrEqual, SQLBind(moment)) })
            .returning("id")
            .all(decodingColumn: "id", as: UUID.self)
        guard !taken.isEmpty else { return [] }
        return try await MailDeliveryModel.query(on: database).filter(\.$id ~~ taken).with(\.$message).sort(\.$createdAt).all()
    }

    private func deliver(_ claimed: [MailDeliveryModel]) async throws -> Report {
        var report = Report()
        let deliveries = try await withholdingFromFormerReaders(claimed, report: &report)
        var entities: [UUID: MIMEPart] = [:]
        for delivery in deliveries where entities[delivery.$message.id] == nil {
            entities[delivery.$message.id] = try await signedEntity(of: delivery.message)
        }
        let signed = entities
        let keys = try await recipientKeys(deliveries)
        var session: SMTPSession?
        var relayDown: String?
        let chunks = stride(from: 0, to: deliveries.count, by: parallelism * 4).map { Array(deliveries[$0..<min($0 + parallelism * 4, deliveries.count)]) }
        var next = chunks.first.map { chunk in Task { await compose(chunk, signed: signed, keys: keys) } }
        for (number, chunk) in chunks.enumerated() {
            let composed = await next?.value ?? []
            // The next chunk is encrypted while this one is sent.
            next = relayDown == nil && number + 1 < chunks.count ? Task { await compose(chunks[number + 1], signed: signed, keys: keys) } : nil
            for (index, delivery) in chunk.enumerated() {
                // Once the relay cannot be reached, the rest of the batch waits for the next round.
                if let relayDown {
                    if try await postpone(delivery, reason: relayDown) { report.deferred += 1 } else { report.failed += 1 }
                    continue
                }
                let bytes: [UInt8]
                switch composed[index] {
                case .success(let value): bytes = value
                case .failure(let problem):
                    try await unencryptable(delivery, reason: problem.description)
                    report.failed += 1
                    continue
                }
                var failure: SMTPFailure?
                do throws(SMTPFailure) {
                    if session?.isOpen != true {
                        session = nil
                        session = try await SMTPSession.open(relay, heloName: addressing.domain, on: MultiThreadedEventLoopGroup.singleton)
                    }
                    try await session?.send(from: delivery.message.fromAddress, to: [delivery.recipient], message: bytes)
                } catch {
                    failure = error
                    if session == nil || session?.isOpen != true, case .transient(let reason) = error { relayDown = reason }
                }
                switch failure {
                case nil:
                    try await markSent(delivery)
                    report.sent += 1
                case .permanent(let reason):
                    try await giveUp(delivery, reason: reason)
                    report.failed += 1
                case .transient(let reason):
                    if try await postpone(delivery, reason: reason) { report.deferred += 1 } else { report.failed += 1 }
                }
            }
        }
        await session?.close()
        return report
    }

    /// The deliveries whose recipient may still read the item the message carries: the policy
    /// is asked again as the mail leaves, since a reader may have left a SIG, or their team's
    /// membership ended, while it waited in the outbox (for a relay, or for three days of
    /// retries). The others are withheld, and counted as failed with the reason.
    private func withholdingFromFormerReaders(_ deliveries: [MailDeliveryModel], report: inout Report) async throws -> [MailDeliveryModel] {
        let itemIDs = Set(deliveries.compactMap { $0.recipientUserID == nil ? nil : $0.message.itemID })
        guard !itemIDs.isEmpty else { return deliveries }
        var items: [UUID: SharedItem] = [:]
        for model in try await SharedItemModel.query(on: database).filter(\.$id ~~ Array(itemIDs)).all() {
            items[try model.requireID()] = try model.item()
        }
        let readers = try await ListStore.readers(try await UserModel.query(on: database).filter(\.$id ~~ deliveries.compactMap(\.recipientUserID)).all(),
                                                  on: database)
        var kept: [MailDeliveryModel] = []
        for delivery in deliveries {
            guard let itemID = delivery.message.itemID, let userID = delivery.recipientUserID else {
                kept.append(delivery)
                continue
            }
            if let item = items[itemID], !item.isWithdrawn, AccessPolicy.canRead(item.access, reader: readers[userID]) {
                kept.append(delivery)
            } else {
                delivery.state = MailDeliveryModel.State.failed.rawValue
                delivery.leasedUntil = nil
                delivery.lastError = "withheld: the recipient may no longer read the item"
                try await delivery.save(on: database)
                logger.notice("mail to \(delivery.recipient) withheld: they may no longer read item \(itemID)")
                report.failed += 1
            }
        }
        return kept
    }

    /// The message's signed entity, made (and stored) by the first delivery that needs it.
    private func signedEntity(of message: MailMessageModel) async throws -> MIMEPart {
        if let stored = message.signedEntity { return MIMEPart(verbatim: stored) }
        let content = MIMEPart(verbatim: message.content)
        let signature = try await keyring.sign(Array(message.content.utf8))
        let entity = PGPMIME.signed(content, signature: signature)
        message.signedEntity = entity.rendered
        try await message.save(on: database)
        return entity
    }

    /// The key of each encrypted delivery, by delivery: a team address's own, else the
    /// recipient's account key as it is now.
    private func recipientKeys(_ deliveries: [MailDeliveryModel]) async throws -> [UUID: String] {
        let encrypted = deliveries.filter { $0.form == DeliveryForm.encrypted.rawValue }
        let ids = encrypted.filter { $0.recipientKey == nil }.compactMap(\.recipientUserID)
        var accountKeys: [UUID: String] = [:]
        if !ids.isEmpty {
            for user in try await UserModel.query(on: database).filter(\.$id ~~ ids).all() { accountKeys[user.id!] = user.pgpKey }
        }
        var keys: [UUID: String] = [:]
        for delivery in encrypted {
            keys[delivery.id!] = delivery.recipientKey ?? delivery.recipientUserID.flatMap { accountKeys[$0] }
        }
        return keys
    }

    /// The bytes of each delivery, encrypting `parallelism` at a time.
    private func compose(_ chunk: [MailDeliveryModel], signed: [UUID: MIMEPart], keys: [UUID: String]) async -> [Result<[UInt8], ListKeyring.Failure>] {
        await withTaskGroup(of: (Int, Result<[UInt8], ListKeyring.Failure>).self) { group in
            for (index, delivery) in chunk.enumerated() {
                let message = delivery.message
                let entity = signed[delivery.$message.id]!
                let form = DeliveryForm(rawValue: delivery.form) ?? .notice
                let key = delivery.id.flatMap { keys[$0] }
                let headers = envelopeHeaders(message, to: delivery.recipient)
                let keyring = keyring
                group.addTask {
                    do throws(ListKeyring.Failure) {
                        guard form != .encrypted || key != nil else { throw .gpg("the recipient's key was removed") }
                        return (index, .success(try await Self.assemble(headers: headers, entity: entity, encryptingTo: form == .encrypted ? key : nil,
                                                                        keyring: keyring)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<[UInt8], ListKeyring.Failure>](repeating: .failure(.gpg("not composed")), count: chunk.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// The message as submitted: top-level headers over the signed entity, or over that entity
    /// encrypted to `key` (RFC 3156 §6.1: signed, then encrypted).
    static func assemble(headers: [(name: String, value: String)], entity: MIMEPart, encryptingTo key: String?,
                         keyring: ListKeyring) async throws(ListKeyring.Failure) -> [UInt8] {
        var body = entity
        if let key { body = PGPMIME.encrypted(try await keyring.encrypt(Array(entity.rendered.utf8), to: key)) }
        return Array((MIMEPart(headers: headers + body.headers, body: body.body).rendered + "\r\n").utf8)
    }

    private func envelopeHeaders(_ message: MailMessageModel, to recipient: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in message.extraHeaders.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        return headers + [("To", "<\(recipient)>"), ("Date", Self.rfc5322(message.createdAt)), ("Message-ID", message.messageID),
                          ("MIME-Version", "1.0"), ("Auto-Submitted", "auto-generated")]
    }

    static func rfc5322(_ date: Date) -> String {
        DateFormatter.fixed("EEE, dd MMM yyyy HH:mm:ss '+0000'").string(from: date)
    }

    private func markSent(_ delivery: MailDeliveryModel) async throws {
        delivery.state = MailDeliveryModel.State.sent.rawValue
        delivery.leasedUntil = nil
        delivery.attempts += 1
        delivery.sentAt = now()
        delivery.lastError = nil
        try await delivery.save(on: database)
    }

    /// Schedules the next attempt; false when the delivery has waited too long and failed.
    private func postpone(_ delivery: MailDeliveryModel, reason: String) async throws -> Bool {
        delivery.attempts += 1
        delivery.lastError = reason
        let moment = now()
        guard moment.timeIntervalSince(delivery.createdAt) < DeliveryRetry.giveUpAfter else {
            try await giveUp(delivery, reason: "no relay took it in \(Int(DeliveryRetry.giveUpAfter / 86_400)) days: \(reason)")
            return false
        }
        delivery.nextAttemptAt = moment.addingTimeInterval(DeliveryRetry.delay(afterAttempt: delivery.attempts))
        delivery.leasedUntil = nil
        try await delivery.save(on: database)
        logger.warning("mail to \(delivery.recipient) deferred: \(reason)")
        return true
    }

    /// A message that could not be encrypted (the key expired or was replaced since it was
    /// queued): the recipient gets the notice instead, and the author and the recipient's team
    /// hear why, as when the key had expired at posting time.
    private func unencryptable(_ delivery: MailDeliveryModel, reason: String) async throws {
        try await database.transaction { database in
            try await giveUp(delivery, reason: "not encrypted: \(reason)", on: database)
            guard let itemID = delivery.message.itemID, let model = try await SharedItemModel.find(itemID, on: database),
                  let userID = delivery.recipientUserID, let user = try await UserModel.find(userID, on: database) else { return }
            let item = try model.item()
            var list: MailingList?
            if let listID = item.listID { list = try await MailingListModel.find(listID, on: database)?.list() }
            let listAddressing = addressing.addressing(for: list)
            let itemURL = addressing.itemURL(itemID)
            try await Outbox.enqueue(from: ("Renkei", addressing.platformAddress), subject: ListMail.noticeSubject(for: item.tlp, on: listAddressing),
                                     content: ListMail.notice(for: item.tlp, itemURL: itemURL, on: listAddressing), messageID: addressing.messageID(),
                                     itemID: itemID, to: [Outbox.Recipient(address: user.email, userID: userID, form: .notice)], at: now(), on: database)
            var expired: Date?
            if case .expired(let date) = user.keyHealth(at: now()) { expired = date }
            try await ListStore.reportKeyProblem(of: user, expired: expired, item: item, list: listAddressing,
                                                 addressing: addressing, at: now(), on: database)
        }
    }

    private func giveUp(_ delivery: MailDeliveryModel, reason: String, on database: (any Database)? = nil) async throws {
        delivery.state = MailDeliveryModel.State.failed.rawValue
        delivery.leasedUntil = nil
        delivery.lastError = reason
        try await delivery.save(on: database ?? self.database)
        logger.error("mail to \(delivery.recipient) failed: \(reason)")
    }
}
