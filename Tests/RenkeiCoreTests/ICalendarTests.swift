import Foundation
import Testing
@testable import RenkeiCore

@Suite struct ICalendarTests {
    private func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    /// Text written one line per source line, as the CRLF-ended lines of a calendar.
    private func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
    }

    private func event(summary: String = "Spring meetup", start: String = "2027-03-15T08:00:00Z", end: String = "2027-03-15T10:00:00Z",
                       timeZone: String = "Europe/Vienna", description: String? = nil, location: String? = nil, url: String? = nil,
                       categories: [String] = [], classification: ICalendarEvent.Classification? = nil) -> ICalendarEvent {
        ICalendarEvent(uid: "session-1@renkei.example", summary: summary, description: description, location: location, url: url,
                       start: instant(start), end: instant(end), timeZone: timeZone, stamp: instant("2027-01-10T12:00:00Z"),
                       categories: categories, classification: classification)
    }

    private func lines(_ calendar: String) -> [String] {
        calendar.components(separatedBy: "\r\n")
    }

    @Test func viennaCalendarIsWrittenInFull() {
        let meetup = event(description: "Talks and lunch", location: "Vienna", url: "https://renkei.example/events/1",
                           categories: ["TLP:CLEAR"], classification: .public)
        let expected = crlf("""
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Renkei//Events//EN
        CALSCALE:GREGORIAN
        METHOD:PUBLISH
        X-WR-CALNAME:Meetups
        BEGIN:VTIMEZONE
        TZID:Europe/Vienna
        BEGIN:STANDARD
        DTSTART:20260315T090000
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0100
        TZNAME:GMT+1
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:20260329T020000
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        TZNAME:GMT+2
        END:DAYLIGHT
        BEGIN:STANDARD
        DTSTART:20261025T030000
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        TZNAME:GMT+1
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:20270328T020000
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        TZNAME:GMT+2
        END:DAYLIGHT
        BEGIN:STANDARD
        DTSTART:20271031T030000
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        TZNAME:GMT+1
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        UID:session-1@renkei.example
        DTSTAMP:20270110T120000Z
        LAST-MODIFIED:20270110T120000Z
        DTSTART;TZID=Europe/Vienna:20270315T090000
        DTEND;TZID=Europe/Vienna:20270315T110000
        SUMMARY:Spring meetup
        DESCRIPTION:Talks and lunch
        LOCATION:Vienna
        URL:https://renkei.example/events/1
        CATEGORIES:TLP:CLEAR
        CLASS:PUBLIC
        END:VEVENT
        END:VCALENDAR
        """)
        #expect(ICalendar.calendar(name: "Meetups", events: [meetup]) == expected)
    }

    @Test func zoneCoversAYearBeforeTheFirstEventToAYearAfterTheLast() {
        let autumn = event(start: "2027-11-15T08:00:00Z", end: "2027-11-15T10:00:00Z")
        let calendar = ICalendar.calendar(name: "Meetups", events: [event(), autumn])
        let starts = lines(calendar).filter { $0.hasPrefix("DTSTART:") }
        #expect(starts == ["DTSTART:20260315T090000", "DTSTART:20260329T020000", "DTSTART:20261025T030000", "DTSTART:20270328T020000",
                           "DTSTART:20271031T030000", "DTSTART:20280326T020000", "DTSTART:20281029T030000"])
        #expect(lines(calendar).filter { $0 == "BEGIN:VTIMEZONE" }.count == 1)
        #expect(!calendar.contains("RRULE"))
    }

    @Test func zoneWithoutTransitionsHasOneStandardObservance() {
        let calendar = ICalendar.calendar(name: "APCERT", events: [event(start: "2027-03-15T01:00:00Z", end: "2027-03-15T02:30:00Z",
                                                                         timeZone: "Asia/Singapore")])
        #expect(calendar.contains(crlf("""
        BEGIN:VTIMEZONE
        TZID:Asia/Singapore
        BEGIN:STANDARD
        DTSTART:20260315T090000
        TZOFFSETFROM:+0800
        TZOFFSETTO:+0800
        TZNAME:GMT+8
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        """)))
        #expect(calendar.contains("DTSTART;TZID=Asia/Singapore:20270315T090000\r\nDTEND;TZID=Asia/Singapore:20270315T103000\r\n"))
        #expect(!calendar.contains("DAYLIGHT"))
        #expect(!calendar.contains("RRULE"))
    }

    @Test func utcEventHasZTimesAndNoZone() {
        let expected = crlf("""
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Example//Test//EN
        CALSCALE:GREGORIAN
        METHOD:PUBLISH
        X-WR-CALNAME:Meetups
        BEGIN:VEVENT
        UID:session-1@renkei.example
        DTSTAMP:20270110T120000Z
        LAST-MODIFIED:20270110T120000Z
        DTSTART:20270315T080000Z
        DTEND:20270315T100000Z
        SUMMARY:Spring meetup
        END:VEVENT
        END:VCALENDAR
        """)
        for zone in ["UTC", "Etc/UTC", "GMT"] {
            #expect(ICalendar.calendar(name: "Meetups", events: [event(timeZone: zone)], productID: "-//Example//Test//EN") == expected)
        }
    }

    @Test func unknownZoneIsWrittenInUTC() {
        let calendar = ICalendar.calendar(name: "Meetups", events: [event(timeZone: "Mars/Olympus_Mons")])
        #expect(calendar.contains("\r\nDTSTART:20270315T080000Z\r\n"))
        #expect(!calendar.contains("VTIMEZONE"))
        #expect(!calendar.contains("TZID"))
    }

    @Test func eachZoneIsWrittenOnceInOrderOfFirstUse() {
        let calendar = ICalendar.calendar(name: "Mixed", events: [event(timeZone: "Asia/Singapore"), event(timeZone: "Europe/Vienna"),
                                                                  event(timeZone: "UTC"), event(timeZone: "Asia/Singapore")])
        #expect(lines(calendar).filter { $0.hasPrefix("TZID:") } == ["TZID:Asia/Singapore", "TZID:Europe/Vienna"])
        #expect(lines(calendar).filter { $0.hasPrefix("DTSTART;") || ($0.hasPrefix("DTSTART:") && $0.hasSuffix("Z")) } == [
            "DTSTART;TZID=Asia/Singapore:20270315T160000", "DTSTART;TZID=Europe/Vienna:20270315T090000",
            "DTSTART:20270315T080000Z", "DTSTART;TZID=Asia/Singapore:20270315T160000",
        ])
    }

    @Test func textIsEscaped() {
        let calendar = ICalendar.calendar(name: #"Team A, B; C\D"#, events: [event(
            summary: #"Backslash \ semicolon; comma, done"#,
            description: "Line one\r\nLine two\nLine three\rend\u{7}",
            location: "Room 1; Building A, Vienna",
            url: "https://renkei.example/a;b,c?q=1\\2")])
        let written = lines(calendar)
        #expect(written.contains(#"X-WR-CALNAME:Team A\, B\; C\\D"#))
        #expect(written.contains(#"SUMMARY:Backslash \\ semicolon\; comma\, done"#))
        #expect(written.contains(#"DESCRIPTION:Line one\nLine two\nLine three\nend"#))
        #expect(written.contains(#"LOCATION:Room 1\; Building A\, Vienna"#))
        #expect(written.contains(#"URL:https://renkei.example/a;b,c?q=1\2"#))
    }

    @Test func categoriesAreAListOfEscapedTexts() {
        let calendar = ICalendar.calendar(name: "Meetups", events: [event(categories: ["TLP:AMBER", "Members only", "a,b;c"])])
        #expect(lines(calendar).contains(#"CATEGORIES:TLP:AMBER,Members only,a\,b\;c"#))
        #expect(!ICalendar.calendar(name: "Meetups", events: [event()]).contains("CATEGORIES"))
    }

    @Test func classificationIsWrittenWhenGiven() {
        #expect(lines(ICalendar.calendar(name: "M", events: [event(classification: .public)])).contains("CLASS:PUBLIC"))
        #expect(lines(ICalendar.calendar(name: "M", events: [event(classification: .private)])).contains("CLASS:PRIVATE"))
        #expect(lines(ICalendar.calendar(name: "M", events: [event(classification: .confidential)])).contains("CLASS:CONFIDENTIAL"))
        #expect(!ICalendar.calendar(name: "M", events: [event()]).contains("CLASS"))
    }

    @Test func longLinesAreFoldedBetweenCharacters() {
        // "SUMMARY:" and 66 letters fill 74 octets: the two octets of "é" would pass 75. The
        // continuation holds 74 octets after its space: "é" (2), 69 letters and "日" (3); "本" starts the third.
        let summary = String(repeating: "a", count: 66) + "é" + String(repeating: "b", count: 69) + "日本 end"
        let calendar = ICalendar.calendar(name: "M", events: [event(summary: summary)])
        let expected = "SUMMARY:" + String(repeating: "a", count: 66) + "\r\n é" + String(repeating: "b", count: 69) + "日\r\n 本 end\r\n"
        #expect(calendar.contains("\r\n" + expected))
        #expect(lines(calendar).allSatisfy { $0.utf8.count <= 75 })
    }

    @Test func linesEndWithCRLF() {
        let calendar = ICalendar.calendar(name: "M", events: [event(description: "one\ntwo")])
        #expect(calendar.hasSuffix("END:VCALENDAR\r\n"))
        let withoutCRLF = calendar.replacingOccurrences(of: "\r\n", with: "")
        #expect(!withoutCRLF.contains("\n") && !withoutCRLF.contains("\r"))
    }

    @Test func endBeforeStartIsWrittenAsTheStart() {
        let calendar = ICalendar.calendar(name: "M", events: [event(end: "2027-03-15T07:00:00Z")])
        #expect(calendar.contains("DTSTART;TZID=Europe/Vienna:20270315T090000\r\nDTEND;TZID=Europe/Vienna:20270315T090000\r\n"))
    }

    @Test func sameEventsGiveTheSameText() {
        let events = [event(timeZone: "Asia/Singapore"), event(categories: ["TLP:AMBER"])]
        #expect(ICalendar.calendar(name: "M", events: events) == ICalendar.calendar(name: "M", events: events))
    }

    @Test func offsetsHaveSecondsOnlyWhenNeeded() {
        #expect(ICalendar.utcOffset(0) == "+0000")
        #expect(ICalendar.utcOffset(3600) == "+0100")
        #expect(ICalendar.utcOffset(-12600) == "-0330")
        #expect(ICalendar.utcOffset(19800) == "+0530")
        #expect(ICalendar.utcOffset(561) == "+000921")
        #expect(ICalendar.utcOffset(-3661) == "-010101")
    }

    @Test func negativeHalfHourZone() {
        let calendar = ICalendar.calendar(name: "M", events: [event(start: "2027-07-01T12:00:00Z", end: "2027-07-01T13:00:00Z",
                                                                    timeZone: "America/St_Johns")])
        #expect(calendar.contains("DTSTART;TZID=America/St_Johns:20270701T093000\r\n"))
        #expect(calendar.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0230\r\nTZOFFSETTO:-0330\r\n"))
        #expect(calendar.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0330\r\nTZOFFSETTO:-0230\r\n"))
    }

    @Test func knownZones() {
        #expect(ICalendar.knowsZone("Europe/Vienna"))
        #expect(ICalendar.knowsZone("UTC"))
        #expect(!ICalendar.knowsZone("Mars/Olympus_Mons"))
        #expect(!ICalendar.knowsZone(""))
    }
}
