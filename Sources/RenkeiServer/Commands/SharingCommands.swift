import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei post` shares an announcement and `renkei ask` a request, from a script (the text
/// from FILE or standard input), as the member named, under the same rules as the web and
/// the API:
///
///     renkei post --as EMAIL --title TITLE [--tlp LABEL] [--teams SLUGS | --people EMAILS | --list SLUG] [--tags TAGS] [FILE]
///     renkei ask  --as EMAIL --title TITLE --kind information|sample|point-of-contact|takedown
///                 [--subject INDICATOR] [--urgency low|normal|high|critical] [same options] [FILE]
struct PostCommand: AnyAsyncCommand {
    /// `ask` rather than `post`.
    var asks = false

    var usage: String {
        asks ? "usage: renkei ask --as EMAIL --title TITLE --kind information|sample|point-of-contact|takedown [--subject S] [--urgency U] [--tlp TLP:AMBER] [--teams SLUG,...|--people EMAIL,...] [--tags TAG,...] [FILE|-]"
            : "usage: renkei post --as EMAIL --title TITLE [--tlp TLP:AMBER] [--teams SLUG,...|--people EMAIL,...|--list SLUG] [--tags TAG,...] [FILE|-]"
    }

    var help: String {
        (asks ? "Asks the community (a request" : "Shares an announcement") + "; text from FILE or standard input; the whole community unless --teams or --people name the audience"
            + (asks ? "." : ", or --list posts it to a mailing list.")
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["as", "title", "tlp", "teams", "people", "tags", "kind", "subject", "urgency", "list"])
        guard let email = arguments.options["as"], let title = arguments.options["title"], arguments.operands.count <= 1,
              asks == (arguments.options["kind"] != nil) else {
            throw UsageError(message: usage)
        }
        func list(_ name: String) -> [String] {
            (arguments.options[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if [arguments.options["teams"], arguments.options["people"], arguments.options["list"]].compactMap({ $0 }).count > 1 {
            throw UsageError(message: "give one of --teams, --people and --list")
        }
        let path = arguments.operands.first ?? "-"
        guard let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path) else {
            throw UsageError(message: "cannot read \(path)")
        }
        let app = context.application
        guard let user = try await UserModel.query(on: app.db).filter(\.$email == email.lowercased()).first() else {
            throw UsageError(message: "there is no account \(email)")
        }
        let kind = arguments.options["teams"] != nil ? "teams" : arguments.options["people"] != nil ? "individuals" : "community"
        let input = SharedItemInput(kind: asks ? "request" : "announcement", title: title, body: String(decoding: data, as: UTF8.self), tags: list("tags"),
                                    tlp: arguments.options["tlp"], audience: .init(kind: kind, teams: list("teams"), people: list("people")),
                                    request: arguments.options["kind"].map { .init(kind: $0, urgency: arguments.options["urgency"], subject: arguments.options["subject"]) })
        do {
            var mailingList: MailingList?
            if let slug = arguments.options["list"] { mailingList = try await ListStore.require(slug: slug, on: app.db) }
            var draft = try await input.draft(on: app.db)
            if let mailingList {
                draft = try await ListStore.draft(draft, for: mailingList, labelled: arguments.options["tlp"] != nil, by: user, at: Date(), on: app.db)
            }
            let item = try await SharedItemStore.create(draft, by: user, address: "cli", at: Date(), resolver: try await app.lookup.resolver(on: app.db),
                                                        mail: app.renkei.mail, list: mailingList, on: app.db)
            context.console.print("Shared \(item.tlp.text) “\(item.title)”: \(app.renkei.settings.publicURL)\(SiteURL.item(.value(item.id.uuidString)).path)")
            for reply in item.replies { context.console.print(reply.authorName + ":\n" + reply.text) }
        } catch let failure as ValidationFailure {
            throw UsageError(message: failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch AppError.invalid(let errors) {
            throw UsageError(message: errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch AppError.forbidden(let message) {
            throw UsageError(message: message)
        } catch AppError.notFound(let message) {
            throw UsageError(message: message)
        }
    }
}
