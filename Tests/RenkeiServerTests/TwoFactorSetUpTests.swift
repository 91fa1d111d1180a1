import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    @Test func twoFactorSetUpShowsTheAddressAsAQRCode() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            var secret = ""
            try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
                let html = response.body.string
                #expect(html.contains(#"<img id="totp-qr" class="qr-code" src="/account/two-factor/qr.svg""#))
                let range = try #require(html.range(of: #"id="totp-secret">[A-Z2-7]+<"#, options: .regularExpression))
                secret = String(html[range].dropFirst(#"id="totp-secret">"#.count).dropLast())
            }
            let uri = "otpauth://totp/Renkei:member-alpha@test.example?secret=\(secret)&issuer=Renkei&algorithm=SHA1&digits=6&period=30"
            try await app.testing().test(.GET, "/account/two-factor/qr.svg", headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .contentType) == "image/svg+xml")
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                // 135 bytes: version 8 at level M (at most 152), 49 modules and the quiet zone.
                #expect(response.body.string.contains(#"viewBox="0 0 57 57""#))
                #expect(response.body.string == QRCode(text: uri)?.svg())
            }
            // Signed out, there is no set-up to show.
            try await app.testing().test(.GET, "/account/two-factor/qr.svg") { response in
                #expect(response.status != .ok)
                #expect(!response.body.string.contains("<svg"))
            }
        }
    }

    @Test func recoveryCodesDownloadAsATextFileOnlyForTheirOwner() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "member-alpha@test.example")
            var secret = ""
            try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
                let html = response.body.string
                let range = try #require(html.range(of: #"id="totp-secret">[A-Z2-7]+<"#, options: .regularExpression))
                secret = String(html[range].dropFirst(#"id="totp-secret">"#.count).dropLast())
            }
            let code = RenkeiCore.TOTP(secret: try #require(Base32.decode(secret))).code(at: app.renkei.clock.now)
            var codes: [String] = []
            try await app.testing().test(.POST, "/account/two-factor", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
                let html = response.body.string
                #expect(html.contains(#"action="/account/two-factor/recovery-codes.txt""#))
                let pattern = #"<li><code>[a-z2-7]{5}-[a-z2-7]{5}</code></li>"#
                var rest = html[...]
                while let range = rest.range(of: pattern, options: .regularExpression) {
                    codes.append(String(rest[range].dropFirst("<li><code>".count).dropLast("</code></li>".count)))
                    rest = rest[range.upperBound...]
                }
            }
            #expect(codes.count == 10)
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes.txt", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("codes", codes.joined(separator: " ") + " not-a-code")])) { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .contentType) == "text/plain; charset=utf-8")
                #expect(response.headers.first(name: .contentDisposition)
                    == #"attachment; filename="renkei-recovery-codes.txt"; filename*=UTF-8''renkei-recovery-codes.txt"#)
                #expect(response.headers.first(name: .cacheControl) == "no-store")
                let lines = response.body.string.split(separator: "\n").map(String.init)
                #expect(lines.first == "Recovery codes for member-alpha@test.example at https://renkei.test")
                #expect(Array(lines.suffix(10)) == codes)
                #expect(!response.body.string.contains("not-a-code"))
            }
            // Text that is not an unused code of this account is never echoed into a file.
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes.txt", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("codes", "aaaaa-bbbbb <script>")])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.headers.first(name: .contentDisposition) == nil)
                #expect(!response.body.string.contains("<script>"))
            }
            // Another account cannot turn these codes into a file.
            let other = try await signIn(app, "rep-beta@test.example")
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes.txt", headers: other.formHeaders(),
                                         body: formBody([("_csrf", other.csrf), ("codes", codes.joined(separator: " "))])) { response in
                #expect(response.status == .unprocessableEntity)
            }
            // Once enrolled, the set-up image is gone.
            try await app.testing().test(.GET, "/account/two-factor/qr.svg", headers: session.headers) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func anEnrolledPersonMakesNewRecoveryCodesToDownload() async throws {
        try await withRenkei { app, _ in
            let session = try await signIn(app, "rep-beta@test.example")
            try await app.testing().test(.GET, "/account/two-factor", headers: session.headers) { response in
                #expect(response.body.string.contains(#"<form method="post" action="/account/two-factor/recovery-codes" class="stacked narrow" id="new-recovery-codes">"#))
            }
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("code", "000000")])) { response in
                #expect(response.status == .unprocessableEntity)
                #expect(!response.body.string.contains(#"id="recovery-codes""#))
            }
            let code = try await nextTOTPCode(app, "rep-beta@test.example")
            var codes: [String] = []
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("code", code)])) { response in
                #expect(response.status == .ok)
                let html = response.body.string
                var rest = html[...]
                while let range = rest.range(of: #"<li><code>[a-z2-7]{5}-[a-z2-7]{5}</code></li>"#, options: .regularExpression) {
                    codes.append(String(rest[range].dropFirst("<li><code>".count).dropLast("</code></li>".count)))
                    rest = rest[range.upperBound...]
                }
            }
            #expect(codes.count == 10)
            let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == "rep-beta@test.example").first())
            #expect(user.recoveryCodeHashes == codes.map(RecoveryCodes.hash).joined(separator: ","))
            try await app.testing().test(.POST, "/account/two-factor/recovery-codes.txt", headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("codes", codes.joined(separator: " "))])) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.string.split(separator: "\n").map(String.init).suffix(10)) == codes)
            }
        }
    }
}
