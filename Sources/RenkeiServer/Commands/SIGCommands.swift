import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei sig list|show|create|join|invite|chair`: SIGs for the secretariat and scripts,
/// under the same rules as the pages (each step acts as the account named with `--as`).
struct SIGCommand: AnyAsyncCommand {
    var help: String {
        """
        list [--json]: the SIGs; show SLUG [--json]: one, with its participants.
        create SLUG --name NAME --as EMAIL --mission TEXT --scope TEXT --deliverables TEXT --decisions TEXT [--tlp LABEL] [--moderated]
               [--approve-as BOARD_EMAIL]: proposes a SIG as a member; with --approve-as the board member approves the charter and is its liaison.
        join SLUG EMAIL: the person joins (or asks to join a moderated SIG).
        chair SLUG EMAIL --as EMAIL: records EMAIL as an elected chair (as a chair or the board).
        invite SLUG GUEST_EMAIL --as CHAIR_EMAIL: invites a guest; prints the link.
        """
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: ["name", "as", "mission", "scope", "deliverables", "decisions", "tlp", "approve-as"],
                                             flags: ["json", "moderated"])
        let app = context.application
        let operands = arguments.operands
        let now = Date()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        func acting(_ email: String?) async throws -> Acting {
            guard let email, let user = try await UserModel.query(on: app.db).filter(\.$email == email.lowercased()).first(), let id = user.id,
                  let actor = try await ListStore.readers([user], on: app.db)[id] else {
                throw UsageError(message: "there is no account \(email ?? "(give --as EMAIL)")")
            }
            return Acting(user: user, actor: actor, address: "cli", now: now, mail: app.renkei.mail)
        }
        do {
            switch (operands.first, operands.count) {
            case ("list", 1):
                let sigs = try await SIGModel.query(on: app.db).sort(\.$name).all().map { try $0.sig() }
                if arguments.flags.contains("json") {
                    context.console.print(String(decoding: try encoder.encode(sigs.map(CLIRow.init)), as: UTF8.self))
                } else {
                    for sig in sigs { context.console.print("\(sig.slug)\t\(sig.status.rawValue)\t\(sig.name)") }
                }
            case ("show", 2):
                guard let model = try await SIGModel.query(on: app.db).filter(\.$slug == operands[1].lowercased()).first() else {
                    throw UsageError(message: "there is no SIG \(operands[1])")
                }
                let sig = try model.sig()
                let people = try await SIGParticipantModel.query(on: app.db).filter(\.$sigID == sig.id).filter(\.$state != SIGParticipant.State.ended.rawValue).all()
                let names = try await DisplayNames.load(users: Set(people.map(\.userID)), teams: nil, on: app.db)
                if arguments.flags.contains("json") {
                    var row = CLIRow(sig)
                    row.participants = people.map { "\(names.user($0.userID)) (\($0.kind), \($0.state)\($0.participant.isChair(at: now) ? ", chair" : ""))" }.sorted()
                    context.console.print(String(decoding: try encoder.encode(row), as: UTF8.self))
                } else {
                    context.console.print("\(sig.name) (\(sig.slug)): \(sig.status.rawValue)\(sig.charterDue.map { ", charter due \(TeamView.day($0))" } ?? "")")
                    context.console.print(sig.charter.summary)
                    for person in people.sorted(by: { names.user($0.userID) < names.user($1.userID) }) {
                        context.console.print("  \(names.user(person.userID))\t\(person.kind)\t\(person.state)\(person.participant.isChair(at: now) ? "\tchair" : "")")
                    }
                }
            case ("create", 2):
                guard let name = arguments.options["name"] else { throw UsageError(message: "usage: renkei sig create SLUG --name NAME --as EMAIL --mission … (see renkei sig --help)") }
                let input = SIGProposalInput(slug: operands[1], name: name, mission: arguments.options["mission"] ?? "", scope: arguments.options["scope"] ?? "",
                                             deliverables: arguments.options["deliverables"] ?? "", decisionMaking: arguments.options["decisions"] ?? "",
                                             defaultLabel: arguments.options["tlp"], joining: arguments.flags.contains("moderated") ? "moderated" : "open",
                                             chairsAppointedByBoard: nil)
                var sig = try await SIGStore.propose(slug: input.slug, name: input.name, charter: try input.charter(), by: try await acting(arguments.options["as"]), on: app.db)
                if let board = arguments.options["approve-as"] {
                    let approver = try await acting(board)
                    sig = try await SIGStore.apply(.approveCharter(liaison: approver.actor.userID), to: sig.slug, by: approver, on: app.db)
                }
                context.console.print("\(sig.slug): \(sig.status.rawValue)")
            case ("join", 3):
                let participant = try await SIGStore.join(operands[1], by: try await acting(operands[2]), on: app.db)
                context.console.print("\(operands[2]) \(participant.state == .active ? "takes part in" : "asked to join") \(operands[1]).")
            case ("chair", 3):
                let person = try await SIGsAPIController.person(operands[2], default: UUID(), on: app.db)
                let participant = try await SIGStore.step(.seatChair, on: person, in: operands[1], by: try await acting(arguments.options["as"]), on: app.db)
                context.console.print("\(operands[2]) chairs \(operands[1]) until \(participant.chairUntil.map(TeamView.day) ?? "—").")
            case ("invite", 3):
                let (invitation, link) = try await SIGStore.inviteGuest(operands[2], to: operands[1], by: try await acting(arguments.options["as"]),
                                                                        publicURL: app.renkei.settings.publicURL, on: app.db)
                context.console.print("Invited \(invitation.email) until \(TeamView.minute(invitation.expiresAt)): \(link)")
            default:
                throw UsageError(message: "usage: renkei sig list | show SLUG | create SLUG … | join SLUG EMAIL | chair SLUG EMAIL --as EMAIL | invite SLUG EMAIL --as EMAIL")
            }
        } catch let failure as ValidationFailure {
            throw UsageError(message: failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch let refusal as any RuleRefusal {
            throw UsageError(message: refusal.fieldErrors.isEmpty ? refusal.message : refusal.fieldErrors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch let error as AppError {
            throw UsageError(message: error.fieldErrors.isEmpty ? error.detail : error.fieldErrors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// A SIG as `--json` prints it.
    struct CLIRow: Encodable {
        var slug: String
        var name: String
        var status: String
        var summary: String
        var defaultLabel: String
        var charterDue: Date?
        var participants: [String]?

        init(_ sig: SpecialInterestGroup) {
            slug = sig.slug
            name = sig.name
            status = sig.status.rawValue
            summary = sig.charter.summary
            defaultLabel = sig.charter.defaultLabel.text
            charterDue = sig.charterDue
        }
    }
}
