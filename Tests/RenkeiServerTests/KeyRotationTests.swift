import Crypto
import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Like `withRenkei`, with the signing key in `keyFile` (RENKEI_SIGNING_KEY_FILE).
/// The server with its signing key in `keyFile`.
private func withRenkei(keyFile: String, _ test: (Application) async throws -> Void) async throws {
    try await withRenkei(adjust: { $0.signingKeyFile = keyFile }) { app, _ in try await test(app) }
}

private func scratchFile(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("renkei-keytest-\(UUID().uuidString)-\(name)").path
}

/// The statement of alpha-cert, its key id, and the published key set, through HTTP.
private func statementAndKeys(_ app: Application) async throws -> (token: String, kid: String, keys: JWKSet) {
    var token = ""
    try await app.testing().test(.GET, "/api/v1/teams/alpha-cert/membership") { response in
        #expect(response.status == .ok)
        token = try #require(try jsonObject(response)["statement"] as? String)
    }
    var keys = JWKSet(keys: [])
    try await app.testing().test(.GET, "/.well-known/jwks.json") { response in
        #expect(response.status == .ok)
        keys = try JWKSet.parse(Data(buffer: response.body))
    }
    let header = try #require(token.split(separator: ".").first.flatMap { Base64URL.decode($0) })
    let kid = try #require(try JSONSerialization.jsonObject(with: header) as? [String: Any])["kid"] as? String ?? ""
    return (token, kid, keys)
}

