import Fluent
import Foundation
import NIOCore
import NIOPosix
import RenkeiCore
import SQLKit
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// The fingerprint of `Tests/Fixtures/pgp/recipient.asc` (Ed25519 with a Curve25519 encryption subkey, no expiry).
    static let recipientFingerprint = "E22AB7D8085254DAC11F80AF715296235B74B003"

    /// Sends `body` as JSON with a bearer token; the status and the JSON object answered (empty when none).
    func mailRequest(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, body: [String: Any]? = nil) async throws
        -> (status: HTTPStatus, json: [String: Any], contentType: String) {
        var result: (status: HTTPStatus, json: [String: Any], contentType: String) = (.internalServerError, [:], "")
        let buffer = try body.map { try jsonBody($0) }
        try await app.testing().test(method, path, headers: bearer(token), body: buffer) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
            result = (response.status, object ?? [:], response.headers.first(name: .contentType) ?? "")
        }
        return result
    }

    func subscribeToMembers(_ app: Application, _ token: String, mode: String = "per-message") async throws -> HTTPStatus {
        try await mailRequest(app, .PUT, "/api/v1/lists/members/subscription", token: token, body: ["mode": mode]).status
    }

    func postToMembers(_ app: Application, _ token: String, _ body: [String: Any]) async throws -> (status: HTTPStatus, json: [String: Any], contentType: String) {
        try await mailRequest(app, .POST, "/api/v1/lists/members/posts", token: token, body: body)
    }

    /// The deliveries of every message that names the item (its post, notices and reports).
    func deliveries(forItem id: UUID, on database: any Database) async throws -> [MailDeliveryModel] {
        let messages = try await MailMessageModel.query(on: database).filter(\.$itemID == id).all().compactMap(\.id)
        guard !messages.isEmpty else { return [] }
        return try await MailDeliveryModel.query(on: database).filter(\.$message.$id ~~ messages).all()
    }

    func user(_ app: Application, _ email: String) async throws -> UserModel {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
    }

    func errorFields(_ json: [String: Any]) -> [String] {
        (json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
    }

    func itemID(_ json: [String: Any]) throws -> UUID {
        try #require((json["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    /// A TCP port on 127.0.0.1 that nobody listens on: bound, then closed again.
    func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close().get()
        return port
    }

    /// A plain (unsigned) text/plain message as an MTA hands it over.
    func plainMail(from: String, to: String = "members@lists.renkei.test", subject: String = "[members] TLP:GREEN Plain post") -> [UInt8] {
        Array(("From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString.lowercased())@example.org>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello list, a plain post.\r\n").utf8)
    }

    // MARK: - Posting

    @Test func aListPostIsStoredWithItsMailAndARefusedPostStoresNothing() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let author = try await apiToken(app, "member-alpha@test.example")
            let gamma = try await apiToken(app, "member-gamma@test.example")
            let subscribedAuthor = try await subscribeToMembers(app, author)
            let subscribedGamma = try await subscribeToMembers(app, gamma)
            #expect(subscribedAuthor == .ok && subscribedGamma == .ok)
            let list = try await ListStore.require(slug: "members", on: app.db)

            let posted = try await postToMembers(app, author, ["title": "Scanner at 203.0.113.7", "body": "Seen scanning SSH all night.", "tlp": "TLP:GREEN"])
            #expect(posted.status == .created)
            #expect(posted.json["tlp"] as? String == "TLP:GREEN")
            #expect((posted.json["audience"] as? [String: Any])?["kind"] as? String == "community", "a list post has the list's audience")
            let id = try itemID(posted.json)
            let model = try #require(try await SharedItemModel.find(id, on: app.db))
            #expect(model.listID == list.id, "the post is in the list's archive")

            let messages = try await MailMessageModel.query(on: app.db).all()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.itemID == id)
            #expect(message.subject == "[members] TLP:GREEN Scanner at 203.0.113.7")
            #expect(message.fromAddress == "members@lists.renkei.test")
            #expect(message.extraHeaders.contains("List-Id: <members.lists.renkei.test>"))
            #expect(message.signedEntity == nil, "signed at delivery, not before")
            let queued = try await MailDeliveryModel.query(on: app.db).all()
            #expect(queued.count == 2)
            #expect(Set(queued.map(\.recipient)) == ["member-alpha@test.example", "member-gamma@test.example"])
            let messageID = try message.requireID()
            let allQueuedSigned = queued.allSatisfy { row in row.form == "signed" && row.state == "queued" && row.attempts == 0 && row.$message.id == messageID }
            #expect(allQueuedSigned, "each subscriber's copy waits, signed form, untried")

            // Refused input: nothing of it is stored, neither the item nor its mail.
            for (body, field) in [(["title": "", "body": "No title.", "tlp": "TLP:GREEN"], "title"),
                                  (["title": "Red to a list", "body": "Lists never carry RED.", "tlp": "TLP:RED"], "audience")] {
                let refused = try await postToMembers(app, author, body)
                #expect(refused.status == .unprocessableEntity, "\(body)")
                #expect(refused.contentType.hasPrefix("application/problem+json"))
                #expect(errorFields(refused.json).contains(field), "\(body) is refused naming \(field)")
            }
            let items = try await SharedItemModel.query(on: app.db).count()
            let messageCount = try await MailMessageModel.query(on: app.db).count()
            let deliveryCount = try await MailDeliveryModel.query(on: app.db).count()
            #expect(items == 1 && messageCount == 1 && deliveryCount == 2, "refused posts leave no item, message or delivery")

            // Without a label, a post takes the list's default (TLP:AMBER): keyless subscribers get a notice.
            let unlabelled = try await postToMembers(app, author, ["title": "Unlabelled report", "body": "Default label applies."])
            #expect(unlabelled.status == .created)
            #expect(unlabelled.json["tlp"] as? String == "TLP:AMBER")
            let amberID = try itemID(unlabelled.json)
            let amberDeliveries = try await deliveries(forItem: amberID, on: app.db)
            #expect(amberDeliveries.count == 2 && amberDeliveries.allSatisfy { $0.form == "notice" })
            let amberSubjects = try await MailMessageModel.query(on: app.db).filter(\.$itemID == amberID).all().map(\.subject)
            #expect(amberSubjects == ["[members] TLP:AMBER message waiting on the web"])
        }
    }

    // MARK: - Subscriptions

    @Test func whoSubscribesAndHow() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let memberID = try await user(app, "member-alpha@test.example").requireID()
            let secretariatID = try await user(app, "secretariat@test.example").requireID()
            let list = try await ListStore.require(slug: "members", on: app.db)

            let officer = try await mailRequest(app, .PUT, "/api/v1/lists/members/subscription", token: secretariat, body: ["mode": "per-message"])
            #expect(officer.status == .forbidden, "the secretariat reads no AMBER community post, so it does not subscribe")
            let officerSubscription = try await ListStore.subscription(of: secretariatID, to: list.id, on: app.db)
            #expect(officerSubscription == nil)

            let weekly = try await mailRequest(app, .PUT, "/api/v1/lists/members/subscription", token: member, body: ["mode": "weekly"])
            #expect(weekly.status == .unprocessableEntity)
            #expect(errorFields(weekly.json) == ["mode"])
            let none = try await ListStore.subscription(of: memberID, to: list.id, on: app.db)
            #expect(none == nil)

            let subscribed = try await mailRequest(app, .PUT, "/api/v1/lists/members/subscription", token: member, body: ["mode": "per-message"])
            #expect(subscribed.status == .ok)
            #expect(subscribed.json["subscription"] as? String == "per-message")
            #expect(subscribed.json["address"] as? String == "members@lists.renkei.test")
            let digest = try await mailRequest(app, .PUT, "/api/v1/lists/members/subscription", token: member, body: ["mode": "digest"])
            #expect(digest.json["subscription"] as? String == "digest")
            let rows = try await ListSubscriptionModel.query(on: app.db).filter(\.$user.$id == memberID).all()
            #expect(rows.count == 1 && rows.first?.mode == "digest", "changing the mode keeps one subscription")

            var lists: [[String: Any]] = []
            try await app.testing().test(.GET, "/api/v1/lists", headers: bearer(member)) { lists = try jsonArray($0) }
            let members = try #require(lists.first { $0["slug"] as? String == "members" })
            #expect(members["subscription"] as? String == "digest" && members["canPost"] as? Bool == true)

            let removed = try await mailRequest(app, .DELETE, "/api/v1/lists/members/subscription", token: member)
            #expect(removed.status == .noContent)
            let gone = try await ListStore.subscription(of: memberID, to: list.id, on: app.db)
            #expect(gone == nil)

            var officerLists: [[String: Any]] = []
            try await app.testing().test(.GET, "/api/v1/lists", headers: bearer(secretariat)) { officerLists = try jsonArray($0) }
            let seen = try #require(officerLists.first { $0["slug"] as? String == "members" }, "the secretariat sees every list")
            #expect(seen["canPost"] as? Bool == false && seen["subscription"] == nil)
        }
    }

    // MARK: - Account keys

    @Test func theAccountKeyIsCheckedByGnuPG() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let path = "/api/v1/account/pgp-key"
            let initial = try await mailRequest(app, .GET, path, token: member)
            #expect(initial.status == .ok && initial.json["health"] as? String == "missing")

            let accepted = try await mailRequest(app, .PUT, path, token: member, body: ["key": try fixtureKey("recipient")])
            #expect(accepted.status == .ok)
            #expect(accepted.json["health"] as? String == "valid")
            #expect(accepted.json["fingerprint"] as? String == Self.recipientFingerprint)
            #expect(accepted.json["expires"] == nil, "the fixture key does not expire")
            let stored = try await user(app, "member-alpha@test.example")
            #expect(stored.pgpFingerprint == Self.recipientFingerprint && stored.pgpKey?.contains("BEGIN PGP PUBLIC KEY BLOCK") == true)
            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == "account.pgp-key.set").all()
            #expect(audited.count == 1 && audited.first?.detail == "fingerprint \(Self.recipientFingerprint)")

            let signOnly = try await mailRequest(app, .PUT, path, token: member, body: ["key": try fixtureKey("csirt")])
            #expect(signOnly.status == .unprocessableEntity, "a key without an encryption subkey cannot carry restricted mail")
            #expect(errorFields(signOnly.json) == ["key"])

            // A body that is not JSON (a broken multipart form) once read as "no key" and removed it.
            var notJSON = HTTPStatus.ok
            var headers = bearer(member, json: false)
            headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": "x"])
            try await app.testing().test(.PUT, path, headers: headers, body: ByteBuffer(string: "--x\r\nbroken")) { notJSON = $0.status }
            #expect(notJSON == .unsupportedMediaType)
            #expect(try await user(app, "member-alpha@test.example").pgpFingerprint == Self.recipientFingerprint, "the key is still on the account")
            let garbage = try await mailRequest(app, .PUT, path, token: member,
                                                body: ["key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n"])
            #expect(garbage.status == .unprocessableEntity)
            #expect(errorFields(garbage.json) == ["key"])

            let after = try await mailRequest(app, .GET, path, token: member)
            #expect(after.json["fingerprint"] as? String == Self.recipientFingerprint, "refused keys change nothing")
            #expect(after.json["health"] as? String == "valid")

            let cleared = try await mailRequest(app, .PUT, path, token: member, body: [:])
            #expect(cleared.status == .ok && cleared.json["health"] as? String == "missing" && cleared.json["fingerprint"] == nil)
            let removed = try await user(app, "member-alpha@test.example")
            #expect(removed.pgpKey == nil && removed.pgpFingerprint == nil)
        }
    }

    // MARK: - Forms per recipient

    @Test func amberIsEncryptedToAKeyAndANoticeWithout() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let author = try await apiToken(app, "member-alpha@test.example")
            let keyless = try await apiToken(app, "member-gamma@test.example")
            let keySet = try await mailRequest(app, .PUT, "/api/v1/account/pgp-key", token: author, body: ["key": try fixtureKey("recipient")])
            #expect(keySet.status == .ok)
            _ = try await subscribeToMembers(app, author)
            _ = try await subscribeToMembers(app, keyless)

            let amber = try await postToMembers(app, author, ["title": "Numbat intrusion set", "body": "Restricted details.", "tlp": "TLP:AMBER"])
            #expect(amber.status == .created)
            let amberID = try itemID(amber.json)
            let amberRows = try await deliveries(forItem: amberID, on: app.db)
            let amberForms = Dictionary(amberRows.map { ($0.recipient, $0.form) }, uniquingKeysWith: { "\($0),\($1)" })
            #expect(amberForms == ["member-alpha@test.example": "encrypted", "member-gamma@test.example": "notice"])
            let amberMessages = try await MailMessageModel.query(on: app.db).filter(\.$itemID == amberID).all()
            #expect(Set(amberMessages.map(\.subject)) == ["[members] TLP:AMBER (encrypted message)", "[members] TLP:AMBER message waiting on the web"])
            #expect(amberMessages.allSatisfy { !$0.subject.contains("Numbat") }, "the title of an AMBER post never travels in a clear header")
            let notice = try #require(amberMessages.first { $0.subject.contains("waiting") })
            let noticeText = ReceivedEntity(raw: notice.content).decodedText
            #expect(!noticeText.contains("Numbat") && !noticeText.contains("Restricted details"), "the notice says where, not what")
            #expect(noticeText.lowercased().contains("/items/\(amberID.uuidString.lowercased())"))

            let clear = try await postToMembers(app, author, ["title": "Public advisory", "body": "Patch now.", "tlp": "TLP:CLEAR"])
            #expect(clear.status == .created)
            let clearID = try itemID(clear.json)
            let clearRows = try await deliveries(forItem: clearID, on: app.db)
            let clearForms = Dictionary(clearRows.map { ($0.recipient, $0.form) }, uniquingKeysWith: { "\($0),\($1)" })
            #expect(clearForms == ["member-alpha@test.example": "signed", "member-gamma@test.example": "signed"])
        }
    }

    @Test func anExpiredKeyGetsANoticeAndTheAuthorAndTeamAreTold() async throws {
        try await withRenkei { app, _ in
            let author = try await apiToken(app, "member-alpha@test.example")
            let recipient = try await apiToken(app, "rep-alpha@test.example")
            let subscribed = try await subscribeToMembers(app, recipient)
            #expect(subscribed == .ok)
            let rep = try await user(app, "rep-alpha@test.example")
            let expired = app.renkei.clock.now.addingTimeInterval(-86_400)
            rep.pgpKey = try fixtureKey("recipient")
            rep.pgpFingerprint = Self.recipientFingerprint
            rep.pgpExpiresAt = expired
            try await rep.save(on: app.db)

            let posted = try await postToMembers(app, author, ["title": "Quokka dropper", "body": "AMBER details.", "tlp": "TLP:AMBER"])
            #expect(posted.status == .created)
            let id = try itemID(posted.json)

            let reports = try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ "expired PGP key").all()
            #expect(reports.count == 2, "one report to the author, one to the recipient's team")
            let reportsAreAboutThePost = reports.allSatisfy { report in
                report.subject == "[members] Undelivered TLP:AMBER message: expired PGP key" && report.itemID == id
            }
            #expect(reportsAreAboutThePost)
            let reportIDs = reports.compactMap(\.id)
            let reportDeliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id ~~ reportIDs).all()
            #expect(Set(reportDeliveries.map(\.recipient)) == ["member-alpha@test.example", "cert@alpha.example"])
            #expect(reportDeliveries.count == 2 && reportDeliveries.allSatisfy { $0.form == "signed" })
            for delivery in reportDeliveries {
                let message = try #require(reports.first { $0.id == delivery.$message.id })
                let text = ReceivedEntity(raw: message.content).decodedText
                #expect(text.contains("Rita Rep"))
                #expect(!text.contains("AMBER details"), "a report does not carry the post")
                if delivery.recipient == "cert@alpha.example" {
                    #expect(text.contains("of your team"))
                } else {
                    #expect(text.hasPrefix("Your TLP:AMBER post to members"))
                }
            }

            let repID = try rep.requireID()
            let post = try await deliveries(forItem: id, on: app.db).filter { $0.recipientUserID == repID }
            #expect(post.map(\.form) == ["notice"], "an expired key gets the notice, never clear text")
        }
    }

    // MARK: - Delivery

    @Test func anUnreachableRelayDefersThenFailsDeliveries() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let author = try await apiToken(app, "member-alpha@test.example")
            let gamma = try await apiToken(app, "member-gamma@test.example")
            _ = try await subscribeToMembers(app, author)
            _ = try await subscribeToMembers(app, gamma)
            let posted = try await postToMembers(app, author, ["title": "Relay test", "body": "Delivered later.", "tlp": "TLP:GREEN"])
            #expect(posted.status == .created)
            let due = try await MailDeliveryModel.query(on: app.db).filter(\.$state == "queued").count()
            #expect(due == 2)

            let port = try await closedPort()
            let relay = SMTPRelay(host: "127.0.0.1", port: port, security: .none, timeout: 2)
            let start = Date()
            func delivery(at moment: Date) -> OutboxDelivery {
                OutboxDelivery(database: app.db, keyring: app.renkei.keyring, relay: relay, addressing: app.renkei.mail, logger: app.logger,
                               now: { moment })
            }

            let first = try await delivery(at: start).run()
            #expect(first == OutboxDelivery.Report(sent: 0, deferred: due, failed: 0))
            let deferred = try await MailDeliveryModel.query(on: app.db).all()
            #expect(deferred.count == 2)
            for row in deferred {
                #expect(row.state == "queued" && row.attempts == 1)
                #expect(abs(row.nextAttemptAt.timeIntervalSince(start.addingTimeInterval(60))) < 1, "retried a minute later")
                #expect(row.lastError?.contains("127.0.0.1:\(port)") == true, "\(row.lastError ?? "no error")")
                #expect(row.sentAt == nil)
            }

            // Signed once, before the relay was tried, with the lists' key, over the stored content.
            let message = try #require(try await MailMessageModel.query(on: app.db).first())
            let signed = try #require(message.signedEntity)
            guard case .signed(let content, let signature) = PGPMIME.classify(ReceivedEntity(raw: signed)) else {
                Issue.record("the stored entity is multipart/signed")
                return
            }
            #expect(Array(content.raw.utf8) == Array(message.content.utf8))
            let listKey = try await app.renkei.keyring.publicKey()
            let valid = try await app.renkei.keyring.verify(Array(message.content.utf8), signature: signature, by: listKey)
            #expect(valid, "the lists' key signed exactly the stored content")

            let again = try await delivery(at: start).run()
            #expect(again == OutboxDelivery.Report(), "nothing is due before the retry time")

            let flushed = try await delivery(at: start).run(flush: true)
            #expect(flushed == OutboxDelivery.Report(sent: 0, deferred: 2, failed: 0))
            for row in try await MailDeliveryModel.query(on: app.db).all() {
                #expect(row.state == "queued" && row.attempts == 2)
                #expect(abs(row.nextAttemptAt.timeIntervalSince(start.addingTimeInterval(120))) < 1, "the second retry waits two minutes")
            }
            let resigned = try #require(try await MailMessageModel.find(message.id, on: app.db))
            #expect(resigned.signedEntity == signed, "the message is signed once, whatever the retries")

            let late = try await delivery(at: start.addingTimeInterval(4 * 86_400)).run()
            #expect(late == OutboxDelivery.Report(sent: 0, deferred: 0, failed: 2))
            for row in try await MailDeliveryModel.query(on: app.db).all() {
                #expect(row.state == "failed" && row.attempts == 3)
                #expect(row.lastError?.contains("no relay took it") == true, "\(row.lastError ?? "no error")")
            }
            let afterFailure = try await delivery(at: start.addingTimeInterval(5 * 86_400)).run(flush: true)
            #expect(afterFailure == OutboxDelivery.Report(), "failed deliveries are not retried")
        }
    }

    // MARK: - Posts by mail

    @Test func postsByMailFromStrangersOrUnsignedAreRefused() async throws {
        try await withRenkei { app, _ in
            let receiver = MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail, resolver: nil,
                                        now: app.renkei.clock.now)
            let member = try await user(app, "member-alpha@test.example")

            let noList = try await receiver.receive(plainMail(from: "Max Member <member-alpha@test.example>", to: "nolist@lists.renkei.test"),
                                                    recipient: "nolist@lists.renkei.test")
            #expect(noList.exit == .noUser)
            #expect(noList.message == "There is no list at nolist@lists.renkei.test.")

            let stranger = try await receiver.receive(plainMail(from: "Eve <stranger@elsewhere.example>"), recipient: "members@lists.renkei.test")
            #expect(stranger.exit == .noPermission)
            #expect(stranger.message == PostRefusal.notAMember.message)
            let strangerMail = try await MailMessageModel.query(on: app.db).count()
            #expect(strangerMail == 0, "a possibly forged stranger's address is not answered")

            let unsubscribed = try await receiver.receive(plainMail(from: "Max Member <member-alpha@test.example>"), recipient: "members@lists.renkei.test")
            #expect(unsubscribed.exit == .noPermission)
            #expect(unsubscribed.message == PostRefusal.notSubscribed.message)

            let list = try await ListStore.require(slug: "members", on: app.db)
            try await ListStore.setSubscription(.perMessage, of: member, to: list, at: app.renkei.clock.now, on: app.db)
            // Without an envelope recipient, the list is found in To.
            let unsigned = try await receiver.receive(plainMail(from: "Max Member <MEMBER-ALPHA@test.example>"), recipient: nil)
            #expect(unsigned.exit == .noPermission)
            #expect(unsigned.message == PostRefusal.unsigned.message)

            let items = try await SharedItemModel.query(on: app.db).count()
            #expect(items == 0, "no refused post becomes an item")
            let refusals = try await MailMessageModel.query(on: app.db).all()
            #expect(refusals.count == 2)
            let subjects = Set(refusals.map(\.subject))
            #expect(subjects == ["[members] Your post was not accepted"])
            #expect(subjects.allSatisfy { $0.contains("not accepted") })
            let refusalTexts = refusals.map { ReceivedEntity(raw: $0.content).decodedText }
            #expect(refusalTexts.contains { $0.contains(PostRefusal.unsigned.message) })
            #expect(refusalTexts.contains { $0.contains(PostRefusal.notSubscribed.message) })
            let answered = try await MailDeliveryModel.query(on: app.db).all()
            let toTheSender = answered.allSatisfy { row in row.recipient == "member-alpha@test.example" && row.form == "signed" }
            #expect(answered.count == 2 && toTheSender)

            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "list.refuse").all()
            #expect(audit.count == 3, "every refusal of a known list is audited")
            let strangerAudited = audit.contains { event in event.detail.hasPrefix("from stranger@elsewhere.example") && event.actorUserID == nil }
            #expect(strangerAudited)
            let memberID = try member.requireID()
            let memberRefusals = audit.filter { event in event.actorUserID == memberID }.count
            #expect(memberRefusals == 2)
        }
    }

    // MARK: - Pages

    @Test func membersSubscribeOnTheListsPage() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            let memberID = try await user(app, "member-alpha@test.example").requireID()
            let list = try await ListStore.require(slug: "members", on: app.db)
            try await app.testing().test(.GET, "/lists", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("members@lists.renkei.test"))
            }
            try await app.testing().test(.POST, "/lists/members/subscription", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("mode", "per-message")])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/lists")
            }
            let subscribed = try await ListStore.subscription(of: memberID, to: list.id, on: app.db)
            #expect(subscribed?.mode == "per-message")
            try await app.testing().test(.POST, "/lists/members/subscription", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("mode", "weekly")])) { response in
                #expect(response.status == .unprocessableEntity)
            }
            try await app.testing().test(.POST, "/lists/members/subscription", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("mode", "none")])) { response in
                #expect(response.status == .seeOther)
            }
            let unsubscribed = try await ListStore.subscription(of: memberID, to: list.id, on: app.db)
            #expect(unsubscribed == nil)

            try await app.testing().test(.GET, "/lists/new", headers: session.headers) { response in
                #expect(response.status == .forbidden)
            }
            let year = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
            try await app.testing().test(.POST, "/lists", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("slug", "member-made"), ("name", "Member made"), ("kind", "temporary"),
                                                         ("endsAt", "\(year)-06-30")])) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.string.contains("Only the secretariat opens lists."))
            }
            let lists = try await MailingListModel.query(on: app.db).count()
            #expect(lists == 1)

            try await app.testing().test(.GET, "/lists/key.asc") { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .contentType)?.hasPrefix("application/pgp-keys") == true)
                #expect(response.body.string.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
            }
        }
    }

    @Test func theSecretariatOpensATemporaryList() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "secretariat@test.example")
            try await app.testing().test(.GET, "/lists/new", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("id=\"list-form\""))
            }
            let year = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
            func create(_ slug: String) -> ByteBuffer {
                formBody([("_csrf", session.csrf), ("slug", slug), ("name", "Incident 42"), ("description", "Coordination of incident 42."),
                          ("kind", "temporary"), ("endsAt", "\(year)-06-30"), ("posting", "members"), ("defaultTLP", "AMBER"), ("retentionDays", "365")])
            }
            try await app.testing().test(.POST, "/lists", headers: session.formHeaders(), body: create("incident-42")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/lists/incident-42")
            }
            let model = try #require(try await MailingListModel.query(on: app.db).filter(\.$slug == "incident-42").first())
            let list = try model.list()
            #expect(list.kind == .temporary && list.audience == .community && list.defaultLabel == .amber && list.retentionDays == 365)
            let ends = try #require(list.endsAt)
            #expect(Calendar(identifier: .gregorian).component(.year, from: ends) == year)
            let audited = try await AuditEventModel.query(on: app.db).filter(\.$action == "list.create").count()
            #expect(audited == 1)
            try await app.testing().test(.GET, "/lists/incident-42", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("incident-42@lists.renkei.test"))
            }

            try await app.testing().test(.POST, "/lists", headers: session.formHeaders(), body: create("Bad_Slug")) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("A list address is 2 to 40 lower-case letters, digits and inner hyphens."))
            }
            try await app.testing().test(.POST, "/lists", headers: session.formHeaders(), body: create("incident-42")) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("exists already"))
            }
            let lists = try await MailingListModel.query(on: app.db).count()
            #expect(lists == 2, "members and incident-42, nothing from the refused forms")
        }
    }

    // MARK: - Notifications by mail

    @Test func aReplyNotifiesTheRequesterByMailEncryptedOnlyToAKey() async throws {
        try await withRenkei { app, _ in
            let asker = try await apiToken(app, "member-alpha@test.example")
            let helper = try await apiToken(app, "rep-alpha@test.example")
            let created = try await mailRequest(app, .POST, "/api/v1/items", token: asker, body: [
                "kind": "request", "title": "Who saw the wombat loader?", "body": "We saw it at a customer.", "tlp": "TLP:AMBER",
                "audience": ["kind": "teams", "teams": ["alpha-cert"]], "request": ["kind": "information"],
            ])
            #expect(created.status == .created)
            let id = try itemID(created.json)
            let before = try await MailMessageModel.query(on: app.db).count()
            #expect(before == 0, "an AMBER item to teams is not mailed")

            let answered = try await mailRequest(app, .POST, "/api/v1/items/\(id.uuidString)/replies", token: helper,
                                                 body: ["kind": "answer", "text": "Seen it: a quokka-dropper variant."])
            #expect(answered.status == .created)
            let first = try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ "notification").all()
            #expect(first.count == 1)
            let notice = try #require(first.first)
            let noticeDeliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == notice.requireID()).all()
            #expect(noticeDeliveries.map(\.recipient) == ["member-alpha@test.example"])
            #expect(noticeDeliveries.map(\.form) == ["notice"])
            let noticeText = ReceivedEntity(raw: notice.content).decodedText
            #expect(!noticeText.contains("quokka") && !noticeText.contains("wombat") && !noticeText.contains("answered"),
                    "without a key the mail says only that something waits")
            #expect(noticeText.lowercased().contains("/items/\(id.uuidString.lowercased())"))

            let keySet = try await mailRequest(app, .PUT, "/api/v1/account/pgp-key", token: asker, body: ["key": try fixtureKey("recipient")])
            #expect(keySet.status == .ok)
            let again = try await mailRequest(app, .POST, "/api/v1/items/\(id.uuidString)/replies", token: helper,
                                              body: ["kind": "answer", "text": "And a numbat sample."])
            #expect(again.status == .created)
            let all = try await MailMessageModel.query(on: app.db).filter(\.$subject ~~ "notification").all()
            #expect(all.count == 2)
            let encrypted = try #require(all.first { $0.id != notice.id })
            let encryptedDeliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == encrypted.requireID()).all()
            #expect(encryptedDeliveries.map(\.form) == ["encrypted"])
            let text = ReceivedEntity(raw: encrypted.content).decodedText
            #expect(text.contains("Rita Rep answered") && text.contains("wombat loader"), "with a key, the notification says what happened")
        }
    }
}

