import Fluent
import Foundation
import RenkeiCore

/// The people, teams and items a page of the audit log refers to, named for its reader: one
/// query per kind for the whole page. An item is named by its title only when the reader may
/// read the item (`AccessPolicy`); otherwise it is "an item", since the log is read by the
/// secretariat, who does not read every item.
struct AuditNames {
    private var usersByID: [UUID: String] = [:]
    private var usersByEmail: [String: String] = [:]
    private var teamsByID: [UUID: String] = [:]
    private var teamsBySlug: [String: String] = [:]
    /// Each item found: its title when the reader may read it, nil otherwise.
    private var items: [UUID: String?] = [:]

    static func load(for events: [AuditEventModel], reader: Actor?, on database: any Database) async throws -> AuditNames {
        var userIDs = Set(events.compactMap(\.actorUserID)), emails = Set<String>(), ids = Set<UUID>(), slugs = Set<String>()
        for event in events {
            for text in [event.subject, event.detail] { ids.formUnion(uuids(in: text).map(\.id)) }
            if event.subject.contains("@") { emails.insert(event.subject.lowercased()) }
            if let slug = teamSlug(in: event.subject) { slugs.insert(slug) }
        }
        userIDs.formUnion(ids)
        var names = AuditNames()
        if !userIDs.isEmpty || !emails.isEmpty {
            for user in try await UserModel.query(on: database).group(.or, { either in
                if !userIDs.isEmpty { either.filter(\.$id ~~ Array(userIDs)) }
                if !emails.isEmpty { either.filter(\.$email ~~ Array(emails)) }
            }).all() {
                if let id = user.id { names.usersByID[id] = user.displayName }
                names.usersByEmail[user.email.lowercased()] = user.displayName
            }
        }
        if !ids.isEmpty || !slugs.isEmpty {
            for team in try await TeamModel.query(on: database).group(.or, { either in
                if !ids.isEmpty { either.filter(\.$id ~~ Array(ids)) }
                if !slugs.isEmpty { either.filter(\.$slug ~~ Array(slugs)) }
            }).all() {
                if let id = team.id { names.teamsByID[id] = team.shortName }
                names.teamsBySlug[team.slug] = team.shortName
            }
        }
        if !ids.isEmpty {
            for model in try await SharedItemModel.query(on: database).filter(\.$id ~~ Array(ids)).all() {
                let item = try model.item()
                names.items[item.id] = .some(AccessPolicy.canRead(item.access, reader: reader) ? item.title : nil)
            }
        }
        return names
    }

    /// Who acted: their name and the address the line was written with.
    func actor(of event: AuditEventModel) -> String {
        guard let id = event.actorUserID, let name = usersByID[id] else { return event.actor }
        return "\(name) (\(event.actor))"
    }

    /// The subject or detail of a line with the ids and slugs it holds replaced by names.
    func named(_ text: String) -> String {
        if let slug = Self.teamSlug(in: text), let name = teamsBySlug[slug] {
            return text.hasPrefix("team ") ? "team \(name)" : "the application of \(name)"
        }
        if text.contains("@"), !text.contains(" "), let name = usersByEmail[text.lowercased()] { return "\(name) (\(text))" }
        var result = ""
        var rest = text[...]
        for (range, id) in Self.uuids(in: text) {
            var before = text[rest.startIndex..<range.lowerBound]
            let name: String
            if let item = items[id] {
                // "item <id>" and "request <id>" both become the item's name.
                for word in ["item ", "request "] where before.hasSuffix(word) { before = before.dropLast(word.count) }
                name = item.map { "“\($0)”" } ?? "an item"
            } else if let person = usersByID[id] {
                name = person
            } else if let team = teamsByID[id] {
                name = team
            } else {
                name = String(text[range])
            }
            result += before + name
            rest = text[range.upperBound...]
        }
        return result + rest
    }

    /// The team a subject names: `team <slug>`, or the team of `application <id> (<slug>)`.
    private static func teamSlug(in subject: String) -> String? {
        if subject.hasPrefix("team "), !subject.dropFirst(5).contains(" ") { return String(subject.dropFirst(5)) }
        if subject.hasPrefix("application "), subject.hasSuffix(")"), let open = subject.lastIndex(of: "(") {
            return String(subject[subject.index(after: open)..<subject.index(before: subject.endIndex)])
        }
        return nil
    }

    /// Every UUID written in `text`, in order. Each candidate is checked to be exactly
    /// 8-4-4-4-12 hexadecimal digits first: `UUID(uuidString:)` on Linux also takes a text
    /// with a leading space and a digit short, and answers a different id.
    static func uuids(in text: String) -> [(range: Range<String.Index>, id: UUID)] {
        func isUUID(_ candidate: Substring) -> Bool {
            candidate.enumerated().allSatisfy { offset, character in
                [8, 13, 18, 23].contains(offset) ? character == "-" : character.isHexDigit
            }
        }
        var found: [(Range<String.Index>, UUID)] = []
        var start = text.startIndex
        while let end = text.index(start, offsetBy: 36, limitedBy: text.endIndex) {
            if isUUID(text[start..<end]), let id = UUID(uuidString: String(text[start..<end])) {
                found.append((start..<end, id))
                start = end
            } else {
                start = text.index(after: start)
            }
        }
        return found
    }
}
