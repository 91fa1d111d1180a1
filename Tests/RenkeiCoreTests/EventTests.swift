import Foundation
import Testing
@testable import RenkeiCore

private enum EventFixture {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func uuid(_ text: String) -> UUID { UUID(uuidString: text)! }

    static let now = instant("2027-03-01T12:00:00Z")
    static let teamA = UUID(), suspendedTeam = UUID(), endedTeam = UUID(), teamD = UUID()
    static let sig = UUID(), otherSIG = UUID()

    static let member = Actor(userID: UUID(), roles: [.member], teamID: teamA, teamStatus: .active)
    static let colleague = Actor(userID: UUID(), roles: [.member], teamID: teamA, teamStatus: .active)
    static let representative = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: teamA, teamStatus: .active)
    static let otherRepresentative = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: teamD, teamStatus: .active)
    static let suspendedMember = Actor(userID: UUID(), roles: [.member], teamID: suspendedTeam, teamStatus: .suspended)
    static let formerMember = Actor(userID: UUID(), roles: [.member], teamID: endedTeam, teamStatus: .terminated,
                                    sigSeats: [SIGSeat(sigID: sig, teamID: endedTeam)])
    static let board = Actor(userID: UUID(), roles: [.member, .board], teamID: nil)
    static let secretariat = Actor(userID: UUID(), roles: [.member, .secretariat], teamID: nil)
    /// A colloquium's invited guest with an account, and no team.
    static let guest = Actor(userID: UUID(), roles: [], teamID: nil)
    static let sigParticipant = Actor(userID: UUID(), roles: [.member], teamID: teamA, teamStatus: .active, sigSeats: [SIGSeat(sigID: sig, teamID: teamA)])
    static let sigGuest = Actor(userID: UUID(), roles: [], teamID: nil, sigSeats: [SIGSeat(sigID: sig, teamID: nil)])
    /// A guest who gives talks: no team, not registered.
    static let speaker = Actor(userID: UUID(), roles: [], teamID: nil)

    /// The open Annual Conference: Monday 14 to Wednesday 16 June 2027 in Vienna.
    static let conference = Event(id: UUID(), slug: "annual-conference-2027", title: "Annual Conference 2027", kind: .conference,
                                  startsAt: instant("2027-06-14T07:00:00Z"), endsAt: instant("2027-06-16T15:00:00Z"), timeZone: "Europe/Vienna",
                                  venue: "Austria Center Vienna", capacity: 300, registrationOpens: instant("2027-01-11T09:00:00Z"),
                                  registrationCloses: instant("2027-06-07T22:00:00Z"), eligibility: .anyone,
                                  cfp: Event.CallForPresentations(membersOnly: false, deadline: instant("2027-03-15T23:00:00Z")),
                                  createdBy: secretariat.userID, createdAt: instant("2027-01-04T10:00:00Z"))

    /// Team A's Technical Colloquium, Tuesday 20 and Wednesday 21 April 2027, programme published.
    static let colloquium = Event(id: UUID(), slug: "tc-vienna-2027", title: "Technical Colloquium", kind: .colloquium,
                                  startsAt: instant("2027-04-20T07:00:00Z"), endsAt: instant("2027-04-21T15:00:00Z"), timeZone: "Europe/Vienna",
                                  venue: "CERT-A, Vienna", hostTeamID: teamA, capacity: 80, registrationOpens: instant("2027-01-11T09:00:00Z"),
                                  registrationCloses: instant("2027-04-13T12:00:00Z"), eligibility: .membersAndGuests, programmePublished: true,
                                  createdBy: representative.userID, createdAt: instant("2027-01-04T10:00:00Z"))

    static let sigMeeting = Event(id: UUID(), slug: "abuse-sig-may", title: "Abuse Handling SIG", kind: .sigMeeting,
                                  startsAt: instant("2027-05-11T12:00:00Z"), endsAt: instant("2027-05-11T14:00:00Z"), timeZone: "Europe/Vienna",
                                  online: true, sigID: sig, capacity: 40, registrationOpens: instant("2027-01-11T09:00:00Z"),
                                  registrationCloses: instant("2027-05-10T12:00:00Z"), eligibility: .sigParticipants(sig), programmePublished: true,
                                  createdBy: sigParticipant.userID, createdAt: instant("2027-01-04T10:00:00Z"))

    static func changed(_ event: Event, _ change: (inout Event) -> Void) -> Event {
        var event = event
        change(&event)
        return event
    }

    static func registrant(_ actor: Actor?, invitedBy: UUID? = nil, agreement: Bool = false, speaker: Bool = false) -> EventRegistration.Registrant {
        .init(actor: actor, name: "Ana Novak", email: "ana@cert.example", organisation: "CERT.example", invitedByTeamID: invitedBy,
              agreementAccepted: agreement, isSpeaker: speaker)
    }

    static func register(_ registrant: EventRegistration.Registrant, for event: Event = conference, existing: EventRegistration? = nil,
                         confirmed: Int = 0, at time: Date = now) throws -> EventRegistration {
        try EventRegistration.register(id: UUID(), registrant, for: event, existing: existing, confirmedCount: confirmed, at: time)
    }

    static func registration(_ state: EventRegistration.State, of event: Event = conference, user: Actor? = member, checkedIn: Date? = nil) -> EventRegistration {
        EventRegistration(id: UUID(), eventID: event.id, userID: user?.userID, name: "Ana Novak", email: "ana@cert.example", organisation: "",
                          category: .member, state: state, registeredAt: now, checkedInAt: checkedIn)
    }

    static func session(_ audience: EventSession.Audience, _ tlp: TLPLabel = .clear, of event: Event = colloquium) -> EventSession {
        EventSession(id: UUID(), eventID: event.id, title: "Sinkholing at scale", room: "Hall A", startsAt: event.startsAt,
                     endsAt: event.startsAt.addingTimeInterval(3_600), audience: audience, tlp: tlp, recordingAllowed: false, speakerUserID: speaker.userID)
    }

    /// The reason a step was refused, or nil when it was taken.
    static func refusal<T>(_ body: () throws -> T) -> EventRefusal.Reason? {
        do {
            _ = try body()
            return nil
        } catch let refusal as EventRefusal {
            return refusal.reason
        } catch {
            Issue.record("refused with something other than an EventRefusal: \(error)")
            return nil
        }
    }

    /// The fields named by an `.invalid` refusal; empty when the step was taken.
    static func invalidFields<T>(_ body: () throws -> T) -> [String] {
        do {
            _ = try body()
            return []
        } catch let refusal as EventRefusal {
            #expect(refusal.reason == .invalid)
            return refusal.fieldErrors.map(\.field)
        } catch {
            Issue.record("refused with something other than an EventRefusal: \(error)")
            return []
        }
    }
}