extension ServerTests {
    @Test func theUpkeepSendsDigestsOnceADayAndWarnsOfExpiringKeysOnce() async throws {
        try await withRenkei { app, fixture in
            let member = try await apiToken(app, "member-alpha@test.example")
            let author = try await apiToken(app, "rep-alpha@test.example")
            #expect(try await subscribeToMembers(app, member, mode: "digest") == .ok)
            let posted = try await postToMembers(app, author, ["title": "Digest candidate", "body": "Scanning from 203.0.113.50", "tlp": "TLP:GREEN"])
            #expect(posted.status == .created)
            let digester = try await user(app, "member-alpha@test.example")
            let perMessage = try await deliveries(forItem: try itemID(posted.json), on: app.db).filter { $0.recipientUserID == digester.id }
            #expect(perMessage.isEmpty, "a digest subscriber gets no copy of each post")

            func digests() async throws -> [MailMessageModel] {
                try await MailMessageModel.query(on: app.db).all().filter { $0.subject.contains("digest") }
            }
            let now = Date()
            try await MailUpkeep.sendDigests(at: now, addressing: app.renkei.mail, on: app.db)
            #expect(try await digests().isEmpty, "less than a day since subscribing: no digest yet")
            let nextDay = now.addingTimeInterval(86_400 + 60)
            try await MailUpkeep.sendDigests(at: nextDay, addressing: app.renkei.mail, on: app.db)
            try await MailUpkeep.sendDigests(at: nextDay.addingTimeInterval(3_600), addressing: app.renkei.mail, on: app.db)
            let sent = try await digests()
            #expect(sent.map(\.subject) == ["[members] TLP:GREEN digest: 1 post"], "one digest a day")
            let text = ReceivedEntity(raw: try #require(sent.first).content).decodedText
            #expect(text.hasPrefix("TLP:GREEN\n") && text.contains("Digest candidate") && text.contains("Scanning from 203.0.113.50"))
            let digestDeliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == (try #require(sent.first?.id))).all()
            #expect(digestDeliveries.map(\.recipient) == ["member-alpha@test.example"] && digestDeliveries.map(\.form) == ["signed"])

            func warnings() async throws -> [(subject: String, to: [String])] {
                var found: [(String, [String])] = []
                for message in try await MailMessageModel.query(on: app.db).all() where message.subject.hasPrefix("Your PGP key expires") {
                    found.append((message.subject, try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == message.requireID()).all().map(\.recipient)))
                }
                return found
            }
            digester.pgpKey = try fixtureKey("recipient")
            digester.pgpFingerprint = Self.recipientFingerprint
            digester.pgpExpiresAt = now.addingTimeInterval(10 * 86_400)
            try await digester.save(on: app.db)
            let team = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            team.record.pgpKeys = [PGPKey(fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", armored: "team key", expires: now.addingTimeInterval(5 * 86_400)),
                                   PGPKey(fingerprint: "89ABCDEF0123456789ABCDEF0123456789ABCDEF", armored: "later key", expires: now.addingTimeInterval(40 * 86_400))]
            try await team.save(on: app.db)

            try await MailUpkeep.warnOfExpiringKeys(at: now, addressing: app.renkei.mail, on: app.db)
            try await MailUpkeep.warnOfExpiringKeys(at: now.addingTimeInterval(3_600), addressing: app.renkei.mail, on: app.db)
            var told = try await warnings()
            #expect(told.count == 2, "each key expiring within 30 days once, the one 40 days out not: \(told)")
            #expect(Set(told.flatMap(\.to)) == ["member-alpha@test.example", "cert@alpha.example"])

            digester.pgpExpiresAt = now.addingTimeInterval(20 * 86_400)
            try await digester.save(on: app.db)
            try await MailUpkeep.warnOfExpiringKeys(at: now.addingTimeInterval(7_200), addressing: app.renkei.mail, on: app.db)
            told = try await warnings()
            #expect(told.count == 3 && told.filter { $0.to == ["member-alpha@test.example"] }.count == 2, "a key given a new expiry date is told again")
        }
    }
}

extension ServerTests {
    @Test func theRelaySettingRefusesCleartextBeyondLoopback() throws {
        func relay(_ environment: [String: String]) throws -> SMTPRelay? {
            try Settings.fromEnvironment(environment.merging(["RENKEI_DATA_DIR": NSTemporaryDirectory()]) { $1 }).smtpRelay
        }
        #expect(try relay([:]) == nil, "without SMTP_URL, mail waits in the outbox")
        let submission = try #require(try relay(["SMTP_URL": "smtp://relay%40team:p%3Ass@mail.example.org"]))
        #expect(submission == SMTPRelay(host: "mail.example.org", port: 587, security: .startTLS, username: "relay@team", password: "p:ss",
                                        trustRootsFile: nil))
        let implicit = try #require(try relay(["SMTP_URL": "smtps://mail.example.org", "SMTP_CA_FILE": "/etc/ca.pem"]))
        #expect(implicit.port == 465 && implicit.security == .implicitTLS && implicit.trustRootsFile == "/etc/ca.pem")
        for host in ["127.0.0.1", "127.8.9.10", "[::1]", "localhost"] {
            #expect(try relay(["SMTP_URL": "smtp://\(host):2525", "SMTP_TLS": "off"])?.security == SMTPRelay.Security.none, "\(host) is loopback")
        }
        for (url, tls) in [("smtp://192.0.2.1:25", "off"), ("smtp://mail.example.org", "off"), ("smtps://127.0.0.1", "off"),
                           ("smtp://127.0.0.1", "maybe"), ("http://mail.example.org", ""), ("smtp://", "")] {
            #expect(throws: Settings.Problem.self, "\(url) with SMTP_TLS=\(tls)") { try relay(["SMTP_URL": url, "SMTP_TLS": tls]) }
        }
        #expect(throws: Settings.Problem.self) { try Settings.fromEnvironment(["RENKEI_MAIL_DOMAIN": "not a domain"]) }
    }
}

