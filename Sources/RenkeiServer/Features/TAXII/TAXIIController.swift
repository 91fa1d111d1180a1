import Fluent
import Foundation
import RenkeiCore
import Vapor

/// A TAXII 2.1 server (OASIS, 2021) over the shared items: discovery, one API root, one
/// collection per audience the reader reads (`ShareCollection`), objects, manifest, versions,
/// posting and the status of a post. Readers authenticate with HTTP Basic (account e-mail and
/// API token) or Bearer; anonymous readers see the public collection.
struct TAXIIController {
    static let maximumPost = ByteCount(value: 10 << 20)
    static let statusKept: TimeInterval = 7 * 24 * 3600
    /// At most this many statuses per poster.
    static let statusesKept = 20

    func register(_ taxii: any RoutesBuilder) {
        taxii.get(.taxiiDiscovery, use: discovery)
        taxii.get(.taxiiRoot, use: root)
        taxii.get(.taxiiCollections, use: collections)
        taxii.get(.taxiiCollection(.key), use: collection)
        taxii.get(.taxiiObjects(.key), use: objects)
        taxii.on(.POST, SiteURL.taxiiObjects(.key).pathComponents, body: .collect(maxSize: Self.maximumPost), use: post)
        taxii.get(.taxiiObject(.key, .key), use: object)
        taxii.get(.taxiiObjectVersions(.key, .key), use: versions)
        taxii.get(.taxiiManifest(.key), use: manifest)
        taxii.get(.taxiiStatus(.key), use: status)
    }

    private func url(_ site: SiteURL, _ request: Request) -> String {
        request.application.renkei.settings.publicURL + site.path + "/"
    }

    func discovery(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        let root = url(.taxiiRoot, request)
        return TAXIIMedia.response(.object([
            ("title", .string("Renkei TAXII 2.1")),
            ("description", .string("The community's shared items as STIX 2.1, one collection per audience you read.")),
            ("default", .string(root)), ("api_roots", .array([.string(root)])),
        ]))
    }

    func root(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        return TAXIIMedia.response(.object([
            ("title", .string("Renkei")), ("description", .string("Shared items, under the same access rule as every other channel.")),
            ("versions", .array([.string("application/taxii+json;version=2.1")])), ("max_content_length", .number(Double(Self.maximumPost.value))),
        ]))
    }

    func collections(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        var resources: [JSONValue] = []
        for collection in ShareCollection.collections(for: request.currentActor) {
            resources.append(try await resource(collection, request: request))
        }
        return TAXIIMedia.response(.object([("collections", .array(resources))]))
    }

    func collection(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        return TAXIIMedia.response(try await resource(try requireCollection(request), request: request))
    }

    private func resource(_ collection: ShareCollection, request: Request) async throws -> JSONValue {
        let (title, description) = try await Self.describe(collection, on: request.db)
        return .object([
            ("id", .string(collection.id.uuidString.lowercased())), ("title", .string(title)), ("description", .string(description)),
            ("can_read", .bool(true)), ("can_write", .bool(collection.posting(by: request.currentActor) != nil)),
            ("media_types", .array([.string(STIX21.mediaType)])),
        ])
    }

    /// A collection's title and description, naming the reader's own team or SIG.
    static func describe(_ collection: ShareCollection, on database: any Database) async throws -> (String, String) {
        switch collection {
        case .everything: return ("Everything I may read", "Every item shared with you, at every label you may read.")
        case .publicItems: return ("Public (TLP:CLEAR)", "Items anyone may read.")
        case .community: return ("Community", "Items shared with the whole community.")
        case .named: return ("Shared with me by name", "Items shared with you by name, TLP:RED among them.")
        case .team(let id):
            let name = try await TeamModel.find(id, on: database)?.shortName ?? "my team"
            return ("Team \(name)", "Items shared with \(name).")
        case .sig(let id):
            let name = try await SIGModel.find(id, on: database)?.name ?? "a SIG"
            return ("SIG \(name)", "Items shared with the Special Interest Group \(name).")
        }
    }

    private func requireCollection(_ request: Request) throws -> ShareCollection {
        try request.readableCollection(notFound: "There is no such collection, or it is not yours to read.")
    }

    // MARK: Objects