@Suite struct EventRulesTests {
    fileprivate typealias F = EventFixture

    @Test func wellFormedEventsHaveNoProblems() {
        #expect(F.conference.problems == [])
        #expect(F.colloquium.problems == [])
        #expect(F.sigMeeting.problems == [])
    }

    @Test func eachProblemNamesItsField() {
        func fields(_ event: Event = F.conference, _ change: (inout Event) -> Void) -> [String] { F.changed(event, change).problems.map(\.field) }
        #expect(fields { $0.slug = "Annual 2027" } == ["slug"])
        #expect(fields { $0.slug = "annual--2027" } == ["slug"])
        #expect(fields { $0.title = "  \n" } == ["title"])
        #expect(fields { $0.title = String(repeating: "t", count: 201) } == ["title"])
        #expect(fields { $0.timeZone = "Mars/Olympus" } == ["time_zone"])
        #expect(fields { $0.endsAt = F.instant("2027-06-14T06:00:00Z") } == ["ends"], "ends before it starts")
        #expect(fields { $0.endsAt = F.instant("2027-06-14T07:00:00Z") } == ["ends"], "ends as it starts")
        #expect(fields { $0.capacity = 0 } == ["capacity"])
        #expect(fields { $0.capacity = 100_001 } == ["capacity"])
        #expect(fields { $0.capacity = 1 } == [] && fields { $0.capacity = 100_000 } == [])
        #expect(fields { $0.registrationCloses = F.instant("2027-06-16T15:00:01Z") } == ["registration_closes"])
        #expect(fields { $0.registrationCloses = F.instant("2027-06-16T15:00:00Z") } == [], "closing as the event ends is fine")
        #expect(fields { $0.venue = "   " } == ["venue"])
        #expect(fields { $0.venue = ""; $0.online = true } == [], "an online event has no venue")
        #expect(fields { $0.cfp?.deadline = F.instant("2027-06-14T07:00:01Z") } == ["cfp_deadline"])
        #expect(fields { $0.cfp?.deadline = F.instant("2027-06-14T07:00:00Z") } == [])
        #expect(fields { $0.eligibility = .sigParticipants(F.sig) } == ["eligibility"], "only a SIG meeting is for a SIG")
        #expect(fields(F.colloquium) { $0.hostTeamID = nil } == ["host"])
        #expect(fields(F.colloquium) { $0.eligibility = .anyone } == ["eligibility"])
        #expect(fields(F.sigMeeting) { $0.eligibility = .sigParticipants(F.otherSIG) } == ["eligibility"])
        #expect(fields(F.sigMeeting) { $0.eligibility = .membersAndGuests } == ["eligibility"])
        #expect(fields(F.sigMeeting) { $0.sigID = nil } == ["eligibility"])
    }

