import Crypto
import Foundation

/// STIX 2.1 (OASIS Standard, June 2021): what shared items, their indicators, attachments,
/// registry samples and teams are as objects that MISP, OpenCTI and SIEMs pull.
///
/// - Every object carries exactly one TLP 2.0 marking (the OASIS extension's own marking
///   definitions, shipped in every bundle), the label of the item it came from.
/// - Ids are derived from the item, so the same object keeps its id across exports. STIX
///   wants SDOs and SROs named by UUIDv4 (its validator refuses others in strict mode): they are
///   name-based (SHA-1 of Renkei's namespace and the name, as for a UUIDv5) with the version
///   bits of a v4. Cyber-observables (`file`) take STIX's own UUIDv5 from their hashes.
/// - A corrected item gives new versions (`modified`); a withdrawn one `revoked: true`.
public enum STIX21 {
    public static let mediaType = "application/stix+json;version=2.1"
    public static let tlpExtensionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The marking definitions the OASIS TLP 2.0 extension publishes.
    public static func markingID(_ tlp: TLPLabel) -> String {
        switch tlp {
        case .clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        }
    }

    /// The label a TLP 2.0 marking id stands for; nil for anything else (TLP 1.0's predefined
    /// markings included: WHITE is not CLEAR by accident).
    public static func label(ofMarking id: String) -> TLPLabel? {
        TLPLabel.allCases.first { markingID($0) == id }
    }

    public static func markingDefinition(_ tlp: TLPLabel) -> JSONValue {
        .object([
            ("type", .string("marking-definition")), ("spec_version", .string("2.1")), ("id", .string(markingID(tlp))),
            ("created", .string("2022-10-01T00:00:00.000Z")), ("name", .string(tlp.text)),
            ("extensions", .object([(tlpExtensionID, .object([("extension_type", .string("property-extension")),
                                                              ("tlp_2_0", .string(tlp.rawValue.lowercased()))]))])),
        ])
    }

    // MARK: Identifiers

    /// Renkei's namespace for the ids it derives (a random v4, fixed once).
    static let namespace = UUID(uuidString: "3f1d2b1e-8c4a-4e0b-9a57-6d2c9e4b7a10")!
    /// STIX 2.1's namespace for cyber-observable ids (section 2.9).
    static let observableNamespace = UUID(uuidString: "00abedb4-aa42-466c-9c01-fed23315a9b7")!

    /// `type--uuid`, the uuid name-based on `name` with the version bits of a v4.
    public static func objectID(_ type: String, _ name: String) -> String {
        type + "--" + nameBasedUUID(namespace, name, version: 4).uuidString.lowercased()
    }

    /// A cyber-observable's id: UUIDv5 over its contributing properties in canonical JSON.
    static func observableID(_ type: String, contributing: JSONValue) -> String {
        type + "--" + nameBasedUUID(observableNamespace, contributing.serialized(pretty: false), version: 5).uuidString.lowercased()
    }

    static func nameBasedUUID(_ namespace: UUID, _ name: String, version: UInt8) -> UUID {
        var bytes = withUnsafeBytes(of: namespace.uuid) { Array($0) }
        bytes += Array(name.utf8)
        var digest = Array(Insecure.SHA1.hash(data: bytes).prefix(16))
        digest[6] = (digest[6] & 0x0F) | (version << 4)
        digest[8] = (digest[8] & 0x3F) | 0x80
        return digest.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    public static let renkeiIdentityID = "identity--7b0f5a42-2c1e-4d8b-b3a9-5e61c0d4f218"
    public static let cvssExtensionID = "extension-definition--c4e2a9d0-61f7-4b3e-8a15-92d07b6e3f54"
    /// When Renkei's own objects (its identity, the CVSS extension, team identities) were made.
    static let epoch = "2026-01-01T00:00:00.000Z"

    public static func teamIdentityID(_ teamID: UUID) -> String { objectID("identity", "team:" + teamID.uuidString.lowercased()) }

    /// The report (announcement) or note (request, conversation) an item becomes.
    public static func itemObjectID(_ item: SharedItem) -> String {
        objectID(item.kind == .announcement ? "report" : "note", "item:" + item.id.uuidString.lowercased())
    }

    // MARK: Timestamps

    /// `2026-01-02T03:04:05.678Z`, made by hand: a collection's page writes thousands.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = max(0, Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return "\(digits(Int(parts.tm_year) + 1900, 4))-\(digits(Int(parts.tm_mon) + 1, 2))-\(digits(Int(parts.tm_mday), 2))T"
            + "\(digits(Int(parts.tm_hour), 2)):\(digits(Int(parts.tm_min), 2)):\(digits(Int(parts.tm_sec), 2)).\(digits(Int(milliseconds % 1000), 3))Z"
    }

