import Crypto
import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// One reader of the leak matrix: how they sign in to pages, their API token, and the
    /// core's view of them.
    struct MatrixReader: Sendable {
        var name: String
        var session: BrowserSession?
        var token: String?
        var actor: Actor?
    }

    /// A channel through which shared content can be read, and how to tell whether it showed an item.
    struct Channel: Sendable {
        var name: String
        /// The route paths this probe covers, as Vapor lists them.
        var routes: [String]
        var visible: @Sendable (Application, MatrixReader, SharedItem) async throws -> Bool
    }

    static let channels: [Channel] = [
        Channel(name: "page list", routes: ["/items"]) { app, reader, item in
            var found = false
            try await app.testing().test(.GET, "/items", headers: reader.session?.headers ?? [:]) { found = $0.body.string.contains(item.title) }
            return found
        },
        Channel(name: "page search", routes: ["/items"]) { app, reader, item in
            var found = false
            try await app.testing().test(.GET, "/items?q=\(item.title.split(separator: " ").last!)", headers: reader.session?.headers ?? [:]) {
                found = $0.body.string.contains(item.title)
            }
            return found
        },
        Channel(name: "API search", routes: ["/api/v1/items"]) { app, reader, item in
            var found = false
            try await app.testing().test(.GET, "/api/v1/items?q=\(item.title.split(separator: " ").last!)",
                                         headers: reader.token.map { ["Authorization": "Bearer \($0)"] } ?? [:]) {
                found = $0.body.string.contains(item.id.uuidString)
            }
            return found
        },
        Channel(name: "page", routes: ["/items/:item"]) { app, reader, item in
            var status = HTTPStatus.internalServerError
            try await app.testing().test(.GET, "/items/\(item.id)", headers: reader.session?.headers ?? [:]) { status = $0.status }
            // A signed-out reader is sent to sign in instead of a 404 (DailyUseFrameTests).
            #expect(status == .ok || status == (reader.session == nil ? .seeOther : .notFound))
            return status == .ok
        },
        Channel(name: "API list", routes: ["/api/v1/items"]) { app, reader, item in
            var found = false
            try await app.testing().test(.GET, "/api/v1/items", headers: reader.token.map { ["Authorization": "Bearer \($0)"] } ?? [:]) {
                found = $0.body.string.contains(item.id.uuidString)
            }
            return found
        },
        Channel(name: "API item", routes: ["/api/v1/items/:item"]) { app, reader, item in
            var status = HTTPStatus.internalServerError
            try await app.testing().test(.GET, "/api/v1/items/\(item.id)", headers: reader.token.map { ["Authorization": "Bearer \($0)"] } ?? [:]) { status = $0.status }
            return status == .ok
        },
        Channel(name: "API versions", routes: ["/api/v1/items/:item/versions"]) { app, reader, item in
            try await get(app, "/api/v1/items/\(item.id)/versions", reader, api: true).status == .ok
        },
        Channel(name: "attachment", routes: ["/items/:item/attachments/:file"]) { app, reader, item in
            try await get(app, "/items/\(item.id)/attachments/\(item.attachments[0].id)", reader, api: false).status == .ok
        },
        Channel(name: "API attachment", routes: ["/api/v1/items/:item/attachments/:file"]) { app, reader, item in
            try await get(app, "/api/v1/items/\(item.id)/attachments/\(item.attachments[0].id)", reader, api: true).status == .ok
        },
        Channel(name: "list archive", routes: ["/lists/:slug"]) { app, reader, item in
            try await get(app, "/lists/members", reader, api: false).body.string.contains(item.title)
        },
        Channel(name: "list archive search", routes: ["/lists/:slug"]) { app, reader, item in
            try await get(app, "/lists/members?q=\(item.title.split(separator: " ").last!)", reader, api: false).body.string.contains(item.title)
        },
        Channel(name: "API list posts", routes: ["/api/v1/lists/:slug/posts"]) { app, reader, item in
            try await get(app, "/api/v1/lists/members/posts", reader, api: true).body.string.contains(item.id.uuidString)
        },
        // The audit page names an item by its title only to a reader who may read the item.
        Channel(name: "audit page", routes: ["/admin/audit"]) { app, reader, item in
            try await AuditLog.record("item.read", subject: "item \(item.id.uuidString)", actor: nil, address: nil, at: Date(), on: app.db)
            return try await get(app, "/admin/audit?subject=\(item.id.uuidString)", reader, api: false).body.string.contains(item.title)
        },
        Channel(name: "home page", routes: ["/"]) { app, reader, item in
            try await get(app, "/", reader, api: false).body.string.contains(item.title)
        },
        Channel(name: "public feed", routes: ["/feeds/public.atom"]) { app, _, item in
            var found = false
            try await app.testing().test(.GET, "/feeds/public.atom") { found = $0.body.string.contains(item.title) }
            return found
        },
        Channel(name: "member feed", routes: ["/feeds/items.atom"]) { app, reader, item in
            var found = false
            try await app.testing().test(.GET, "/feeds/items.atom" + (reader.token.map { "?token=\($0)" } ?? "")) { found = $0.body.string.contains(item.title) }
            return found
        },
        Channel(name: "STIX bundle page", routes: ["/items/:item/stix.json"]) { app, reader, item in
            try await get(app, "/items/\(item.id)/stix.json", reader, api: false).status == .ok
        },
        Channel(name: "STIX bundle API", routes: ["/api/v1/items/:item/stix"]) { app, reader, item in
            try await get(app, "/api/v1/items/\(item.id)/stix", reader, api: true).status == .ok
        },
        // Every collection the reader lists, each read whole: the item is in one of them exactly when it may be read.
        Channel(name: "TAXII collections", routes: ["/taxii2/api/collections/:collection/objects"]) { app, reader, item in
            var found = false
            for collection in ShareCollection.collections(for: reader.actor) {
                let page = try await get(app, "/taxii2/api/collections/\(collection.id.uuidString.lowercased())/objects/", reader, api: true)
                found = found || page.body.string.contains("\"external_id\":\"\(item.id.uuidString.lowercased())\"")
            }
            return found
        },
        Channel(name: "TAXII object", routes: ["/taxii2/api/collections/:collection/objects/:object"]) { app, reader, item in
            try await get(app, "/taxii2/api/collections/\(readerCollection(reader))/objects/\(STIX21.itemObjectID(item))/", reader, api: true).status == .ok
        },
        Channel(name: "TAXII versions", routes: ["/taxii2/api/collections/:collection/objects/:object/versions"]) { app, reader, item in
            try await get(app, "/taxii2/api/collections/\(readerCollection(reader))/objects/\(STIX21.itemObjectID(item))/versions/", reader, api: true).status == .ok
        },
        Channel(name: "TAXII manifest", routes: ["/taxii2/api/collections/:collection/manifest"]) { app, reader, item in
            try await get(app, "/taxii2/api/collections/\(readerCollection(reader))/manifest/", reader, api: true).body.string.contains(STIX21.itemObjectID(item))
        },
        Channel(name: "MISP manifest", routes: ["/feeds/misp/:collection/manifest.json"]) { app, reader, item in
            try await get(app, "/feeds/misp/\(readerCollection(reader))/manifest.json", reader, api: true).body.string.contains(item.id.uuidString.lowercased())
        },
        Channel(name: "MISP hashes", routes: ["/feeds/misp/:collection/hashes.csv"]) { app, reader, item in
            try await get(app, "/feeds/misp/\(readerCollection(reader))/hashes.csv", reader, api: true).body.string.contains(item.id.uuidString.lowercased())
        },
        Channel(name: "MISP event", routes: ["/feeds/misp/:collection/:event"]) { app, reader, item in
            try await get(app, "/feeds/misp/\(readerCollection(reader))/\(item.id.uuidString.lowercased()).json", reader, api: true).status == .ok
        },
    ]

    /// The collection a reader's machine reads everything from: the public one for a visitor.
    static func readerCollection(_ reader: MatrixReader) -> String {
        (reader.actor == nil ? ShareCollection.publicItems : ShareCollection.everything).id.uuidString.lowercased()
    }

    /// Every other GET route, each of which serves no shared item or artifact: a new route must
    /// be added either here or as a channel above, so no channel escapes the matrix.
    static let routesWithoutSharedContent: Set<String> = [
        "/.well-known/jwks.json", "/favicon.ico", "/account", "/account/two-factor", "/api/v1/audit", "/api/v1/cvss", "/api/v1/lookup",
        "/api/v1/membership/applications", "/api/v1/membership/applications/:application", "/api/v1/openapi.json", "/api/v1/teams",
        "/api/v1/teams/:slug", "/api/v1/teams/:slug/membership", "/cvss", "/cvss/:version", "/global-irt/v1/teams", "/global-irt/v1/teams.csv",
        "/global-irt/v1/teams.json", "/healthz", "/invitations/:token", "/lookup", "/membership", "/membership/applications/:application",
        "/membership/apply", "/membership/confirm/:token", "/metrics", "/sign-in", "/sign-in/two-factor", "/teams", "/teams/:slug", "/teams/:slug/edit",
        "/teams/:slug/rfc2350.txt", "/teams/:slug/vcard.vcf", "/teams/:slug/keys.asc", "/teams/new", "/items/new", "/artifacts/new",
        // Notices name an item only to people it was shared with (the author, a referred team, holders).
        "/notifications",
        // Lists by name and the reader's subscriptions; the lists' public key; the reader's own key.
        "/lists", "/lists/new", "/lists/key.asc", "/api/v1/lists", "/api/v1/account/pgp-key",
        // Constituency claims waiting for approval: network, domain and country names, no shared items.
        "/admin/claims", "/api/v1/claims",
        // Coverage: counts of teams and address space; what each reader may know is proven in CoverageServerTests.
        "/coverage", "/coverage.csv", "/api/v1/coverage",
        // SIM3 profiles: levels and comments a team chose to show; who reads which is proven in SIM3ServerTests.
        "/sim3", "/teams/:slug/sim3", "/teams/:slug/sim3/edit", "/api/v1/teams/:slug/sim3",
        // Reachability tests: campaigns' counts, team names for the secretariat, a team's own history; proven in ReachabilityServerTests.
        "/reachability", "/reachability/campaigns/:campaign", "/reachability/campaigns/:campaign/results.csv", "/reachability/answer/:token",
        "/teams/:slug/reachability",
        // The reader's own two-factor set-up; type-ahead of team names and of people who may be named (no items).
        "/account/two-factor/qr.svg", "/api/v1/suggest/teams", "/api/v1/suggest/people",
        // TAXII's discovery, API root and collections (names of the reader's own team and SIGs), and the status of the reader's own posts.
        "/taxii2", "/taxii2/api", "/taxii2/api/collections", "/taxii2/api/collections/:collection", "/taxii2/api/status/:status",
    ]

    static func get(_ app: Application, _ path: String, _ reader: MatrixReader, api: Bool) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        let headers: HTTPHeaders = api ? (reader.token.map { ["Authorization": "Bearer \($0)"] } ?? [:]) : (reader.session?.headers ?? [:])
        try await app.testing().test(.GET, path, headers: headers) { result = $0 }
        return try #require(result)
    }

    /// The registry's channels: list and record in pages and API, and the sample download.
    static let artifactChannels: [(name: String, routes: [String], visible: @Sendable (Application, MatrixReader, Artifact) async throws -> Bool)] = [
        ("artifact page list", ["/artifacts"], { app, reader, artifact in try await get(app, "/artifacts", reader, api: false).body.string.contains(artifact.sha256) }),
        ("artifact page", ["/artifacts/:item"], { app, reader, artifact in try await get(app, "/artifacts/\(artifact.id)", reader, api: false).status == .ok }),
        ("artifact API list", ["/api/v1/artifacts"], { app, reader, artifact in
            try await get(app, "/api/v1/artifacts", reader, api: true).body.string.contains(artifact.sha256) }),
        ("artifact API", ["/api/v1/artifacts/:item"], { app, reader, artifact in try await get(app, "/api/v1/artifacts/\(artifact.id)", reader, api: true).status == .ok }),
        ("sample download", ["/artifacts/:item/sample.zip"], { app, reader, artifact in
            try await get(app, "/artifacts/\(artifact.id)/sample.zip", reader, api: false).status == .ok }),
        ("sample API download", ["/api/v1/artifacts/:item/sample.zip"], { app, reader, artifact in
            try await get(app, "/api/v1/artifacts/\(artifact.id)/sample.zip", reader, api: true).status == .ok }),
        ("artifact STIX page", ["/artifacts/:item/stix.json"], { app, reader, artifact in
            try await get(app, "/artifacts/\(artifact.id)/stix.json", reader, api: false).status == .ok }),
        ("artifact STIX API", ["/api/v1/artifacts/:item/stix"], { app, reader, artifact in
            try await get(app, "/api/v1/artifacts/\(artifact.id)/stix", reader, api: true).status == .ok }),
    ]

    @Test func everyChannelShowsEachRoleExactlyWhatTheAccessPolicyAllows() async throws {
        try await withRenkei { app, fixture in
            let cast = try await MembershipCast.make(app)
            let author = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-alpha@test.example").first())
            let named = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-gamma@test.example").first())
            // Teams without the author's: the author's own team reads those too (GREEN to AMBER+STRICT).
            let audiences: [Audience] = [.community, .teams([fixture.alphaID]), .teams([fixture.betaID]), .individuals([try named.requireID()])]
            // Every item sits in the community list's archive, whatever its audience: the
            // archive must still show each reader only what the policy allows.
            let list = try await ListStore.require(slug: "members", on: app.db)
            var items: [SharedItem] = []
            var artifacts: [Artifact] = []
            for tlp in TLPLabel.allCases {
                for audience in audiences where tlp != .red || audience.kind == "individuals" {
                    let other = audience == .teams([fixture.betaID]) ? " other" : ""
                    let sample = Array("sample \(tlp.rawValue) \(audience.kind) \(UUID())".utf8)
                    let artifact = try Artifact.uploaded(sample, name: "sample.exe", id: UUID(), tlp: tlp, audience: audience,
                                                         by: Actor(userID: author.requireID(), roles: author.roleSet, teamID: fixture.alphaID, teamStatus: .active),
                                                         at: Date())
                    try await ArtifactModel(artifact).create(on: app.db)
                    try await ArtifactSampleModel(sha256: artifact.sha256, content: Data(sample)).create(on: app.db)
                    artifacts.append(artifact)
                    let draft = SharedItemDraft(title: "Item \(tlp.rawValue) to\(other) \(audience.kind) \(UUID().uuidString.prefix(8))",
                                                body: "Indicators: 198.51.100.7 CVE-2026-12345", tlp: tlp, audience: audience)
                    var item = try SharedItem.compose(draft, id: UUID(), by: Actor(userID: author.requireID(), roles: author.roleSet, teamID: fixture.alphaID,
                                                                                   teamStatus: .active),
                                                      authorName: author.displayName, authorTeam: (fixture.alphaID, "Alpha-CERT"), at: Date())
                    let file = Array("attachment of \(item.title)".utf8)
                    item.attachments = [try SharedItem.Attachment.describe(file, name: "report.txt", id: UUID())]
                    item.listID = list.id
                    let model = try SharedItemModel(item)
                    try await model.create(on: app.db)
                    try await AttachmentModel(id: item.attachments[0].id, itemID: item.id, content: Data(file)).create(on: app.db)
                    try await SharedItemSearch.index(model, on: app.db)
                    items.append(item)
                }
            }
            #expect(items.count == 17)

            let people: [(String, String, UUID?, MembershipStatus?)] = [
                ("liaison", "rep-beta@test.example", fixture.betaID, .active),
                ("member of a non-audience team", "member-gamma@test.example", cast.gammaID, .active),
                ("member of an audience team", "member-alpha@test.example", fixture.alphaID, .active),
                ("named recipient", "rep-gamma@test.example", cast.gammaID, .active),
                ("board", MembershipCast.boardMembers[0], nil, nil),
                ("secretariat", "secretariat@test.example", nil, nil),
                ("candidate", MembershipCast.candidate, nil, nil),
            ]
            var readers = [MatrixReader(name: "anonymous")]
            for (name, email, team, status) in people {
                let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
                let password = Fixture.passwords[email] ?? "test-password-123"
                readers.append(MatrixReader(name: name, session: try await signIn(app, email, password: password), token: try await apiToken(app, email),
                                            actor: Actor(userID: try user.requireID(), roles: user.roleSet, teamID: team, teamStatus: status)))
            }

            for reader in readers {
                for item in items {
                    let allowed = AccessPolicy.canRead(item.access, reader: reader.actor)
                    for channel in Self.channels {
                        // The public feed carries TLP:CLEAR to everyone; a member feed exists only with a token.
                        let expected = switch channel.name {
                        case "public feed": item.tlp == .clear
                        // A visitor's home page lists no items; a signed-in reader's lists the
                        // newest 20 they may read, and the matrix has 17 items.
                        case "home page": reader.session != nil && allowed
                        case "member feed": reader.token != nil && allowed
                        case "audit page": AuditPolicy.canRead(reader.actor) && allowed
                        case "list archive", "list archive search", "API list posts":
                            allowed && (list.canSubscribe(reader.actor) || MailingList.canCreate(reader.actor))
                        default: allowed
                        }
                        let visible = try await channel.visible(app, reader, item)
                        #expect(visible == expected, "\(channel.name) · \(reader.name) · \(item.tlp.text) to \(item.audience.kind)")
                    }
                }
            }
            // Mail: every reader with an account is subscribed (the subscription rules bypassed on
            // purpose), and the fan-out still mails each item only to those the policy lets read it.
            for reader in readers {
                guard let actor = reader.actor else { continue }
                try await ListSubscriptionModel(listID: list.id, userID: actor.userID, mode: .perMessage, createdAt: Date()).create(on: app.db)
            }
            for item in items {
                try await ListStore.enqueueMail(for: item, on: list, addressing: app.renkei.mail, at: Date(), on: app.db)
                let messages = try await MailMessageModel.query(on: app.db).filter(\.$itemID == item.id).all().compactMap(\.id)
                let deliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$message.$id ~~ messages).all()
                for reader in readers {
                    guard let actor = reader.actor else { continue }
                    let forms = deliveries.filter { $0.recipientUserID == actor.userID }.map(\.form)
                    let expected = AccessPolicy.canRead(item.access, reader: actor) ? [item.tlp >= .amber ? "notice" : "signed"] : []
                    #expect(forms == expected, "mail · \(reader.name) · \(item.tlp.text) to \(item.audience.kind)")
                }
            }
            for reader in readers {
                for artifact in artifacts {
                    for channel in Self.artifactChannels {
                        let expected = channel.name.contains("download") ? artifact.canDownload(reader.actor) : artifact.canRead(reader.actor)
                        let visible = try await channel.visible(app, reader, artifact)
                        #expect(visible == expected, "\(channel.name) · \(reader.name) · \(artifact.tlp.text) to \(artifact.audience.kind)")
                    }
                }
            }
            // Spot checks written out, so the matrix does not only agree with itself.
            let amberToCommunity = try #require(items.first { $0.tlp == .amber && $0.audience == .community })
            let redToNamed = try #require(items.first { $0.tlp == .red })
            #expect(!AccessPolicy.canRead(amberToCommunity.access, reader: readers.first { $0.name == "secretariat" }?.actor))
            #expect(AccessPolicy.canRead(amberToCommunity.access, reader: readers.first { $0.name == "liaison" }?.actor))
            #expect(AccessPolicy.canRead(redToNamed.access, reader: readers.first { $0.name == "named recipient" }?.actor))
            #expect(!AccessPolicy.canRead(redToNamed.access, reader: readers.first { $0.name == "member of an audience team" }?.actor))
            // The author's colleague reads what the author shared with another team, up to AMBER+STRICT.
            let colleague = try #require(readers.first { $0.name == "member of an audience team" })
            for tlp in [TLPLabel.green, .amber, .amberStrict] {
                let toBeta = try #require(items.first { $0.tlp == tlp && $0.audience == .teams([fixture.betaID]) })
                let page = try await Self.get(app, "/items/\(toBeta.id)", colleague, api: false)
                #expect(page.status == .ok, "the author's team reads \(tlp.text) shared with Beta")
                #expect(page.body.string.contains("shared with the team Beta-CSIRT</p>"), "the page names the team, not its slug")
                #expect(try await Self.get(app, "/items/\(toBeta.id)", try #require(readers.first { $0.name == "member of a non-audience team" }), api: false).status == .notFound)
            }

            let memberOfAudience = readers.first { $0.name == "member of an audience team" }?.actor
            let amberArtifact = try #require(artifacts.first { $0.tlp == .amber && $0.audience == .teams([fixture.alphaID]) })
            #expect(amberArtifact.canDownload(memberOfAudience), "the holder team downloads its sample")
            #expect(!amberArtifact.canDownload(readers.first { $0.name == "secretariat" }?.actor), "no officer downloads by role")

            let classified = Set(Self.channels.flatMap(\.routes) + Self.artifactChannels.flatMap(\.routes)).union(Self.routesWithoutSharedContent).union(Self.sigRoutes).union(Self.eventRoutes).union(Self.abuseRoutes).union(Self.abuseMonitoringRoutes)
            let getRoutes = Set(app.routes.all.filter { $0.method == .GET }.map { "/" + $0.path.map(\.description).joined(separator: "/") })
            #expect(getRoutes.subtracting(classified).isEmpty, "routes that are neither a channel of this matrix nor listed as without shared content: \(getRoutes.subtracting(classified).sorted())")
            #expect(classified.subtracting(getRoutes).isEmpty, "listed routes that no longer exist: \(classified.subtracting(getRoutes).sorted())")

            let reads = try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read").all()
            #expect(!reads.isEmpty && reads.allSatisfy { !$0.detail.contains("TLP:CLEAR") && !$0.detail.contains("TLP:GREEN") },
                    "reads of AMBER, AMBER+STRICT and RED items are audited, and only those")
        }
    }

    @Test func membersShareThroughTheAPIAndBadInputStoresNothing() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let body: [String: Any] = ["title": "Campaign against DE utilities", "tlp": "TLP:AMBER", "tags": ["Phishing", "phishing"],
                                       "body": "Seen from hxxp://login-update[.]example/x and 203.0.113.9; CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                       "audience": ["kind": "teams", "teams": ["alpha-cert", "beta-csirt"]]]
            var id = ""
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody(body)) { response in
                #expect(response.status == .created)
                let document = try jsonObject(response)
                id = try #require(document["id"] as? String)
                #expect(document["tlp"] as? String == "TLP:AMBER" && document["tags"] as? [String] == ["phishing"])
                let indicators = try #require(document["indicators"] as? [[String: Any]])
                #expect(Set(indicators.compactMap { $0["kind"] as? String }) == ["url", "ipv4", "cvss", "domain"])
                #expect(indicators.first { $0["kind"] as? String == "cvss" }?["score"] as? Double == 9.8)
            }
            try await app.testing().test(.GET, "/items/\(id)", headers: try await signIn(app, "member-alpha@test.example").headers) { response in
                let html = response.body.string
                #expect(html.contains("id=\"item-tlp\"") && html.contains("TLP:AMBER") && html.contains("class=\"tlp tlp-amber\""), "the label on top, in its colour")
            }
            for (query, hits) in [("203.0.113.9", 1), ("utilities%20campaign", 1), ("CVE-1999-0001", 0), ("%22*%20NEAR(", 0)] {
                try await app.testing().test(.GET, "/api/v1/items?q=\(query)", headers: bearer(member)) { response in
                    #expect(response.status == .ok, "search for \(query)")
                    let found = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                    #expect(found.count == hits, "search for \(query)")
                }
            }
            for (bad, field) in [(["tlp": "TLP:WHITE"], "tlp"), (["tlp": "TLP:RED"], "audience"), (["audience": ["kind": "teams", "teams": ["nope"]]], "audience.teams"),
                                 (["title": ""], "title")] as [([String: Any], String)] {
                var refused = body
                refused.merge(bad) { $1 }
                try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody(refused)) { response in
                    #expect(response.status == .unprocessableEntity)
                    let problem = try jsonObject(response)
                    #expect((problem["errors"] as? [[String: Any]])?.contains { $0["field"] as? String == field } == true, "\(bad) is refused naming \(field)")
                }
            }
            let html = Array("<html><script>alert(1)</script></html>".utf8)
            var withFile = body
            withFile["attachments"] = [["name": "advisory.html", "content": Data(html).base64EncodedString()]]
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody(withFile)) { response in
                #expect(response.status == .created)
                let attachments = try #require(try jsonObject(response)["attachments"] as? [[String: Any]])
                let url = try #require(attachments.first?["url"] as? String)
                #expect(attachments.first?["sha256"] as? String == Artifact.sha256Hex(html))
                try await app.testing().test(.GET, url, headers: bearer(member)) { download in
                    #expect(Array(download.body.readableBytesView) == html)
                    #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true, "never shown inline")
                    #expect(download.headers.first(name: "X-Content-Type-Options") == "nosniff" && download.headers.contentType == .binary)
                }
                try await app.testing().test(.GET, url) { anonymous in
                    #expect(anonymous.status == .notFound, "an AMBER item's attachment is not for anonymous readers")
                }
            }
            var tooMany = body
            tooMany["attachments"] = Array(repeating: ["name": "a.txt", "content": Data("x".utf8).base64EncodedString()], count: 6)
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody(tooMany)) { response in
                #expect(response.status == .unprocessableEntity)
            }
            #expect(try await SharedItemModel.query(on: app.db).count() == 2, "nothing is stored from refused input")
            try await app.testing().test(.GET, "/feeds/items.atom") { response in
                #expect(response.status == .unauthorized && response.headers.contentType?.description.hasPrefix("application/problem+json") == true,
                        "a member feed without a token is refused, not redirected")
            }
            _ = try await MembershipCast.make(app)
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(try await apiToken(app, MembershipCast.candidate)), body: try jsonBody(body)) { response in
                #expect(response.status == .forbidden, "an account without a team does not share")
            }
        }
    }

    @Test func requestsAreAnsweredReferredAndTakenPrivate() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let asker = try await apiToken(app, "member-alpha@test.example")
            let helper = try await apiToken(app, "rep-alpha@test.example")
            let outsider = try await apiToken(app, "member-gamma@test.example")
            var id = ""
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(asker), body: try jsonBody([
                "kind": "request", "title": "Who has the loader sample?", "body": "We saw the loader in a customer network.", "tlp": "TLP:AMBER",
                "audience": ["kind": "teams", "teams": ["alpha-cert"]],
                "request": ["kind": "sample", "urgency": "high", "subject": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
            ])) { response in
                #expect(response.status == .created)
                id = try #require(try jsonObject(response)["id"] as? String)
            }
            func read(_ token: String) async throws -> (HTTPStatus, [String: Any]) {
                var result: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
                try await app.testing().test(.GET, "/api/v1/items/\(id)", headers: bearer(token)) { response in
                    result = (response.status, response.status == .ok ? try jsonObject(response) : [:])
                }
                return result
            }
            func reply(_ token: String, _ body: [String: Any]) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.testing().test(.POST, "/api/v1/items/\(id)/replies", headers: bearer(token), body: try jsonBody(body)) { status = $0.status }
                return status
            }
            let hidden = try await read(outsider).0
            let refusedReply = try await reply(outsider, ["kind": "answer", "text": "Me!"])
            #expect(hidden == .notFound)
            #expect(refusedReply == .notFound, "nobody replies to what they cannot read")

            app.renkei.clock.advance(by: 3600)
            let answer = try await reply(helper, ["kind": "answer", "text": "We have it; see the registry, filed under wombatloader."])
            #expect(answer == .created)
            try await app.testing().test(.GET, "/api/v1/items?q=wombatloader", headers: bearer(asker)) { response in
                let found = try #require(try jsonObject(response)["items"] as? [[String: Any]])
                #expect(found.count == 1, "replies are searched too")
            }
            let (_, answered) = try await read(asker)
            let details = try #require(answered["request"] as? [String: Any])
            #expect(details["status"] as? String == "answered")
            // The hour the clock was moved on, and the real seconds the steps between took (more on a busy machine).
            #expect(abs((answered["timeToFirstReply"] as? Double ?? 0) - 3600) < 30, "time to the first reply is recorded")

            let referral = try await reply(helper, ["kind": "referral", "team": "gamma-cert", "text": "Gamma analysed the same family."])
            let referredRead = try await read(outsider).0
            #expect(referral == .created)
            #expect(referredRead == .ok, "a referred team sees the request")
            let gammaNotices = try await NotificationModel.query(on: app.db).filter(\.$text ~~ "referred").all()
            #expect(Set(gammaNotices.map(\.userID)).count >= 2, "the people of the referred team are notified")

            let offer = try await reply(outsider, ["kind": "private-offer", "text": "I can send our copy; ping me."])
            #expect(offer == .created)
            let (_, offered) = try await read(asker)
            let replies = try #require(offered["replies"] as? [[String: Any]])
            let conversation = try #require(replies.last?["conversationID"] as? String)
            for (token, expected) in [(asker, HTTPStatus.ok), (outsider, .ok), (helper, .notFound)] {
                try await app.testing().test(.GET, "/api/v1/items/\(conversation)", headers: bearer(token)) { response in
                    #expect(response.status == expected, "the private conversation is TLP:RED between the two people only")
                    if expected == .ok {
                        let document = try jsonObject(response)
                        #expect(document["tlp"] as? String == "TLP:RED")
                    }
                }
            }

            try await app.testing().test(.POST, "/api/v1/items/\(id)/status", headers: bearer(helper), body: try jsonBody(["status": "closed"])) { response in
                #expect(response.status == .forbidden, "only the requester closes")
            }
            try await app.testing().test(.POST, "/api/v1/items/\(id)/status", headers: bearer(asker), body: try jsonBody(["status": "closed"])) { response in
                #expect(response.status == .ok)
            }
            let late = try await reply(helper, ["kind": "answer", "text": "late"])
            #expect(late == .unprocessableEntity, "a closed request takes no replies")
        }
    }

    @Test func aPointOfContactRequestIsAnsweredAtOnceByTheLookup() async throws {
        try await withRenkei { app, _ in
            let asker = try await apiToken(app, "member-alpha@test.example")
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(asker), body: try jsonBody([
                "kind": "request", "title": "Who handles 192.0.2.44?", "body": "Scanning from this address.", "tlp": "TLP:GREEN",
                "audience": ["kind": "community"], "request": ["kind": "point-of-contact", "subject": "192.0.2.44"],
            ])) { response in
                #expect(response.status == .created)
                let replies = try #require(try jsonObject(response)["replies"] as? [[String: Any]])
                #expect(replies.count == 1 && replies[0]["kind"] as? String == "lookup")
                #expect((replies[0]["text"] as? String)?.contains("Alpha-CERT (alpha-cert)") == true, "the constituency's team, with its reasons")
            }
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(asker), body: try jsonBody([
                "kind": "request", "title": "Who handles this?", "body": "?", "audience": ["kind": "community"],
                "request": ["kind": "point-of-contact", "subject": "not an indicator!"],
            ])) { response in
                #expect(response.status == .unprocessableEntity)
            }
        }
    }

    @Test func aRequestForARegisteredSampleReachesItsHoldersWhoShareIt() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let holder = try await apiToken(app, "rep-alpha@test.example")
            let asker = try await apiToken(app, "member-gamma@test.example")
            let sample = Array("MZ\u{90}\u{00} a pretend loader".utf8)
            let boundary = "renkei-test-boundary"
            var body = ""
            for (name, value) in [("tlp", "TLP:AMBER"), ("audience", "teams"), ("teams", "alpha-cert"), ("names", "invoice.exe")] {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            var multipart = ByteBuffer(string: body + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"loader.bin\"\r\n"
                                       + "Content-Type: application/octet-stream\r\n\r\n")
            multipart.writeBytes(sample)
            multipart.writeString("\r\n--\(boundary)--\r\n")
            var id = "", sha256 = ""
            try await app.testing().test(.POST, "/api/v1/artifacts", headers: ["Authorization": "Bearer \(holder)", "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                         body: multipart) { response in
                #expect(response.status == .created, "\(response.body.string)")
                let document = try jsonObject(response)
                id = try #require(document["id"] as? String)
                sha256 = try #require(document["sha256"] as? String)
                #expect(sha256 == SHA256.hash(data: sample).map { String(format: "%02x", $0) }.joined())
                #expect(document["md5"] as? String == Insecure.MD5.hash(data: sample).map { String(format: "%02x", $0) }.joined())
                #expect(document["fileType"] as? String == "PE executable (MZ)" && document["size"] as? Int == sample.count)
                #expect(document["names"] as? [String] == ["invoice.exe", "loader.bin"])
            }
            try await app.testing().test(.POST, "/api/v1/artifacts", headers: bearer(holder), body: try jsonBody(["sha256": "abc", "tlp": "TLP:GREEN"])) { response in
                #expect(response.status == .unprocessableEntity, "a malformed hash is refused")
            }
            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)", headers: bearer(asker)) { response in
                #expect(response.status == .notFound, "the record is AMBER to the holder team")
            }

            var requestID = ""
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(asker), body: try jsonBody([
                "kind": "request", "title": "Anyone have this loader?", "body": "Seen at a customer.", "tlp": "TLP:GREEN", "audience": ["kind": "community"],
                "request": ["kind": "sample", "subject": sha256.uppercased()],
            ])) { response in
                #expect(response.status == .created)
                let document = try jsonObject(response)
                requestID = try #require(document["id"] as? String)
                #expect((document["replies"] as? [[String: Any]])?.isEmpty == true, "the requester is not told what the AMBER registry holds")
            }
            let alphaPeople = try await UserModel.query(on: app.db).filter(\.$email ~~ "alpha@test.example").all().compactMap(\.id)
            let notices = try await NotificationModel.query(on: app.db).filter(\.$text ~~ "asks for a sample").all()
            #expect(Set(notices.map(\.userID)) == Set(alphaPeople), "every person of the holder team hears of the request")

            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)/sample.zip", headers: bearer(asker)) { response in
                #expect(response.status == .notFound || response.status == .forbidden)
            }
            try await app.testing().test(.POST, "/api/v1/artifacts/\(id)/shares", headers: bearer(asker), body: try jsonBody(["request": requestID])) { response in
                #expect(response.status == .notFound, "only a holder shares")
            }
            try await app.testing().test(.POST, "/api/v1/artifacts", headers: bearer(try await apiToken(app, "member-gamma@test.example")),
                                         body: try jsonBody(["sha256": sha256, "tlp": "TLP:GREEN"])) { response in
                // Gamma cannot read the AMBER entry: its registration is an entry of its own, so
                // the answer tells nothing of Alpha's, and knowing a hash makes nobody a holder.
                let document = try jsonObject(response)
                #expect(response.status == .created && document["id"] as? String != id)
            }
            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)/sample.zip", headers: bearer(asker)) { response in
                #expect(response.status == .notFound)
            }
            try await app.testing().test(.POST, "/api/v1/artifacts/\(id)/shares", headers: bearer(holder), body: try jsonBody(["request": requestID])) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)/sample.zip", headers: bearer(asker)) { response in
                #expect(response.status == .ok && response.headers.contentType == .zip)
                let zip = Array(response.body.readableBytesView)
                #expect(zip.starts(with: [0x50, 0x4B, 0x03, 0x04]) && zip[6] & 1 == 1, "an encrypted ZIP entry")
                #expect(Data(zip).range(of: Data(sample)) == nil, "the sample never travels in clear")
            }
            let downloads = try await AuditEventModel.query(on: app.db).filter(\.$action == "artifact.download").count()
            #expect(downloads == 1)
        }
    }
}