    @Test func guestListsAreDueAtNineInTheMorningWorkingDaysBefore() {
        let vienna = TimeZone(identifier: "Europe/Vienna")!, tokyo = TimeZone(identifier: "Asia/Tokyo")!
        func due(_ days: Int, _ start: String, _ zone: TimeZone = vienna) -> Date { WorkingDays.morning(workingDays: days, before: F.instant(start), in: zone) }
        // Monday 15 March 2027, 09:00 in Vienna (CET): five working days before is Monday the 8th, 09:00 CET.
        #expect(due(5, "2027-03-15T08:00:00Z") == F.instant("2027-03-08T08:00:00Z"))
        // One working day before a Monday is the Friday before.
        #expect(due(1, "2027-03-15T08:00:00Z") == F.instant("2027-03-12T08:00:00Z"))
        // Zero days: 09:00 that day, even for an afternoon start; on a Sunday, the Friday before.
        #expect(due(0, "2027-03-15T13:00:00Z") == F.instant("2027-03-15T08:00:00Z"))
        #expect(due(0, "2027-03-21T09:00:00Z") == F.instant("2027-03-19T08:00:00Z"))
        // Saturday 20 March: Friday 19 is one working day before, so five is Monday 15.
        #expect(due(5, "2027-03-20T09:00:00Z") == F.instant("2027-03-15T08:00:00Z"))
        #expect(due(1, "2027-03-20T09:00:00Z") == F.instant("2027-03-19T08:00:00Z"))
        // Monday 29 March starts at 09:00 CEST (07:00Z); the Monday before is still CET.
        #expect(due(5, "2027-03-29T07:00:00Z") == F.instant("2027-03-22T08:00:00Z"))
        // 23:30Z on Sunday is Monday 08:30 in Tokyo: the Friday before, 09:00 JST.
        #expect(due(1, "2027-03-14T23:30:00Z", tokyo) == F.instant("2027-03-12T00:00:00Z"))
        // The colloquium starts Tuesday 20 April; five working days before is Tuesday 13 April, 09:00 CEST.
        #expect(F.colloquium.guestListDue == F.instant("2027-04-13T07:00:00Z"))
    }
}

@Suite struct EventRegistrationTests {
    fileprivate typealias F = EventFixture

    @Test func registrationIsTakenOnlyWhileTheWindowIsOpen() {
        let anyone = F.registrant(nil)
        #expect(F.refusal { try F.register(anyone, at: F.instant("2027-01-11T08:59:59Z")) } == .closed)
        #expect(F.refusal { try F.register(anyone, at: F.instant("2027-01-11T09:00:00Z")) } == nil)
        #expect(F.refusal { try F.register(anyone, at: F.instant("2027-06-07T21:59:59Z")) } == nil)
        #expect(F.refusal { try F.register(anyone, at: F.instant("2027-06-07T22:00:00Z")) } == .closed)
        #expect(F.refusal { try F.register(anyone, at: F.instant("2027-06-15T09:00:00Z")) } == .closed)
    }

