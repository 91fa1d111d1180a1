import Foundation
import NIOConcurrencyHelpers
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// What the attacker review of coverage and SIM3 profiles found: forms with thousands of fields
/// (which Vapor's parser reads in time growing with their square), over-long addresses, and
/// concurrent computations of the address coverage.
extension ServerTests {
    @Test func aFormWithThousandsOfFieldsIsRefusedUnread() async throws {
        try await withRenkei { app, _ in
            var session = BrowserSession(cookie: "", csrf: "")
            try await app.testing().test(.GET, "/sign-in") { response in
                session.cookie = try #require(sessionCookie(from: response))
                session.csrf = try #require(csrfToken(in: response.body.string))
            }
            let many = [("_csrf", session.csrf)] + (0..<2_500).map { ("level[Z\($0)]", "1") }
            try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(), body: formBody(many)) { response in
                #expect(response.status == .payloadTooLarge)
                #expect(response.body.string.contains("at most 2,000 fields"))
            }
            // Without a session there is no token to match: refused before the body is read.
            try await app.testing().test(.POST, "/sign-in", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: formBody(many)) {
                #expect($0.status == .forbidden)
            }
            // The token is found wherever it stands, percent-encoded as browsers send it.
            let late = [("email", "nobody@test.example"), ("password", "wrong-password"), ("_csrf", session.csrf)]
            try await app.testing().test(.POST, "/sign-in", headers: session.formHeaders(), body: formBody(late)) {
                #expect($0.status != .forbidden && $0.status != .payloadTooLarge, "\($0.status)")
            }
            #expect(try CSRFMiddleware.token(inURLEncoded: ByteBuffer(string: "a=1&_csrf=ab%2Bc%2F%3D&_csrfx=2")) == "ab+c/=")
            #expect(try CSRFMiddleware.token(inURLEncoded: ByteBuffer(string: "x_csrf=1")) == nil)
        }
    }

    @Test func anOverLongAddressIsNotFoundNotAServerError() async throws {
        try await withRenkei { app, _ in
            for path in ["/teams/" + String(repeating: "a", count: 8_000), "/api/v1/teams/" + String(repeating: "a", count: 8_000) + "/sim3"] {
                try await app.testing().test(.GET, path) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers.contentType?.description.hasPrefix(path.hasPrefix("/api/") ? "application/problem+json" : "text/html") == true)
                }
            }
        }
    }

    @Test func concurrentReadersOfTheAddressCoverageShareOneComputation() async throws {
        let cache = AddressCoverageCache()
        let computed = NIOLockedValueBox(0)
        let version = LookupService.Version(teams: 1, datasets: [:])
        let empty = Resolver(teams: []).addressCoverage(audience: .everyone)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    _ = await cache.value(version: version, audience: .everyone) {
                        computed.withLockedValue { $0 += 1 }
                        Thread.sleep(forTimeInterval: 0.05)
                        return empty
                    }
                }
            }
        }
        #expect(computed.withLockedValue { $0 } == 1)
        _ = await cache.value(version: version, audience: .members) { computed.withLockedValue { $0 += 1 }; return empty }
        _ = await cache.value(version: LookupService.Version(teams: 2, datasets: [:]), audience: .everyone) { computed.withLockedValue { $0 += 1 }; return empty }
        #expect(computed.withLockedValue { $0 } == 3, "once per audience and per version")
    }
}
