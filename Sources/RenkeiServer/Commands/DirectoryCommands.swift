import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei demo`: loads the fictional demo network into an empty directory; `renkei demo scale`
/// loads it at a chosen size (`DemoScaleCommand`).
struct DemoCommand: AnyAsyncCommand {
    var help: String {
        "Loads the fictional demo network (teams and one account per role) into an empty database; "
            + "scale --teams N --items N [--seed S]: the demo accounts with N teams and N shared items, into an empty data directory."
    }

    func run(using context: inout CommandContext) async throws {
        let app = context.application
        if context.input.arguments.first == "scale" {
            try await DemoScaleCommand.run(Array(context.input.arguments.dropFirst()), app: app)
            return
        }
        guard context.input.arguments.isEmpty else { throw UsageError(message: "usage: renkei demo | \(DemoScaleCommand.usage)") }
        if try await DemoLoader.isLoaded(on: app.db) {
            context.console.print("The demo network is already loaded.")
        } else {
            do {
                try await DemoLoader.load(on: app.db, hasher: app.password.async, lookup: app.lookup, mail: app.renkei.mail, logger: app.logger)
            } catch let error as AppError {
                throw UsageError(message: error.detail)
            }
        }
        context.console.print(DemoLoader.credentials)
    }
}

/// `renkei import global-irt|ti FILE` (teams), `renkei import rir|pfx2as|constituency
/// FILE...` (lookup datasets), `renkei import history [--json] [KIND]` and
/// `renkei import rollback KIND`.
struct ImportCommand: AnyAsyncCommand {
    static let usage = "usage: renkei import global-irt|ti|rir|pfx2as|constituency FILE... | renkei import stix BUNDLE.json --as EMAIL --audience A"
        + " | renkei import history [--json] [KIND] | renkei import rollback KIND"

    var help: String {
        "Imports teams (global-irt FILE, ti FILE), lookup data (rir FILE..., pfx2as FILE..., constituency FILE...) or a STIX 2.1 bundle as one shared item "
            + "(stix FILE --as EMAIL --audience public|community|team:SLUG|sig:SLUG); "
            + "history [--json] [KIND] lists the kept imports, rollback KIND returns to the previous one."
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["as", "audience"], flags: ["json"])
        guard let format = arguments.operands.first else { throw UsageError(message: Self.usage) }
        let operands = Array(arguments.operands.dropFirst())
        let app = context.application
        let console = context.console
        switch format {
        case "history":
            guard operands.count <= 1 else { throw UsageError(message: Self.usage) }
            try await history(of: try operands.first.map(Self.kind), json: arguments.flags.contains("json"), app: app, console: console)
        case "rollback":
            guard operands.count == 1 else { throw UsageError(message: "usage: renkei import rollback rir|pfx2as|constituency") }
            let (dropped, current) = try await DatasetImport.rollback(kind: try Self.kind(operands[0]), database: app.db)
            console.print("Dropped the \(operands[0]) import of \(TeamView.minute(dropped.importedAt)) (\(dropped.source)); "
                          + "current again: \(current.source), imported \(TeamView.minute(current.importedAt)) (\(current.entries) entries).")
        case "stix":
            guard operands.count == 1 else { throw UsageError(message: "usage: renkei import stix BUNDLE.json --as EMAIL --audience public|community|team:SLUG|sig:SLUG") }
            try await STIXCommands.importBundle(operands[0], as: arguments.options["as"], audience: arguments.options["audience"], app: app, console: console)
        case _ where DatasetKind(rawValue: format) != nil:
            let kind = try Self.kind(format)
            let report = try await DatasetImport.run(kind: kind, files: operands, keep: app.renkei.settings.datasetHistory, database: app.db) {
                console.print($0)
                fflush(nil)   // so a watching script sees each step as it starts
            }
            for line in report.skipped.prefix(50) { console.print("skipped \(line)") }
            if report.skipped.count > 50 { console.print("… and \(report.skipped.count - 50) more skipped lines") }
            console.print("Imported the \(kind.rawValue) dataset: \(report.entries) entries, \(report.skipped.count) lines skipped.")
        default:
            guard arguments.flags.isEmpty, operands.count == 1 else { throw UsageError(message: "import \(format) takes one file") }
            try await importTeams(format: format, file: operands[0], app: app, console: console)
        }
    }

    static func kind(_ text: String) throws -> DatasetKind {
        guard let kind = DatasetKind(rawValue: text) else { throw UsageError(message: "“\(text)” is not a dataset kind: use rir, pfx2as or constituency") }
        return kind
    }

    private func history(of kind: DatasetKind?, json: Bool, app: Application, console: any Console) async throws {
        let imports = try await DatasetImportModel.history(of: kind, on: app.db)
        var seen: Set<String> = []
        let rows = imports.map { model -> ImportRecord in
            defer { seen.insert(model.kind) }
            return ImportRecord(kind: model.kind, id: model.id, source: model.source, importedAt: model.importedAt, entries: model.entries,
                                skipped: model.skipped, current: !seen.contains(model.kind))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            console.print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        guard !rows.isEmpty else { return console.print("No \(kind?.rawValue ?? "lookup") data imported.") }
        for row in rows {
            console.print("\(row.kind)\t\(row.current ? "current" : "earlier")\t\(TeamView.minute(row.importedAt))\t\(row.entries) entries\t"
                          + "\(row.skipped) skipped\t\(row.source)\t\(row.id?.uuidString ?? "")")
        }
    }

    /// A line of `renkei import history --json`.
    struct ImportRecord: Encodable {
        var kind: String
        var id: UUID?
        var source: String
        var importedAt: Date
        var entries: Int
        var skipped: Int
        var current: Bool
    }

    private func importTeams(format: String, file: String, app: Application, console: any Console) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UsageError(message: "cannot read \(file)")
        }
        var incoming: [DirectoryImport.Incoming]
        do {
            switch format {
            case "global-irt":
                incoming = try GlobalIRT.parseDocument(data).map { team in
                    var record = team.record
                    record.pgpKeys = team.armoredKeys.map { PGPKey(fingerprint: "", armored: $0) }
                    return DirectoryImport.Incoming(record: record, fingerprints: team.declaredFingerprints)
                }
            case "ti":
                incoming = try TrustedIntroducer.parseDocument(data).map { DirectoryImport.Incoming(record: $0, fingerprints: []) }
            default:
                throw UsageError(message: "unknown format “\(format)”: use global-irt, ti, rir, pfx2as or constituency")
            }
        } catch let error as GlobalIRT.FormatError {
            throw UsageError(message: "\(file): \(error.message)")
        }
        let summary = try await DirectoryImport.run(incoming, source: URL(fileURLWithPath: file).lastPathComponent, app: app) { checked, total in
            console.output("Checked \(checked)/\(total) teams\r".consoleText(), newLine: false)
        }
        console.print("")
        console.print("Imported \(summary.total) teams: \(summary.created) new, \(summary.updated) updated, \(summary.unchanged) unchanged.")
    }
}