    @Test func theCategoryFollowsTheEventsEligibility() throws {
        // Open to anyone.
        #expect(try F.register(F.registrant(nil)).category == .nonMember)
        #expect(try F.register(F.registrant(F.member)).category == .member)
        #expect(try F.register(F.registrant(F.suspendedMember)).category == .member)
        #expect(try F.register(F.registrant(F.formerMember)).category == .nonMember, "a team whose membership ended pays as a non-member")
        #expect(try F.register(F.registrant(nil, speaker: true)).category == .speaker)
        #expect(try F.register(F.registrant(F.member, speaker: true)).category == .speaker)
        // Members and invited guests.
        #expect(F.refusal { try F.register(F.registrant(nil), for: F.colloquium) } == .wrongRole)
        #expect(F.refusal { try F.register(F.registrant(F.formerMember), for: F.colloquium) } == .wrongRole)
        #expect(F.refusal { try F.register(F.registrant(nil, invitedBy: F.teamA), for: F.colloquium) } == .agreementNotAccepted)
        let guest = try F.register(F.registrant(nil, invitedBy: F.teamA, agreement: true), for: F.colloquium)
        #expect(guest.category == .guest && guest.invitedByTeamID == F.teamA && guest.agreementAcceptedAt == F.now && guest.userID == nil)
        #expect(try F.register(F.registrant(F.member), for: F.colloquium).category == .member)
        #expect(try F.register(F.registrant(F.board), for: F.colloquium).category == .member)
        // A SIG's participants.
        #expect(try F.register(F.registrant(F.sigParticipant), for: F.sigMeeting).category == .member)
        #expect(try F.register(F.registrant(F.sigGuest), for: F.sigMeeting).category == .guest)
        #expect(F.refusal { try F.register(F.registrant(F.member), for: F.sigMeeting) } == .wrongRole)
        #expect(F.refusal { try F.register(F.registrant(nil), for: F.sigMeeting) } == .wrongRole)
        #expect(F.refusal { try F.register(F.registrant(F.formerMember), for: F.sigMeeting) } == .wrongRole, "a seat for a team that left opens nothing")
        // A guest pays what a non-member pays.
        #expect(Event.Fees(member: "€150", nonMember: "€450", speaker: "€0").fee(for: .guest) == "€450")
    }

    @Test func theLastSeatIsConfirmedAndTheNextPersonWaits() throws {
        #expect(try F.register(F.registrant(F.member), confirmed: 299).state == .confirmed)
        #expect(try F.register(F.registrant(F.member), confirmed: 300).state == .waitlisted)
        #expect(try F.register(F.registrant(F.member), confirmed: 301).state == .waitlisted)
    }

    @Test func onlyACancelledRegistrationMayRegisterAgain() throws {
        #expect(F.refusal { try F.register(F.registrant(F.member), existing: F.registration(.confirmed)) } == .wrongState)
        #expect(F.refusal { try F.register(F.registrant(F.member), existing: F.registration(.waitlisted)) } == .wrongState)
        #expect(try F.register(F.registrant(F.member), existing: F.registration(.cancelled)).state == .confirmed)
    }

    @Test func nameAndAddressAreCheckedAndTidied() throws {
        var bad = F.registrant(nil)
        bad.name = "  "
        bad.email = "ana at cert.example"
        #expect(F.invalidFields { try F.register(bad) } == ["name", "email"])
        var long = F.registrant(nil)
        long.organisation = String(repeating: "o", count: 201)
        #expect(F.invalidFields { try F.register(long) } == ["organisation"])
        var untidy = F.registrant(F.member)
        untidy.name = "  Ana Novak \n"
        untidy.email = " Ana@CERT.Example "
        let registration = try F.register(untidy)
        #expect(registration.name == "Ana Novak" && registration.email == "ana@cert.example")
        #expect(registration.userID == F.member.userID && registration.eventID == F.conference.id && registration.registeredAt == F.now)
        #expect(registration.agreementAcceptedAt == nil && registration.checkedInAt == nil)
    }

    @Test func theWaitingListIsFirstComeFirstServed() {
        let one = F.uuid("00000000-0000-0000-0000-000000000001"), two = F.uuid("00000000-0000-0000-0000-000000000002")
        let three = F.uuid("00000000-0000-0000-0000-000000000003")
        let waiting = [EventWaitingList.Place(id: one, registeredAt: F.instant("2027-03-01T10:05:00Z")),
                       EventWaitingList.Place(id: two, registeredAt: F.instant("2027-03-01T10:01:00Z")),
                       EventWaitingList.Place(id: three, registeredAt: F.instant("2027-03-01T10:03:00Z"))]
        #expect(EventWaitingList.promotions(capacity: 3, confirmed: 2, waiting: waiting) == [two])
        #expect(EventWaitingList.promotions(capacity: 3, confirmed: 1, waiting: waiting) == [two, three])
        #expect(EventWaitingList.promotions(capacity: 10, confirmed: 0, waiting: waiting) == [two, three, one])
        #expect(EventWaitingList.promotions(capacity: 3, confirmed: 3, waiting: waiting) == [])
        #expect(EventWaitingList.promotions(capacity: 3, confirmed: 5, waiting: waiting) == [], "over capacity promotes nobody")
        #expect(EventWaitingList.promotions(capacity: 3, confirmed: 0, waiting: []) == [])
        // The same instant: by id.
        let a = F.uuid("00000000-0000-0000-0000-00000000000A"), nine = F.uuid("00000000-0000-0000-0000-000000000009")
        let tied = [EventWaitingList.Place(id: three, registeredAt: F.now), EventWaitingList.Place(id: a, registeredAt: F.now),
                    EventWaitingList.Place(id: two, registeredAt: F.now), EventWaitingList.Place(id: nine, registeredAt: F.now.addingTimeInterval(-1))]
        #expect(EventWaitingList.promotions(capacity: 4, confirmed: 0, waiting: tied) == [nine, two, three, a])
        #expect(EventWaitingList.promotions(capacity: 4, confirmed: 2, waiting: tied) == [nine, two])
    }

