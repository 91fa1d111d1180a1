import Foundation
import Testing
@testable import RenkeiCore

@Suite struct MISPFeedTests {
    static let itemID = UUID(uuidString: "5F0C8A2E-1B7D-4C3A-9E61-2D4F8A9B0C11")!
    static let organisation = MISPFeed.Organisation(name: "Renkei Example Community", uuid: UUID(uuidString: "0E6F4C2A-7D1B-4B8E-9C3F-5A2D8E1F6B70")!)
    static let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    static let attachmentSHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let page = "https://renkei.example/items/5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11"

    private static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Late in the evening UTC, so a local-time date would show the next day east of Greenwich.
    static func item(tlp: TLPLabel = .amberStrict, ipv4: String = "198.51.100.7") -> SharedItem {
        let indicators = [
            ExtractedIndicator(kind: .ipv4, value: ipv4),
            ExtractedIndicator(kind: .domain, value: "malware.example"),
            ExtractedIndicator(kind: .url, value: "https://malware.example/payload.bin"),
            ExtractedIndicator(kind: .sha256, value: sha256),
            ExtractedIndicator(kind: .cve, value: "CVE-2024-3094"),
            ExtractedIndicator(kind: .cvss, value: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", score: 10.0),
        ]
        let attachment = SharedItem.Attachment(id: UUID(), name: "dropper.bin", size: 1024, sha256: attachmentSHA256, fileType: "application/octet-stream")
        return SharedItem(id: itemID, kind: .announcement, title: "Wombat dropper", body: "See the indicators.", tags: ["malware", "wombat"],
                          tlp: tlp, audience: .community, authorUserID: UUID(), authorName: "Ada Example", authorTeamID: nil,
                          authorTeamName: nil, createdAt: instant("2027-03-15T23:30:00Z"), indicators: indicators, request: nil, replies: [],
                          attachments: [attachment])
    }

    private func list(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let values) = value else { return [] }
        return values
    }

    private func attributes(_ event: JSONValue) -> [JSONValue] { list(event["Event"]?["Attribute"]) }

    @Test func tlpTagsAndDistributions() {
        #expect(MISPFeed.tag(for: .clear) == .object([("name", .string("tlp:clear")), ("colour", .string("#ffffff"))]))
        #expect(MISPFeed.tag(for: .green) == .object([("name", .string("tlp:green")), ("colour", .string("#33FF00"))]))
        #expect(MISPFeed.tag(for: .amber) == .object([("name", .string("tlp:amber")), ("colour", .string("#FFC000"))]))
        #expect(MISPFeed.tag(for: .amberStrict) == .object([("name", .string("tlp:amber+strict")), ("colour", .string("#FFC000"))]))
        #expect(MISPFeed.tag(for: .red) == .object([("name", .string("tlp:red")), ("colour", .string("#FF2B2B"))]))
        #expect(MISPFeed.distribution(for: .clear) == 3)
        #expect(MISPFeed.distribution(for: .green) == 1)
        #expect(MISPFeed.distribution(for: .amber) == 0)
        #expect(MISPFeed.distribution(for: .amberStrict) == 0)
        #expect(MISPFeed.distribution(for: .red) == 0)
    }