/// `renkei export global-irt`: the directory in the Global IRT format on standard output.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "format", help: "global-irt or stix")
        var format: String
        @Option(name: "as", help: "stix: read as this account (default: an anonymous reader, TLP:CLEAR only)")
        var reader: String?
        @Option(name: "audience", help: "stix: the collection, \(STIXCommands.audiences) (default: everything the reader may read)")
        var audience: String?
        @Option(name: "since", help: "stix: only items changed after this timestamp")
        var since: String?
        @Flag(name: "public", help: "Only what anonymous visitors may see (default: every field, for a full backup or transfer)")
        var publicOnly: Bool
        @Option(name: "output", short: "o", help: "Write to this file instead of standard output")
        var output: String?
    }

    var help: String {
        "Exports every team in the Global IRT format (importable again with `renkei import global-irt`), or with stix a STIX 2.1 bundle of what --as may read."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.format == "stix" {
            return try await STIXCommands.exportBundle(as: signature.reader, audience: signature.audience, since: signature.since, output: signature.output,
                                                       app: context.application)
        }
        guard signature.format == "global-irt" else { throw UsageError(message: "unknown format “\(signature.format)”: use global-irt or stix") }
        let audience: DirectoryAudience = signature.publicOnly ? .everyone : .members
        let teams = try await TeamModel.all(on: context.application.db)
        let document = JSONValue.array(teams.map { GlobalIRT.object(for: $0.record.visible(to: audience), lastModified: $0.modifiedAt) })
        let text = document.serialized(pretty: true) + "\n"
        if let output = signature.output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw UsageError(message: "cannot write \(output)")
            }
            context.console.print("Exported \(teams.count) teams to \(output).")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// `renkei user create`: accounts for people, including the first secretariat account.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create | roles | reset-two-factor | key | token")
        var action: String
        @Option(name: "email", help: "Sign-in address")
        var email: String?
        @Option(name: "name", help: "Display name (for token: the token's name)")
        var name: String?
        @Option(name: "roles", help: "Comma-separated: member, team-representative, sig-chair, board, secretariat")
        var roles: String?
        @Option(name: "team", help: "Slug of the user's team")
        var team: String?
        @Option(name: "file", help: "For key: the armored OpenPGP public key (an empty file removes the key)")
        var file: String?
    }

    var help: String {
        "create: creates a user account (the password is read from RENKEI_PASSWORD or asked for); roles: sets a user's roles "
            + "(a new board, secretariat or team-representative role revokes their API tokens); "
            + "reset-two-factor: removes a user's authenticator and recovery codes and revokes their API tokens (they set up a new factor at their next sign-in); "
            + "key: sets the PGP key restricted list mail is encrypted to (--file); "
            + "token: creates an API token named --name and prints it alone on standard output (refused while the roles need a second factor that is not set up). All are audited."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard ["create", "roles", "reset-two-factor", "key", "token"].contains(signature.action) else {
            throw UsageError(message: "unknown action “\(signature.action)”: use create, roles, reset-two-factor, key or token")
        }
        guard let email = signature.email?.lowercased(), TeamRecord.isEmail(email) else {
            throw UsageError(message: "--email must be an e-mail address")
        }
        guard let roles = Role.parseList(signature.roles ?? "member").map({ $0.union([.member]) }) else {
            throw UsageError(message: "--roles takes: " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let app = context.application
        let existing = try await UserModel.query(on: app.db).filter(\.$email == email).first()
        let roleList = roles.sorted().map(\.rawValue).joined(separator: ",")
        if signature.action == "reset-two-factor" {
            guard let user = existing else { throw UsageError(message: "there is no user \(email)") }
            let now = app.renkei.clock.now
            try await app.db.transaction { database in
                try await SecondFactorChanges.reset(user, at: now, mail: app.renkei.mail, on: database)
                try await AuditLog.record("two-factor.reset", subject: email, actor: nil, address: "cli", at: now, on: database)
            }
            context.console.print("Removed the second factor of \(email) and revoked their API tokens; they set up a new one at their next sign-in.")
            return
        }
        if signature.action == "token" {
            guard let user = existing else { throw UsageError(message: "there is no user \(email)") }
            try await createToken(for: user, name: signature.name, app: app)
            return
        }
        if signature.action == "key" {
            guard let user = existing else { throw UsageError(message: "there is no user \(email)") }
            guard let path = signature.file, let data = FileManager.default.contents(atPath: path) else {
                throw UsageError(message: "--file must name a readable file with the armored public key")
            }
            do {
                try await AccountPGPKey.set(String(decoding: data, as: UTF8.self), for: user, gnupg: app.renkei.editing.gnupg, actor: nil,
                                            address: "cli", at: Date(), on: app.db)
            } catch let failure as ValidationFailure {
                throw UsageError(message: failure.errors.map(\.message).joined(separator: " "))
            }
            context.console.print(user.pgpFingerprint.map { "\(email) now has the key \($0)." } ?? "Removed the key of \(email).")
            return
        }
        if signature.action == "roles" {
            guard let user = existing else { throw UsageError(message: "there is no user \(email)") }
            let now = app.renkei.clock.now
            try await app.db.transaction { database in
                try await SecondFactorChanges.setRoles(roles, of: user, at: now, mail: app.renkei.mail, on: database)
                try await AuditLog.record("user.roles", subject: email, detail: "roles \(roleList)", actor: nil, address: "cli", at: now, on: database)
            }
            context.console.print("\(email) now has the roles \(roles.sorted().map(\.label).joined(separator: ", ")).")
            return
        }
        guard let name = signature.name, !name.isEmpty else { throw UsageError(message: "--name is required") }
        var teamID: UUID?
        if let slug = signature.team {
            guard let team = try await TeamModel.find(slug: slug, on: app.db) else { throw UsageError(message: "no team “\(slug)”") }
            teamID = try team.requireID()
        }
        if existing != nil { throw UsageError(message: "a user \(email) exists already") }
        let userTeamID = teamID
        let password = ProcessInfo.processInfo.environment["RENKEI_PASSWORD"] ?? context.console.ask("Password: ".consoleText(), isSecure: true)
        guard password.count >= 12 else { throw UsageError(message: "the password must have at least 12 characters") }
        let hash = try await app.password.async.hash(password)
        try await app.db.transaction { database in
            try await UserModel(email: email, displayName: name, passwordHash: hash, roles: roles, teamID: userTeamID, createdAt: Date()).create(on: database)
            try await AuditLog.record("user.create", subject: email, detail: "roles \(roleList)" + (signature.team.map { "; team \($0)" } ?? ""),
                                      actor: nil, address: "cli", at: Date(), on: database)
        }
        context.console.print("Created \(email) (\(roles.sorted().map(\.label).joined(separator: ", "))).")
    }

    /// `user token`: the secret alone on standard output, so a script can capture it
    /// (`TOKEN=$(renkei user token --email … --name …)`); the same rule as the account page
    /// (`APITokenPolicy.creationRefusal`), and an audit line naming the token.
    private func createToken(for user: UserModel, name: String?, app: Application) async throws {
        guard let name = name?.trimmingCharacters(in: .whitespaces), (1...80).contains(name.count) else {
            throw UsageError(message: "--name must name the token in 1 to 80 characters, e.g. the script that uses it")
        }
        let now = app.renkei.clock.now
        let secret: String
        do {
            secret = try await app.db.transaction { database in
                let secret = try await APITokens.create(for: user, name: name, at: now, on: database)
                try await AuditLog.record("token.create", subject: user.email, detail: "API token “\(name)” made on the command line",
                                          actor: nil, address: "cli", at: now, on: database)
                return secret
            }
        } catch let error as AppError {
            throw UsageError(message: "\(user.email): \(error.detail)")
        }
        FileHandle.standardOutput.write(Data((secret + "\n").utf8))
    }
}