    @Test func cancellingGivesTheSeatBackUntilTheEventEnds() throws {
        let present = F.registration(.confirmed, checkedIn: F.instant("2027-06-14T06:30:00Z"))
        let cancelled = try present.cancelled(in: F.conference, at: F.instant("2027-06-16T14:59:59Z"))
        #expect(cancelled.state == .cancelled && cancelled.checkedInAt == nil && !cancelled.holdsSeat)
        #expect(try F.registration(.waitlisted).cancelled(in: F.conference, at: F.now).state == .cancelled)
        #expect(F.refusal { try cancelled.cancelled(in: F.conference, at: F.now) } == .wrongState)
        #expect(F.refusal { try present.cancelled(in: F.conference, at: F.instant("2027-06-16T15:00:00Z")) } == .wrongState, "the event is over")
    }

    @Test func checkInIsOpenFromTheDayBeforeUntilTheDayAfter() throws {
        let seat = F.registration(.confirmed)
        #expect(F.refusal { try seat.checkedIn(in: F.conference, at: F.instant("2027-06-13T06:59:59Z")) } == .wrongState)
        #expect(try seat.checkedIn(in: F.conference, at: F.instant("2027-06-13T07:00:00Z")).checkedInAt == F.instant("2027-06-13T07:00:00Z"))
        #expect(try seat.checkedIn(in: F.conference, at: F.instant("2027-06-17T15:00:00Z")).checkedInAt == F.instant("2027-06-17T15:00:00Z"))
        #expect(F.refusal { try seat.checkedIn(in: F.conference, at: F.instant("2027-06-17T15:00:01Z")) } == .wrongState)
        let first = try seat.checkedIn(in: F.conference, at: F.instant("2027-06-14T06:30:00Z"))
        #expect(try first.checkedIn(in: F.conference, at: F.instant("2027-06-15T08:00:00Z")).checkedInAt == F.instant("2027-06-14T06:30:00Z"),
                "checking in twice keeps the first arrival")
        #expect(F.refusal { try F.registration(.waitlisted).checkedIn(in: F.conference, at: F.instant("2027-06-14T08:00:00Z")) } == .wrongState)
        #expect(F.refusal { try F.registration(.cancelled).checkedIn(in: F.conference, at: F.instant("2027-06-14T08:00:00Z")) } == .wrongState)
        #expect(EventRegistration.checkInWindow(of: F.conference) == F.instant("2027-06-13T07:00:00Z")...F.instant("2027-06-17T15:00:00Z"))
    }

    @Test func onlyWordsUpToGreenLeaveInAFeed() {
        let expected: [TLPLabel: Bool] = [.clear: true, .green: true, .amber: false, .amberStrict: false, .red: false]
        for (label, leaves) in expected {
            let session = EventSession(id: UUID(), eventID: F.conference.id, title: "Talk", room: "Hall", startsAt: F.conference.startsAt,
                                       endsAt: F.conference.startsAt.addingTimeInterval(3_600), audience: .members, tlp: label, recordingAllowed: false)
            #expect(EventAccess.wordsMayLeave(session) == leaves, "\(label)")
        }
    }

    @Test func theInvoiceReferenceIsShortAndStable() {
        var registration = F.registration(.confirmed)
        registration.eventID = F.uuid("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
        registration.id = F.uuid("9B2C1D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D")
        #expect(registration.invoiceReference == "RK-3F25-9B2C1D4E")
    }
}

@Suite struct EventAccessTests {
    fileprivate typealias F = EventFixture

