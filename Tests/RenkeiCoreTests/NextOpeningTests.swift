import Foundation
import Testing
@testable import RenkeiCore

/// When a closed team opens next, in its zone, in UTC and in the reader's.
@Suite struct NextOpeningTests {
    let berlin = OperatingHours.weekdays("09:00-17:00", timeZone: "Europe/Berlin")

    func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func aClosedTeamOpensAtTheNextStartInItsOwnZone() {
        // Saturday 5 December 2026: Berlin is UTC+1 in winter, so Monday 09:00 there is 08:00 UTC.
        #expect(berlin.nextOpening(after: utc("2026-12-05T12:00:00Z")) == utc("2026-12-07T08:00:00Z"))
        // Friday 17:30 in Berlin, just closed.
        #expect(berlin.nextOpening(after: utc("2026-12-04T16:30:00Z")) == utc("2026-12-07T08:00:00Z"))
        // Wednesday 08:00 in Berlin: later the same day.
        #expect(berlin.nextOpening(after: utc("2026-12-02T07:00:00Z")) == utc("2026-12-02T08:00:00Z"))
        // In summer Berlin is UTC+2.
        #expect(berlin.nextOpening(after: utc("2026-07-04T12:00:00Z")) == utc("2026-07-06T07:00:00Z"))
        // Split days: the afternoon interval is next.
        let split = OperatingHours(timeZone: "Asia/Tokyo", mon: ["09:00-12:00", "13:00-18:00"])
        #expect(split.nextOpening(after: utc("2026-12-07T03:30:00Z")) == utc("2026-12-07T04:00:00Z"))
    }

    @Test func nothingWhileOpenOrWithoutAUsableSchedule() {
        #expect(berlin.nextOpening(after: utc("2026-12-02T10:00:00Z")) == nil)
        #expect(OperatingHours().nextOpening(after: utc("2026-12-05T12:00:00Z")) == nil)
        #expect(OperatingHours.weekdays("09:00-17:00", timeZone: "Mars/Olympus").nextOpening(after: utc("2026-12-05T12:00:00Z")) == nil)
    }

    @Test func theOpeningIsShownInTheTeamsZoneUTCAndTheReaders() {
        let monday = utc("2026-12-07T08:00:00Z")
        #expect(OperatingHours.describeOpening(monday, teamZone: "Europe/Berlin", readerZone: "Asia/Tokyo")
            == ["Mon 7 Dec, 09:00 Europe/Berlin", "Mon 7 Dec, 08:00 UTC", "Mon 7 Dec, 17:00 Asia/Tokyo"])
        // Without the reader's zone: the team's and UTC, each once.
        #expect(OperatingHours.describeOpening(monday, teamZone: "Europe/Berlin", readerZone: nil)
            == ["Mon 7 Dec, 09:00 Europe/Berlin", "Mon 7 Dec, 08:00 UTC"])
        #expect(OperatingHours.describeOpening(monday, teamZone: "UTC", readerZone: "UTC") == ["Mon 7 Dec, 08:00 UTC"])
        #expect(OperatingHours.describeOpening(utc("2026-12-06T23:30:00Z"), teamZone: "America/New_York", readerZone: "Not/AZone")
            == ["Sun 6 Dec, 18:30 America/New_York", "Sun 6 Dec, 23:30 UTC"])
    }
}