    /// A STIX timestamp: RFC 3339 in UTC (`Z`), with any number of fractional digits (kept to
    /// the millisecond, which is what Renkei stores).
    public static func parseTimestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            range.allSatisfy { (48...57).contains(bytes[$0]) } ? range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } : nil
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        var milliseconds = 0
        if bytes.count > 20 {
            let fraction = bytes[20..<(bytes.count - 1)]
            guard bytes[19] == UInt8(ascii: "."), !fraction.isEmpty, fraction.allSatisfy({ (48...57).contains($0) }) else { return nil }
            for (index, digit) in fraction.prefix(3).enumerated() { milliseconds += Int(digit - 48) * [100, 10, 1][index] }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&parts)) + Double(milliseconds) / 1000)
    }

    // MARK: Renkei's own objects

    public static func renkeiIdentity() -> JSONValue {
        .object([
            ("type", .string("identity")), ("spec_version", .string("2.1")), ("id", .string(renkeiIdentityID)),
            ("created", .string(epoch)), ("modified", .string(epoch)), ("name", .string("Renkei")),
            ("description", .string("The community platform that shared these objects.")), ("identity_class", .string("system")),
            ("object_marking_refs", publicMarking),
        ])
    }

    /// The property extension a vulnerability's CVSS vector and score travel in.
    public static func cvssExtensionDefinition() -> JSONValue {
        .object([
            ("type", .string("extension-definition")), ("spec_version", .string("2.1")), ("id", .string(cvssExtensionID)),
            ("created_by_ref", .string(renkeiIdentityID)), ("created", .string(epoch)), ("modified", .string(epoch)),
            ("name", .string("Renkei CVSS score")),
            ("description", .string("The CVSS vector a shared item gave for a vulnerability, and the base score Renkei computed from it.")),
            ("schema", .string("cvss_vector: the vector as written (CVSS v2, v3.0, v3.1 or v4.0); cvss_base_score: its base score, 0.0 to 10.0.")),
            ("version", .string("1.0")), ("extension_types", .array([.string("property-extension")])),
            ("object_marking_refs", publicMarking),
        ])
    }

    public static func teamIdentity(id teamID: UUID, name: String) -> JSONValue {
        .object([
            ("type", .string("identity")), ("spec_version", .string("2.1")), ("id", .string(teamIdentityID(teamID))),
            ("created", .string(epoch)), ("modified", .string(epoch)), ("name", .string(name)),
            ("identity_class", .string("organization")), ("sectors", .array([.string("technology")])),
            ("object_marking_refs", publicMarking),
        ])
    }

    /// Renkei's own objects and team identities repeat what the public directory shows.
    private static var publicMarking: JSONValue { .array([.string(markingID(.clear))]) }

    /// A bundle of `objects` with the marking definitions and Renkei's own objects they name
    /// and do not hold already.
    public static func bundle(_ objects: [JSONValue]) -> JSONValue {
        let held = Set(objects.compactMap { $0["id"]?.stringValue })
        let support = supportingObjects(for: objects).filter { !held.contains($0["id"]?.stringValue ?? "") }
        return .object([("type", .string("bundle")), ("id", .string("bundle--" + UUID().uuidString.lowercased())),
                        ("objects", .array(support + objects))])
    }

    /// The marking definitions, Renkei's identity and the CVSS extension, as far as `objects` refer to them.
    public static func supportingObjects(for objects: [JSONValue]) -> [JSONValue] {
        let usesCVSS = objects.contains { $0["extensions"]?[cvssExtensionID] != nil }
        let namesRenkei = objects.contains { object in
            object["created_by_ref"]?.stringValue == renkeiIdentityID || object["object_refs"]?.stringList?.contains(renkeiIdentityID) == true
        }
        var own: [JSONValue] = []
        if usesCVSS || namesRenkei { own.append(renkeiIdentity()) }
        if usesCVSS { own.append(cvssExtensionDefinition()) }
        let labels = Set((objects + own).compactMap { $0["object_marking_refs"]?.stringList?.first.flatMap(label(ofMarking:)) })
        return TLPLabel.allCases.filter(labels.contains).map(markingDefinition) + own
    }
}