    /// Sessions seen, by audience (open, members, SIG), at the colloquium and at the SIG meeting.
    @Test func whoSeesWhichSession() {
        let rows: [(String, Actor?, colloquium: [Bool], sigMeeting: [Bool])] = [
            ("anonymous", nil, [true, false, false], [false, false, false]),
            ("member", F.member, [true, true, false], [false, false, false]),
            ("suspended team", F.suspendedMember, [true, true, false], [false, false, false]),
            ("membership ended", F.formerMember, [true, false, false], [false, false, false]),
            ("board", F.board, [true, true, false], [false, false, false]),
            ("secretariat", F.secretariat, [true, true, false], [false, false, false]),
            ("colloquium guest", F.guest, [true, false, false], [false, false, false]),
            ("SIG participant", F.sigParticipant, [true, true, false], [true, true, true]),
            ("SIG guest", F.sigGuest, [true, false, false], [true, false, true]),
        ]
        let audiences: [EventSession.Audience] = [.open, .members, .sig]
        for published in [true, false] {
            for manager in [true, false] {
                let colloquium = F.changed(F.colloquium) { $0.programmePublished = published }
                let sigMeeting = F.changed(F.sigMeeting) { $0.programmePublished = published }
                // Before the programme is published, a reader who neither manages nor speaks sees no session.
                let shown = published || manager
                for (name, reader, atColloquium, atSIGMeeting) in rows {
                    for (index, audience) in audiences.enumerated() {
                        #expect(EventAccess.maySee(F.session(audience, of: colloquium), of: colloquium, reader: reader, isManager: manager)
                                == (shown && atColloquium[index]), "\(name), colloquium, \(audience), published \(published), manager \(manager)")
                        #expect(EventAccess.maySee(F.session(audience, of: sigMeeting), of: sigMeeting, reader: reader, isManager: manager)
                                == (shown && atSIGMeeting[index]), "\(name), SIG meeting, \(audience), published \(published), manager \(manager)")
                    }
                }
            }
        }
        // The speaker sees their own session before the programme is published, whatever its audience.
        let draft = F.changed(F.colloquium) { $0.programmePublished = false }
        #expect(EventAccess.maySee(F.session(.open, of: draft), of: draft, reader: F.speaker, isManager: false))
        #expect(EventAccess.maySee(F.session(.members, of: draft), of: draft, reader: F.speaker, isManager: false),
                "a guest speaker of a members-only talk sees the slot they speak in")
    }

    @Test func whoCreatesAndManagesEachKind() {
        let kinds: [Event.Kind] = [.conference, .colloquium, .sigMeeting, .symposium]
        let creators: [(String, Actor, chair: Bool, [Bool])] = [
            ("secretariat", F.secretariat, false, [true, true, false, true]),
            ("host representative", F.representative, false, [false, true, false, true]),
            ("another team's representative", F.otherRepresentative, false, [false, false, false, false]),
            ("host team member", F.member, false, [false, false, false, false]),
            ("SIG chair", F.sigParticipant, true, [false, false, true, false]),
        ]
        for (name, actor, chair, expected) in creators {
            for (index, kind) in kinds.enumerated() {
                #expect(EventAccess.mayCreate(kind, hostTeamID: F.teamA, by: actor, isChairOfSIG: chair) == expected[index], "\(name) creates \(kind)")
            }
        }
        #expect(!EventAccess.mayCreate(.colloquium, hostTeamID: nil, by: F.representative, isChairOfSIG: false), "a colloquium names its host")
        let events = [F.conference, F.colloquium, F.sigMeeting, F.changed(F.colloquium) { $0.kind = .symposium }]
        let managers: [(String, Actor?, chair: Bool, [Bool])] = [
            ("secretariat", F.secretariat, false, [true, true, false, true]),
            ("host representative", F.representative, false, [false, true, false, true]),
            ("another team's representative", F.otherRepresentative, false, [false, false, false, false]),
            ("host team member", F.member, false, [false, false, false, false]),
            ("SIG chair", F.sigParticipant, true, [false, false, true, false]),
            ("anonymous", nil, true, [false, false, false, false]),
        ]
        for (name, actor, chair, expected) in managers {
            for (index, event) in events.enumerated() {
                #expect(EventAccess.mayManage(event, by: actor, isChairOfSIG: chair) == expected[index], "\(name) manages \(event.kind)")
            }
        }
    }

    @Test func aSIGMeetingIsListedToItsParticipantsOnly() {
        #expect(EventAccess.isListed(F.conference, to: nil) && EventAccess.isListed(F.colloquium, to: nil))
        #expect(EventAccess.isListed(F.sigMeeting, to: F.sigParticipant) && EventAccess.isListed(F.sigMeeting, to: F.sigGuest))
        for outsider in [nil, F.member, F.board, F.secretariat, F.formerMember] {
            #expect(!EventAccess.isListed(F.sigMeeting, to: outsider))
        }
    }

    /// Readers: anonymous, registered guest not checked in, checked-in member, checked-in guest,
    /// member not registered, the (guest) speaker. Times: during the event and after its end.
    @Test func whoReadsTheSlides() {
        let readers: [(Actor?, EventRegistration?)] = [
            (nil, nil),
            (F.guest, F.registration(.confirmed, of: F.colloquium, user: F.guest)),
            (F.member, F.registration(.confirmed, of: F.colloquium, user: F.member, checkedIn: F.instant("2027-04-20T06:45:00Z"))),
            (F.guest, F.registration(.confirmed, of: F.colloquium, user: F.guest, checkedIn: F.instant("2027-04-20T06:45:00Z"))),
            (F.member, nil),
            (F.speaker, nil),
        ]
        let during = F.instant("2027-04-20T10:00:00Z"), after = F.instant("2027-04-21T16:00:00Z")
        let matrix: [(EventSession.Audience, TLPLabel, during: [Bool], after: [Bool])] = [
            // A member reads the CLEAR slides whenever they read the GREEN ones.
            (.open, .clear, [false, true, true, true, true, true], [true, true, true, true, true, true]),
            (.open, .green, [false, false, true, true, true, true], [false, false, true, true, true, true]),
            (.open, .amber, [false, false, true, true, false, true], [false, false, true, true, false, true]),
            (.open, .amberStrict, [false, false, true, true, false, true], [false, false, true, true, false, true]),
            (.open, .red, [false, false, false, false, false, true], [false, false, false, false, false, true]),
            (.members, .clear, [false, false, true, false, true, true], [false, false, true, false, true, true]),
            (.members, .green, [false, false, true, false, true, true], [false, false, true, false, true, true]),
            (.members, .amber, [false, false, true, false, false, true], [false, false, true, false, false, true]),
            (.members, .amberStrict, [false, false, true, false, false, true], [false, false, true, false, false, true]),
            (.members, .red, [false, false, false, false, false, true], [false, false, false, false, false, true]),
        ]
        for (audience, tlp, duringRow, afterRow) in matrix {
            let session = F.session(audience, tlp)
            for (index, (reader, registration)) in readers.enumerated() {
                for (time, expected) in [(during, duringRow[index]), (after, afterRow[index])] {
                    #expect(EventAccess.mayReadSlides(of: session, in: F.colloquium, reader: reader, registration: registration, isManager: false, at: time)
                            == expected, "\(audience) \(tlp.rawValue), reader \(index), \(time == during ? "during" : "after")")
                }
            }
        }
        // A place on the waiting list, or a seat at another event, is no registration for the slides.
        let clear = F.session(.open, .clear)
        #expect(!EventAccess.mayReadSlides(of: clear, in: F.colloquium, reader: F.guest, registration: F.registration(.waitlisted, of: F.colloquium, user: F.guest),
                                           isManager: false, at: during))
        #expect(!EventAccess.mayReadSlides(of: clear, in: F.colloquium, reader: F.guest, registration: F.registration(.confirmed, of: F.conference, user: F.guest),
                                           isManager: false, at: during))
    }
}

