import Fluent
import Foundation
import NIOPosix
import RenkeiCore
import Vapor

/// `renkei mail`: the lists' key, a test message through the relay, one delivery run of the
/// outbox, and the entry point for posts by mail (an MTA pipes each message to it).
///
///     renkei mail key
///     renkei mail key rotate
///     renkei mail test --to ADDRESS [--tlp LABEL] [--key FILE]
///     renkei mail deliver [--flush]
///     renkei mail receive [--recipient LIST-ADDRESS] < message
///     renkei mail bench --keys DIR [--teams 1000] [--per-team 3]   (see MailBenchmark)
struct MailCommand: AnyAsyncCommand {
    var help: String {
        "key: prints the lists' public keys (the signing key and the ones it replaced); key rotate: a new key signs from now on; "
            + "test: sends a signed (for AMBER and RED, encrypted) test message through SMTP_URL; "
            + "deliver: delivers what is due in the outbox (--flush: retries waiting ones now); receive: takes a post by mail on standard input."
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["to", "tlp", "key", "recipient", "teams", "per-team", "keys"],
                                             flags: ["flush"])
        let app = context.application
        let console = context.console
        switch arguments.operands.first {
        case "key" where arguments.operands.dropFirst() == ["rotate"]:
            let rotation = try await app.renkei.keyring.rotate(auditingOn: app.db, at: Date())
            console.print("The lists sign with \(rotation.current) from now on; \(rotation.previous) still opens mail encrypted to it "
                              + "and stays published at \(SiteURL.listKey.path).")
        case "key" where arguments.operands.count == 1:
            console.output(ConsoleText(stringLiteral: try await app.renkei.keyring.publicKey()), newLine: false)
        case "test":
            try await test(to: arguments.options["to"], label: arguments.options["tlp"], keyFile: arguments.options["key"], app: app)
            console.print("The relay accepted the test message.")
        case "deliver":
            let report = try await Self.delivery(for: app).run(flush: arguments.flags.contains("flush")) { report in
                console.print("sent \(report.sent), deferred \(report.deferred), failed \(report.failed)")
            }
            console.print("Outbox: sent \(report.sent), deferred \(report.deferred), failed \(report.failed).")
        case "receive":
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            guard !bytes.isEmpty else { throw CommandExit(status: SendmailExit.dataError.rawValue, message: "no message on standard input") }
            let outcome = try await MailReceiver(database: app.db, keyring: app.renkei.keyring, addressing: app.renkei.mail,
                                                 resolver: try await app.lookup.resolver(on: app.db), now: Date())
                .receive(bytes, recipient: arguments.options["recipient"])
            guard outcome.exit == .ok else { throw CommandExit(status: outcome.exit.rawValue, message: outcome.message) }
            console.print(outcome.message)
        case "bench":
            guard let keys = arguments.options["keys"], let teams = Int(arguments.options["teams"] ?? "1000"), let perTeam = Int(arguments.options["per-team"] ?? "3"),
                  teams > 0, perTeam > 0 else {
                throw UsageError(message: "usage: renkei mail bench --keys DIR [--teams 1000] [--per-team 3]")
            }
            try await MailBenchmark(teams: teams, perTeam: perTeam, keysDirectory: keys).run(app: app, console: console)
        default:
            throw UsageError(message: "usage: renkei mail key [rotate] | test --to ADDRESS [--tlp LABEL] [--key FILE] | deliver [--flush] | receive [--recipient ADDRESS]"
                                 + " | bench --keys DIR [--teams N] [--per-team M]")
        }
    }

    static func delivery(for app: Application) throws -> OutboxDelivery {
        guard let relay = app.renkei.settings.smtpRelay else {
            throw UsageError(message: "SMTP_URL is not set: name the relay, e.g. SMTP_URL=smtp://user:password@relay.example.org:587")
        }
        return OutboxDelivery(database: app.db, keyring: app.renkei.keyring, relay: relay, addressing: app.renkei.mail, logger: app.logger,
                              now: { Date() })
    }

    private func test(to address: String?, label text: String?, keyFile: String?, app: Application) async throws {
        guard let address, TeamRecord.isEmail(address) else { throw UsageError(message: "--to must be an e-mail address") }
        guard let label = TLPLabel(parsing: text ?? "CLEAR") else {
            throw UsageError(message: "--tlp takes CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
        }
        var key: String?
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else { throw UsageError(message: "cannot read \(keyFile)") }
            key = String(decoding: data, as: UTF8.self)
            do {
                _ = try await GnuPG(binary: app.renkei.settings.gpgBinary).inspect(armored: key!)
            } catch {
                throw UsageError(message: "\(keyFile) is not one armored OpenPGP public key: \(error)")
            }
        }
        guard label < .amber || key != nil else {
            throw UsageError(message: "\(label.text) is never mailed in clear: give the recipient's public key with --key FILE")
        }
        let delivery = try Self.delivery(for: app)
        let addressing = app.renkei.mail
        let content = MIMEPart.text("""
        \(label.text)

        This is a test message from Renkei at \(addressing.publicURL), labelled \(label.text).
        It is signed with the lists' key\(key == nil ? "" : " and encrypted to the key you named").
        The lists' public key: \(addressing.publicURL)\(SiteURL.listKey.path)
        """)
        let signature = try await app.renkei.keyring.sign(Array(content.rendered.utf8))
        let headers: [(name: String, value: String)] = [
            ("From", "Renkei <\(addressing.platformAddress)>"), ("To", "<\(address)>"), ("Subject", "[renkei] \(label.text) test message"),
            ("Date", OutboxDelivery.rfc5322(Date())), ("Message-ID", addressing.messageID()), ("MIME-Version", "1.0"),
        ]
        let bytes = try await OutboxDelivery.assemble(headers: headers, entity: PGPMIME.signed(content, signature: signature),
                                                      encryptingTo: label >= .amber ? key : nil, keyring: app.renkei.keyring)
        do throws(SMTPFailure) {
            let session = try await SMTPSession.open(delivery.relay, heloName: addressing.domain, on: MultiThreadedEventLoopGroup.singleton)
            defer { Task { await session.close() } }
            try await session.send(from: addressing.platformAddress, to: [address], message: bytes)
        } catch {
            throw CommandExit(status: 1, message: "the relay did not accept the message: \(error)")
        }
    }
}

