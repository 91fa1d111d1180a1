import Foundation
import Fluent
import RenkeiCore
import Testing
import Vapor
import VaporTesting
@testable import RenkeiServer

/// The TAXII 2.1 server with expectations written out by hand: who lists which collection,
/// what each reads, posting at the label the markings say, paging, and the specification's
/// 401, 404, 406 and 415. (`SharingServerTests` runs the whole leak matrix through TAXII, the
/// STIX bundles and the MISP feed too.)
extension ServerTests {
    private func taxii(_ app: Application, _ method: HTTPMethod = .GET, _ path: String, _ headers: HTTPHeaders = [:], body: String? = nil) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) }) { result = $0 }
        return try #require(result)
    }

    private func basic(_ email: String, _ token: String) -> HTTPHeaders {
        ["Authorization": "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()]
    }

    private func objects(_ response: TestingHTTPResponse) throws -> [[String: Any]] {
        try #require(try jsonObject(response)["objects"] as? [[String: Any]])
    }

    private func itemIDs(_ objects: [[String: Any]]) -> Set<String> {
        Set(objects.compactMap { ($0["external_references"] as? [[String: Any]])?.first?["external_id"] as? String })
    }

    @Test func taxiiServesEachReaderTheirCollectionsAndTakesPostsAtTheirLabel() async throws {
        try await withRenkei { app, _ in
            let alpha = try await apiToken(app, "member-alpha@test.example"), beta = try await apiToken(app, "rep-beta@test.example")
            var ids: [String: String] = [:]
            for (name, tlp, audience) in [("clear", "TLP:CLEAR", ["kind": "community"]), ("green", "TLP:GREEN", ["kind": "community"]),
                                          ("amber-alpha", "TLP:AMBER", ["kind": "teams", "teams": ["alpha-cert"]] as [String: Any])] as [(String, String, [String: Any])] {
                let body: [String: Any] = ["title": "Item \(name)", "tlp": tlp, "body": "Block 198.51.100.7 and evil[.]example", "audience": audience]
                try await app.testing().test(.POST, "/api/v1/items", headers: ["Authorization": "Bearer \(alpha)", "Content-Type": "application/json"],
                                             body: try jsonBody(body)) { response in
                    #expect(response.status == .created)
                    ids[name] = (try jsonObject(response)["id"] as? String)?.lowercased()
                }
            }
            let everything = "/taxii2/api/collections/5a3e1b9c-0d47-4f62-8e1a-2b7c9d4e6f01"
            let publicItems = "/taxii2/api/collections/9c2f7e14-3a6b-4d85-b1e0-7f4a2c8d5e93"
            let alphaTeam = "/taxii2/api/collections/" + ShareCollection.team(try #require(try await TeamModel.find(slugOrName: "alpha-cert", on: app.db)?.id)).id.uuidString.lowercased()

            // Anonymous: the public collection alone, TLP:CLEAR alone.
            let anonymousCollections = try #require(try jsonObject(try await taxii(app, .GET, "/taxii2/api/collections/"))["collections"] as? [[String: Any]])
            #expect(anonymousCollections.map { $0["title"] as? String } == ["Public (TLP:CLEAR)"])
            let anonymous = try await taxii(app, .GET, publicItems + "/objects/")
            #expect(anonymous.headers.contentType == TAXIIMedia.taxii)
            #expect(itemIDs(try objects(anonymous)) == [ids["clear"]!])
            // The page leads with the marking definition and the author's identity its objects name.
            let clearMarking = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
            #expect(try objects(anonymous).compactMap { $0["type"] as? String }.prefix(3) == ["marking-definition", "identity", "indicator"])
            #expect(try objects(anonymous).allSatisfy { $0["id"] as? String == clearMarking || $0["object_marking_refs"] as? [String] == [clearMarking] })
            // A stranger is asked for credentials for any other id, known or not.
            for path in [everything + "/objects/", alphaTeam + "/objects/", "/taxii2/api/collections/\(UUID().uuidString.lowercased())/objects/",
                         alphaTeam + "/objects/not-an-id/"] {
                let refused = try await taxii(app, .GET, path)
                #expect(refused.status == .unauthorized && refused.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true, "\(path)")
            }

            // Members by Basic (e-mail and token) and by Bearer.
            let alphaHeaders = basic("member-alpha@test.example", alpha)
            let alphaTitles = try #require(try jsonObject(try await taxii(app, .GET, "/taxii2/api/collections/", alphaHeaders))["collections"] as? [[String: Any]])
                .compactMap { $0["title"] as? String }
            #expect(alphaTitles == ["Everything I may read", "Public (TLP:CLEAR)", "Community", "Team Alpha-CERT", "Shared with me by name"])
            #expect(itemIDs(try objects(try await taxii(app, .GET, everything + "/objects/", alphaHeaders))) == [ids["clear"]!, ids["green"]!, ids["amber-alpha"]!])
            #expect(itemIDs(try objects(try await taxii(app, .GET, alphaTeam + "/objects/", alphaHeaders))) == [ids["amber-alpha"]!])
            let betaHeaders: HTTPHeaders = ["Authorization": "Bearer \(beta)"]
            #expect(itemIDs(try objects(try await taxii(app, .GET, everything + "/objects/", betaHeaders))) == [ids["clear"]!, ids["green"]!])
            #expect(try await taxii(app, .GET, alphaTeam + "/objects/", betaHeaders).status == .notFound, "another team's collection is not found")
            #expect(try await taxii(app, .GET, alphaTeam + "/", betaHeaders).status == .notFound)
            let wrongPerson = try await taxii(app, .GET, "/taxii2/api/collections/", basic("rep-beta@test.example", alpha))
            #expect(wrongPerson.status == .unauthorized && wrongPerson.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)

            // Paging one object at a time visits each object once; the headers name the first and last date added.
            var seen: [String] = []
            var next: String?
            repeat {
                let page = try await taxii(app, .GET, everything + "/objects/?limit=1" + (next.map { "&next=\($0)" } ?? ""), alphaHeaders)
                let document = try jsonObject(page)
                seen += try objects(page).compactMap { $0["id"] as? String }
                next = document["next"] as? String
                #expect((document["more"] as? Bool) == (next != nil))
                #expect(page.headers.first(name: "X-TAXII-Date-Added-First") != nil)
            } while next != nil
            let whole = try objects(try await taxii(app, .GET, everything + "/objects/", alphaHeaders)).compactMap { $0["id"] as? String }
            // Each page repeats the markings and the identity its object names; every other object comes once.
            func carried(_ ids: [String]) -> [String] { ids.filter { !$0.hasPrefix("marking-definition--") && !$0.hasPrefix("identity--") } }
            #expect(carried(seen) == carried(whole) && Set(carried(seen)).count == 9, "three items of a report and two indicators each")
            #expect(Set(seen) == Set(whole) && Set(whole).count == whole.count && whole.count == 13, "and CLEAR, GREEN, AMBER and Alpha-CERT once a page")
            // A page that ends inside an AMBER item is a read of it, audited (it was not, found by an attacker review).
            func amberReads() async throws -> Int {
                try await AuditEventModel.query(on: app.db).filter(\.$action == "item.read")
                    .filter(\.$subject == "item \(ids["amber-alpha"]!.uppercased())").filter(\.$detail == "TLP:AMBER via taxii").count()
            }
            let readsBefore = try await amberReads()
            let partial = try jsonObject(try await taxii(app, .GET, alphaTeam + "/objects/?limit=4", alphaHeaders))
            #expect((partial["objects"] as? [[String: Any]])?.compactMap { $0["type"] as? String } == ["marking-definition", "marking-definition", "identity", "indicator"])
            #expect(partial["more"] as? Bool == true)
            #expect(try await amberReads() == readsBefore + 1)
            let indicators = try objects(try await taxii(app, .GET, everything + "/objects/?match[type]=indicator", alphaHeaders))
            #expect(indicators.count == 6 && indicators.allSatisfy { $0["type"] as? String == "indicator" })
            let one = try #require(indicators.first?["id"] as? String)
            #expect(try objects(try await taxii(app, .GET, everything + "/objects/?match[id]=\(one)", alphaHeaders)).compactMap { $0["id"] as? String } == [one])
            let later = try jsonObject(try await taxii(app, .GET, everything + "/objects/?added_after=2999-01-01T00:00:00Z", alphaHeaders))
            #expect((later["objects"] as? [Any])?.isEmpty == true && later["more"] as? Bool == false)
            #expect(try await taxii(app, .GET, everything + "/objects/?next=forged", alphaHeaders).status == .badRequest)
            #expect(try await taxii(app, .GET, everything + "/objects/?added_after=yesterday", alphaHeaders).status == .badRequest)

            // 406 and 415, as TAXII error resources.
            var xml = alphaHeaders
            xml.add(name: .accept, value: "application/xml")
            let refused = try await taxii(app, .GET, everything + "/objects/", xml)
            let refusal = try jsonObject(refused)
            #expect(refused.status == .notAcceptable && refused.headers.contentType == TAXIIMedia.taxii && refusal["http_status"] as? String == "406")
            var text = alphaHeaders
            text.add(name: .contentType, value: "text/plain")
            #expect(try await taxii(app, .POST, alphaTeam + "/objects/", text, body: "{}").status == .unsupportedMediaType)

            // A post becomes one item at its markings' label; an unmarked or too wide object is refused.
            var post = alphaHeaders
            post.add(name: .contentType, value: "application/taxii+json;version=2.1")
            let envelope = """
                {"objects": [
                 {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2026-01-01T00:00:00.000Z",
                  "modified": "2026-01-01T00:00:00.000Z", "name": "C2", "pattern": "[ipv4-addr:value = '203.0.113.77']", "pattern_type": "stix",
                  "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"]},
                 {"type": "indicator", "spec_version": "2.1", "id": "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "pattern": "[ipv4-addr:value = '203.0.113.78']"},
                 {"type": "indicator", "spec_version": "2.1", "id": "indicator--ae2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "pattern": "[ipv4-addr:value = '203.0.113.79']",
                  "object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}]}
                """
            let status = try await taxii(app, .POST, alphaTeam + "/objects/", post, body: envelope)
            #expect(status.status == .accepted)
            let statusDocument = try jsonObject(status)
            #expect(statusDocument["status"] as? String == "complete" && statusDocument["success_count"] as? Int == 1 && statusDocument["failure_count"] as? Int == 2)
            #expect((statusDocument["failures"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                    == ["indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator--ae2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])
            let statusPath = "/taxii2/api/status/\(try #require(statusDocument["id"] as? String))/"
            #expect(try jsonObject(try await taxii(app, .GET, statusPath, alphaHeaders))["success_count"] as? Int == 1)
            #expect(try await taxii(app, .GET, statusPath, betaHeaders).status == .notFound, "a status is its poster's")
            let posted = try objects(try await taxii(app, .GET, alphaTeam + "/objects/?match[type]=indicator", alphaHeaders))
                .filter { ($0["pattern"] as? String)?.contains("203.0.113.77") == true }
            #expect(posted.count == 1 && posted[0]["object_marking_refs"] as? [String] == ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"])
            #expect(!(try await taxii(app, .GET, "/api/v1/items", betaHeaders)).body.string.contains("203.0.113.77"))
            #expect(try await taxii(app, .POST, alphaTeam + "/objects/", ["Authorization": "Bearer \(beta)", "Content-Type": "application/taxii+json"],
                                    body: envelope).status == .notFound, "nobody posts into another team's collection")
            // Too many objects is refused whole, before anything is read or stored (an attacker's 3.4 M empty objects made a 214 MB status).
            let statusesBefore = try await TAXIIStatusModel.query(on: app.db).count()
            let tooMany = "{\"objects\": [" + Array(repeating: "{}", count: STIX21.maximumSubmissionObjects + 1).joined(separator: ",") + "]}"
            let flood = try await taxii(app, .POST, alphaTeam + "/objects/", post, body: tooMany)
            #expect(flood.status == .unprocessableEntity && flood.body.readableBytes < 1_000)
            #expect(try await TAXIIStatusModel.query(on: app.db).count() == statusesBefore)
            // A status echoes a version only as a timestamp, and a poster keeps their newest 20 (an attacker stored 10 MB statuses).
            let bloated = """
                {"objects": [{"type": "indicator", "spec_version": "2.1", "id": "indicator--be2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                  "modified": "\(String(repeating: "A", count: 5_000))", "pattern": "[ipv4-addr:value = '203.0.113.80']"}]}
                """
            for _ in 0..<TAXIIController.statusesKept + 1 {
                let answer = try await taxii(app, .POST, alphaTeam + "/objects/", post, body: bloated)
                #expect(answer.status == .accepted && answer.body.readableBytes < 1_000)
            }
            let alphaEmail = "member-alpha@test.example"
            let alphaModel = try await UserModel.query(on: app.db).filter(\.$email == alphaEmail).first()
            let alphaUser = try #require(alphaModel).requireID()
            let alphaStatuses = try await TAXIIStatusModel.query(on: app.db).filter(\.$userID == alphaUser).count()
            #expect(alphaStatuses == TAXIIController.statusesKept)
            var anonymousPost: HTTPHeaders = ["Content-Type": "application/taxii+json"]
            anonymousPost.add(name: .accept, value: "application/taxii+json;version=2.1")
            #expect(try await taxii(app, .POST, publicItems + "/objects/", anonymousPost, body: envelope).status == .unauthorized)

            // A withdrawn item leaves the lists, and TAXII serves its objects revoked.
            try await app.testing().test(.POST, "/api/v1/items/\(ids["amber-alpha"]!)/withdrawal",
                                         headers: ["Authorization": "Bearer \(alpha)", "Content-Type": "application/json"], body: try jsonBody(["reason": "Wrong address."]))
            { #expect($0.status == .ok) }
            let revoked = try objects(try await taxii(app, .GET, alphaTeam + "/objects/", alphaHeaders))
                .filter { ($0["external_references"] as? [[String: Any]])?.first?["external_id"] as? String == ids["amber-alpha"] }
            #expect(revoked.count == 1 && revoked[0]["revoked"] as? Bool == true)
        }
    }

    @Test func theAccountPageNamesEachCollectionWithItsMISPFeed() async throws {
        try await withRenkei { app, _ in
            let alphaTeam = ShareCollection.team(try #require(try await TeamModel.find(slugOrName: "alpha-cert", on: app.db)?.id)).id.uuidString.lowercased()
            let session = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.GET, "/account", headers: session.headers) { response in
                let page = response.body.string
                #expect(page.contains("reads <code class=\"wrap\">https://renkei.test/taxii2/</code> with your e-mail address as user name"))
                #expect(page.contains("<dt>Everything I may read</dt>\n  <dd>TAXII collection <code class=\"wrap\">5a3e1b9c-0d47-4f62-8e1a-2b7c9d4e6f01</code></dd>"))
                #expect(page.contains("<dt>Team Alpha-CERT</dt>\n  <dd>TAXII collection <code class=\"wrap\">\(alphaTeam)</code></dd>"))
                #expect(page.contains("<dd>MISP feed <code class=\"wrap\">https://renkei.test/feeds/misp/\(alphaTeam)</code></dd>"))
                #expect(page.contains("Inherit event"))
                #expect(!page.contains("Team Beta"), "only the reader's own collections")
            }
        }
    }
}