// MARK: - Shared items as STIX

extension STIX21 {
    /// The objects an item becomes, in order: its author team's identity, the indicators,
    /// vulnerabilities and files it carries, the report or note naming them, and a note per
    /// reply that carries indicators. `url` is the item's page.
    public static func objects(for item: SharedItem, url: String?) -> [JSONValue] {
        let marking = JSONValue.array([.string(markingID(item.tlp))])
        let created = timestamp(item.createdAt)
        let modified = timestamp(item.textChangedAt)
        let author = item.authorTeamID.map(teamIdentityID) ?? renkeiIdentityID
        var objects: [JSONValue] = []
        if let team = item.authorTeamID { objects.append(teamIdentity(id: team, name: item.authorTeamName ?? "Team")) }

        /// `creator` nil: someone outside the author's team, whose team has no identity here.
        func common(_ type: String, _ id: String, created: String, modified: String, creator: String? = author) -> [(key: String, value: JSONValue)] {
            var pairs: [(key: String, value: JSONValue)] = [("type", .string(type)), ("spec_version", .string("2.1")), ("id", .string(id))]
            if let creator { pairs.append(("created_by_ref", .string(creator))) }
            pairs += [("created", .string(created)), ("modified", .string(modified))]
            if item.isWithdrawn { pairs.append(("revoked", .bool(true))) }
            return pairs
        }
        func carried(_ indicators: [ExtractedIndicator], created: String, modified: String, context: String, creator: String? = author) -> [JSONValue] {
            var found: [JSONValue] = []
            let cves = indicators.filter { $0.kind == .cve }
            // A score belongs to a vulnerability only when the text names one: with several, which is which is unknown.
            let cvss = cves.count == 1 ? indicators.first { $0.kind == .cvss } : nil
            for indicator in indicators {
                if let pattern = pattern(for: indicator) {
                    found.append(.object(common("indicator", objectID("indicator", "item:\(item.id.uuidString.lowercased()):\(indicator.kind.rawValue):\(indicator.value)"),
                                                created: created, modified: modified, creator: creator) + [
                        ("name", .string(indicatorName(indicator))),
                        ("description", .string("Named in “\(context)”, shared on Renkei under \(item.tlp.text).")),
                        ("indicator_types", .array([.string("unknown")])), ("pattern", .string(pattern)), ("pattern_type", .string("stix")),
                        ("valid_from", .string(created)), ("object_marking_refs", marking),
                    ]))
                } else if indicator.kind == .cve {
                    var pairs = common("vulnerability", objectID("vulnerability", "item:\(item.id.uuidString.lowercased()):cve:\(indicator.value)"),
                                       created: created, modified: modified, creator: creator)
                    pairs += [("name", .string(indicator.value)), ("description", .string("Named in “\(context)”.")),
                              ("external_references", .array([.object([("source_name", .string("cve")), ("external_id", .string(indicator.value))])])),
                              ("object_marking_refs", marking)]
                    if let cvss, let score = cvss.score {
                        pairs.append(("extensions", .object([(cvssExtensionID, .object([
                            ("extension_type", .string("property-extension")), ("cvss_vector", .string(cvss.value)), ("cvss_base_score", .number(score)),
                        ]))])))
                    }
                    found.append(.object(pairs))
                }
            }
            return found
        }

        let carriedObjects = carried(item.indicators, created: created, modified: modified, context: item.title)
        // Files are observables, which are never revoked: a withdrawn item no longer names them.
        let files: [JSONValue] = item.isWithdrawn ? [] : item.attachments.map { file(sha256: $0.sha256, md5: nil, sha1: nil, size: $0.size, name: $0.name, fileType: $0.fileType, marking: marking) }
        objects += carriedObjects + files
        var refs = (carriedObjects + files).compactMap { $0["id"]?.stringValue }
        if refs.isEmpty { refs = [author] }
        // The page's address is not in the reference: STIX wants a hash beside every URL
        // there, and a page that changes has none: the id names the item, the text ends with its address.
        let reference: [(key: String, value: JSONValue)] = [("source_name", .string("renkei")), ("external_id", .string(item.id.uuidString.lowercased()))]
        let text = (item.withdrawal.map { "Withdrawn by \($0.byName): \($0.reason)" } ?? item.body) + (url.map { "\n\nOn Renkei: " + $0 } ?? "")
        var main = common(item.kind == .announcement ? "report" : "note", itemObjectID(item), created: created, modified: modified)
        if item.kind == .announcement {
            main += [("name", .string(item.title)), ("description", .string(text)), ("report_types", .array([.string("threat-report")])),
                     ("published", .string(created))]
        } else {
            main += [("abstract", .string(item.title)), ("content", .string(text)), ("authors", .array([.string(item.authorName)]))]
        }
        if !item.tags.isEmpty { main.append(("labels", .array(item.tags.map(JSONValue.string)))) }
        main += [("object_refs", .array(refs.map(JSONValue.string))), ("external_references", .array([.object(reference)])), ("object_marking_refs", marking)]
        objects.append(.object(main))

        guard !item.isWithdrawn else { return objects }
        // Renkei's own lookup answers are the directory speaking (a constituency is no indicator).
        for reply in item.replies where reply.kind != .lookup {
            let found = ExtractedIndicator.extract(from: reply.text)
            guard !found.isEmpty else { continue }
            let at = timestamp(reply.at)
            let creator = reply.authorTeamName != nil && reply.authorTeamName == item.authorTeamName ? author : nil
            let replyObjects = carried(found, created: at, modified: at, context: "a reply to " + item.title, creator: creator)
            // What the item (or an earlier reply) named already is referred to, not repeated.
            let emitted = Set(objects.compactMap { $0["id"]?.stringValue })
            objects += replyObjects.filter { !emitted.contains($0["id"]?.stringValue ?? "") }
            var note = common("note", objectID("note", "reply:" + reply.id.uuidString.lowercased()), created: at, modified: at, creator: creator)
            note += [("abstract", .string("Reply to “\(item.title)”")), ("content", .string(reply.text)), ("authors", .array([.string(reply.authorName)])),
                     ("object_refs", .array(([itemObjectID(item)] + replyObjects.compactMap { $0["id"]?.stringValue }).map(JSONValue.string))),
                     ("object_marking_refs", marking)]
            objects.append(.object(note))
        }
        return objects
    }

