import Foundation
import RenkeiCore
import Testing

@Suite struct SignInSecurityTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFewMistakesAreFreeThenEveryFailureDoublesTheWaitUpToTheCap() {
        let backoff = SignInBackoff.perAccountAndAddress
        #expect([0, 1, 4, 5, 6, 7, 8, 14, 15, 40].map(backoff.delay(afterFailures:)) == [0, 0, 0, 1, 2, 4, 8, 512, 900, 900])
        #expect(SignInBackoff.perAddress.delay(afterFailures: 19) == 0 && SignInBackoff.perAddress.delay(afterFailures: 20) == 1)
    }

    @Test func theWaitRunsFromTheLastFailureAndOldFailuresAreForgotten() {
        let backoff = SignInBackoff.perAccountAndAddress
        let failures = (0..<7).map { start.addingTimeInterval(Double($0)) }   // the 7th at start+6
        #expect(backoff.wait(failures: failures, now: start.addingTimeInterval(7)) == 3, "4 s after the 7th failure, 1 s have passed")
        #expect(backoff.wait(failures: failures, now: start.addingTimeInterval(10)) == 0)
        #expect(backoff.wait(failures: failures, now: start.addingTimeInterval(24 * 3600 + 7)) == 0)
        #expect(backoff.remembered(failures, now: start.addingTimeInterval(24 * 3600 + 4.5)).count == 2, "a day later, failures count no more")
    }

    @Test func sessionsEndAfterTwelveHoursIdleOrSevenDays() {
        let lifetime = SessionLifetime.standard
        #expect(!lifetime.isExpired(signedInAt: start, lastSeenAt: start, now: start.addingTimeInterval(11 * 3600 + 3599)))
        #expect(lifetime.isExpired(signedInAt: start, lastSeenAt: start, now: start.addingTimeInterval(12 * 3600)))
        let recent = start.addingTimeInterval(7 * 86_400 - 60)
        #expect(!lifetime.isExpired(signedInAt: start, lastSeenAt: recent, now: start.addingTimeInterval(7 * 86_400 - 1)))
        #expect(lifetime.isExpired(signedInAt: start, lastSeenAt: recent, now: start.addingTimeInterval(7 * 86_400)), "in use, but a week old")
    }

    @Test func theClientIsTheRightMostAddressNoTrustedProxyVouchesFor() throws {
        let proxies = try ForwardedClient.parseTrustedProxies("10.0.0.0/8, 2001:db8::/32")
        func client(_ peer: String, _ forwarded: [String]) -> String {
            ForwardedClient.address(peer: IPAddress(peer)!, forwardedFor: forwarded, trustedProxies: proxies).description
        }
        #expect(client("198.51.100.7", ["203.0.113.9"]) == "198.51.100.7", "a peer that is no trusted proxy is the client, whatever it claims")
        #expect(client("10.0.0.2", ["203.0.113.9"]) == "203.0.113.9")
        #expect(client("10.0.0.2", ["1.2.3.4, 203.0.113.9, 10.0.0.1"]) == "203.0.113.9", "what the client wrote on the left is ignored")
        #expect(client("10.0.0.2", ["1.2.3.4", "203.0.113.9"]) == "203.0.113.9", "several header lines read as one list")
        #expect(client("2001:db8::1", ["2001:db8::2, 2001:db8::3"]) == "2001:db8::2", "all trusted: the left-most")
        #expect(client("10.0.0.2", ["203.0.113.9, garbage"]) == "10.0.0.2", "a hop that is no address ends the chain")
        #expect(client("10.0.0.2", []) == "10.0.0.2")
        #expect(client("::ffff:10.0.0.2", ["203.0.113.9"]) == "203.0.113.9", "an IPv4 peer seen by a dual-stack listener")
        #expect(client("10.0.0.2", ["::ffff:203.0.113.9"]) == "203.0.113.9")
    }

    @Test func trustedProxiesAreParsedStrictly() throws {
        #expect(try ForwardedClient.parseTrustedProxies("") == [])
        #expect(try ForwardedClient.parseTrustedProxies("127.0.0.1,::1").map(\.description) == ["127.0.0.1/32", "::1/128"])
        #expect(throws: IPPrefix.ParseError.self) { try ForwardedClient.parseTrustedProxies("10.0.0.0/8,proxy.example") }
        #expect(throws: IPPrefix.ParseError.self) { try ForwardedClient.parseTrustedProxies("10.0.0.1/8") }
    }
}
