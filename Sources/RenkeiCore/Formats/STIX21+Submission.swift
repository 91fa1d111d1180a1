import Foundation

/// What a STIX bundle posted to a collection (TAXII, `renkei import stix`) becomes: one
/// report-like item with the indicators the objects name, at the label their markings say.
/// Each object is accepted or refused on its own, with the reason, as TAXII's status resource
/// reports it.
public struct STIXSubmission: Sendable, Hashable {
    public struct Outcome: Sendable, Hashable {
        public var id: String
        public var version: String?
        /// Why the object was refused; nil when it was accepted.
        public var refusal: String?
    }

    public var title: String
    public var body: String
    /// The strictest label of the accepted objects; nil when nothing worth an item was accepted.
    public var tlp: TLPLabel?
    public var outcomes: [Outcome]

    public var accepted: [Outcome] { outcomes.filter { $0.refusal == nil } }
    public var refused: [Outcome] { outcomes.filter { $0.refusal != nil } }
}

extension STIX21 {
    /// At most this many objects in one post: one item holds them all.
    public static let maximumSubmissionObjects = 5_000

    /// Reads `objects` posted where only `allowed` labels may go. An object without exactly one
    /// TLP 2.0 marking, or with one the collection does not take, is refused: a label is never
    /// guessed, and never widened. TLP 2.0 marking definitions and identities are accepted and
    /// kept as nothing more (the item's author is the poster).
    public static func submission(_ objects: [JSONValue], allowed: [TLPLabel], poster: String) -> STIXSubmission {
        var outcomes: [STIXSubmission.Outcome] = []
        var labels: [TLPLabel] = []
        var reports: [(title: String, text: String)] = []
        var lines: [String] = []
        for object in objects.prefix(maximumSubmissionObjects) {
            let id = object["id"]?.stringValue ?? ""
            let version = object["modified"]?.stringValue ?? object["created"]?.stringValue
            func refuse(_ reason: String) { outcomes.append(.init(id: id.isEmpty ? "(no id)" : id, version: version, refusal: reason)) }
            guard let type = object["type"]?.stringValue, id.hasPrefix(type + "--"), UUID(uuidString: String(id.dropFirst(type.count + 2))) != nil else {
                refuse("An object needs a type and an id of the form type--UUID."); continue
            }
            switch type {
            case "marking-definition":
                if label(ofMarking: id) == nil { refuse("Only the TLP 2.0 marking definitions are read here.") } else { outcomes.append(.init(id: id, version: version)) }
                continue
            case "identity", "extension-definition", "language-content":
                outcomes.append(.init(id: id, version: version)); continue
            default:
                break
            }
            let markings = (object["object_marking_refs"]?.stringList ?? []).compactMap(label(ofMarking:))
            guard markings.count == 1, let label = markings.first else {
                refuse(markings.isEmpty ? "The object carries no TLP 2.0 marking (object_marking_refs); its label is not guessed."
                       : "The object carries more than one TLP marking."); continue
            }
            guard allowed.contains(label) else {
                refuse("The object is marked \(label.text); this collection takes \(allowed.map(\.text).joined(separator: ", ")) only."); continue
            }
            if object["revoked"] == .bool(true) { refuse("A revoked object is not shared again."); continue }
            labels.append(label)
            outcomes.append(.init(id: id, version: version))
            let name = object["name"]?.stringValue ?? object["abstract"]?.stringValue
            let text = object["description"]?.stringValue ?? object["content"]?.stringValue
            switch type {
            case "report", "note", "opinion":
                reports.append((name ?? "", text ?? object["explanation"]?.stringValue ?? ""))
            case "indicator":
                let values = object["pattern"]?.stringValue.map(patternValues) ?? []
                lines.append("- " + ([name, values.isEmpty ? object["pattern"]?.stringValue : values.joined(separator: ", ")].compactMap { $0 }.joined(separator: ": ")))
            case "vulnerability":
                lines.append("- Vulnerability " + (name ?? "") + (text.map { ": " + $0 } ?? ""))
            case "ipv4-addr", "ipv6-addr", "url", "domain-name":
                if let value = object["value"]?.stringValue { lines.append("- " + written(value, type: type)) }
            case "file":
                let hashes = ["MD5", "SHA-1", "SHA-256"].compactMap { object["hashes"]?[$0]?.stringValue }
                lines.append("- File " + ([object["name"]?.stringValue].compactMap { $0 } + hashes).joined(separator: " "))
            default:
                lines.append("- " + type + (name.map { ": " + $0 } ?? "") + (text.map { " (" + $0 + ")" } ?? ""))
            }
        }
        for object in objects.dropFirst(maximumSubmissionObjects) {
            outcomes.append(.init(id: object["id"]?.stringValue ?? "(no id)", version: nil, refusal: "At most \(maximumSubmissionObjects) objects in one post."))
        }
        let title = reports.first(where: { !$0.title.isEmpty })?.title ?? "STIX objects shared by \(poster)"
        var body = reports.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n\n")
        if !lines.isEmpty { body += (body.isEmpty ? "" : "\n\n") + "Indicators and objects:\n" + lines.joined(separator: "\n") }
        if body.isEmpty { body = title }
        let worthAnItem = !reports.isEmpty || !lines.isEmpty
        return STIXSubmission(title: String(title.prefix(200)), body: body, tlp: worthAnItem ? labels.max() : nil, outcomes: outcomes)
    }

    /// The values a pattern compares observables with (`[ipv4-addr:value = '…']`, file hashes),
    /// written so the item's indicator extraction finds them again (domains defanged).
    static func patternValues(_ pattern: String) -> [String] {
        guard let expression = try? NSRegularExpression(
            pattern: #"(ipv4-addr|ipv6-addr|domain-name|url|file):(?:value|hashes\.'?(?:MD5|SHA-1|SHA-256)'?)\s*=\s*'((?:[^'\\]|\\.)*)'"#) else { return [] }
        return expression.matches(in: pattern, range: NSRange(pattern.startIndex..., in: pattern)).compactMap { match in
            guard let type = Range(match.range(at: 1), in: pattern), let value = Range(match.range(at: 2), in: pattern) else { return nil }
            let unescaped = String(pattern[value]).replacingOccurrences(of: "\\'", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
            return written(unescaped, type: String(pattern[type]))
        }
    }

    private static func written(_ value: String, type: String) -> String {
        type == "domain-name" ? value.replacingOccurrences(of: ".", with: "[.]") : value
    }
}
