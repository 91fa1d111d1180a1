import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// The routes the SIG matrix below covers (`SharingServerTests` checks every GET route is in a matrix).
    static let sigRoutes: Set<String> = [
        "/sigs", "/sigs/new", "/sigs/:slug", "/sigs/:slug/documents/:document", "/sig-invitations/:token", "/api/v1/sigs", "/api/v1/sigs/:slug",
        "/api/v1/sigs/:slug/participants", "/api/v1/sigs/:slug/join-requests", "/api/v1/sigs/:slug/documents",
        "/api/v1/sigs/:slug/documents/:document", "/api/v1/sigs/:slug/meetings",
    ]

    private func call(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, body: [String: Any]? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        if body != nil { headers.add(name: .contentType, value: "application/json") }
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: try body.map(jsonBody)) { result = $0 }
        return try #require(result)
    }

    private func page(_ app: Application, _ path: String, _ session: BrowserSession?) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(.GET, path, headers: session?.headers ?? [:]) { result = $0 }
        return try #require(result)
    }

    /// A SIG from proposal to active, with a chair, a participant, a guest who accepted the
    /// agreement through the page, a participant who left and one who moved team; items and
    /// documents at every label a SIG uses, and two community items beside them.
    private struct SIGCast {
        var tokens: [String: String] = [:]
        var sessions: [String: BrowserSession] = [:]
        var items: [(name: String, id: String, title: String)] = []
        var documents: [(name: String, id: String, title: String)] = []
        /// A sample's registry entry shared with the SIG at TLP:AMBER.
        var artifact = ""
    }

    static let guest = MembershipCast.candidate
    static let readerEmails = ["rep-alpha@test.example", "member-gamma@test.example", guest, "member-alpha@test.example", "rep-gamma@test.example",
                               "rep-beta@test.example", MembershipCast.boardMembers[1], "secretariat@test.example"]

    private func makeSIG(_ app: Application) async throws -> SIGCast {
        let cast = try await MembershipCast.make(app)
        var sig = SIGCast()
        for email in Self.readerEmails + [MembershipCast.boardMembers[0]] {
            sig.tokens[email] = try await apiToken(app, email)
        }
        let chair = sig.tokens["rep-alpha@test.example"], board = sig.tokens[MembershipCast.boardMembers[0]]
        let proposal: [String: Any] = ["slug": "abuse", "name": "Abuse Handling", "mission": "Route abuse reports. Well.", "scope": "Abuse.",
                                       "deliverables": "A guide.", "decisionMaking": "Consensus."]
        #expect(try await call(app, .POST, "/api/v1/sigs", token: chair, body: proposal).status == .created)
        #expect(try await call(app, .POST, "/api/v1/sigs/abuse/decisions", token: sig.tokens["secretariat@test.example"],
                               body: ["decision": "approve-charter", "liaison": MembershipCast.boardMembers[0]]).status == .forbidden, "the secretariat approves no charter")
        let approved = try await call(app, .POST, "/api/v1/sigs/abuse/decisions", token: board, body: ["decision": "approve-charter", "liaison": MembershipCast.boardMembers[0]])
        let approvedStatus = try jsonObject(approved)["status"] as? String
        #expect(approved.status == .ok && approvedStatus == "chartered")
        for email in ["rep-alpha@test.example", "member-gamma@test.example", "rep-gamma@test.example", "rep-beta@test.example"] {
            let joined = try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens[email], body: ["step": "join"])
            let state = try jsonObject(joined)["state"] as? String
            #expect(joined.status == .ok && state == "active", "\(email) joins")
        }
        #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: board, body: ["step": "seat-chair", "person": "rep-alpha@test.example"]).status == .ok)
        let status = try jsonObject(try await call(app, .GET, "/api/v1/sigs/abuse", token: nil))["status"] as? String
        #expect(status == "active", "the first chair makes it active")
        #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens["rep-gamma@test.example"], body: ["step": "leave"]).status == .ok)
        // The guest, invited by the chair, accepts the agreement on the invitation page.
        let invited = try await call(app, .POST, "/api/v1/sigs/abuse/guests", token: chair, body: ["email": Self.guest])
        #expect(invited.status == .created)
        let link = try #require(try jsonObject(invited)["link"] as? String)
        let path = String(link.dropFirst("https://renkei.test".count))
        let guestSession = try await signIn(app, Self.guest, password: "test-password-123")
        let form = try await page(app, path, guestSession)
        #expect(form.status == .ok && form.body.string.contains("TLP:AMBER"))
        try await app.testing().test(.POST, path, headers: guestSession.formHeaders(), body: formBody([("_csrf", guestSession.csrf)])) { response in
            #expect(response.status == .unprocessableEntity, "no seat without the agreement")
        }
        try await app.testing().test(.POST, path, headers: guestSession.formHeaders(), body: formBody([("_csrf", guestSession.csrf), ("agreement", "accept")])) { response in
            #expect(response.status == .seeOther)
        }
        #expect(try await page(app, path, guestSession).status == .notFound, "an invitation works once")
        // rep-beta moves to Gamma (the secretariat moves the account): the seat was for Beta.
        let mover = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first())
        mover.$team.id = cast.gammaID
        try await mover.save(on: app.db)

        let unique = UUID().uuidString.prefix(6)
        for (name, tlp, audience) in [("sig CLEAR", "CLEAR", "sig"), ("sig GREEN", "GREEN", "sig"), ("sig AMBER", "AMBER", "sig"),
                                      ("sig AMBER+STRICT", "AMBER+STRICT", "sig"), ("community GREEN", "GREEN", "community"), ("community AMBER", "AMBER", "community")] {
            let title = "Sinkhole \(name) wombat\(unique)"
            var body: [String: Any] = ["title": title, "body": "Seen 198.51.100.9.", "tlp": tlp, "audience": ["kind": audience]]
            if audience == "sig" { body["audience"] = ["kind": "sig", "sig": "abuse"] }
            let made = try await call(app, .POST, "/api/v1/items", token: chair, body: body)
            #expect(made.status == .created, "\(name): \(made.body.string)")
            sig.items.append((name, try #require(try jsonObject(made)["id"] as? String), title))
        }
        let artifact = try await call(app, .POST, "/api/v1/artifacts", token: chair,
                                      body: ["sha256": String(repeating: "ab", count: 32), "names": "dropper.exe", "tlp": "AMBER", "audience": "sig", "sig": "abuse"])
        #expect(artifact.status == .created, "\(artifact.body.string)")
        sig.artifact = try #require(try jsonObject(artifact)["id"] as? String)
        for (name, tlp, publish) in [("draft AMBER", "AMBER", false), ("published CLEAR", "CLEAR", true), ("published GREEN", "GREEN", true),
                                     ("published AMBER", "AMBER", true)] {
            let title = "Paper \(name) quokka\(unique)"
            let made = try await call(app, .POST, "/api/v1/sigs/abuse/documents", token: sig.tokens["member-gamma@test.example"],
                                      body: ["title": title, "body": "# \(title)\n\nText.", "tlp": tlp])
            #expect(made.status == .created, "\(name): \(made.body.string)")
            let id = try #require(try jsonObject(made)["id"] as? String)
            if publish {
                #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: sig.tokens["member-gamma@test.example"],
                                       body: ["action": "publish", "version": 1]).status == .forbidden, "a participant who does not chair publishes nothing")
                #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: chair, body: ["action": "publish", "version": 1]).status == .ok)
            }
            sig.documents.append((name, id, title))
        }
        for email in Self.readerEmails {
            sig.sessions[email] = try await signIn(app, email, password: Fixture.passwords[email] ?? "test-password-123")
        }
        return sig
    }

    /// Every SIG channel, for every kind of reader, with expectations written out by hand.
    @Test func everySIGChannelShowsEachReaderExactlyWhatTheRulesAllow() async throws {
        try await withRenkei { app, _ in
            let sig = try await makeSIG(app)
            // Items: sig CLEAR, GREEN, AMBER, AMBER+STRICT; community GREEN, AMBER.
            // Documents: draft AMBER; published CLEAR, GREEN, AMBER.
            let expected: [(who: String?, items: String, documents: String, space: Bool)] = [
                ("rep-alpha@test.example",    "XXXX XX", "XXXX", true),   // the chair, who wrote every item
                ("member-gamma@test.example", "XXXX XX", "XXXX", true),   // a participant
                (Self.guest,                  "XXXX --", "XXXX", true),   // the guest: the SIG and nothing else
                ("member-alpha@test.example", "X--- XX", "-XX-", false),  // the chair's colleague, not in the SIG
                ("rep-gamma@test.example",    "X--- XX", "-XX-", false),  // left the SIG
                ("rep-beta@test.example",     "X--- XX", "-XX-", false),  // moved team; the chairs have not decided
                (MembershipCast.boardMembers[1], "X--- X-", "-XX-", false),
                ("secretariat@test.example",  "X--- X-", "-XX-", false),
                (nil,                         "X--- --", "-X--", false),  // anonymous
            ]
            for row in expected {
                let name = row.who ?? "anonymous"
                let token = row.who.flatMap { sig.tokens[$0] }, session = row.who.flatMap { sig.sessions[$0] }
                let marks = Array(row.items.filter { $0 != " " }).map { $0 == "X" }
                let sigPage = try await page(app, "/sigs/abuse", session).body.string
                #expect(sigPage.contains("id=\"sig-items\"") == (row.space && true), "the SIG page's space · \(name)")
                let apiList = try await call(app, .GET, "/api/v1/items?limit=500", token: token).body.string
                let sigList = try await call(app, .GET, "/api/v1/items?sig=abuse&limit=500", token: token).body.string
                let pageList = try await page(app, "/items", session).body.string
                let feed = try await page(app, "/feeds/items.atom" + (token.map { "?token=\($0)" } ?? ""), nil).body.string
                let publicFeed = try await page(app, "/feeds/public.atom", nil).body.string
                for (item, allowed) in zip(sig.items, marks) {
                    let label = "\(item.name) · \(name)"
                    #expect((try await call(app, .GET, "/api/v1/items/\(item.id)", token: token).status == .ok) == allowed, "API item · \(label)")
                    let itemPage = try await page(app, "/items/\(item.id)", session).status
                    #expect((itemPage == .ok) == allowed && (allowed || itemPage == (session == nil ? .seeOther : .notFound)), "page · \(label)")
                    #expect(apiList.contains(item.id) == allowed, "API list · \(label)")
                    #expect(sigList.contains(item.id) == (allowed && item.name.hasPrefix("sig")), "API list of the SIG · \(label)")
                    #expect(pageList.contains(item.title) == allowed, "page list · \(label)")
                    let word = String(item.title.split(separator: " ").last!)
                    #expect(try await page(app, "/items?q=\(word)", session).body.string.contains(item.title) == allowed, "page search · \(label)")
                    #expect(try await call(app, .GET, "/api/v1/items?q=\(word)", token: token).body.string.contains(item.id) == allowed, "API search · \(label)")
                    #expect(feed.contains(item.title) == (allowed && token != nil), "member feed · \(label)")
                    #expect(publicFeed.contains(item.title) == item.name.hasSuffix("CLEAR"), "public feed · \(label)")
                    #expect(sigPage.contains(item.title) == (allowed && row.space && item.name.hasPrefix("sig")), "SIG page · \(label)")
                }
                let documentMarks = Array(row.documents).map { $0 == "X" }
                let documentList = try await call(app, .GET, "/api/v1/sigs/abuse/documents", token: token).body.string
                for (document, allowed) in zip(sig.documents, documentMarks) {
                    let label = "\(document.name) · \(name)"
                    let documentPage = try await page(app, "/sigs/abuse/documents/\(document.id)", session)
                    #expect((documentPage.status == .ok) == allowed, "document page · \(label)")
                    #expect(documentPage.body.string.contains("id=\"document-disclaimer\"") == (allowed && document.name.hasPrefix("published")), "disclaimer · \(label)")
                    #expect((try await call(app, .GET, "/api/v1/sigs/abuse/documents/\(document.id)", token: token).status == .ok) == allowed, "document API · \(label)")
                    #expect(documentList.contains(document.id) == allowed, "document list API · \(label)")
                    #expect(sigPage.contains(document.title) == allowed, "SIG page documents · \(label)")
                }
                #expect((try await call(app, .GET, "/api/v1/artifacts/\(sig.artifact)", token: token).status == .ok) == marks[2], "AMBER sample entry · \(name)")
                #expect(try await call(app, .GET, "/api/v1/artifacts", token: token).body.string.contains(sig.artifact) == marks[2], "sample list · \(name)")
                let participants = try await call(app, .GET, "/api/v1/sigs/abuse/participants", token: token).status
                let meetings = try await call(app, .GET, "/api/v1/sigs/abuse/meetings", token: token).status
                let requests = try await call(app, .GET, "/api/v1/sigs/abuse/join-requests", token: token).status
                let isBoard = row.who == MembershipCast.boardMembers[1]
                #expect(participants == (token == nil ? .unauthorized : row.space || isBoard ? .ok : .forbidden), "participants · \(name)")
                #expect(meetings == (token == nil ? .unauthorized : row.space ? .ok : .forbidden), "meetings · \(name)")
                #expect(requests == (token == nil ? .unauthorized : row.who == "rep-alpha@test.example" || isBoard ? .ok : .forbidden), "join requests · \(name)")
            }
            // The guest reads nothing of the community's, members-only directory fields included.
            let guestToken = sig.tokens[Self.guest]
            #expect(!(try await call(app, .GET, "/api/v1/teams", token: guestToken).body.string.contains(Fixture.alphaInternal)))
            #expect(!(try await call(app, .GET, "/api/v1/sigs/abuse/participants", token: guestToken).body.string.contains("@test.example")),
                    "participants see names; addresses are for chairs and the board")
        }
    }

    /// A participant whose team's membership ends reads nothing of the SIG at once; the chairs
    /// see "affiliation changed" and decide. A post to the SIG's list reaches only the people
    /// who take part, and a restricted one never in clear text.
    @Test func aLostAffiliationClosesTheSpaceAtOnceAndTheListMailsOnlyParticipants() async throws {
        try await withRenkei { app, _ in
            let sig = try await makeSIG(app)
            let amber = try #require(sig.items.first { $0.name == "sig AMBER" })
            let participant = sig.tokens["member-gamma@test.example"]
            #expect(try await call(app, .GET, "/api/v1/items/\(amber.id)", token: participant).status == .ok)
            #expect(try await call(app, .POST, "/api/v1/teams/gamma-cert/membership", token: sig.tokens["secretariat@test.example"],
                                   body: ["change": "terminate", "reason": "Ceased operations"]).status == .ok)
            #expect(try await call(app, .GET, "/api/v1/items/\(amber.id)", token: participant).status == .notFound, "at once")
            #expect(try await page(app, "/sigs/abuse", sig.sessions["member-gamma@test.example"]).body.string.contains("id=\"seat-on-hold\""))
            let chairPage = try await page(app, "/sigs/abuse", sig.sessions["rep-alpha@test.example"]).body.string
            let gamma = try #require(try await UserModel.query(on: app.db).filter(\.$email == "member-gamma@test.example").first()).requireID()
            let beta = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first()).requireID()
            #expect(chairPage.contains("affiliation-changed-\(gamma)") && chairPage.contains("affiliation-changed-\(beta)"))
            // rep-beta's new team is a member too (Gamma's membership ended afterwards, so: remove him instead); the chair keeps nobody by mistake.
            let confirm = try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens["rep-alpha@test.example"],
                                         body: ["step": "confirm-affiliation", "person": "rep-beta@test.example"])
            #expect(confirm.status == .conflict && confirm.body.string.contains("no longer of a member team"))
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens["rep-alpha@test.example"],
                                   body: ["step": "remove", "person": "member-gamma@test.example", "reason": "Team left the community."]).status == .ok)

            // The list: the guest gets a key, so AMBER reaches them encrypted; everyone else subscribed is refused or gets a notice.
            #expect(try await call(app, .PUT, "/api/v1/account/pgp-key", token: sig.tokens[Self.guest], body: ["key": try fixtureKey("recipient")]).status == .ok)
            let list = try await ListStore.require(slug: "sig-abuse", on: app.db)
            for email in ["member-alpha@test.example", "secretariat@test.example"] {
                let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
                // Subscribed behind the rules' back: the fan-out must still leave them out.
                try await ListSubscriptionModel(listID: list.id, userID: user.requireID(), mode: .perMessage, createdAt: Date()).create(on: app.db)
            }
            let post = try await call(app, .POST, "/api/v1/lists/sig-abuse/posts", token: sig.tokens["rep-alpha@test.example"],
                                      body: ["title": "Takedown list for Friday", "body": "Hosts: 198.51.100.23", "tlp": "AMBER"])
            #expect(post.status == .created, "\(post.body.string)")
            let idText = try #require(try jsonObject(post)["id"] as? String)
            let itemID = try #require(UUID(uuidString: idText))
            let messages = try await MailMessageModel.query(on: app.db).filter(\.$itemID == itemID).all().compactMap(\.id)
            let deliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id ~~ messages).all()
            let forms = Dictionary(deliveries.map { ($0.recipient, $0.form) }, uniquingKeysWith: { $0 + "," + $1 })
            #expect(forms == [Self.guest: "encrypted", "rep-alpha@test.example": "notice"],
                    "the guest (with a key) and the author (without) only; not the removed, the moved, the one who left, nor outsiders: \(forms)")
            // The list's archive, as its readers and others see it.
            for (email, reads) in [(Self.guest, true), ("rep-alpha@test.example", true), ("member-alpha@test.example", false), ("member-gamma@test.example", false),
                                   ("secretariat@test.example", false)] {
                let archive = try await page(app, "/lists/sig-abuse", sig.sessions[email])
                #expect(archive.body.string.contains("Takedown list for Friday") == reads, "archive · \(email)")
                #expect(try await call(app, .GET, "/api/v1/lists/sig-abuse/posts", token: sig.tokens[email]).body.string.contains(idText) == reads, "API archive · \(email)")
            }
            // The guest is removed while the mail waits for the relay: the policy is asked again
            // as it leaves, and their copy is withheld; the author's waits for the relay.
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens["rep-alpha@test.example"],
                                   body: ["step": "remove", "person": Self.guest, "reason": "Investigation closed."]).status == .ok)
            let relay = SMTPRelay(host: "127.0.0.1", port: try await closedPort(), security: .none, timeout: 2)
            let report = try await OutboxDelivery(database: app.db, keyring: app.renkei.keyring, relay: relay, addressing: app.renkei.mail,
                                                  logger: app.logger, now: { Date() }).run()
            #expect(report.failed == 1, "the guest's copy only: \(report)")
            let after = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id ~~ messages).all()
            #expect(after.first { $0.recipient == Self.guest }?.lastError?.hasPrefix("withheld") == true)
            #expect(after.first { $0.recipient == "rep-alpha@test.example" }?.state == "queued")
        }
    }

    /// What an attacker tried, each closed: earlier versions of a published document, a
    /// participant relabelling one, a chair who lost their team acting as chair, a removed
    /// guest's second link, a chair opening a SIG by amending its charter, a declined proposal,
    /// and telling who takes part from the answers to a stranger's steps.
    @Test func whatAnAttackerTriedStaysClosed() async throws {
        try await withRenkei { app, _ in
            let sig = try await makeSIG(app)
            let chair = sig.tokens["rep-alpha@test.example"], participant = sig.tokens["member-gamma@test.example"], guest = sig.tokens[Self.guest]
            // A draft at AMBER+STRICT, revised by the chair to a CLEAR summary and published.
            let made = try await call(app, .POST, "/api/v1/sigs/abuse/documents", token: chair,
                                      body: ["title": "Sinkhole report", "body": "SECRET-V1: victims at bank X", "tlp": "AMBER+STRICT"])
            let id = try #require(try jsonObject(made)["id"] as? String)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: chair,
                                   body: ["action": "revise", "title": "Sinkhole summary", "body": "Sanitised.", "tlp": "CLEAR"]).status == .ok)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: chair, body: ["action": "publish", "version": 1]).status == .conflict,
                    "the chair read version 1; version 2 is not published unread")
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: chair, body: ["action": "publish"]).status == .unprocessableEntity)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: chair, body: ["action": "publish", "version": 2]).status == .ok)
            let old = try await page(app, "/sigs/abuse/documents/\(id)?version=1", nil)
            #expect(old.status == .notFound && !old.body.string.contains("SECRET-V1"), "a reader outside the SIG reads no earlier version")
            #expect(try await page(app, "/sigs/abuse/documents/\(id)?version=1", sig.sessions["member-alpha@test.example"]).status == .notFound)
            #expect(try await page(app, "/sigs/abuse/documents/\(id)?version=1", sig.sessions["member-gamma@test.example"]).body.string.contains("SECRET-V1"),
                    "participants read every version")
            #expect(!(try await call(app, .GET, "/api/v1/sigs/abuse/documents/\(id)", token: nil).body.string.contains("SECRET-V1")))
            // Participants and guests change no published document; its label stays the chairs'.
            for token in [participant, guest] {
                #expect(try await call(app, .POST, "/api/v1/sigs/abuse/documents/\(id)", token: token,
                                       body: ["action": "revise", "title": "Edited", "body": "Edited.", "tlp": "CLEAR"]).status == .forbidden)
            }
            // Steps on others: refused alike whether the person exists, takes part, or not.
            for person in [Self.guest, "nobody@nowhere.example", "rep-beta@test.example", "secretariat@test.example"] {
                let refused = try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: sig.tokens["member-alpha@test.example"],
                                             body: ["step": "remove", "person": person, "reason": "x"])
                #expect(refused.status == .forbidden && refused.body.string.contains("act on other participants"), "\(person)")
            }
            // A removed guest's other invitation dies with the seat.
            let second = try await call(app, .POST, "/api/v1/sigs/abuse/guests", token: chair, body: ["email": Self.guest])
            let link = try #require(try jsonObject(second)["link"] as? String)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: chair,
                                   body: ["step": "remove", "person": Self.guest, "reason": "Investigation closed."]).status == .ok)
            let guestSession = try #require(sig.sessions[Self.guest])
            #expect(try await page(app, String(link.dropFirst("https://renkei.test".count)), guestSession).status == .notFound)
            // A chair changes the words of the charter, not who joins.
            let charter: [String: Any] = ["slug": "abuse", "name": "Abuse Handling", "mission": "Route abuse reports. Well.", "scope": "Abuse.",
                                          "deliverables": "A guide.", "decisionMaking": "Consensus.", "joining": "moderated"]
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/decisions", token: chair, body: ["decision": "amend-charter", "charter": charter]).status == .forbidden)
            // A chair whose team's membership ends holds no chair's power.
            #expect(try await call(app, .POST, "/api/v1/teams/alpha-cert/membership", token: sig.tokens["secretariat@test.example"],
                                   body: ["change": "terminate", "reason": "Ceased operations"]).status == .ok)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/guests", token: chair, body: ["email": "private@mail.example"]).status == .forbidden)
            #expect(try await call(app, .POST, "/api/v1/sigs/abuse/participants", token: chair,
                                   body: ["step": "confirm-affiliation", "person": "rep-alpha@test.example"]).status == .forbidden)
            // A declined proposal stays with the members.
            let proposal: [String: Any] = ["slug": "declined-one", "name": "Declined", "mission": "The VPN flaw at ACME.", "scope": "S.", "deliverables": "D.",
                                           "decisionMaking": "C."]
            #expect(try await call(app, .POST, "/api/v1/sigs", token: participant, body: proposal).status == .created)
            #expect(try await call(app, .POST, "/api/v1/sigs/declined-one/decisions", token: sig.tokens[MembershipCast.boardMembers[0]],
                                   body: ["decision": "retire", "reason": "Declined."]).status == .ok)
            #expect(try await call(app, .GET, "/api/v1/sigs/declined-one", token: nil).status == .notFound)
            #expect(!(try await page(app, "/sigs", nil).body.string.contains("declined-one")))
            #expect(try await call(app, .GET, "/api/v1/sigs/declined-one", token: participant).status == .ok)
        }
    }

    /// A refused form of a SIG's page shows the page again with the reason by that form and
    /// what was typed, never a bare error page; the step's own words after it succeeds.
    @Test func theSIGPagesFormsKeepWhatWasTypedAndSayWhy() async throws {
        try await withRenkei { app, _ in
            let sig = try await makeSIG(app)
            let chair = try #require(sig.sessions["rep-alpha@test.example"])
            func post(_ path: String, _ fields: [(String, String)]) async throws -> TestingHTTPResponse {
                var result: TestingHTTPResponse?
                try await app.testing().test(.POST, path, headers: chair.formHeaders(), body: formBody([("_csrf", chair.csrf)] + fields)) { result = $0 }
                return try #require(result)
            }
            let meeting = try await post("/sigs/abuse/meetings", [("title", "Spring meeting"), ("startsAt", "2027-03-10T14:00"), ("timeZone", "Europe/Berln"),
                                                                  ("location", "Room 2, Berlin"), ("agenda", "1. Feeds")])
            let shown = meeting.body.string
            #expect(meeting.status == .unprocessableEntity)
            #expect(shown.contains("<details id=\"plan-meeting\" open>") && shown.contains("id=\"meeting-zone-error\""))
            #expect(shown.contains("value=\"Spring meeting\"") && shown.contains("value=\"Europe/Berln\"") && shown.contains("1. Feeds"), "what was typed stays")
            #expect(!shown.contains("id=\"meeting-start-error\""), "the start was right; only the zone is marked")
            let planned = try await post("/sigs/abuse/meetings", [("title", "Raid debrief WINTERFERN"), ("startsAt", "2027-03-10T14:00"),
                                                                  ("timeZone", "Europe/Berlin"), ("location", "online"), ("agenda", "")])
            #expect(planned.status == .seeOther)
            let lines = try await AuditEventModel.query(on: app.db).filter(\.$action == "sig.meeting-plan").all()
            #expect(lines.count == 1 && !lines[0].detail.contains("WINTERFERN"), "the secretariat's log carries no text of the SIG's space")
            let gamma = try #require(try await UserModel.query(on: app.db).filter(\.$email == "member-gamma@test.example").first()).requireID()
            let blank = try await post("/sigs/abuse/participants", [("step", "remove"), ("person", gamma.uuidString), ("reason", "   ")])
            #expect(blank.status == .unprocessableEntity && blank.body.string.contains("id=\"participants-error\""))
            let removed = try await post("/sigs/abuse/participants", [("step", "remove"), ("person", gamma.uuidString), ("reason", "Left the field.")])
            #expect(removed.status == .seeOther)
            #expect(try await page(app, "/sigs/abuse", chair).body.string.contains("Removed; they are told, with your reason"))
            let notices = try await NotificationModel.query(on: app.db).filter(\.$userID == gamma).all().map(\.text)
            #expect(notices.contains("You no longer take part in Abuse Handling: Left the field."))
            let guest = try await post("/sigs/abuse/guests", [("email", "member-alpha@test.example")])
            #expect(guest.status == .conflict && guest.body.string.contains("<details id=\"invite-guest\" open>") && guest.body.string.contains("value=\"member-alpha@test.example\""))
        }
    }

    /// Bad input to the SIG API is a problem document and changes nothing.
    @Test func badSIGInputIsRefusedClearly() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let bad = try await call(app, .POST, "/api/v1/sigs", token: member, body: ["slug": "Bad Slug!", "name": "", "mission": "", "scope": "", "deliverables": "",
                                                                                  "decisionMaking": "", "defaultLabel": "RED"])
            #expect(bad.status == .unprocessableEntity && bad.headers.contentType?.subType == "problem+json")
            #expect(try await SIGModel.query(on: app.db).count() == 0)
            let candidate = try await apiToken(app, "secretariat@test.example")
            #expect(try await call(app, .POST, "/api/v1/sigs", token: candidate, body: ["slug": "ok-sig", "name": "OK", "mission": "M.", "scope": "S.",
                                                                                    "deliverables": "D.", "decisionMaking": "C."]).status == .forbidden,
                    "the secretariat proposes no SIG: it is a member's proposal")
            #expect(try await call(app, .GET, "/api/v1/sigs/nothing-here", token: member).status == .notFound)
            #expect(try await call(app, .GET, "/api/v1/items?sig=nothing-here", token: member).status == .unprocessableEntity)
            #expect(try await call(app, .POST, "/api/v1/items", token: member,
                                   body: ["title": "T", "body": "B", "tlp": "AMBER", "audience": ["kind": "sig", "sig": "nothing-here"]]).status == .unprocessableEntity)
            var form: HTTPHeaders = ["Authorization": "Bearer \(member)", "Content-Type": "application/x-www-form-urlencoded"]
            form.add(name: .accept, value: "application/json")
            try await app.testing().test(.POST, "/api/v1/sigs", headers: form, body: ByteBuffer(string: "slug=x")) { #expect($0.status == .unsupportedMediaType) }
        }
    }
}
