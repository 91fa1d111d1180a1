import Crypto
import Foundation
import RenkeiCore
import Vapor

/// `renkei keys`: the membership-statement signing key.
///
///     renkei keys generate --out FILE   a new private key file (mode 0600) for RENKEI_SIGNING_KEY_FILE
///     renkei keys rotate                a new signing key; the old one stays published until its statements expire
struct KeysCommand: AnyAsyncCommand {
    static let usage = "usage: renkei keys generate --out FILE | rotate"

    var help: String {
        "generate --out FILE: writes a new Ed25519 private key (JWK, mode 0600) for RENKEI_SIGNING_KEY_FILE; "
            + "rotate: a new signing key signs from now on, the old one stays in /.well-known/jwks.json until its last statement expires."
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments)
        guard arguments.operands == ["rotate"] else { throw UsageError(message: Self.usage) }
        let app = context.application
        let settings = app.renkei.settings
        let rotation = try await PlatformKeys.rotate(keyFile: settings.signingKeyFile, statementValidity: settings.membershipRules.statementValidity,
                                                     on: app.db, now: app.renkei.clock.now)
        context.console.print("Statements are signed with key \(rotation.signing) from now on"
                                  + (settings.signingKeyFile.map { " (written to \($0))" } ?? "") + ".")
        if !rotation.retired.isEmpty {
            context.console.print("Retired \(rotation.retired.joined(separator: ", ")): published in \(SiteURL.jwks.path) until "
                                      + "\(ISO8601DateFormatter().string(from: rotation.publishedUntil)), when its last statement expires.")
        }
    }

    /// `keys generate` runs before the settings are read: the file it writes may be the
    /// RENKEI_SIGNING_KEY_FILE the settings would refuse for not existing yet.
    static func generate(_ raw: [String]) throws -> Int32 {
        let arguments = try CommandArguments(raw, options: ["out"])
        guard arguments.operands.isEmpty, let path = arguments.options["out"] else { throw UsageError(message: usage) }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw UsageError(message: "\(path) exists; a key file is never overwritten (use `renkei keys rotate` to replace the signing key)")
        }
        let key = Curve25519.Signing.PrivateKey()
        do {
            try SigningKeyFile.write(key, to: path, replacing: false)
        } catch {
            throw UsageError(message: error.description)
        }
        print("Wrote \(path) (mode 0600), key \(Ed25519JWK(publicKey: key.publicKey).kid). Set \(SigningKeyFile.variable)=\(path) to sign with it.")
        return 0
    }
}
