import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei import stix` and `renkei export stix`: a STIX 2.1 bundle in and out, as the person
/// named reads and shares (the TAXII server's rules: `ShareCollection`, `STIX21.submission`).
///
///     renkei import stix BUNDLE.json --as EMAIL --audience public|community|team:SLUG|sig:SLUG
///     renkei export stix [--as EMAIL] [--since TIMESTAMP] [--audience everything|public|community|named|team:SLUG|sig:SLUG]
enum STIXCommands {
    static let audiences = "public, community, everything, named, team:SLUG or sig:SLUG"

    /// The reader (anonymous without `--as`) and the collection `--audience` names among theirs.
    static func reader(_ email: String?, audience: String?, app: Application) async throws -> (UserModel?, Actor?, ShareCollection) {
        var user: UserModel?
        var actor: Actor?
        if let email {
            guard let found = try await UserModel.query(on: app.db).filter(\.$email == email.lowercased()).first() else {
                throw UsageError(message: "there is no account \(email)")
            }
            user = found
            actor = try await ListStore.readers([found], on: app.db)[try found.requireID()]
        }
        let text = (audience ?? (actor == nil ? "public" : "everything")).lowercased()
        let collection: ShareCollection
        switch text {
        case "public": collection = .publicItems
        case "community": collection = .community
        case "everything": collection = .everything
        case "named": collection = .named
        case _ where text.hasPrefix("team:"):
            guard let team = try await TeamModel.find(slugOrName: String(text.dropFirst(5)), on: app.db) else {
                throw UsageError(message: "there is no team “\(text.dropFirst(5))” in the directory")
            }
            collection = .team(try team.requireID())
        case _ where text.hasPrefix("sig:"):
            guard let sig = try await SIGModel.query(on: app.db).filter(\.$slug == String(text.dropFirst(4))).first() else {
                throw UsageError(message: "there is no SIG “\(text.dropFirst(4))”")
            }
            collection = .sig(try sig.requireID())
        default:
            throw UsageError(message: "--audience is \(audiences)")
        }
        guard ShareCollection.collections(for: actor).contains(collection) else {
            throw UsageError(message: "\(email ?? "an anonymous reader") does not read \(text)")
        }
        return (user, actor, collection)
    }

    static func importBundle(_ path: String, as email: String?, audience: String?, app: Application, console: any Console) async throws {
        guard let email, audience != nil else { throw UsageError(message: "usage: renkei import stix BUNDLE.json --as EMAIL --audience public|community|team:SLUG|sig:SLUG") }
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError(message: "cannot read \(path)") }
        let (user, actor, collection) = try await reader(email, audience: audience, app: app)
        guard let user, let posting = collection.posting(by: actor) else { throw UsageError(message: "\(email) does not share with \(audience ?? "")") }
        let objects: [JSONValue]
        do { objects = try TAXIIController.envelopeObjects(data) } catch let error as AppError { throw UsageError(message: "\(path): \(error.detail)") }
        let submission = STIX21.submission(objects, allowed: posting.labels, poster: user.displayName)
        for outcome in submission.refused { console.print("refused \(outcome.id): \(outcome.refusal ?? "")") }
        guard let tlp = submission.tlp else { throw UsageError(message: "\(path): nothing to share (\(submission.refused.count) objects refused)") }
        let draft = SharedItemDraft(kind: .announcement, title: submission.title, body: submission.body, tags: ["stix"], tlp: tlp, audience: posting.audience)
        do {
            let item = try await SharedItemStore.create(draft, by: user, address: "cli", at: app.renkei.clock.now, resolver: nil, mail: app.renkei.mail, on: app.db)
            console.print("Shared \(item.tlp.text) “\(item.title)” from \(submission.accepted.count) objects (\(submission.refused.count) refused): "
                          + app.renkei.settings.publicURL + SiteURL.item(.value(item.id.uuidString)).path)
        } catch let failure as ValidationFailure {
            throw UsageError(message: failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// Every object of the collection (changed after `since`), page by page, with the team
    /// identities and markings they name, each once; progress on standard error.
    static func exportBundle(as email: String?, audience: String?, since: String?, output: String?, app: Application) async throws {
        let (user, actor, collection) = try await reader(email, audience: audience, app: app)
        var filter = TAXIIStore.Filter()
        if let since {
            guard let date = STIX21.parseTimestamp(since) else { throw UsageError(message: "--since is a timestamp such as 2026-01-01T00:00:00Z") }
            filter.addedAfter = date
        }
        var objects: [JSONValue] = []
        var shipped: Set<String> = []
        var cursor: TAXIIStore.Cursor?
        var itemIDs: Set<UUID> = []
        repeat {
            let found = try await TAXIIStore.objects(in: collection, for: actor, filter: filter, limit: TAXIIStore.maximumLimit, after: cursor,
                                                     baseURL: app.renkei.settings.publicURL, decoded: nil, on: app.db)
            // Pages repeat the markings and identities their objects name; a bundle holds each once.
            objects += found.entries.filter { shipped.insert($0.key).inserted }.map(\.object)
            itemIDs.formUnion(found.items.map(\.id))
            try await SharedItemStore.recordReads(found.items, channel: "stix export", by: user, address: "cli", at: app.renkei.clock.now, on: app.db)
            cursor = found.next.flatMap(TAXIIStore.Cursor.init(encoded:))
            FileHandle.standardError.write(Data("\rexported \(objects.count) objects of \(itemIDs.count) items".utf8))
        } while cursor != nil
        FileHandle.standardError.write(Data("\n".utf8))
        let text = STIX21.bundle(objects).serialized(pretty: true) + "\n"
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else { throw UsageError(message: "cannot write \(output)") }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
