import Crypto
import Foundation

/// A shared item as a MISP feed event (`{uuid}.json`), its `manifest.json` entry and its
/// `hashes.csv` lines: the files a MISP instance subscribes to, in MISP's core format.
///
/// - The TLP label travels twice: as the `tlp:` tag of MISP's taxonomy on the event and on each
///   attribute, and as an explicit distribution, so a subscriber's MISP never applies its
///   feed's default (which may be wider than the label allows).
/// - Attribute uuids are derived from the item and the value, so a re-fetched event updates
///   its attributes instead of duplicating them.
/// - A withdrawn item keeps its event (subscribers see the withdrawal) but loses its attributes.
public enum MISPFeed {
    public struct Organisation: Sendable, Hashable {
        public var name: String
        public var uuid: UUID

        public init(name: String, uuid: UUID) {
            self.name = name
            self.uuid = uuid
        }
    }

    /// What a subscriber's MISP may pass on: CLEAR to all communities (3), GREEN to this
    /// community only (1), AMBER, AMBER+STRICT and RED to the subscriber's organisation only (0).
    public static func distribution(for tlp: TLPLabel) -> Int {
        switch tlp {
        case .clear: 3
        case .green: 1
        case .amber, .amberStrict, .red: 0
        }
    }

    /// The TLP 2.0 tag of MISP's `tlp` taxonomy, with the taxonomy's colour.
    public static func tag(for tlp: TLPLabel) -> JSONValue {
        let colour = switch tlp {
        case .clear: "#ffffff"
        case .green: "#33FF00"
        case .amber, .amberStrict: "#FFC000"
        case .red: "#FF2B2B"
        }
        return .object([("name", .string("tlp:" + tlp.rawValue.lowercased())), ("colour", .string(colour))])
    }

    /// `{"Event": {...}}` for one item, as PyMISP's `MISPEvent.load` and MISP's feed fetcher read
    /// it; `url`, the item's page, becomes a `link` attribute.
    public static func event(for item: SharedItem, organisation: Organisation, url: String? = nil) -> JSONValue {
        let timestamp = timestamp(of: item)
        let tag = tag(for: item.tlp)
        let attributes: [JSONValue] = attributes(of: item, url: url).map { attribute in
            .object([
                ("uuid", .string(attributeUUID(item: item.id, kind: attribute.kind, value: attribute.value))),
                ("type", .string(attribute.type)), ("category", .string(attribute.category)), ("value", .string(attribute.value)),
                ("to_ids", .bool(attribute.toIDs)), ("distribution", .string("5")), ("timestamp", .string(timestamp)),
                ("comment", .string(attribute.comment)), ("Tag", .array([tag])),
            ])
        }
        return .object([("Event", .object([
            ("uuid", .string(item.id.uuidString.lowercased())), ("info", .string(info(of: item))), ("date", .string(date(of: item))),
            ("timestamp", .string(timestamp)), ("publish_timestamp", .string(timestamp)), ("published", .bool(true)),
            ("analysis", .string(analysis)), ("threat_level_id", .string(threatLevel)),
            ("distribution", .string(String(distribution(for: item.tlp)))),
            ("Orgc", orgc(organisation)), ("Org", orgc(organisation)),
            ("Tag", .array(tags(of: item))), ("Attribute", .array(attributes)),
        ]))])
    }

    /// The item's entry in `manifest.json`, keyed by the event uuid (the fields MISP's feed
    /// generator writes, which a subscriber filters on before fetching the event).
    public static func manifestEntry(for item: SharedItem, organisation: Organisation) -> (key: String, value: JSONValue) {
        (item.id.uuidString.lowercased(), .object([
            ("info", .string(info(of: item))), ("Orgc", orgc(organisation)), ("analysis", .string(analysis)),
            ("threat_level_id", .string(threatLevel)), ("timestamp", .string(timestamp(of: item))), ("date", .string(date(of: item))),
            ("published", .bool(true)), ("Tag", .array(tags(of: item))),
        ]))
    }