extension ServerTests {
    @Test func rotatingTheSigningKeyKeepsTheOldKeyPublishedUntilItsLastStatementExpires() async throws {
        try await withRenkei { app, _ in
            let before = try await statementAndKeys(app)
            #expect(before.keys.keys.map(\.kid) == [before.kid], "one key, the one that signed")
            let validity = app.renkei.settings.membershipRules.statementValidity
            let rotation = try await PlatformKeys.rotate(keyFile: nil, statementValidity: validity, on: app.db, now: app.renkei.clock.now)
            #expect(rotation.retired == [before.kid] && rotation.signing != before.kid)

            let after = try await statementAndKeys(app)
            #expect(after.kid == rotation.signing, "new statements carry the new key id")
            #expect(after.keys.keys.map(\.kid) == [rotation.signing, before.kid], "the new key first, the old one still published")
            #expect(try MembershipStatement.verify(before.token, keys: after.keys, at: app.renkei.clock.now).membership.team == "alpha-cert",
                    "a statement signed before the rotation still verifies")
            #expect(try MembershipStatement.verify(after.token, keys: JWKSet(keys: [after.keys.keys[0]]), at: app.renkei.clock.now).sub
                    == "https://renkei.test/teams/alpha-cert")
            let old = try #require(try await SigningKeyModel.find(before.kid, on: app.db))
            #expect(old.privateKey == "", "a retired key's private half is not kept")

            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "signing-key.rotate").all()
            #expect(audit.map(\.subject) == [rotation.signing] && audit.first?.detail.contains(before.kid) == true)

            // Once the last statement the old key signed has expired, the key leaves the set.
            app.renkei.clock.advance(by: validity - 60)
            #expect(try await statementAndKeys(app).keys.keys.map(\.kid) == [rotation.signing, before.kid])
            app.renkei.clock.advance(by: 120)
            #expect(try await statementAndKeys(app).keys.keys.map(\.kid) == [rotation.signing])
        }
    }

    @Test func withAKeyFileRotationWritesTheNewKeyToTheFileAndPublishesTheOldOneFromTheDatabase() async throws {
        let keyFile = scratchFile("signing.jwk")
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let original = Curve25519.Signing.PrivateKey()
        try SigningKeyFile.write(original, to: keyFile, replacing: false)
        let originalKid = Ed25519JWK(publicKey: original.publicKey).kid
        try await withRenkei(keyFile: keyFile) { app in
            let before = try await statementAndKeys(app)
            #expect(before.kid == originalKid && before.keys.keys.map(\.kid) == [originalKid], "the file's key signs and is the only one published")
            #expect(try await SigningKeyModel.query(on: app.db).count() == 0, "no key is made in the database")

            let rotation = try await PlatformKeys.rotate(keyFile: keyFile, statementValidity: 30 * 86_400, on: app.db, now: app.renkei.clock.now)
            #expect(rotation.retired == [originalKid])
            let written = try SigningKeyFile.read(keyFile)
            #expect(Ed25519JWK(publicKey: written.publicKey).kid == rotation.signing && rotation.signing != originalKid)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue == 0o600)

            let after = try await statementAndKeys(app)
            #expect(after.kid == rotation.signing)
            #expect(after.keys.keys.map(\.kid) == [rotation.signing, originalKid])
            #expect(throws: Never.self) { try MembershipStatement.verify(before.token, keys: after.keys, at: app.renkei.clock.now) }
            let retired = try await RetiredSigningKeyModel.query(on: app.db).all()
            #expect(retired.map(\.id) == [originalKid] && retired.first?.publicKey == Ed25519JWK(publicKey: original.publicKey).x,
                    "only the public half of the old key is in the database")
            #expect(try await SigningKeyModel.query(on: app.db).count() == 0)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "signing-key.rotate").count() == 1)
        }
    }

    @Test func aSigningKeyFileOthersCanReadOrThatIsNotAKeyIsRefusedAtStart() throws {
        let keyFile = scratchFile("signing.jwk")
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        func problem() -> String? {
            do {
                _ = try Settings.fromEnvironment(["RENKEI_SIGNING_KEY_FILE": keyFile])
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem()?.contains("RENKEI_SIGNING_KEY_FILE") == true, "a missing file")
        try SigningKeyFile.write(Curve25519.Signing.PrivateKey(), to: keyFile, replacing: false)
        #expect(problem() == nil, "mode 0600 is accepted")
        #expect(try Settings.fromEnvironment(["RENKEI_SIGNING_KEY_FILE": keyFile]).signingKeyFile == keyFile)
        for mode in [0o644, 0o640, 0o604, 0o620] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: keyFile)
            let message = problem()
            #expect(message?.contains("RENKEI_SIGNING_KEY_FILE") == true && message?.contains("chmod 600") == true,
                    "mode \(String(mode, radix: 8)): \(message ?? "accepted")")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        try Data(#"{"kty":"OKP","crv":"Ed25519","d":"too-short"}"#.utf8).write(to: URL(fileURLWithPath: keyFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        #expect(problem()?.contains("not an Ed25519 private key") == true)
    }

    @Test func rotatingTheListsKeySignsWithTheNewKeyAndStillOpensMailToTheOldOne() async throws {
        let home = scratchFile("gnupg")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let gnupg = GnuPG(binary: GnuPG.resolve("gpg"))
        let keyring = ListKeyring(gnupg: gnupg, home: home, userID: "Renkei lists <lists@lists.renkei.test>")
        // Another process's view of the same home, as the running server's while a command rotates.
        let server = ListKeyring(gnupg: gnupg, home: home, userID: "Renkei lists <lists@lists.renkei.test>")
        let content = Array("Signed before and after the rotation.\r\n".utf8)
        let old = try await server.fingerprint()
        let oldKey = try await keyring.signingPublicKey()
        let signedBefore = try await server.sign(content)
        let encryptedToOld = try await keyring.encrypt(Array("For the old key.\r\n".utf8), to: oldKey)

        try await withRenkei { app, _ in
            let rotation = try await keyring.rotate(auditingOn: app.db, at: app.renkei.clock.now)
            #expect(rotation.previous == old && rotation.current != old)
            let audit = try await AuditEventModel.query(on: app.db).filter(\.$action == "list-key.rotate").all()
            #expect(audit.map(\.subject) == [rotation.current] && audit.first?.detail.contains(old) == true)

            #expect(try await server.fingerprint() == rotation.current, "the server signs with the new key without a restart")
            let newKey = try await server.signingPublicKey()
            let signedAfter = try await server.sign(content)
            #expect(try await server.verify(content, signature: signedAfter, by: newKey))
            #expect(!(try await server.verify(content, signature: signedAfter, by: oldKey)), "the new signature is not the old key's")

            // The published block holds both keys: earlier mail still verifies against it.
            let published = try await server.publicKey()
            let checker = scratchFile("checker")
            defer { try? FileManager.default.removeItem(atPath: checker) }
            try GnuPG.createHome(checker)
            _ = try await gnupg.run(home: checker, ["--import"], input: Array(published.utf8))
            let listed = String(decoding: try await gnupg.run(home: checker, ["--with-colons", "--list-keys"]).output, as: UTF8.self)
            #expect(Set(GnuPG.parseColons(listed, armored: "").map(\.fingerprint)) == [old, rotation.current])
            for (signature, signer) in [(signedBefore, old), (signedAfter, rotation.current)] {
                let file = scratchFile("sig.asc")
                defer { try? FileManager.default.removeItem(atPath: file) }
                try Data(signature.utf8).write(to: URL(fileURLWithPath: file))
                let status = String(decoding: try await gnupg.run(home: checker, ["--status-fd", "1", "--verify", file], input: content).output, as: UTF8.self)
                #expect(status.contains("[GNUPG:] VALIDSIG ") && status.split(separator: "\n").contains { $0.hasPrefix("[GNUPG:] VALIDSIG") && $0.hasSuffix(signer) },
                        "signed by \(signer): \(status)")
            }

            let opened = try await server.decrypt(encryptedToOld)
            #expect(opened.plaintext == Array("For the old key.\r\n".utf8), "mail encrypted to the old key is still opened")
        }
    }
}