    /// The STIX pattern for an indicator; nil for what is not an observable (CVE ids, CVSS vectors).
    public static func pattern(for indicator: ExtractedIndicator) -> String? {
        let value = indicator.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return switch indicator.kind {
        case .ipv4: "[ipv4-addr:value = '\(value)']"
        case .ipv6: "[ipv6-addr:value = '\(value)']"
        case .domain: "[domain-name:value = '\(value)']"
        case .url: "[url:value = '\(value)']"
        case .md5: "[file:hashes.MD5 = '\(value)']"
        case .sha1: "[file:hashes.'SHA-1' = '\(value)']"
        case .sha256: "[file:hashes.'SHA-256' = '\(value)']"
        case .cve, .cvss: nil
        }
    }

    static func indicatorName(_ indicator: ExtractedIndicator) -> String {
        let kind = switch indicator.kind {
        case .ipv4: "IPv4 address"
        case .ipv6: "IPv6 address"
        case .domain: "Domain"
        case .url: "URL"
        case .md5: "MD5"
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        case .cve: "CVE"
        case .cvss: "CVSS"
        }
        return kind + " " + indicator.value
    }

    /// A `file` observable: hashes, size, name and the MIME type where the content is known.
    static func file(sha256: String, md5: String?, sha1: String?, size: Int?, name: String?, fileType: String?, marking: JSONValue) -> JSONValue {
        var hashes: [(key: String, value: JSONValue)] = []
        if let md5 { hashes.append(("MD5", .string(md5))) }
        if let sha1 { hashes.append(("SHA-1", .string(sha1))) }
        hashes.append(("SHA-256", .string(sha256)))
        var pairs: [(key: String, value: JSONValue)] = [
            ("type", .string("file")), ("spec_version", .string("2.1")),
            ("id", .string(observableID("file", contributing: .object([("hashes", .object([("SHA-256", .string(sha256))]))])))),
            ("hashes", .object(hashes)),
        ]
        if let size { pairs.append(("size", .number(Double(size)))) }
        if let name { pairs.append(("name", .string(name))) }
        if let mime = fileType.flatMap(mimeType) { pairs.append(("mime_type", .string(mime))) }
        pairs.append(("object_marking_refs", marking))
        return .object(pairs)
    }

