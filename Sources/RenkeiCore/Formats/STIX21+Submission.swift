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

    /// Reads `objects` posted where only `allowed` labels may go. An object's label is the
    /// strictest of all the markings it names, on the whole object and on single properties
    /// (`granular_markings`); an object naming any marking other than TLP 2.0's (TLP 1.0, a
    /// statement), naming none, naming a property twice, or with a label the collection does not
    /// take, is refused: a label is never guessed, and never widened. TLP 2.0 marking
    /// definitions and identities are accepted and kept as nothing more (the item's author is
    /// the poster). The caller refuses a post of more than `maximumSubmissionObjects` objects.
    public static func submission(_ objects: [JSONValue], allowed: [TLPLabel], poster: String) -> STIXSubmission {
        var outcomes: [STIXSubmission.Outcome] = []
        var labels: [TLPLabel] = []
        var reports: [(title: String, text: String)] = []
        var lines: [String] = []
        var length = 0
        for object in objects {
            let id = object["id"]?.stringValue ?? ""
            // What the status echoes is bounded: a version only as a timestamp, an id cut short.
            let version = (object["modified"]?.stringValue ?? object["created"]?.stringValue).flatMap(parseTimestamp).map(timestamp)
            func refuse(_ reason: String) { outcomes.append(.init(id: id.isEmpty ? "(no id)" : String(id.prefix(100)), version: version, refusal: reason)) }
            guard let type = object["type"]?.stringValue, id.hasPrefix(type + "--"), UUID(uuidString: String(id.dropFirst(type.count + 2))) != nil else {
                refuse("An object needs a type and an id of the form type--UUID."); continue
            }
            // Readers disagree on which of two equal names counts; none is taken.
            guard !object.namesAPropertyTwice else { refuse("The object names a property twice."); continue }
            switch type {
            case "marking-definition":
                if label(ofMarking: id) == nil { refuse("Only the TLP 2.0 marking definitions are read here.") } else { outcomes.append(.init(id: id, version: version)) }
                continue
            case "identity", "extension-definition", "language-content":
                outcomes.append(.init(id: id, version: version)); continue
            default:
                break
            }
            let named = (object["object_marking_refs"]?.stringList ?? [])
                + (object["granular_markings"]?.arrayValues ?? []).map { $0["marking_ref"]?.stringValue ?? "" }
            let markings = named.map(label(ofMarking:))
            guard !named.isEmpty, !markings.contains(nil), let label = markings.compactMap({ $0 }).max() else {
                refuse(named.isEmpty ? "The object carries no TLP 2.0 marking (object_marking_refs); its label is not guessed."
                       : "The object names a marking other than TLP 2.0's; what it means is not guessed."); continue
            }
            guard allowed.contains(label) else {
                refuse("The object is marked \(label.text); this collection takes \(allowed.map(\.text).joined(separator: ", ")) only."); continue
            }
            if object["revoked"] == .bool(true) { refuse("A revoked object is not shared again."); continue }
            let name = (object["name"]?.stringValue ?? object["abstract"]?.stringValue)?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmptyText
            let text = (object["description"]?.stringValue ?? object["content"]?.stringValue)?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmptyText
            var report: (title: String, text: String)?
            var line: String?
            switch type {
            case "report", "note", "opinion":
                report = (name ?? "", text ?? object["explanation"]?.stringValue ?? "")
            case "indicator":
                let values = object["pattern"]?.stringValue.map(patternValues) ?? []
                line = "- " + ([name, values.isEmpty ? object["pattern"]?.stringValue : values.joined(separator: ", ")].compactMap { $0 }.joined(separator: ": "))
            case "vulnerability":
                line = "- Vulnerability " + (name ?? "") + (text.map { ": " + $0 } ?? "")
            case "ipv4-addr", "ipv6-addr", "url", "domain-name":
                line = object["value"]?.stringValue.map { "- " + written($0, type: type) }
            case "file":
                let hashes = ["MD5", "SHA-1", "SHA-256"].compactMap { object["hashes"]?[$0]?.stringValue }
                line = "- File " + ([object["name"]?.stringValue].compactMap { $0 } + hashes).joined(separator: " ")
            default:
                line = "- " + type + (name.map { ": " + $0 } ?? "") + (text.map { " (" + $0 + ")" } ?? "")
            }
            // One item holds the post: what would not fit is refused, not cut.
            let added = (report.map { $0.title.utf8.count + $0.text.utf8.count } ?? 0) + (line?.utf8.count ?? 0) + 2
            guard length + added <= SharedItem.maximumBody - 1_000 else { refuse("The item is full: share the rest in another post."); continue }
            length += added
            if let report { reports.append(report) }
            if let line { lines.append(line) }
            labels.append(label)
            outcomes.append(.init(id: id, version: version))
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

private extension String {
    var nonEmptyText: String? { isEmpty ? nil : self }
}

extension JSONValue {
    /// The elements of an array; nil for anything else.
    var arrayValues: [JSONValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    /// Whether an object, here or anywhere inside, names a member twice.
    var namesAPropertyTwice: Bool {
        switch self {
        case .object(let pairs): Set(pairs.map(\.key)).count != pairs.count || pairs.contains { $0.value.namesAPropertyTwice }
        case .array(let values): values.contains { $0.namesAPropertyTwice }
        default: false
        }
    }
}