extension ServerTests {
    @Test func aKeyGnuPGRefusesAtDeliveryGetsANoticeAndTheAuthorAndTeamAreTold() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let author = try await apiToken(app, "rep-alpha@test.example")
            #expect(try await subscribeToMembers(app, member) == .ok)
            #expect(try await mailRequest(app, .PUT, "/api/v1/account/pgp-key", token: member, body: ["key": try fixtureKey("recipient")]).status == .ok)
            let posted = try await postToMembers(app, author, ["title": "Keys change", "body": "Rotate the keys of 192.0.2.80.", "tlp": "TLP:AMBER"])
            let item = try itemID(posted.json)
            let planned = try await deliveries(forItem: item, on: app.db)
            #expect(planned.map(\.form) == ["encrypted"])
            // The key changed after the post was queued into something GnuPG cannot encrypt to.
            let subscriber = try await user(app, "member-alpha@test.example")
            subscriber.pgpKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n"
            try await subscriber.save(on: app.db)

            let relay = SMTPRelay(host: "127.0.0.1", port: try await closedPort(), security: .none, timeout: 2)
            let report = try await OutboxDelivery(database: app.db, keyring: app.renkei.keyring, relay: relay, addressing: app.renkei.mail,
                                                  logger: app.logger, now: { Date() }).run()
            #expect(report.failed == 1, "the encrypted copy fails before any relay is tried: \(report)")
            let after = try await deliveries(forItem: item, on: app.db)
            let encrypted = try #require(after.first { $0.form == "encrypted" })
            #expect(encrypted.state == "failed" && encrypted.lastError?.hasPrefix("not encrypted") == true)
            #expect(after.filter { $0.form == "notice" }.map(\.recipient) == ["member-alpha@test.example"], "the notice instead")
            let reports = try await MailMessageModel.query(on: app.db).filter(\.$itemID == item).all().filter { $0.subject.contains("unusable PGP key") }
            var told: [String] = []
            for report in reports {
                told += try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id == report.requireID()).all().map(\.recipient)
            }
            #expect(Set(told) == ["rep-alpha@test.example", "cert@alpha.example"], "the author and the recipient's team hear of it")
        }
    }
}