/// `renkei list`: lists and subscriptions from the command line (the secretariat's work on the web).
///
///     renkei list create SLUG --name NAME --as SECRETARIAT-EMAIL [--kind community|temporary] [--ends YYYY-MM-DD]
///                        [--posting members|secretariat] [--tlp LABEL] [--retention DAYS] [--description TEXT]
///     renkei list subscribe SLUG EMAIL [--digest]
///     renkei list unsubscribe SLUG EMAIL
struct ListCommand: AnyAsyncCommand {
    var help: String { "create: opens a list (as a secretariat account); subscribe / unsubscribe: changes a member's subscription." }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["name", "as", "kind", "ends", "posting", "tlp", "retention", "description"],
                                             flags: ["digest"])
        let app = context.application
        let operands = arguments.operands
        func user(_ email: String) async throws -> UserModel {
            guard let user = try await UserModel.query(on: app.db).filter(\.$email == email.lowercased()).first() else {
                throw UsageError(message: "there is no account \(email)")
            }
            return user
        }
        do {
            switch (operands.first, operands.count) {
            case ("create", 2):
                guard let name = arguments.options["name"], let email = arguments.options["as"] else {
                    throw UsageError(message: "usage: renkei list create SLUG --name NAME --as EMAIL [options]")
                }
                let input = MailingListInput(slug: operands[1], name: name, description: arguments.options["description"], kind: arguments.options["kind"],
                                             posting: arguments.options["posting"], defaultTLP: arguments.options["tlp"],
                                             retentionDays: arguments.options["retention"], endsAt: arguments.options["ends"])
                let list = try input.list(at: Date())
                try await ListStore.create(list, by: try await user(email), at: Date(), on: app.db)
                context.console.print("Opened \(list.slug) <\(app.renkei.mail.listAddress(list.slug))>.")
            case ("subscribe", 3), ("unsubscribe", 3):
                let list = try await ListStore.require(slug: operands[1], on: app.db)
                let mode: DeliveryMode? = operands[0] == "unsubscribe" ? nil : arguments.flags.contains("digest") ? .digest : .perMessage
                try await ListStore.setSubscription(mode, of: try await user(operands[2]), to: list, at: Date(), on: app.db)
                context.console.print(mode.map { "\(operands[2]) receives \(list.slug) (\($0.rawValue))." } ?? "\(operands[2]) left \(list.slug).")
            default:
                throw UsageError(message: "usage: renkei list create SLUG --name NAME --as EMAIL [options] | subscribe SLUG EMAIL [--digest] | unsubscribe SLUG EMAIL")
            }
        } catch let failure as ValidationFailure {
            throw UsageError(message: failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch AppError.forbidden(let message) {
            throw UsageError(message: message)
        } catch AppError.notFound(let message) {
            throw UsageError(message: message)
        }
    }
}

/// A command's own exit status (sendmail's conventions for `mail receive`), with its message.
struct CommandExit: Error {
    var status: Int32
    var message: String
}