// MARK: - Issue 12: the leak matrix's new cases

extension ServerTests {
    private func status(_ app: Application, _ method: HTTPMethod, _ path: String, _ headers: HTTPHeaders, _ body: [String: Any]? = nil) async throws
        -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(method, path, headers: headers, body: try body.map(jsonBody)) { result = ($0.status, $0.body.string) }
        return result
    }

    private func postItem(_ app: Application, _ token: String, _ body: [String: Any]) async throws -> [String: Any] {
        var document: [String: Any] = [:]
        try await app.testing().test(.POST, "/api/v1/items", headers: bearer(token), body: try jsonBody(body)) { response in
            #expect(response.status == .created, "\(response.body.string)")
            document = try jsonObject(response)
        }
        return document
    }

    @Test func aPrivateOffersTextIsOnNoChannelOfTheRequest() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let asker = try await apiToken(app, "member-alpha@test.example")
            let offerer = try await apiToken(app, "member-gamma@test.example")
            let request = try await postItem(app, asker, [
                "kind": "request", "title": "Who saw the quokka loader?", "body": "Public question.", "tlp": "TLP:CLEAR",
                "audience": ["kind": "community"], "request": ["kind": "information"],
            ])
            let id = try #require(request["id"] as? String)
            // The request is also a post of the community list, so its archive is a channel too.
            let list = try await ListStore.require(slug: "members", on: app.db)
            let model = try #require(try await SharedItemModel.find(UUID(uuidString: id), on: app.db))
            model.listID = list.id
            try await model.save(on: app.db)

            let secret = "wallabysecret"
            let (offered, offeredBody) = try await status(app, .POST, "/api/v1/items/\(id)/replies", bearer(offerer),
                                                          ["kind": "private-offer", "text": "Our \(secret) copy is yours."])
            #expect(offered == .created)
            #expect(!offeredBody.contains(secret), "not even the offerer's answer repeats it on the request")

            // Lists, feeds and searches are read by a member who is not party to the offer: the
            // two people it concerns read the TLP:RED conversation there too, as they should.
            let askerPage = try await signIn(app, "member-alpha@test.example")
            let members = try await signIn(app, "rep-beta@test.example")
            let member = try await apiToken(app, "rep-beta@test.example")
            for (name, path, headers) in [("anonymous page", "/items/\(id)", HTTPHeaders()), ("requester's page", "/items/\(id)", askerPage.headers),
                                          ("member page", "/items/\(id)", members.headers), ("API", "/api/v1/items/\(id)", bearer(asker)),
                                          ("anonymous API", "/api/v1/items/\(id)", HTTPHeaders()), ("page list", "/items", members.headers),
                                          ("API list", "/api/v1/items", bearer(member)), ("public feed", "/feeds/public.atom", HTTPHeaders()),
                                          ("member feed", "/feeds/items.atom?token=\(member)", HTTPHeaders()), ("list archive", "/lists/members", askerPage.headers),
                                          ("API list posts", "/api/v1/lists/members/posts", bearer(asker))] {
                let (code, body) = try await status(app, .GET, path, headers)
                #expect(code == .ok, "\(name)")
                #expect(!body.contains(secret), "the offer's TLP:RED text is not on the request's \(name)")
            }
            let (_, page) = try await status(app, .GET, "/items/\(id)", HTTPHeaders())
            #expect(page.contains("offered to share privately"), "the request shows that an offer was made")
            for (name, path, headers) in [("page search", "/items?q=\(secret)", members.headers), ("API search", "/api/v1/items?q=\(secret)", bearer(member)),
                                          ("anonymous search", "/items?q=\(secret)", HTTPHeaders()),
                                          ("archive search", "/lists/members?q=\(secret)", askerPage.headers)] {
                let (_, body) = try await status(app, .GET, path, headers)
                #expect(!body.contains("quokka"), "a search for the offer's words does not find the request (\(name))")
            }
            let (_, requestJSON) = try await status(app, .GET, "/api/v1/items/\(id)", bearer(asker))
            let replies = try #require(try JSONSerialization.jsonObject(with: Data(requestJSON.utf8)) as? [String: Any])["replies"] as? [[String: Any]]
            let conversation = try #require(replies?.last?["conversationID"] as? String)
            let (inConversation, conversationBody) = try await status(app, .GET, "/items/\(conversation)", askerPage.headers)
            #expect(inConversation == .ok && conversationBody.contains(secret), "the text lives in the TLP:RED conversation")
            #expect(try await status(app, .GET, "/items/\(conversation)", members.headers).0 == .notFound)

            // A request stored before the fix, with the offer's text in its reply, reads the same.
            var old = try #require(try await SharedItemModel.find(UUID(uuidString: id), on: app.db)).item()
            old.replies[old.replies.count - 1].text = "Our \(secret) copy is yours."
            old.id = UUID()
            old.title = "An older quokka question"
            old.listID = nil
            let oldModel = try SharedItemModel(old)
            try await oldModel.create(on: app.db)
            try await SharedItemSearch.index(oldModel, on: app.db)
            for (path, headers) in [("/items/\(try oldModel.requireID())", HTTPHeaders()), ("/api/v1/items/\(try oldModel.requireID())", HTTPHeaders()),
                                    ("/feeds/public.atom", HTTPHeaders()), ("/api/v1/items", bearer(member))] {
                let (code, body) = try await status(app, .GET, path, headers)
                #expect(code == .ok && !body.contains(secret), "an offer stored with its text is shown without it: \(path)")
            }
            try await WithholdPrivateOfferText().prepare(on: app.db)
            let (_, found) = try await status(app, .GET, "/api/v1/items?q=\(secret)", bearer(member))
            #expect(!found.contains(try oldModel.requireID().uuidString), "the migration takes old offers' words out of the search index")
            let stored = try #require(try await SharedItemModel.find(oldModel.requireID(), on: app.db))
            #expect(!stored.document.contains(secret) && !stored.searchText.contains(secret))
        }
    }

    @Test func thePointOfContactAnswerShowsWhatTheItemsAudienceMaySee() async throws {
        try await withRenkei { app, fixture in
            // Alpha's e-mail address becomes members-only; its constituency stays public.
            let alpha = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            var record = alpha.record
            record.publicFields.remove(.email)
            try await TeamWrites.save(record, existing: alpha, author: ChangeAuthor(userID: nil, name: "Test", channel: "cli"), on: app.db,
                                      now: Date().addingTimeInterval(60))
            let asker = try await apiToken(app, "member-alpha@test.example")
            func answer(_ tlp: String, _ audience: [String: Any]) async throws -> String {
                let document = try await postItem(app, asker, [
                    "kind": "request", "title": "Who handles 192.0.2.44?", "body": "Scanning.", "tlp": tlp, "audience": audience,
                    "request": ["kind": "point-of-contact", "subject": "192.0.2.44"],
                ])
                let replies = try #require(document["replies"] as? [[String: Any]])
                #expect(replies.count == 1 && replies.first?["kind"] as? String == "lookup")
                return replies.first?["text"] as? String ?? ""
            }
            let clear = try await answer("TLP:CLEAR", ["kind": "community"])
            #expect(clear.contains("Alpha-CERT (alpha-cert)"), "the public constituency still answers")
            #expect(!clear.contains("cert@alpha.example"), "a CLEAR request shows no members-only address")
            #expect(try await answer("TLP:GREEN", ["kind": "community"]).contains("cert@alpha.example"))
            #expect(try await answer("TLP:AMBER", ["kind": "teams", "teams": ["beta-csirt"]]).contains("cert@alpha.example"))
            #expect(try await answer("TLP:RED", ["kind": "individuals", "people": ["rep-beta@test.example"]]).contains("cert@alpha.example"))
            let (_, anonymous) = try await status(app, .GET, "/items", HTTPHeaders())
            #expect(!anonymous.contains("cert@alpha.example"))
        }
    }

    @Test func referralsWidenOnlyWhatTLPAllowsAndOnlyWithTheAuthor() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let asker = try await apiToken(app, "member-alpha@test.example")
            let recipient = try await apiToken(app, "rep-beta@test.example")
            let gamma = try await apiToken(app, "member-gamma@test.example")
            let strict = try #require(try await postItem(app, asker, [
                "kind": "request", "title": "Strict question", "body": "Only Beta.", "tlp": "TLP:AMBER+STRICT",
                "audience": ["kind": "teams", "teams": ["beta-csirt"]], "request": ["kind": "information"],
            ])["id"] as? String)
            let (refused, problem) = try await status(app, .POST, "/api/v1/items/\(strict)/replies", bearer(recipient),
                                                      ["kind": "referral", "team": "gamma-cert", "text": "Ask Gamma."])
            #expect(refused == .unprocessableEntity && problem.contains("AMBER+STRICT"))
            let (strictByAuthor, _) = try await status(app, .POST, "/api/v1/items/\(strict)/replies", bearer(asker), ["kind": "referral", "team": "gamma-cert"])
            #expect(strictByAuthor == .unprocessableEntity, "not even the author widens AMBER+STRICT by referral")
            #expect(try await status(app, .GET, "/api/v1/items/\(strict)", bearer(gamma)).0 == .notFound)

            let amber = try #require(try await postItem(app, asker, [
                "kind": "request", "title": "Amber question", "body": "Beta first.", "tlp": "TLP:AMBER",
                "audience": ["kind": "teams", "teams": ["beta-csirt"]], "request": ["kind": "information"],
            ])["id"] as? String)
            var suggestions: [String] = []
            for _ in 0..<2 {
                var document: [String: Any] = [:]
                try await app.testing().test(.POST, "/api/v1/items/\(amber)/replies", headers: bearer(recipient),
                                             body: try jsonBody(["kind": "referral", "team": "gamma-cert", "text": "Gamma knows."])) { response in
                    #expect(response.status == .created)
                    document = try jsonObject(response)
                }
                let reply = try #require((document["replies"] as? [[String: Any]])?.last)
                #expect(reply["proposal"] as? String == "pending")
                suggestions.append(try #require(reply["id"] as? String))
            }
            #expect(try await status(app, .GET, "/api/v1/items/\(amber)", bearer(gamma)).0 == .notFound, "a suggestion widens nothing")
            let gammaPeople = try await UserModel.query(on: app.db).filter(\.$team.$id == (try await TeamModel.find(slug: "gamma-cert", on: app.db))!.requireID()).all()
                .compactMap(\.id)
            #expect(try await NotificationModel.query(on: app.db).filter(\.$userID ~~ gammaPeople).count() == 0, "the suggested team hears nothing yet")

            let askerPage = try await signIn(app, "member-alpha@test.example")
            let (_, authorView) = try await status(app, .GET, "/items/\(amber)", askerPage.headers)
            #expect(authorView.contains("/items/\(amber)/referrals/\(suggestions[0])") && authorView.contains("value=\"confirm\""),
                    "the author sees the suggestion with confirm and decline")
            let recipientPage = try await signIn(app, "rep-beta@test.example")
            let (_, recipientView) = try await status(app, .GET, "/items/\(amber)", recipientPage.headers)
            #expect(recipientView.contains("suggestion pending") && !recipientView.contains("/referrals/"))

            let (byRecipient, _) = try await status(app, .POST, "/api/v1/items/\(amber)/referrals/\(suggestions[0])", bearer(recipient), ["decision": "confirm"])
            #expect(byRecipient == .forbidden, "only the author decides")
            let (badDecision, _) = try await status(app, .POST, "/api/v1/items/\(amber)/referrals/\(suggestions[0])", bearer(asker), ["decision": "maybe"])
            #expect(badDecision == .unprocessableEntity)

            try await app.testing().test(.POST, "/items/\(amber)/referrals/\(suggestions[1])", headers: askerPage.formHeaders(),
                                         body: formBody([("_csrf", askerPage.csrf), ("decision", "decline")])) { response in
                #expect(response.status == .seeOther || response.status == .found)
            }
            #expect(try await status(app, .GET, "/api/v1/items/\(amber)", bearer(gamma)).0 == .notFound, "a declined suggestion widens nothing")

            let (confirmed, confirmedBody) = try await status(app, .POST, "/api/v1/items/\(amber)/referrals/\(suggestions[0])", bearer(asker), ["decision": "confirm"])
            #expect(confirmed == .ok && confirmedBody.contains("gamma-cert"))
            #expect(try await status(app, .GET, "/api/v1/items/\(amber)", bearer(gamma)).0 == .ok, "a confirmed referral opens the request to the team")
            let told = try await NotificationModel.query(on: app.db).filter(\.$userID ~~ gammaPeople).all()
            #expect(Set(told.map(\.userID)) == Set(gammaPeople) && told.allSatisfy { $0.text.contains("referred") })
            let (again, _) = try await status(app, .POST, "/api/v1/items/\(amber)/referrals/\(suggestions[0])", bearer(asker), ["decision": "confirm"])
            #expect(again == .unprocessableEntity, "a suggestion is decided once")
        }
    }

    @Test func someoneWhoCannotReadASampleEntryLearnsNothingOfIt() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let holder = try await apiToken(app, "rep-alpha@test.example")
            let sample = Array("MZ a RED loader only Rita reads".utf8)
            let sha256 = Artifact.sha256Hex(sample)
            let boundary = "renkei-red-boundary"
            var multipart = ByteBuffer(string: [("tlp", "TLP:RED"), ("audience", "individuals"), ("people", "rep-alpha@test.example")].map {
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0.0)\"\r\n\r\n\($0.1)\r\n"
            }.joined() + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"red.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            multipart.writeBytes(sample)
            multipart.writeString("\r\n--\(boundary)--\r\n")
            var redID = ""
            try await app.testing().test(.POST, "/api/v1/artifacts", headers: ["Authorization": "Bearer \(holder)", "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                         body: multipart) { response in
                #expect(response.status == .created)
                redID = try #require(try jsonObject(response)["id"] as? String)
            }

            // Registering the same hash: answered as for an unknown sample, without the RED entry.
            let gamma = try await apiToken(app, "member-gamma@test.example")
            let (registered, registeredBody) = try await status(app, .POST, "/api/v1/artifacts", bearer(gamma), ["sha256": sha256, "tlp": "TLP:GREEN"])
            #expect(registered == .created, "no 409 tells Gamma that a sample it cannot read exists")
            #expect(!registeredBody.contains(redID) && registeredBody.contains("TLP:GREEN"))
            #expect(try await status(app, .GET, "/api/v1/artifacts/\(redID)", bearer(gamma)).0 == .notFound)
            #expect(try await status(app, .GET, "/api/v1/artifacts/\(redID)/sample.zip", bearer(gamma)).0 == .notFound)
            let (again, _) = try await status(app, .POST, "/api/v1/artifacts", bearer(gamma), ["sha256": sha256, "tlp": "TLP:GREEN"])
            #expect(again == .conflict, "Gamma's own entry, which it reads, is known to it")

            // A request for the sample: only holders who read the entry hear of it.
            let asker = try await apiToken(app, "rep-beta@test.example")
            _ = try await postItem(app, asker, ["kind": "request", "title": "Anyone have it?", "body": "Asking.", "tlp": "TLP:AMBER",
                                                "audience": ["kind": "teams", "teams": ["beta-csirt"]], "request": ["kind": "sample", "subject": sha256]])
            let rita = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-alpha@test.example").first()).requireID()
            let max = try #require(try await UserModel.query(on: app.db).filter(\.$email == "member-alpha@test.example").first()).requireID()
            let notices = try await NotificationModel.query(on: app.db).filter(\.$text ~~ "asks for a sample").all()
            #expect(notices.filter { $0.link.contains(redID) }.map(\.userID) == [rita], "the holder who reads the RED entry hears of the ask")
            #expect(notices.filter { $0.userID == max }.isEmpty, "a holder who reads neither the entry nor the request hears nothing")
            #expect(notices.first { $0.userID == rita }?.text.hasPrefix("A request you cannot read") == true, "Rita does not read Beta's AMBER request")

            // The audit log names entries by id: the secretariat never reads a RED hash there.
            try await AuditEventModel(at: Date(), actorUserID: nil, actor: "system", action: "artifact.register", subject: "artifact \(sha256)",
                                      detail: "TLP:RED", address: "").create(on: app.db)
            let officer = try await signIn(app, "secretariat@test.example")
            let (_, audit) = try await status(app, .GET, "/admin/audit", officer.headers)
            #expect(audit.contains("artifact \(redID.uppercased())") || audit.contains("artifact \(redID)"))
            #expect(!audit.contains(sha256) && !audit.contains(String(sha256.prefix(16))), "no hash in the audit page")
            let (_, auditAPI) = try await status(app, .GET, "/api/v1/audit", bearer(try await apiToken(app, "secretariat@test.example")))
            #expect(!auditAPI.contains(sha256), "no hash in the audit API")
            let (boardAudit, _) = try await status(app, .GET, "/admin/audit", try await signIn(app, MembershipCast.boardMembers[0], password: "test-password-123").headers)
            #expect(boardAudit == .forbidden)
        }
    }

    @Test func aListReadIsOneAuditLine() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            var ids: [String] = []
            for number in 1...3 {
                ids.append(try #require(try await postItem(app, member, ["title": "Amber note \(number)", "body": "Text.", "tlp": "TLP:AMBER",
                                                                        "audience": ["kind": "teams", "teams": ["alpha-cert"]]])["id"] as? String))
            }
            _ = try await postItem(app, member, ["title": "Green note", "body": "Text.", "tlp": "TLP:GREEN", "audience": ["kind": "community"]])
            let before = try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read").count()
            #expect(try await status(app, .GET, "/api/v1/items", bearer(member)).0 == .ok)
            let lines = try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read").all()
            #expect(lines.count == before + 1, "one line for the whole list")
            let line = try #require(lines.first { $0.subject == "3 items" })
            #expect(ids.allSatisfy { line.detail.contains($0.uppercased()) || line.detail.contains($0) } && !line.detail.contains("GREEN"))
        }
    }

    @Test func theAudienceFieldDoesNotTellWhoHasAnAccount() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let member = try await apiToken(app, "member-alpha@test.example")
            var messages: [String] = []
            for address in ["nobody@nowhere.example", MembershipCast.candidate] {
                try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody([
                    "title": "For one person", "body": "Text.", "tlp": "TLP:RED", "audience": ["kind": "individuals", "people": [address]],
                ])) { response in
                    #expect(response.status == .unprocessableEntity, "\(address)")
                    let errors = try #require(try jsonObject(response)["errors"] as? [[String: Any]])
                    messages.append((errors.first?["message"] as? String ?? "").replacingOccurrences(of: address, with: "ADDRESS"))
                }
            }
            #expect(messages.count == 2 && messages[0] == messages[1], "an unknown address and an account that may not be named read the same")
            _ = try await postItem(app, member, ["title": "For Ben", "body": "Text.", "tlp": "TLP:RED", "audience": ["kind": "individuals", "people": ["rep-beta@test.example"]]])
        }
    }
}
