import Foundation
import Testing
@testable import RenkeiCore

/// STIX 2.1 as Renkei writes and reads it. The interop suite (`test_taxii.py`) checks every
/// object with the OASIS validator in strict mode; these pin what the validator cannot know.
struct STIX21Tests {
    static let author = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let team = UUID(uuidString: "00000000-0000-4000-8000-0000000000aa")!
    static let otherTeam = UUID(uuidString: "00000000-0000-4000-8000-0000000000bb")!
    static let sig = UUID(uuidString: "00000000-0000-4000-8000-0000000000cc")!

    static func item(tlp: TLPLabel = .amber, body: String, kind: SharedItem.Kind = .announcement) -> SharedItem {
        let actor = Actor(userID: author, roles: [.member], teamID: team, teamStatus: .active)
        let request = kind == .request ? RequestDetails(kind: .information) : nil
        return try! SharedItem.compose(SharedItemDraft(kind: kind, title: "Wave of phishing", body: body, tlp: tlp, audience: .teams([team]), request: request),
                                       id: UUID(uuidString: "11111111-2222-4333-8444-555555555555")!, by: actor, authorName: "Mo",
                                       authorTeam: (team, "Lindenfeld-CSIRT"), at: Date(timeIntervalSince1970: 1_780_000_000.123))
    }