@Suite struct EventSubmissionTests {
    fileprivate typealias F = EventFixture

    static let abstract = "How we sinkholed a botnet's domains for a whole weekend."

    fileprivate static func submit(to event: Event = F.conference, title: String = "Sinkholing at scale", abstract: String = EventSubmissionTests.abstract,
                                   speakers: String = "Ana Novak (CERT-A)", email: String = "ana@cert-a.example", by actor: Actor? = F.member,
                                   at time: Date = F.now) throws -> EventSubmission {
        try EventSubmission.submit(id: UUID(), to: event, title: title, abstract: abstract, speakers: speakers, tlp: .green, recordingAllowed: false,
                                   contactEmail: email, by: actor, at: time)
    }

    @Test func theCallTakesProposalsWhileOpenAndFromWhoItIsFor() throws {
        let proposal = try Self.submit(title: "  Sinkholing at scale ", email: " Ana@CERT-A.example", by: nil)
        #expect(proposal.title == "Sinkholing at scale" && proposal.contactEmail == "ana@cert-a.example" && proposal.state == .submitted)
        #expect(proposal.submitterUserID == nil && proposal.submitterTeamID == nil && proposal.submittedAt == F.now)
        #expect(F.refusal { try Self.submit(at: F.instant("2027-03-15T23:00:00Z")) } == .closed)
        #expect(F.refusal { try Self.submit(to: F.colloquium) } == .wrongState, "no call for presentations")
        let membersOnly = F.changed(F.colloquium) { $0.cfp = Event.CallForPresentations(membersOnly: true, deadline: F.instant("2027-03-15T23:00:00Z")) }
        #expect(F.refusal { try Self.submit(to: membersOnly, by: nil) } == .wrongRole)
        #expect(F.refusal { try Self.submit(to: membersOnly, by: F.guest) } == .wrongRole)
        #expect(F.refusal { try Self.submit(to: membersOnly, by: F.formerMember) } == .wrongRole)
        #expect(try Self.submit(to: membersOnly, by: F.member).submitterTeamID == F.teamA)
        #expect(F.invalidFields { try Self.submit(title: " ", abstract: "Too short.", speakers: "\n", email: "nope") } == ["title", "abstract", "speakers", "email"])
    }