    /// The query's paging and filters (TAXII 2.1, 3.4); `match[...]` read from the raw query,
    /// whose brackets a form decoder would take for nesting.
    private func query(_ request: Request, id: String? = nil) throws -> (filter: TAXIIStore.Filter, limit: Int, cursor: TAXIIStore.Cursor?) {
        var values: [String: [String]] = [:]
        for pair in (request.url.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            values[key, default: []] += value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var filter = TAXIIStore.Filter()
        if let text = values["added_after"]?.first {
            guard let date = STIX21.parseTimestamp(text) else { throw AppError.badRequest("added_after is a timestamp such as 2026-01-01T00:00:00.000Z.") }
            filter.addedAfter = date
        }
        filter.ids = id.map { [$0] } ?? values["match[id]"] ?? []
        guard filter.ids.count <= TAXIIStore.maximumIDs else { throw AppError.badRequest("At most \(TAXIIStore.maximumIDs) ids in match[id].") }
        filter.types = Set(values["match[type]"] ?? [])
        if let versions = values["match[version]"] {
            guard versions.allSatisfy({ ["first", "last", "all"].contains($0) || STIX21.parseTimestamp($0) != nil }) else {
                throw AppError.badRequest("match[version] is first, last, all or a timestamp.")
            }
            filter.versions = Set(versions.map { STIX21.parseTimestamp($0).map(STIX21.timestamp) ?? $0 })
        }
        filter.specVersions = values["match[spec_version]"].map(Set.init)
        var limit = TAXIIStore.maximumLimit
        if let text = values["limit"]?.first {
            guard let value = Int(text), value > 0 else { throw AppError.badRequest("limit is a positive whole number.") }
            limit = min(value, TAXIIStore.maximumLimit)
        }
        var cursor: TAXIIStore.Cursor?
        if let text = values["next"]?.first {
            guard let value = TAXIIStore.Cursor(encoded: text) else { throw AppError.badRequest("next is not a value this server gave out; start again without it.") }
            cursor = value
        }
        return (filter, limit, cursor)
    }

    /// One page of the collection; `object` reads one object's entries (its id from the path).
    private func read(_ request: Request, object: Bool = false) async throws -> TAXIIStore.Found {
        try TAXIIMedia.requireAcceptable(request)
        let collection = try requireCollection(request)
        let (filter, limit, cursor) = try query(request, id: object ? try objectID(request) : nil)
        let found = try await TAXIIStore.objects(in: collection, for: request.currentActor, filter: filter, limit: limit, after: cursor,
                                                 baseURL: request.application.renkei.settings.publicURL,
                                                 decoded: request.application.renkei.decodedItems, on: request.db)
        try await SharedItemStore.recordReads(found.items, channel: "taxii", request: request)
        return found
    }

    /// The envelope, with the date-added headers of the first and last object.
    private func page(_ found: TAXIIStore.Found, key: String, _ entries: [JSONValue]) -> Response {
        var pairs: [(key: String, value: JSONValue)] = [("more", .bool(found.next != nil))]
        if let next = found.next { pairs.append(("next", .string(next))) }
        pairs.append((key, .array(entries)))
        let response = TAXIIMedia.response(.object(pairs))
        if let first = found.entries.first, let last = found.entries.last {
            response.headers.replaceOrAdd(name: "X-TAXII-Date-Added-First", value: first.dateAdded)
            response.headers.replaceOrAdd(name: "X-TAXII-Date-Added-Last", value: last.dateAdded)
        }
        return response
    }

    func objects(request: Request) async throws -> Response {
        let found = try await read(request)
        return page(found, key: "objects", found.entries.map(\.object))
    }

    func manifest(request: Request) async throws -> Response {
        let found = try await read(request)
        return page(found, key: "objects", found.entries.map { entry in
            .object([("id", .string(entry.id)), ("date_added", .string(entry.dateAdded)), ("version", .string(entry.version)),
                     ("media_type", .string(STIX21.mediaType))])
        })
    }

    func object(request: Request) async throws -> Response {
        let found = try await read(request, object: true)
        guard !found.entries.isEmpty else { throw AppError.notFound("There is no such object in this collection, or it is not yours to read.") }
        return page(found, key: "objects", found.entries.map(\.object))
    }

    func versions(request: Request) async throws -> Response {
        let found = try await read(request, object: true)
        guard !found.entries.isEmpty else { throw AppError.notFound("There is no such object in this collection, or it is not yours to read.") }
        return page(found, key: "versions", found.entries.map { .string($0.version) })
    }

    private func objectID(_ request: Request) throws -> String {
        guard let id = request.parameters.get(SiteURL.objectKey), id.count <= 300, id.contains("--") else {
            throw AppError.notFound("There is no such object in this collection, or it is not yours to read.")
        }
        return id
    }

    // MARK: Posting

    /// A STIX envelope becomes one item at the strictest label of its accepted objects
    /// (`STIX21.submission`); the status resource names each object's outcome.
    func post(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        let collection = try requireCollection(request)
        try TAXIIMedia.requireTAXIIBody(request)
        let user = try request.requireUser()
        guard let posting = collection.posting(by: request.currentActor) else {
            throw AppError.forbidden("You may read this collection but not add to it.")
        }
        let objects = try Self.envelopeObjects(request.body.data.map { Data(buffer: $0) } ?? Data())
        let submission = STIX21.submission(objects, allowed: posting.labels, poster: user.displayName)
        let item = try await Self.share(submission, audience: posting.audience, by: user, request: request)
        let now = request.application.renkei.clock.now
        let status = Self.status(submission, item: item, at: now)
        // A poster reads their statuses back for a week; older ones go as they post again.
        try await TAXIIStatusModel.query(on: request.db).filter(\.$userID == user.requireID())
            .filter(\.$createdAt < now.addingTimeInterval(-Self.statusKept)).delete()
        try await TAXIIStatusModel(id: status.id, userID: try user.requireID(), createdAt: now, document: status.document.serialized(pretty: false))
            .create(on: request.db)
        // ... and only their newest ones: a status can be large, and posting is cheap.
        let kept = try await TAXIIStatusModel.query(on: request.db).filter(\.$userID == user.requireID())
            .sort(\.$createdAt, .descending).sort(\.$id).all(\.$id)
        if kept.count > Self.statusesKept {
            try await TAXIIStatusModel.query(on: request.db).filter(\.$id ~~ Array(kept.dropFirst(Self.statusesKept))).delete()
        }
        return TAXIIMedia.response(status.document, status: .accepted)
    }

    /// The `objects` of a TAXII envelope or a STIX bundle.
    static func envelopeObjects(_ data: Data) throws -> [JSONValue] {
        let envelope: JSONValue
        do { envelope = try JSONValue.parse(data) } catch { throw AppError.badRequest("The body is not JSON: \(error).") }
        guard case .array(let objects)? = envelope["objects"] else {
            throw AppError.invalid([FieldError(field: "objects", message: "Send a TAXII envelope or STIX bundle: {\"objects\": [...]}.")])
        }
        guard (1...STIX21.maximumSubmissionObjects).contains(objects.count) else {
            throw AppError.invalid([FieldError(field: "objects", message: "Send 1 to \(STIX21.maximumSubmissionObjects) objects in one post.")])
        }
        return objects
    }

    /// Shares what was accepted as one announcement; nil when nothing was worth an item.
    static func share(_ submission: STIXSubmission, audience: Audience, by user: UserModel, request: Request) async throws -> SharedItem? {
        guard let tlp = submission.tlp else { return nil }
        let draft = SharedItemDraft(kind: .announcement, title: submission.title, body: submission.body, tags: ["stix"], tlp: tlp, audience: audience)
        return try await SharedItemStore.create(draft, by: user, request: request)
    }

    /// TAXII's status resource: every post is complete when answered (the item is stored in
    /// the request's transaction), with one success or failure per object.
    static func status(_ submission: STIXSubmission, item: SharedItem?, at now: Date) -> (id: UUID, document: JSONValue) {
        let id = UUID()
        func entries(_ outcomes: [STIXSubmission.Outcome], message: (STIXSubmission.Outcome) -> String?) -> JSONValue {
            .array(outcomes.map { outcome in
                var pairs: [(key: String, value: JSONValue)] = [("id", .string(outcome.id))]
                if let version = outcome.version { pairs.append(("version", .string(version))) }
                if let message = message(outcome) { pairs.append(("message", .string(message))) }
                return .object(pairs)
            })
        }
        let successes = item == nil ? [] : submission.accepted
        let failures = submission.refused + (item == nil ? submission.accepted : [])
        return (id, .object([
            ("id", .string(id.uuidString.lowercased())), ("status", .string("complete")), ("request_timestamp", .string(STIX21.timestamp(now))),
            ("total_count", .number(Double(submission.outcomes.count))),
            ("success_count", .number(Double(successes.count))),
            ("successes", entries(successes) { _ in item.map { "Shared as item \($0.id.uuidString.lowercased()) (\($0.tlp.text))." } }),
            ("failure_count", .number(Double(failures.count))),
            ("failures", entries(failures) { $0.refusal ?? "Nothing in the post besides markings and identities: no item was made." }),
            ("pending_count", .number(0)), ("pendings", .array([])),
        ]))
    }

    func status(request: Request) async throws -> Response {
        try TAXIIMedia.requireAcceptable(request)
        let user = try request.requireUser()
        guard let id = request.parameters.get(SiteURL.statusKey, as: UUID.self), let model = try await TAXIIStatusModel.find(id, on: request.db),
              model.userID == (try user.requireID()) else {
            throw AppError.notFound("There is no such status, or it is not yours.")
        }
        return TAXIIMedia.response(try JSONValue.parse(Data(model.document.utf8)))
    }
}
