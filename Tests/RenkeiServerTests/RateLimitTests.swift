import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 12, item 9: bulk lookups are capped and streamed, every API is rate limited per client.
extension ServerTests {
    private func limits(perToken: RateLimit? = nil, anonymous: RateLimit? = nil, lookupPerToken: RateLimit? = nil,
                        lookupAnonymous: RateLimit? = nil) -> RateLimits {
        var limits = RateLimits.unlimited
        limits.perToken = perToken
        limits.anonymous = anonymous
        limits.lookupPerToken = lookupPerToken
        limits.lookupAnonymous = lookupAnonymous
        return limits
    }

    @Test func everyAPIRouteIsRateLimitedPerClient() async throws {
        try await withRenkei(rateLimits: limits(anonymous: .perMinute(1))) { app, _ in
            try await app.testing().test(.GET, "/api/v1/teams") { response in
                #expect(response.status == .ok)
            }
            var checked: [String] = []
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter = component { return "x" }
                    return component.description
                }.joined(separator: "/")
                // The signing keys are public, static and cached; they are not an API one calls in bulk.
                guard SiteURL.isAPI(path: path), !path.hasPrefix("/.well-known/") else { continue }
                try await app.testing().test(route.method, path) { response in
                    #expect(response.status == .tooManyRequests, "\(route.method) \(path): \(response.status)")
                    #expect(response.headers.first(name: .retryAfter) == "60", "\(route.method) \(path)")
                    // TAXII clients read TAXII's own error resource (TAXII 2.1, 3.6.1).
                    #expect(response.headers.contentType?.description.hasPrefix(TAXIIMedia.isTAXII(path: path) ? "application/taxii+json" : "application/problem+json") == true,
                            "\(route.method) \(path)")
                }
                checked.append(path)
            }
            #expect(checked.contains("/api/v1/cvss") && checked.contains("/global-irt/v1/teams.csv") && checked.contains("/feeds/public.atom")
                    && checked.contains("/api/v1/lookup"), "\(checked)")
            // Pages are not counted.
            try await app.testing().test(.GET, "/teams") { response in
                #expect(response.status == .ok)
            }
            app.renkei.clock.advance(by: 60)
            try await app.testing().test(.GET, "/api/v1/teams") { response in
                #expect(response.status == .ok, "a minute later the client may ask again")
            }
        }
    }

    @Test func eachAPITokenHasItsOwnBucket() async throws {
        try await withRenkei(rateLimits: limits(perToken: .perMinute(2), anonymous: .perMinute(1))) { app, _ in
            let alpha = try await apiToken(app, "member-alpha@test.example")
            let beta = try await apiToken(app, "rep-beta@test.example")
            func status(_ token: String?) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.testing().test(.GET, "/api/v1/items", headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:]) { response in
                    status = response.status
                }
                return status
            }
            #expect(try await status(nil) == .ok)
            #expect(try await status(nil) == .tooManyRequests)
            #expect(try await status(alpha) == .ok, "a token is not counted against the address")
            #expect(try await status(alpha) == .ok)
            #expect(try await status(alpha) == .tooManyRequests)
            #expect(try await status(beta) == .ok, "nor against another token")
            try await app.testing().test(.GET, "/api/v1/items", headers: ["Authorization": "Bearer \(alpha)"]) { response in
                #expect(response.headers.first(name: .retryAfter) == "30")
                let problem = try jsonObject(response)
                #expect(problem["status"] as? Int == 429)
            }
        }
    }

    @Test func anonymousBulkLookupsAreCappedTokensGoFurther() async throws {
        try await withRenkei { app, _ in
            let token = try await apiToken(app, "member-alpha@test.example")
            let thousand = String(repeating: "192.0.2.9\n", count: 1000)
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: thousand)) { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response)
                #expect(answer["count"] as? Int == 1000 && (answer["results"] as? [Any])?.count == 1000)
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: thousand + "192.0.2.9\n")) { response in
                #expect(response.status == .payloadTooLarge)
                #expect(response.body.string.contains("1000 indicators"))
            }
            let oversized = String(repeating: "a", count: 300 << 10)
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: oversized)) { response in
                #expect(response.status == .payloadTooLarge, "the anonymous body cap is 256 KiB")
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain", "Authorization": "Bearer \(token)"],
                                         body: ByteBuffer(string: thousand + "192.0.2.9\n")) { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response)
                #expect(answer["count"] as? Int == 1001)
            }
            // The page: anonymous visitors paste at most 1,000 lines too.
            try await app.testing().test(.POST, "/lookup", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("q", thousand + "192.0.2.9\n")])) { response in
                #expect(response.status == .payloadTooLarge)
            }
        }
    }

    @Test func bulkLookupsCountEachIndicatorAgainstTheLookupLimit() async throws {
        try await withRenkei(rateLimits: limits(lookupPerToken: .perHour(1500), lookupAnonymous: .perHour(1200))) { app, _ in
            let token = try await apiToken(app, "member-alpha@test.example")
            let thousand = String(repeating: "192.0.2.9\n", count: 1000)
            let withToken: HTTPHeaders = ["Content-Type": "text/plain", "Authorization": "Bearer \(token)"]
            try await app.testing().test(.POST, "/api/v1/lookup", headers: withToken, body: ByteBuffer(string: thousand)) { response in
                #expect(response.status == .ok)
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: withToken, body: ByteBuffer(string: thousand)) { response in
                #expect(response.status == .tooManyRequests)
                // 500 indicators short, at 1,500 an hour.
                #expect(response.headers.first(name: .retryAfter) == "1200")
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: thousand)) { response in
                #expect(response.status == .ok, "anonymous clients have their own allowance")
            }
            try await app.testing().test(.POST, "/lookup", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("q", String(repeating: "192.0.2.9\n", count: 300))])) { response in
                #expect(response.status == .tooManyRequests, "the page counts against the same allowance")
            }
            app.renkei.clock.advance(by: 1200)
            try await app.testing().test(.POST, "/api/v1/lookup", headers: withToken, body: ByteBuffer(string: thousand)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// Writes of the streamed answer, kept in order.
    final class RecordingWriter: AsyncBodyStreamWriter, @unchecked Sendable {
        var pieces: [ByteBuffer] = []
        var ended = false
        func write(_ result: BodyStreamResult) async throws {
            switch result {
            case .buffer(let buffer): pieces.append(buffer)
            case .end: ended = true
            case .error(let error): throw error
            }
        }
    }

    @Test func bulkAnswersAreWrittenAsTheyAreResolved() async throws {
        try await withRenkei { app, _ in
            let resolver = try await app.lookup.resolver(on: app.db)
            let inputs = (1...2000).map { ($0, $0 == 7 ? "not an indicator!" : "192.0.2.9") }
            let writer = RecordingWriter()
            try await LookupAPIController.stream(inputs, resolver: resolver, audience: DirectoryPolicy.audience(for: nil), to: writer)
            #expect(writer.pieces.count > 2, "several pieces, not one buffer at the end")
            #expect(writer.ended)
            var whole = ByteBuffer()
            for var piece in writer.pieces { whole.writeBuffer(&piece) }
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(buffer: whole)) as? [String: Any])
            #expect(answer["count"] as? Int == 2000 && (answer["results"] as? [Any])?.count == 1999)
            let errors = try #require(answer["errors"] as? [[String: Any]])
            #expect(errors.count == 1 && errors[0]["line"] as? Int == 7 && errors[0]["input"] as? String == "not an indicator!")
        }
    }

    @Test func rateLimitsAreReadFromTheEnvironment() throws {
        let settings = try Settings.fromEnvironment(["RENKEI_API_RATE_LIMIT": "50", "RENKEI_API_RATE_LIMIT_ANONYMOUS": "10",
                                                     "RENKEI_LOOKUP_TOKEN_RATE_LIMIT": "2000", "RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS": "100"])
        #expect(settings.rateLimits.perToken == RateLimit(capacity: 50, period: 60))
        #expect(settings.rateLimits.anonymous == RateLimit(capacity: 10, period: 60))
        #expect(settings.rateLimits.lookupPerToken == RateLimit(capacity: 2000, period: 3600))
        #expect(settings.rateLimits.lookupAnonymous == RateLimit(capacity: 100, period: 3600))
        let defaults = try Settings.fromEnvironment([:]).rateLimits
        #expect(defaults.perToken == RateLimit(capacity: 1200, period: 60) && defaults.anonymous == RateLimit(capacity: 300, period: 60))
        #expect(throws: Settings.Problem.self) { try Settings.fromEnvironment(["RENKEI_API_RATE_LIMIT": "lots"]) }
    }
}