    /// The IANA media type of what `FileMagic` recognised, where there is one.
    static func mimeType(_ fileType: String) -> String? {
        switch fileType {
        case "PE executable (MZ)": "application/vnd.microsoft.portable-executable"
        case "ELF executable": "application/x-executable"
        case "PDF document": "application/pdf"
        case "ZIP archive (or Office Open XML, JAR, APK)": "application/zip"
        case "gzip": "application/gzip"
        case "RAR archive": "application/vnd.rar"
        case "7-Zip archive": "application/x-7z-compressed"
        case "PNG image": "image/png"
        case "JPEG image": "image/jpeg"
        case "RTF document": "application/rtf"
        case "text": "text/plain"
        default: nil
        }
    }

    /// A registry entry: the sample as a `file` (never its bytes) and a `malware` object naming it.
    public static func objects(for artifact: Artifact) -> [JSONValue] {
        let marking = JSONValue.array([.string(markingID(artifact.tlp))])
        let sample = file(sha256: artifact.sha256, md5: artifact.md5, sha1: artifact.sha1, size: artifact.size, name: artifact.names.first,
                          fileType: artifact.fileType, marking: marking)
        let at = timestamp(artifact.firstSeen)
        var malware: [(key: String, value: JSONValue)] = [
            ("type", .string("malware")), ("spec_version", .string("2.1")), ("id", .string(objectID("malware", "artifact:" + artifact.id.uuidString.lowercased()))),
            ("created_by_ref", .string(renkeiIdentityID)), ("created", .string(at)), ("modified", .string(at)),
        ]
        if let name = artifact.names.first { malware.append(("name", .string(name))) }
        malware += [("description", .string("A sample in the community's artifact registry, first seen \(at).")),
                    ("malware_types", .array([.string("unknown")])), ("is_family", .bool(false)),
                    ("sample_refs", .array([sample["id"]!])), ("object_marking_refs", marking)]
        return [sample, .object(malware)]
    }
}
