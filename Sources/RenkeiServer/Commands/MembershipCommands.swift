import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei membership list [--open]` and `renkei membership show ID`: the secretariat's view
/// of applications (without their TLP:RED parts, like the secretariat's pages).
struct MembershipCommand: AnyAsyncCommand {
    var help: String { "list [--open]: the applications with their stage and deadline; show ID: one application as JSON." }

    /// The command line acts as the secretariat, which reads applications without TLP:RED parts.
    private static let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, flags: ["open"])
        let app = context.application
        let now = app.renkei.clock.now
        switch arguments.operands.first {
        case "list":
            var query = ApplicationModel.query(on: app.db).sort(\.$submittedAt, .descending)
            if arguments.flags.contains("open") { query = query.filter(\.$isOpen == true) }
            let applications = try await query.all().map { try $0.application() }
            context.console.print(["ID", "TEAM", "TYPE", "STAGE", "DEADLINE", "SUBMITTED"].joined(separator: "\t"))
            for application in applications {
                context.console.print([application.id.uuidString, application.team.slug, application.membershipType.rawValue,
                                       application.phase(at: now).rawValue, application.deadline(at: now).map(TeamView.minute) ?? "-",
                                       TeamView.day(application.submittedAt)].joined(separator: "\t"))
            }
        case "show":
            guard arguments.operands.count == 2, let id = UUID(uuidString: arguments.operands[1]) else {
                throw UsageError(message: "usage: renkei membership show ID (the ID from renkei membership list)")
            }
            guard let model = try await ApplicationModel.find(id, on: app.db),
                  let application = try model.application().readable(by: Self.secretariat, actorTeam: nil) else {
                throw UsageError(message: "there is no application \(id)")
            }
            let document = ApplicationDocument(application, for: Self.secretariat, actorTeam: nil, at: now,
                                               boardSize: try await MembershipStore.boardSize(on: app.db))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            context.console.print(String(decoding: try encoder.encode(document), as: UTF8.self))
        default:
            throw UsageError(message: "usage: renkei membership list [--open] | renkei membership show ID")
        }
    }
}

/// `renkei verify-membership FILE --jwks KEYS [--at TIME] [--json]`: checks a membership
/// statement offline against a saved JWK Set. Exit 0 valid, 1 not valid, 2 bad input.
enum VerifyMembershipCommand {
    static let usage = "usage: renkei verify-membership STATEMENT --jwks JWKS.json [--at 2026-12-01T00:00:00Z] [--json]  (STATEMENT: a file with the compact JWS or the API's JSON, or - for standard input)"

    /// 0 when the statement is valid, 1 when it is not; bad input throws `UsageError` (exit 2).
    static func run(_ arguments: [String]) throws -> Int32 {
        let arguments = try CommandArguments(arguments, options: ["jwks", "at"], flags: ["json"])
        guard arguments.operands.count == 1, let keysPath = arguments.options["jwks"] else { throw UsageError(message: usage) }
        var now = Date()
        if let text = arguments.options["at"] {
            guard let date = MembershipStepInput.parseMoment(text) else { throw UsageError(message: "--at must be an ISO 8601 time such as 2026-12-01T00:00:00Z") }
            now = date
        }
        let token = try statementToken(read(arguments.operands[0]))
        let keys: JWKSet
        do { keys = try JWKSet.parse(try read(keysPath)) } catch let error as JWSError { throw UsageError(message: "\(keysPath): \(error.message)") }
        guard !keys.keys.isEmpty else { throw UsageError(message: "\(keysPath) holds no Ed25519 key") }
        let statement: MembershipStatement
        do {
            statement = try MembershipStatement.verify(token, keys: keys, at: now)
        } catch {
            FileHandle.standardError.write(Data("renkei: NOT VALID: \(error.message)\n".utf8))
            return 1
        }
        if arguments.flags.contains("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(statement), as: UTF8.self))
        } else {
            let membership = statement.membership
            print("""
                VALID: \(membership.name) (\(membership.team), \(membership.country)) is a \(membership.type) of \(statement.iss) since \(membership.since).
                Status: \(membership.status)\(membership.status == "active" ? "" : " (not an active member)")
                Statement valid until \(ISO8601DateFormatter().string(from: statement.expires)).
                """)
        }
        return 0
    }

    private static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError(message: "cannot read \(path)") }
        return data
    }

    /// The compact JWS from the file: as is, or the `statement` of the API's JSON answer.
    private static func statementToken(_ data: Data) throws -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            guard let token = object["statement"] as? String else { throw UsageError(message: "the JSON has no “statement” member") }
            return token
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