extension ServerTests {
    @Test func postsOlderThanTheListsRetentionAreDeletedWithTheirMail() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            #expect(try await subscribeToMembers(app, member) == .ok)
            let list = try #require(try await MailingListModel.query(on: app.db).filter(\.$slug == "members").first())
            list.retentionDays = 30
            try await list.save(on: app.db)
            let old = try itemID(try await postToMembers(app, member, ["title": "Old wombat campaign", "body": "wombat 198.51.100.3", "tlp": "TLP:GREEN"]).json)
            let recent = try itemID(try await postToMembers(app, member, ["title": "Recent wombat campaign", "body": "wombat 198.51.100.4", "tlp": "TLP:GREEN"]).json)
            let oldModel = try #require(try await SharedItemModel.find(old, on: app.db))
            oldModel.createdAt = Date().addingTimeInterval(-31 * 86_400)
            try await oldModel.save(on: app.db)
            #expect(try await searchIndexIDs("wombat", app).count == 2)

            try await MailUpkeep.deleteExpiredPosts(at: Date(), on: app.db)
            #expect(try await SharedItemModel.find(old, on: app.db) == nil, "the post older than 30 days is gone")
            #expect(try await SharedItemModel.find(recent, on: app.db) != nil, "the recent one stays")
            #expect(try await searchIndexIDs("wombat", app) == [recent], "search forgets it")
            let oldMessages = try await MailMessageModel.query(on: app.db).filter(\.$itemID == old).count()
            #expect(try await deliveries(forItem: old, on: app.db).isEmpty && oldMessages == 0, "its mail is gone too")
            #expect(try await !deliveries(forItem: recent, on: app.db).isEmpty)
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "list.retention").all()
            #expect(audit.map(\.detail) == ["deleted 1 post(s) older than 30 days"])

            // Lists carry announcements only (requests have conversations and registry asks that outlive a list's retention).
            let request = SharedItemDraft(kind: .request, title: "Anyone?", body: "Help", audience: .community,
                                          request: RequestDetails(kind: .information, urgency: .normal, subject: ""))
            await #expect(throws: ValidationFailure.self) {
                _ = try await ListStore.draft(request, for: try list.list(), labelled: false, by: try await user(app, "member-alpha@test.example"),
                                              at: Date(), on: app.db)
            }
        }
    }
}

