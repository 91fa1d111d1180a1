import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13, "Several servers on one PostgreSQL": what the servers sharing a database must
/// agree on is decided in the database, so these run on SQLite and, in CI, on PostgreSQL.
extension ServerTests {
    @Test func aPeriodicRoundIsTakenByOneServerOfMany() async throws {
        try await withRenkei { app, _ in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let db = app.db
            let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
                for server in 0..<8 {
                    group.addTask { try await JobLeases.claim("upkeep", every: 3600, at: start, holder: "server-\(server)", on: db) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 }.count == 1, "eight servers ask at once; one runs the round")
            #expect(try await !JobLeases.claim("upkeep", every: 3600, at: start.addingTimeInterval(3599), holder: "server-9", on: db),
                    "not due again within the hour")
            #expect(try await JobLeases.claim("deadlines", every: 60, at: start, holder: "server-9", on: db), "each job has its own round")
            #expect(try await JobLeases.claim("upkeep", every: 3600, at: start.addingTimeInterval(3600), holder: "server-9", on: db),
                    "an hour on, whoever asks first takes it")
            let lease = try #require(try await JobLeaseModel.find("upkeep", on: db))
            #expect(lease.runs == 2)
            #expect(lease.holder == "server-9")
        }
    }

    @Test func failedSignInsOnOneServerCountOnAnother() async throws {
        try await withRenkei { app, _ in
            let here = SignInThrottle(sharedInDatabase: true)
            let there = SignInThrottle(sharedInDatabase: true)
            // A whole second: both databases store it exactly, so the waits come out whole.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            for _ in 0..<10 { try await here.recordFailure(account: "board@test.example", address: "198.51.100.7", now: now, on: app.db) }
            #expect(try await there.retryAfter(account: "board@test.example", address: "198.51.100.7", now: now, on: app.db) == 32,
                    "the other server sees the 10 failures: 2^5 s")
            #expect(try await there.retryAfter(account: "board@test.example", address: "203.0.113.9", now: now, on: app.db) == nil,
                    "the owner, elsewhere")
            for index in 0..<10 {
                try await there.recordFailure(account: "guess\(index)@test.example", address: "198.51.100.7", now: now, on: app.db)
            }
            #expect(try await here.retryAfter(account: "other@test.example", address: "198.51.100.7", now: now, on: app.db) == 1,
                    "20 failures from one address over both servers")
            try await there.recordSuccess(account: "BOARD@test.example", address: "198.51.100.7", on: app.db)
            #expect(try await here.retryAfter(account: "board@test.example", address: "198.51.100.7", now: now, on: app.db) == 1,
                    "a right password on one server clears the pair on both, not the address")
            try await here.forgetOld(now: now.addingTimeInterval(24 * 3600), on: app.db)
            #expect(try await SignInFailureModel.query(on: app.db).count() == 0, "a day later nothing is kept")
        }
    }

    @Test func eachOfTwoServersEnforcesHalfOfTheRateLimit() async throws {
        var limits = RateLimits.unlimited
        limits.anonymous = .perMinute(10)
        limits.instances = 2
        try await withRenkei(rateLimits: limits) { app, _ in
            for _ in 0..<5 {
                try await app.testing().test(.GET, "/api/v1/items") { #expect($0.status == .ok) }
            }
            try await app.testing().test(.GET, "/api/v1/items") { response in
                #expect(response.status == .tooManyRequests, "the proxy sends the other half to the other server")
                #expect(response.headers.first(name: .retryAfter) == "12", "one comes back every 12 s on each server")
                #expect(response.body.string.contains("10 requests per 60 seconds"), "the client is told the whole allowance")
            }
        }
    }

    @Test func theInstancesSettingIsAPositiveNumber() throws {
        #expect(try RateLimits.fromEnvironment(["RENKEI_INSTANCES": "3"]).instances == 3)
        #expect(try RateLimits.fromEnvironment([:]).instances == 1)
        #expect(throws: Settings.Problem.self) { try RateLimits.fromEnvironment(["RENKEI_INSTANCES": "0"]) }
    }
}