    @Test func blindReviewHidesWhoSpeaksFromTheCommitteeOnly() throws {
        let proposal = try Self.submit()
        let reviewer = F.otherRepresentative
        let hidden = proposal.view(for: reviewer, in: F.conference, isManager: false)
        #expect(hidden.speakers == nil && hidden.contactEmail == nil && hidden.title == "Sinkholing at scale" && hidden.abstract == Self.abstract)
        let byManager = proposal.view(for: F.secretariat, in: F.conference, isManager: true)
        #expect(byManager.speakers == "Ana Novak (CERT-A)" && byManager.contactEmail == "ana@cert-a.example")
        let bySubmitter = proposal.view(for: F.member, in: F.conference, isManager: false)
        #expect(bySubmitter.speakers == "Ana Novak (CERT-A)" && bySubmitter.contactEmail == "ana@cert-a.example")
        let open = F.changed(F.conference) { $0.cfp?.blindReview = false }
        let named = proposal.view(for: reviewer, in: open, isManager: false)
        #expect(named.speakers == "Ana Novak (CERT-A)" && named.contactEmail == "ana@cert-a.example")
    }

    @Test func reviewsComeFromTheCommitteeWithoutConflict() throws {
        let proposal = try Self.submit()
        let reviewer = F.otherRepresentative
        let committee: Set<UUID> = [reviewer.userID, F.member.userID, F.colleague.userID, F.formerMember.userID]
        func review(by actor: Actor, email: String = "reviewer@cert-d.example", of submission: EventSubmission = proposal, declared: Set<UUID> = [],
                    score: Int = 4) throws -> EventReview {
            try EventReview.review(submission, by: actor, reviewerEmail: email, committee: committee, declaredConflicts: declared, score: score,
                                   comment: " Solid. ", at: F.now)
        }
        let done = try review(by: reviewer)
        #expect(done.score == 4 && done.comment == "Solid." && done.reviewerID == reviewer.userID && done.submissionID == proposal.id)
        #expect(F.refusal { try review(by: F.board) } == .wrongRole)
        #expect(F.refusal { try review(by: F.formerMember) } == .wrongRole, "a seat on the committee lapses with the team's membership")
        #expect(F.refusal { try review(by: reviewer, email: "ANA@cert-a.example") } == .conflictOfInterest, "the proposal gave the reviewer's own address")
        #expect(F.refusal { try review(by: F.member) } == .conflictOfInterest, "their own submission")
        #expect(F.refusal { try review(by: F.colleague) } == .conflictOfInterest, "their own team's submission")
        #expect(F.refusal { try review(by: reviewer, declared: [proposal.id]) } == .conflictOfInterest)
        #expect(F.refusal { try review(by: reviewer, declared: [UUID()]) } == nil)
        let accepted = try proposal.decided(accept: true, at: F.now)
        #expect(F.refusal { try review(by: reviewer, of: accepted) } == .wrongState)
        #expect(F.invalidFields { try review(by: reviewer, score: 0) } == ["score"])
        #expect(F.invalidFields { try review(by: reviewer, score: 6) } == ["score"])
        #expect(try review(by: reviewer, score: 1).score == 1 && review(by: reviewer, score: 5).score == 5)
    }

    @Test func aDecisionIsTakenOnce() throws {
        let proposal = try Self.submit()
        let accepted = try proposal.decided(accept: true, at: F.instant("2027-03-20T09:00:00Z"))
        #expect(accepted.state == .accepted && accepted.decidedAt == F.instant("2027-03-20T09:00:00Z"))
        #expect(try proposal.decided(accept: false, at: F.now).state == .rejected)
        #expect(F.refusal { try accepted.decided(accept: false, at: F.now) } == .wrongState)
        #expect(F.refusal { try accepted.decided(accept: true, at: F.now) } == .wrongState)
    }
}