    /// `hashes.csv` lines: the md5 of each attribute value (lowercase hex), a comma, the event uuid.
    public static func hashLines(for item: SharedItem, url: String? = nil) -> [String] {
        let event = item.id.uuidString.lowercased()
        return attributes(of: item, url: url).map { Hex.lowercase(Insecure.MD5.hash(data: Array($0.value.utf8))) + "," + event }
    }

    // MARK: Parts

    /// "Completed" analysis and "undefined" threat level: Renkei does not grade items.
    private static let analysis = "2"
    private static let threatLevel = "4"

    /// Renkei's namespace for attribute uuids (a random v4, fixed once).
    private static let namespace = UUID(uuidString: "c7ab69f4-99dd-419c-a6a8-da4da54cc8c7")!

    /// A name-based UUID (version 5: SHA-1 of the namespace and the name) for one attribute.
    static func attributeUUID(item: UUID, kind: String, value: String) -> String {
        STIX21.nameBasedUUID(namespace, "\(item.uuidString.lowercased())\n\(kind)\n\(value)", version: 5).uuidString.lowercased()
    }

    private struct Attribute {
        var kind: String
        var type: String
        var category: String
        var value: String
        var toIDs: Bool
        var comment = ""
    }

    /// The indicators, then the attachments' hashes, then the item's text and page (context for
    /// the analyst, never for detection); none for a withdrawn item. An attachment's hash named
    /// in the text too is written once, as the attachment (MISP refuses an attribute repeated in
    /// an event).
    private static func attributes(of item: SharedItem, url: String?) -> [Attribute] {
        guard !item.isWithdrawn else { return [] }
        var context: [Attribute] = []
        if !item.body.isEmpty {
            context.append(Attribute(kind: "text", type: "text", category: "Other", value: item.body, toIDs: false, comment: "The item's text"))
        }
        if let url { context.append(Attribute(kind: "link", type: "link", category: "External analysis", value: url, toIDs: false, comment: "The item on Renkei")) }
        var files: [Attribute] = []
        for attachment in item.attachments where !files.contains(where: { $0.value == attachment.sha256 }) {
            files.append(Attribute(kind: "attachment", type: "sha256", category: "Payload delivery", value: attachment.sha256, toIDs: false,
                                   comment: attachment.name))
        }
        let named: [Attribute] = item.indicators.compactMap { indicator in
            let (type, category, toIDs): (String, String, Bool)
            switch indicator.kind {
            case .ipv4, .ipv6: (type, category, toIDs) = ("ip-dst", "Network activity", true)
            case .domain: (type, category, toIDs) = ("domain", "Network activity", true)
            case .url: (type, category, toIDs) = ("url", "Network activity", true)
            case .md5, .sha1, .sha256: (type, category, toIDs) = (indicator.kind.rawValue, "Payload delivery", true)
            case .cve: (type, category, toIDs) = ("vulnerability", "External analysis", false)
            case .cvss: return nil   // its score belongs to the CVE, not an attribute of its own
            }
            if type == "sha256", files.contains(where: { $0.value == indicator.value }) { return nil }
            return Attribute(kind: indicator.kind.rawValue, type: type, category: category, value: indicator.value, toIDs: toIDs)
        }
        return named + files + context
    }

    private static func info(of item: SharedItem) -> String { item.isWithdrawn ? "[withdrawn] " + item.title : item.title }

    /// The TLP tag first (MISP's tlp taxonomy is exclusive: one per event), then the item's own tags.
    private static func tags(of item: SharedItem) -> [JSONValue] {
        [tag(for: item.tlp)] + item.tags.map { .object([("name", .string($0))]) }
    }

    private static func orgc(_ organisation: Organisation) -> JSONValue {
        .object([("name", .string(organisation.name)), ("uuid", .string(organisation.uuid.uuidString.lowercased()))])
    }

    /// Unix seconds of the latest change: a subscriber re-fetches an event whose timestamp moved.
    private static func timestamp(of item: SharedItem) -> String {
        String(Int64((item.withdrawal?.at ?? item.correctedAt ?? item.createdAt).timeIntervalSince1970))
    }

    private static func date(of item: SharedItem) -> String {
        item.createdAt.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }
}
