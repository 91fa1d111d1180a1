import Fluent
import Foundation
@testable import RenkeiServer
import Testing

/// A write refused as busy is tried again, a few times; any other error is the caller's at once.
@Suite struct WriteTransactionTests {
    private struct Busy: Error {}
    private struct Broken: Error {}

    private final class Attempts: @unchecked Sendable {
        var count = 0
    }

    @Test func aBusyRefusalIsTriedAgainUntilItPasses() async throws {
        let attempts = Attempts()
        let answer = try await BusyRetry.run(isBusy: { $0 is Busy }) {
            attempts.count += 1
            if attempts.count < 3 { throw Busy() }
            return "written"
        }
        #expect(answer == "written")
        #expect(attempts.count == 3)
    }

    @Test func anotherErrorIsNotTriedAgain() async throws {
        let attempts = Attempts()
        await #expect(throws: Broken.self) {
            try await BusyRetry.run(isBusy: { $0 is Busy }) { () async throws -> Int in
                attempts.count += 1
                throw Broken()
            }
        }
        #expect(attempts.count == 1)
    }

    @Test func aDatabaseThatStaysBusyIsGivenUpOn() async throws {
        let attempts = Attempts()
        await #expect(throws: Busy.self) {
            try await BusyRetry.run(isBusy: { $0 is Busy }) { () async throws -> Int in
                attempts.count += 1
                throw Busy()
            }
        }
        #expect(attempts.count == BusyRetry.attempts)
    }
}