    @Test func theTLP20MarkingsAreTheOASISOnes() {
        #expect(STIX21.markingID(.clear) == "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")
        #expect(STIX21.markingID(.green) == "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb")
        #expect(STIX21.markingID(.amber) == "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")
        #expect(STIX21.markingID(.amberStrict) == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003")
        #expect(STIX21.markingID(.red) == "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")
        // TLP 1.0's WHITE is not read as CLEAR.
        #expect(STIX21.label(ofMarking: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9") == nil)
        #expect(STIX21.markingDefinition(.amberStrict).serialized(pretty: false) == """
            {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",\
            "created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":\
            {"extension_type":"property-extension","tlp_2_0":"amber+strict"}}}
            """)
    }

    @Test func timestampsAreMillisecondsInUTC() {
        #expect(STIX21.timestamp(Date(timeIntervalSince1970: 1_780_000_000.123)) == "2026-05-28T20:26:40.123Z")
        #expect(STIX21.timestamp(Date(timeIntervalSince1970: 0.5)) == "1970-01-01T00:00:00.500Z")
        #expect(STIX21.parseTimestamp("2026-05-28T20:26:40.123456Z") == Date(timeIntervalSince1970: 1_780_000_000.123))
        #expect(STIX21.parseTimestamp("2026-05-28T20:26:40Z") == Date(timeIntervalSince1970: 1_780_000_000))
        for bad in ["2026-05-28", "2026-05-28T20:26:40", "2026-05-28T20:26:40.Z", "2026-13-28T20:26:40Z", "2026-05-28T20:26:40+01:00"] {
            #expect(STIX21.parseTimestamp(bad) == nil, "\(bad)")
        }
    }

    @Test func anAnnouncementBecomesAReportNamingItsIndicators() throws {
        let item = Self.item(body: """
            C2 at 198.51.100.7 and evil[.]example, landing page hxxps://evil[.]example/login, dropper
            sha256 \(String(repeating: "ab", count: 32)); CVE-2024-3400 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Not a domain: notes.txt
            """)
        let objects = STIX21.objects(for: item, url: "https://renkei.example/items/x")
        #expect(objects.map { $0["type"]?.stringValue ?? "" } == ["identity", "indicator", "vulnerability", "indicator", "indicator", "indicator", "report"])
        #expect(objects.dropFirst().compactMap { $0["pattern"]?.stringValue } == [
            "[domain-name:value = 'evil.example']",
            "[url:value = 'https://evil.example/login']",
            "[file:hashes.'SHA-256' = '\(String(repeating: "ab", count: 32))']",
            "[ipv4-addr:value = '198.51.100.7']",
        ])
        for object in objects.dropFirst() {
            #expect(object["object_marking_refs"] == .array([.string("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")]))
            #expect(object["created_by_ref"]?.stringValue == objects[0]["id"]?.stringValue)
            // Name-based, shaped as UUIDv4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-…), as STIX wants for SDOs.
            let uuid = Array(object["id"]!.stringValue!.split(separator: "--")[1])
            #expect(uuid[14] == "4" && "89ab".contains(uuid[19]))
        }
        let vulnerability = objects[2]
        #expect(vulnerability["name"]?.stringValue == "CVE-2024-3400")
        #expect(vulnerability["extensions"]?[STIX21.cvssExtensionID]?["cvss_base_score"] == .number(9.8))
        let report = objects[6]
        #expect(report["object_refs"] == .array(objects[1...5].map { $0["id"]! }))
        #expect(report["external_references"] == .array([.object([("source_name", .string("renkei")), ("external_id", .string("11111111-2222-4333-8444-555555555555"))])]))
        #expect(report["description"]?.stringValue?.hasSuffix("On Renkei: https://renkei.example/items/x") == true)
        #expect(report["created"]?.stringValue == "2026-05-28T20:26:40.123Z" && report["modified"] == report["created"])
        // The team's identity says what the public directory says: TLP:CLEAR, whatever the item's label.
        #expect(objects[0]["object_marking_refs"] == .array([.string("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")]))
        // A bundle adds the CLEAR and AMBER definitions, Renkei's identity and the CVSS extension once each.
        let bundled = STIX21.bundle(STIX21.supportingObjects(for: objects) + objects)["objects"]?.arrayValues ?? []
        #expect(bundled.compactMap { $0["type"]?.stringValue }.filter { $0 != "indicator" } == [
            "marking-definition", "marking-definition", "identity", "extension-definition", "identity", "vulnerability", "report",
        ])
        // The same item gives the same ids, in every export.
        #expect(STIX21.objects(for: item, url: nil).map { $0["id"]! } == objects.map { $0["id"]! })
    }

    @Test func aCorrectionIsANewVersionAndAWithdrawalRevokes() throws {
        var item = Self.item(body: "Block 198.51.100.7.")
        let first = STIX21.objects(for: item, url: nil)
        let author = Actor(userID: Self.author, roles: [.member], teamID: Self.team, teamStatus: .active)
        _ = try item.correct(title: item.title, body: "Block 198.51.100.7 and 198.51.100.8.", tags: [], by: author, at: item.createdAt.addingTimeInterval(60))
        let corrected = STIX21.objects(for: item, url: nil)
        let report = corrected.last!
        #expect(report["id"] == first.last!["id"])
        #expect(report["modified"]?.stringValue == "2026-05-28T20:27:40.123Z" && report["created"] == first.last!["created"])
        #expect(corrected.filter { $0["type"]?.stringValue == "indicator" }.count == 2)
        try item.withdraw(reason: "Wrong address.", by: author, name: "Mo", at: item.createdAt.addingTimeInterval(120))
        let withdrawn = STIX21.objects(for: item, url: nil)
        #expect(withdrawn.dropFirst().allSatisfy { $0["revoked"] == .bool(true) })
        #expect(withdrawn.last!["description"]?.stringValue == "Withdrawn by Mo: Wrong address.")
    }

    @Test func aReplyWithIndicatorsIsANoteAndRepeatsNothing() throws {
        var item = Self.item(body: "Has anyone seen 198.51.100.7?", kind: .request)
        let replier = Actor(userID: UUID(), roles: [.member], teamID: Self.team, teamStatus: .active)
        _ = try item.reply(.answer("Yes, with 198.51.100.7 and 203.0.113.9."), by: replier, authorName: "Ana",
                           authorTeamName: "Ipeara-CSIRT", at: item.createdAt.addingTimeInterval(30))
        // Renkei's own lookup answer names a constituency, which is no indicator.
        item.replies.append(Reply(id: UUID(), kind: .lookup, text: "1. Nordlicht (nordlicht): constituency 192.0.2.0/24", authorUserID: nil,
                                  authorName: "Renkei lookup", at: item.createdAt.addingTimeInterval(60)))
        let objects = STIX21.objects(for: item, url: nil)
        #expect(objects.map { $0["type"]?.stringValue ?? "" } == ["identity", "indicator", "note", "indicator", "note"])
        #expect(Set(objects.map { $0["id"]! }).count == objects.count)
        let replyNote = objects[4]
        #expect(replyNote["object_refs"] == .array([objects[2]["id"]!, objects[1]["id"]!, objects[3]["id"]!]))
        // Another team's reply is not the author team's: no identity Renkei ships is its creator.
        #expect(replyNote["authors"] == .array([.string("Ana")]) && replyNote["created_by_ref"] == nil && objects[3]["created_by_ref"] == nil)
        #expect(objects[2]["created_by_ref"] == objects[0]["id"])
    }

    @Test func anAddressRangeStaysARange() {
        let found = ExtractedIndicator.extract(from: "Sinkhole hits in 198.18.7.0/24 and 2001:db8:7::/48; host 203.0.113.9/32; http://192.0.2.1/24/x")
        #expect(found.map(\.value) == ["http://192.0.2.1/24/x", "198.18.7.0/24", "203.0.113.9", "192.0.2.1", "2001:db8:7::/48"])
        #expect(found.compactMap(STIX21.pattern(for:)).prefix(2) == ["[url:value = 'http://192.0.2.1/24/x']", "[ipv4-addr:value = '198.18.7.0/24']"])
    }

    @Test func aPostIsReadAtTheLabelItsMarkingsSayAndNeverWider() throws {
        func object(_ type: String, _ id: String, marking: TLPLabel?, _ extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
            .object([("type", .string(type)), ("id", .string("\(type)--\(id)"))] + extra
                    + (marking.map { [("object_marking_refs", JSONValue.array([.string(STIX21.markingID($0))]))] } ?? []))
        }
        let objects: [JSONValue] = [
            STIX21.markingDefinition(.amber),
            object("report", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", marking: .green, [("name", .string("C2 list")), ("description", .string("Seen today."))]),
            object("indicator", "9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", marking: .amber,
                   [("name", .string("C2")), ("pattern", .string("[ipv4-addr:value = '203.0.113.77'] OR [domain-name:value = 'c2.bad.example']"))]),
            object("indicator", "ae2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", marking: nil, [("pattern", .string("[ipv4-addr:value = '203.0.113.78']"))]),
            object("indicator", "be2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", marking: .clear, [("pattern", .string("[ipv4-addr:value = '203.0.113.79']"))]),
            .object([("type", .string("indicator")), ("id", .string("not-an-id"))]),
        ]
        let submission = STIX21.submission(objects, allowed: [.green, .amber, .amberStrict], poster: "Mo")
        #expect(submission.tlp == .amber)
        #expect(submission.title == "C2 list")
        #expect(submission.body == "Seen today.\n\nIndicators and objects:\n- C2: 203.0.113.77, c2[.]bad[.]example")
        #expect(submission.accepted.map(\.id) == ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                                                   "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])
        #expect(submission.refused.map(\.id) == ["indicator--ae2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator--be2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "not-an-id"])
        #expect(submission.refused[1].refusal == "The object is marked TLP:CLEAR; this collection takes TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT only.")
        // What the body says is found again as the item's indicators, the domain included.
        #expect(ExtractedIndicator.extract(from: submission.body).map(\.value) == ["c2.bad.example", "203.0.113.77"])
        #expect(STIX21.submission([STIX21.markingDefinition(.red)], allowed: [.amber], poster: "Mo").tlp == nil)
    }

    /// What an attacker (helper review) posted to carry text out at a wider label than marked.
    @Test func aStricterMarkingAnywhereInAnObjectIsNeverDropped() throws {
        let green = STIX21.markingID(.green), red = STIX21.markingID(.red)
        func report(_ extra: String) throws -> JSONValue {
            try JSONValue.parse(Data("""
                {"type": "report", "id": "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "Victim list", "description": "ACME Bank", \(extra)}
                """.utf8))
        }
        let allowed: [TLPLabel] = [.green, .amber, .amberStrict]
        // RED on one property of a GREEN object: the object is RED, which a team collection does not take.
        let granular = STIX21.submission([try report(#""object_marking_refs": ["\#(green)"], "granular_markings": [{"marking_ref": "\#(red)", "selectors": ["description"]}]"#)],
                                         allowed: allowed, poster: "Mo")
        #expect(granular.tlp == nil && granular.refused.first?.refusal == "The object is marked TLP:RED; this collection takes TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT only.")
        #expect(STIX21.submission([try report(#""object_marking_refs": ["\#(green)"], "granular_markings": [{"marking_ref": "\#(STIX21.markingID(.amber))", "selectors": ["description"]}]"#)],
                                  allowed: allowed, poster: "Mo").tlp == .amber)
        // TLP 1.0's RED beside TLP 2.0's GREEN, or a statement marking: what it means is not guessed.
        for other in ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "marking-definition--0d3a4b5c-17d4-4cbf-938f-98ee46b3cd3f"] {
            let mixed = STIX21.submission([try report(#""object_marking_refs": ["\#(other)", "\#(green)"]"#)], allowed: allowed, poster: "Mo")
            #expect(mixed.tlp == nil && mixed.refused.first?.refusal == "The object names a marking other than TLP 2.0's; what it means is not guessed.")
        }
        // Two markings under one name: readers disagree on which counts.
        let twice = STIX21.submission([try report(#""object_marking_refs": ["\#(green)"], "object_marking_refs": ["\#(red)"]"#)], allowed: allowed, poster: "Mo")
        #expect(twice.tlp == nil && twice.refused.first?.refusal == "The object names a property twice.")
        // A blank name leaves the title to the fallback, which is valid.
        let blankName = try JSONValue.parse(Data(#"{"type": "report", "id": "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "  ", "description": "x", "object_marking_refs": ["\#(green)"]}"#.utf8))
        #expect(STIX21.submission([blankName], allowed: allowed, poster: "Mo").title == "STIX objects shared by Mo")
        // What would not fit one item is refused object by object, never cut.
        let long = String(repeating: "x", count: 30_000)
        let many = (0..<5).map { index in
            JSONValue.object([("type", .string("vulnerability")), ("id", .string("vulnerability--\(index)e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")),
                              ("name", .string("CVE-2026-000\(index)")), ("description", .string(long)), ("object_marking_refs", .array([.string(green)]))])
        }
        let full = STIX21.submission(many, allowed: allowed, poster: "Mo")
        #expect(full.accepted.count == 3 && full.refused.map(\.refusal) == Array(repeating: "The item is full: share the rest in another post.", count: 2))
        #expect(full.body.utf8.count <= SharedItem.maximumBody)
    }

    @Test func collectionsAreSubsetsOfTheReadersGrants() {
        #expect(ShareCollection.collections(for: nil) == [.publicItems])
        let member = Actor(userID: Self.author, roles: [.member], teamID: Self.team, teamStatus: .active, sigSeats: [SIGSeat(sigID: Self.sig, teamID: Self.team)])
        #expect(ShareCollection.collections(for: member) == [.everything, .publicItems, .community, .team(Self.team), .sig(Self.sig), .named])
        #expect(ShareCollection.collection(ShareCollection.team(Self.otherTeam).id, for: member) == nil)
        #expect(ShareCollection.collection(ShareCollection.team(Self.team).id, for: member) == .team(Self.team))
        #expect(ShareCollection.team(Self.team).id != ShareCollection.team(Self.otherTeam).id)
        let scope = AccessPolicy.readableScope(for: member)
        #expect(ShareCollection.team(Self.team).grants(in: scope) == [ReadGrant(.team, Self.team, .green), ReadGrant(.team, Self.team, .amber),
                                                                      ReadGrant(.team, Self.team, .amberStrict)])
        #expect(ShareCollection.publicItems.grants(in: scope) == [ReadGrant(.anyone, .clear)])
        #expect(ShareCollection.named.grants(in: scope).allSatisfy { $0.kind == .person && $0.memberID == Self.author })
        #expect(ShareCollection.everything.grants(in: scope) == scope.grants)
        #expect(ShareCollection.team(Self.team).posting(by: member)?.labels == [.green, .amber, .amberStrict])
        #expect(ShareCollection.publicItems.posting(by: member)?.labels == [.clear])
        #expect(ShareCollection.everything.posting(by: member) == nil && ShareCollection.named.posting(by: member) == nil)
        #expect(ShareCollection.team(Self.otherTeam).posting(by: member) == nil)
        #expect(ShareCollection.publicItems.posting(by: nil) == nil)
        // A person whose team's membership ended reads no team collection any more.
        let former = Actor(userID: Self.author, roles: [.member], teamID: Self.team, teamStatus: .terminated)
        #expect(!ShareCollection.collections(for: former).contains(.team(Self.team)))
    }

    @Test func onlyDefangedNamesAreDomains() {
        let found = ExtractedIndicator.extract(from: "See evil[.]example and bad(.)example.org, not readme.txt or version 1.2.3 or example.com")
        #expect(found.filter { $0.kind == .domain }.map(\.value) == ["evil.example", "bad.example.org"])
    }
}