    @Test func amberStrictItemBecomesAnEvent() {
        let event = MISPFeed.event(for: Self.item(), organisation: Self.organisation, url: Self.page)["Event"]!
        let tlpTag = JSONValue.object([("name", .string("tlp:amber+strict")), ("colour", .string("#FFC000"))])
        #expect(event["uuid"] == .string("5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11"))
        #expect(event["info"] == .string("Wombat dropper"))
        #expect(event["date"] == .string("2027-03-15"))
        #expect(event["timestamp"] == .string("1805153400"))
        #expect(event["publish_timestamp"] == .string("1805153400"))
        #expect(event["published"] == .bool(true))
        #expect(event["analysis"] == .string("2"))
        #expect(event["threat_level_id"] == .string("4"))
        #expect(event["distribution"] == .string("0"))
        let org = JSONValue.object([("name", .string("Renkei Example Community")), ("uuid", .string("0e6f4c2a-7d1b-4b8e-9c3f-5a2d8e1f6b70"))])
        #expect(event["Orgc"] == org)
        #expect(event["Org"] == org)
        #expect(list(event["Tag"]) == [tlpTag, .object([("name", .string("malware"))]), .object([("name", .string("wombat"))])])

        let found = list(event["Attribute"])
        #expect(found.map { [$0["type"], $0["category"], $0["value"], $0["to_ids"]] } == [
            [.string("ip-dst"), .string("Network activity"), .string("198.51.100.7"), .bool(true)],
            [.string("domain"), .string("Network activity"), .string("malware.example"), .bool(true)],
            [.string("url"), .string("Network activity"), .string("https://malware.example/payload.bin"), .bool(true)],
            [.string("sha256"), .string("Payload delivery"), .string("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), .bool(true)],
            [.string("vulnerability"), .string("External analysis"), .string("CVE-2024-3094"), .bool(false)],
            [.string("sha256"), .string("Payload delivery"), .string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), .bool(false)],
            // Context for the analyst, never for detection.
            [.string("text"), .string("Other"), .string("See the indicators."), .bool(false)],
            [.string("link"), .string("External analysis"), .string(Self.page), .bool(false)],
        ])
        #expect(!found.contains { $0["value"]?.stringValue?.hasPrefix("CVSS:") == true })
        for attribute in found {
            #expect(list(attribute["Tag"]) == [tlpTag])
            #expect(attribute["distribution"] == .string("5"))
            #expect(attribute["timestamp"] == .string("1805153400"))
        }
        #expect(found.map { $0["comment"] } == [.string(""), .string(""), .string(""), .string(""), .string(""), .string("dropper.bin"),
                                                 .string("The item's text"), .string("The item on Renkei")])
        // The whole first attribute; its uuid is Python's uuid.uuid5(namespace, "<item id>\nipv4\n198.51.100.7").
        #expect(found.first == .object([
            ("uuid", .string("bd825ad8-4c16-5721-a6d4-c2b5f1879fcb")), ("type", .string("ip-dst")), ("category", .string("Network activity")),
            ("value", .string("198.51.100.7")), ("to_ids", .bool(true)), ("distribution", .string("5")), ("timestamp", .string("1805153400")),
            ("comment", .string("")), ("Tag", .array([tlpTag])),
        ]))
    }

    @Test func clearAndGreenItemsAreDistributedWider() {
        #expect(MISPFeed.event(for: Self.item(tlp: .clear), organisation: Self.organisation)["Event"]?["distribution"] == .string("3"))
        #expect(MISPFeed.event(for: Self.item(tlp: .green), organisation: Self.organisation)["Event"]?["distribution"] == .string("1"))
    }

    @Test func attributeUUIDsAreDeterministic() {
        let uuids = { (item: SharedItem) in self.attributes(MISPFeed.event(for: item, organisation: Self.organisation)).map { $0["uuid"]!.stringValue! } }
        let first = uuids(Self.item())
        #expect(first.count == 7, "six indicators and attachments, and the text")
        #expect(Set(first).count == 7)
        #expect(uuids(Self.item()) == first)
        let changed = uuids(Self.item(ipv4: "198.51.100.8"))
        #expect(changed[0] != first[0])
        #expect(Array(changed.dropFirst()) == Array(first.dropFirst()))
    }

    @Test func hashLinesAreMD5OfEachValueAndTheEventUUID() {
        // md5 of each value as Python's hashlib computes it.
        #expect(MISPFeed.hashLines(for: Self.item(), url: Self.page) == [
            "526291673f8700ef4e4902e29550a03b,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "f47552dd5a070d1c16c21e320bba561a,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "a8c92eedf72de8437218c991402377b7,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "3de1d73a19c7590ee66398a17e93bd67,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "ea53ed8a13ba233f7efd0771aa496a0a,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "6ea923f0bba18e2a736ecae8cb61ff78,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "bed9206bec824eff6b8bbf0ddbf425a4,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
            "a552633e27047ffe7be62301f9fbc379,5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11",
        ])
    }

    @Test func anAttachedFileNamedInTheTextIsOneAttribute() {
        var item = Self.item()
        item.indicators.append(ExtractedIndicator(kind: .sha256, value: Self.attachmentSHA256))
        let sha256s = attributes(MISPFeed.event(for: item, organisation: Self.organisation)).filter { $0["type"] == .string("sha256") }
        #expect(sha256s.map { $0["value"] } == [.string(Self.sha256), .string(Self.attachmentSHA256)])
        #expect(sha256s.map { $0["comment"] } == [.string(""), .string("dropper.bin")])
    }

    @Test func manifestEntryIsWrittenInFull() {
        var item = Self.item()
        item.correctedAt = Self.instant("2027-03-16T08:00:00Z")
        let entry = MISPFeed.manifestEntry(for: item, organisation: Self.organisation)
        #expect(entry.key == "5f0c8a2e-1b7d-4c3a-9e61-2d4f8a9b0c11")
        #expect(entry.value.serialized(pretty: false) == #"""
        {"info":"Wombat dropper","Orgc":{"name":"Renkei Example Community","uuid":"0e6f4c2a-7d1b-4b8e-9c3f-5a2d8e1f6b70"},"analysis":"2",\#
        "threat_level_id":"4","timestamp":"1805184000","date":"2027-03-15","published":true,\#
        "Tag":[{"name":"tlp:amber+strict","colour":"#FFC000"},{"name":"malware"},{"name":"wombat"}]}
        """#)
    }

    @Test func withdrawnItemHasNoAttributes() {
        var item = Self.item()
        item.correctedAt = Self.instant("2027-03-16T08:00:00Z")
        item.withdrawal = Withdrawal(at: Self.instant("2027-03-17T09:15:00Z"), byUserID: UUID(), byName: "Ada Example", reason: "False positive.")
        let event = MISPFeed.event(for: item, organisation: Self.organisation)
        #expect(event["Event"]?["info"] == .string("[withdrawn] Wombat dropper"))
        #expect(event["Event"]?["timestamp"] == .string("1805274900"))
        #expect(event["Event"]?["Attribute"] == .array([]))
        #expect(MISPFeed.hashLines(for: item) == [])
        #expect(MISPFeed.manifestEntry(for: item, organisation: Self.organisation).value["info"] == .string("[withdrawn] Wombat dropper"))
    }
}