extension ServerTests {
    /// GnuPG stops reading at bad input; a large input must still end in a refusal, not in a
    /// half-written pipe that brings the process down.
    @Test func largeBadInputToGnuPGIsRefusedWithoutHarm() async throws {
        try await withRenkei { app, _ in
            let garbage = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + String(repeating: "QUJDRA==\n", count: 200_000) + "-----END PGP PUBLIC KEY BLOCK-----\n"
            await #expect(throws: GnuPG.Problem.self) { _ = try await app.renkei.editing.gnupg.inspect(armored: garbage) }
            await #expect(throws: ListKeyring.Failure.self) {
                _ = try await app.renkei.keyring.encrypt(Array(repeating: 65, count: 4 << 20), to: garbage)
            }
            let member = try await apiToken(app, "member-alpha@test.example")
            #expect(try await mailRequest(app, .PUT, "/api/v1/account/pgp-key", token: member, body: ["key": String(garbage.prefix(600_000))]).status
                    == .unprocessableEntity)
        }
    }
}

/// The items the search index finds for `word`: SQLite's FTS5 table, or PostgreSQL's text
/// search over the rows themselves.
private func searchIndexIDs(_ word: String, _ app: Application) async throws -> [UUID] {
    let sql = try #require(app.db as? any SQLDatabase)
    let query: SQLQueryString = sql.dialect.name == "postgresql"
        ? "SELECT id::text AS item_id FROM shared_items WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', \(bind: word))"
        : "SELECT item_id FROM shared_items_fts WHERE shared_items_fts MATCH \(bind: word)"
    return try await sql.raw(query).all().compactMap { UUID(uuidString: try $0.decode(column: "item_id", as: String.self)) }
}
