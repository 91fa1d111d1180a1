import Foundation
import Testing
@testable import RenkeiCore

private enum SIGFixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let teamA = UUID(), teamB = UUID()
    static let member = Actor(userID: UUID(), roles: [.member], teamID: teamA, teamStatus: .active)
    static let colleague = Actor(userID: UUID(), roles: [.member], teamID: teamA, teamStatus: .active)
    static let suspendedMember = Actor(userID: UUID(), roles: [.member], teamID: teamB, teamStatus: .suspended)
    static let board = Actor(userID: UUID(), roles: [.member, .board], teamID: nil)
    static let secretariat = Actor(userID: UUID(), roles: [.member, .secretariat], teamID: nil)
    static let outsider = Actor(userID: UUID(), roles: [], teamID: nil)
    static let charter = SpecialInterestGroup.Charter(mission: "Share abuse data. Route it well.", scope: "Abuse reports.", deliverables: "A guide.",
                                                      decisionMaking: "Rough consensus.")

    static func proposed(joining: SpecialInterestGroup.Joining = .open, byBoardChairs: Bool = false) throws -> SpecialInterestGroup {
        var charter = charter
        charter.joining = joining
        charter.chairsAppointedByBoard = byBoardChairs
        return try SpecialInterestGroup.propose(id: UUID(), slug: "abuse-handling", name: "Abuse Handling", charter: charter, by: member, at: now)
    }

    static func chartered(joining: SpecialInterestGroup.Joining = .open, byBoardChairs: Bool = false) throws -> SpecialInterestGroup {
        try proposed(joining: joining, byBoardChairs: byBoardChairs).applying(.approveCharter(liaison: board.userID), by: board, isChair: false, at: now)
    }

    static func context(_ sig: SpecialInterestGroup, actor: Actor, chair: Bool = false, person: Actor, chairs: Int = 1) -> SIGParticipant.Context {
        SIGParticipant.Context(sig: sig, actor: actor, actorIsChair: chair, person: person, chairCount: chairs, now: now)
    }

    /// The reason a step was refused, or nil when it was taken.
    static func refusal<T>(_ body: () throws -> T) -> SIGRefusal.Reason? {
        do {
            _ = try body()
            return nil
        } catch let refusal as SIGRefusal {
            return refusal.reason
        } catch {
            Issue.record("refused with something other than a SIGRefusal: \(error)")
            return nil
        }
    }
}

@Suite struct SIGLifeTests {
    fileprivate typealias F = SIGFixture

    @Test func aMemberProposesTheBoardChartersAndTheFirstChairActivates() throws {
        let proposed = try F.proposed()
        #expect(proposed.status == .proposed && proposed.charterDue == nil && proposed.charter.summary == "Share abuse data.")
        let chartered = try proposed.applying(.approveCharter(liaison: F.board.userID), by: F.board, isChair: false, at: F.now)
        #expect(chartered.status == .chartered && chartered.boardLiaison == F.board.userID)
        // 2027-01-15 08:00 UTC and two years on the calendar: 2029-01-15 08:00 UTC.
        #expect(chartered.charterDue == Date(timeIntervalSince1970: 1_863_158_400))
        #expect(!chartered.isCharterOverdue(at: F.now) && chartered.isCharterOverdue(at: chartered.charterDue!))
        #expect(chartered.seatingChair().status == .active)
        let renewed = try chartered.seatingChair().applying(.approveCharter(liaison: F.board.userID), by: F.board, isChair: false, at: F.now.addingTimeInterval(86_400))
        #expect(renewed.status == .active && renewed.charterApprovedAt == F.now.addingTimeInterval(86_400), "a re-charter keeps the SIG active")
        let retired = try renewed.applying(.retire(reason: "Merged into Network Monitoring."), by: F.board, isChair: false, at: F.now)
        #expect(retired.status == .retired && retired.charterDue == nil && !retired.isOpenForWork)
    }

    @Test func everyRefusedStepOfASIGSaysWhy() throws {
        #expect(F.refusal { try SpecialInterestGroup.propose(id: UUID(), slug: "x-ok", name: "X", charter: F.charter, by: F.outsider, at: F.now) } == .wrongRole)
        #expect(F.refusal { try SpecialInterestGroup.propose(id: UUID(), slug: "x-ok", name: "X", charter: F.charter, by: F.suspendedMember, at: F.now) } == .wrongRole,
                "a suspended team's people do not propose")
        #expect(F.refusal { try SpecialInterestGroup.propose(id: UUID(), slug: "x-ok", name: "X", charter: F.charter, by: nil, at: F.now) } == .wrongRole)
        var bad = F.charter
        bad.mission = " "
        bad.defaultLabel = .red
        do {
            _ = try SpecialInterestGroup.propose(id: UUID(), slug: "Bad Slug", name: "X", charter: bad, by: F.member, at: F.now)
            Issue.record("an invalid charter was accepted")
        } catch {
            #expect(error.reason == .invalid)
            #expect(Set(error.fieldErrors.map(\.field)) == ["slug", "name", "mission", "defaultLabel"])
        }
        let proposed = try F.proposed()
        for actor in [F.member, F.secretariat] {
            #expect(F.refusal { try proposed.applying(.approveCharter(liaison: F.board.userID), by: actor, isChair: true, at: F.now) } == .wrongRole,
                    "only the board approves a charter")
            #expect(F.refusal { try proposed.applying(.retire(reason: "no"), by: actor, isChair: true, at: F.now) } == .wrongRole)
        }
        #expect(F.refusal { try proposed.applying(.retire(reason: "  "), by: F.board, isChair: false, at: F.now) } == .invalid)
        let retired = try proposed.applying(.retire(reason: "Declined: covered by an existing SIG."), by: F.board, isChair: false, at: F.now)
        #expect(F.refusal { try retired.applying(.approveCharter(liaison: F.board.userID), by: F.board, isChair: false, at: F.now) } == .wrongState)
        #expect(F.refusal { try retired.applying(.retire(reason: "again"), by: F.board, isChair: false, at: F.now) } == .wrongState)
        #expect(F.refusal { try retired.applying(.amendCharter(F.charter), by: F.board, isChair: false, at: F.now) } == .wrongState)
        // The proposer amends before approval; afterwards only chairs and the board.
        #expect(F.refusal { try proposed.applying(.amendCharter(F.charter), by: F.member, isChair: false, at: F.now) } == nil)
        let chartered = try F.chartered()
        #expect(F.refusal { try chartered.applying(.amendCharter(F.charter), by: F.member, isChair: false, at: F.now) } == .wrongRole)
        #expect(F.refusal { try chartered.applying(.amendCharter(F.charter), by: F.colleague, isChair: true, at: F.now) } == nil)
    }

    @Test func proposedSIGsAreListedToMembersOnly() throws {
        let proposed = try F.proposed()
        #expect(proposed.isListed(to: F.member) && proposed.isListed(to: F.board) && proposed.isListed(to: F.suspendedMember))
        #expect(!proposed.isListed(to: nil) && !proposed.isListed(to: F.outsider))
        #expect(try F.chartered().isListed(to: nil), "a chartered SIG's charter is public")
        let declined = try proposed.applying(.retire(reason: "Declined: the flaw at ACME is not for a SIG."), by: F.board, isChair: false, at: F.now)
        #expect(!declined.isListed(to: nil) && !declined.isListed(to: F.outsider) && declined.isListed(to: F.member), "a declined proposal stays with the members")
        #expect(try F.chartered().applying(.retire(reason: "Done."), by: F.board, isChair: false, at: F.now).isListed(to: nil), "a retired SIG stays on record")
    }

    @Test func chairsChangeTheCharterWordsAndTheBoardItsRules() throws {
        let sig = try F.chartered()
        var words = sig.charter
        words.scope = "Abuse reports and sensor feeds."
        #expect(F.refusal { try sig.applying(.amendCharter(words), by: F.colleague, isChair: true, at: F.now) } == nil)
        for change in [{ (c: inout SpecialInterestGroup.Charter) in c.joining = .moderated }, { $0.chairsAppointedByBoard = true }, { $0.defaultLabel = .clear }] {
            var rules = sig.charter
            change(&rules)
            #expect(F.refusal { try sig.applying(.amendCharter(rules), by: F.colleague, isChair: true, at: F.now) } == .wrongRole)
            #expect(F.refusal { try sig.applying(.amendCharter(rules), by: F.board, isChair: false, at: F.now) } == nil)
        }
    }
}

@Suite struct SIGParticipationTests {
    fileprivate typealias F = SIGFixture

    @Test func peopleOfMemberTeamsJoinOpenSIGsAtOnceAndModeratedOnesOnApproval() throws {
        let open = try F.chartered()
        let joined = try SIGParticipant.join(existing: nil, in: F.context(open, actor: F.member, person: F.member))
        #expect(joined.state == .active && joined.kind == .member && joined.teamID == F.teamA)
        #expect(joined.seat == SIGSeat(sigID: open.id, teamID: F.teamA))
        let moderated = try F.chartered(joining: .moderated)
        let asked = try SIGParticipant.join(existing: nil, in: F.context(moderated, actor: F.member, person: F.member))
        #expect(asked.state == .requested && asked.seat == nil, "a request reads nothing")
        let chair = F.colleague
        let approved = try asked.applying(.approve, in: F.context(moderated, actor: chair, chair: true, person: F.member))
        #expect(approved.state == .active && approved.decidedBy == chair.userID)
        let declined = try asked.applying(.decline(reason: "Not in scope."), in: F.context(moderated, actor: chair, chair: true, person: F.member))
        #expect(declined.state == .ended && declined.reason == "Not in scope.")
        // The board approves while a moderated SIG has no chair, and only then.
        #expect(F.refusal { try asked.applying(.approve, in: F.context(moderated, actor: F.board, person: F.member, chairs: 0)) } == nil)
        #expect(F.refusal { try asked.applying(.approve, in: F.context(moderated, actor: F.board, person: F.member, chairs: 1)) } == .wrongRole)
        // Joining again after leaving.
        let left = try joined.applying(.leave, in: F.context(open, actor: F.member, person: F.member))
        #expect(left.state == .ended && left.seat == nil)
        #expect(try SIGParticipant.join(existing: left, in: F.context(open, actor: F.member, person: F.member)).state == .active)
    }

    @Test func everyRefusedParticipationStepSaysWhy() throws {
        let sig = try F.chartered()
        let proposed = try F.proposed()
        let joined = try SIGParticipant.join(existing: nil, in: F.context(sig, actor: F.member, person: F.member))
        #expect(F.refusal { try SIGParticipant.join(existing: nil, in: F.context(proposed, actor: F.member, person: F.member)) } == .wrongState,
                "nobody joins before the charter is approved")
        #expect(F.refusal { try SIGParticipant.join(existing: nil, in: F.context(sig, actor: F.outsider, person: F.outsider)) } == .wrongRole,
                "an account without a member team joins only as a guest")
        #expect(F.refusal { try SIGParticipant.join(existing: nil, in: F.context(sig, actor: F.secretariat, person: F.secretariat)) } == .wrongRole,
                "officers take no seat by role")
        #expect(F.refusal { try SIGParticipant.join(existing: nil, in: F.context(sig, actor: F.colleague, person: F.member)) } == .wrongRole,
                "nobody joins for someone else")
        #expect(F.refusal { try SIGParticipant.join(existing: joined, in: F.context(sig, actor: F.member, person: F.member)) } == .wrongState)
        #expect(F.refusal { try joined.applying(.approve, in: F.context(sig, actor: F.colleague, chair: true, person: F.member)) } == .wrongState)
        #expect(F.refusal { try joined.applying(.remove(reason: "Spam."), in: F.context(sig, actor: F.colleague, person: F.member)) } == .wrongRole,
                "a participant who does not chair removes nobody")
        #expect(F.refusal { try joined.applying(.remove(reason: ""), in: F.context(sig, actor: F.colleague, chair: true, person: F.member)) } == .invalid)
        #expect(F.refusal { try joined.applying(.remove(reason: "Me."), in: F.context(sig, actor: F.member, chair: true, person: F.member)) } == .wrongState)
        #expect(F.refusal { try joined.applying(.leave, in: F.context(sig, actor: F.colleague, chair: true, person: F.member)) } == .wrongRole)
        #expect(F.refusal { try joined.applying(.confirmAffiliation, in: F.context(sig, actor: F.colleague, chair: true, person: F.member)) } == .wrongState,
                "an unchanged affiliation needs no decision")
        // Chairs: elected by the participants and recorded by a chair or the board; one to three.
        #expect(F.refusal { try joined.applying(.seatChair, in: F.context(sig, actor: F.colleague, person: F.member)) } == .wrongRole)
        let chair = try joined.applying(.seatChair, in: F.context(sig, actor: F.board, person: F.member, chairs: 0))
        #expect(chair.isChair(at: F.now) && !chair.isChair(at: chair.chairUntil!))
        #expect(F.refusal { try joined.applying(.seatChair, in: F.context(sig, actor: F.board, person: F.member, chairs: 3)) } == .chairLimit)
        #expect(F.refusal { try chair.applying(.seatChair, in: F.context(sig, actor: F.board, person: F.member)) } == .wrongState)
        let byBoard = try F.chartered(byBoardChairs: true)
        let joinedThere = try SIGParticipant.join(existing: nil, in: F.context(byBoard, actor: F.member, person: F.member))
        #expect(F.refusal { try joinedThere.applying(.seatChair, in: F.context(byBoard, actor: F.colleague, chair: true, person: F.member)) } == .wrongRole,
                "where the charter says so, only the board appoints chairs")
        #expect(F.refusal { try chair.applying(.unseatChair, in: F.context(sig, actor: F.member, person: F.member)) } == nil, "a chair steps down")
        #expect(F.refusal { try joined.applying(.seatChair, in: F.context(sig, actor: F.member, chair: true, person: F.member, chairs: 1)) } == .wrongRole,
                "nobody records themself as chair")
        var moderatedBoard = F.board
        moderatedBoard.teamID = F.teamB
        moderatedBoard.teamStatus = .active
        let moderated = try F.chartered(joining: .moderated)
        let ownRequest = try SIGParticipant.join(existing: nil, in: F.context(moderated, actor: moderatedBoard, person: moderatedBoard))
        #expect(F.refusal { try ownRequest.applying(.approve, in: F.context(moderated, actor: moderatedBoard, person: moderatedBoard, chairs: 0)) } == .wrongRole,
                "a board member approves no request of their own")
        // A chair whose seat reads nothing (moved team) holds no chair's power.
        var movedChair = F.member
        movedChair.sigSeats = [chair.seat!]
        #expect(chair.actsAsChair(movedChair, at: F.now))
        movedChair.teamID = F.teamB
        #expect(!chair.actsAsChair(movedChair, at: F.now))
        #expect(F.refusal { try chair.applying(.confirmAffiliation, in: F.context(sig, actor: movedChair, chair: true, person: movedChair)) } == .wrongRole,
                "a chair does not confirm their own new affiliation")
        #expect(try chair.applying(.leave, in: F.context(sig, actor: F.member, person: F.member)).chairUntil == nil, "leaving ends the chair's term")
    }

    @Test func aChangedAffiliationReadsNothingUntilTheChairsDecide() throws {
        let sig = try F.chartered()
        let joined = try SIGParticipant.join(existing: nil, in: F.context(sig, actor: F.member, person: F.member))
        var moved = F.member
        moved.teamID = F.teamB
        moved.sigSeats = [joined.seat!]
        #expect(joined.affiliationChanged(person: moved))
        #expect(!AccessPolicy.takesPart(moved, in: sig.id), "the seat is for team A")
        let kept = try joined.applying(.confirmAffiliation, in: F.context(sig, actor: F.colleague, chair: true, person: moved))
        moved.sigSeats = [kept.seat!]
        #expect(AccessPolicy.takesPart(moved, in: sig.id) && kept.teamID == F.teamB)
        var ended = F.member
        ended.teamStatus = .terminated
        ended.sigSeats = [joined.seat!]
        #expect(joined.affiliationChanged(person: ended) && !AccessPolicy.takesPart(ended, in: sig.id))
        #expect(F.refusal { try joined.applying(.confirmAffiliation, in: F.context(sig, actor: F.colleague, chair: true, person: ended)) } == .wrongState,
                "a person whose team left is removed or invited as a guest, not kept as a member")
        var suspended = F.member
        suspended.teamStatus = .suspended
        suspended.sigSeats = [joined.seat!]
        #expect(AccessPolicy.takesPart(suspended, in: sig.id), "a suspended team's people keep reading, as elsewhere")
    }

    @Test func guestsComeOnlyByAChairsInvitationAndTheAgreement() throws {
        let sig = try F.chartered()
        #expect(F.refusal { try SIGGuestInvitation.invite(email: "officer@police.example", to: sig, by: F.member, actorIsChair: false, inviteeIsOfMemberTeam: false, at: F.now) } == .wrongRole)
        #expect(F.refusal { try SIGGuestInvitation.invite(email: "not an address", to: sig, by: F.member, actorIsChair: true, inviteeIsOfMemberTeam: false, at: F.now) } == .invalid)
        #expect(F.refusal { try SIGGuestInvitation.invite(email: "someone@team-a.example", to: sig, by: F.member, actorIsChair: true, inviteeIsOfMemberTeam: true, at: F.now) } == .wrongState)
        #expect(F.refusal { try SIGGuestInvitation.invite(email: "officer@police.example", to: try F.proposed(), by: F.member, actorIsChair: true, inviteeIsOfMemberTeam: false, at: F.now) } == .wrongState)
        let invitation = try SIGGuestInvitation.invite(email: " Officer@Police.example ", to: sig, by: F.member, actorIsChair: true, inviteeIsOfMemberTeam: false, at: F.now)
        #expect(invitation.email == "officer@police.example" && invitation.expiresAt == F.now.addingTimeInterval(14 * 86_400))
        let guest = F.outsider
        #expect(F.refusal { try invitation.accept(by: guest, personEmail: "officer@police.example", agreementAccepted: false, sig: sig, existing: nil, at: F.now) } == .agreementNotAccepted)
        #expect(F.refusal { try invitation.accept(by: guest, personEmail: "other@police.example", agreementAccepted: true, sig: sig, existing: nil, at: F.now) } == .wrongRole)
        #expect(F.refusal { try invitation.accept(by: guest, personEmail: "officer@police.example", agreementAccepted: true, sig: sig, existing: nil, at: invitation.expiresAt) } == .wrongState)
        #expect(F.refusal { try invitation.accept(by: F.colleague, personEmail: "officer@police.example", agreementAccepted: true, sig: sig, existing: nil, at: F.now) } == .wrongState,
                "a person of a member team joins instead")
        let seat = try invitation.accept(by: guest, personEmail: "OFFICER@police.example", agreementAccepted: true, sig: sig, existing: nil, at: F.now)
        #expect(seat.kind == .guest && seat.state == .active && seat.agreementAcceptedAt == F.now && seat.seat == SIGSeat(sigID: sig.id, teamID: nil))
        #expect(F.refusal { try seat.applying(.seatChair, in: F.context(sig, actor: F.board, person: guest, chairs: 0)) } == .wrongState, "a guest does not chair")
        #expect(SIGGuestInvitation.agreement(sigName: "LECC").contains("TLP:AMBER"))
    }
}

@Suite struct SIGDocumentTests {
    fileprivate typealias F = SIGFixture

    /// Who reads a SIG document, written out by hand: a draft the participants (a guest
    /// included); published, CLEAR everyone, GREEN the community and the participants,
    /// AMBER and AMBER+STRICT the participants.
    @Test func documentsAreReadAsTheirStateAndLabelSay() throws {
        let sig = try F.chartered()
        var participant = F.member
        participant.sigSeats = [SIGSeat(sigID: sig.id, teamID: F.teamA)]
        var guest = F.outsider
        guest.sigSeats = [SIGSeat(sigID: sig.id, teamID: nil)]
        let readers: [(String, Actor?)] = [("participant", participant), ("guest", guest), ("member outside", F.colleague), ("board", F.board),
                                           ("secretariat", F.secretariat), ("account without team", F.outsider), ("anonymous", nil)]
        let expected: [String: [String]] = [
            //                draft  CLEAR  GREEN  AMBER  A+STRICT (published)
            "participant":          ["X", "X", "X", "X", "X"],
            "guest":                ["X", "X", "X", "X", "X"],
            "member outside":       ["-", "X", "X", "-", "-"],
            "board":                ["-", "X", "X", "-", "-"],
            "secretariat":          ["-", "X", "X", "-", "-"],
            "account without team": ["-", "X", "-", "-", "-"],
            "anonymous":            ["-", "X", "-", "-", "-"],
        ]
        let draft = try SIGDocument.draft(id: UUID(), in: sig, title: "Guide", body: "# Guide", tlp: .clear, by: participant, at: F.now)
        var documents = [draft]
        for tlp in [TLPLabel.clear, .green, .amber, .amberStrict] {
            let written = try SIGDocument.draft(id: UUID(), in: sig, title: "Paper", body: "Text", tlp: tlp, by: participant, at: F.now)
            documents.append(try written.published(version: 1, in: sig, by: participant, actorIsChair: true, at: F.now))
        }
        for (name, reader) in readers {
            let marks = documents.map { $0.isReadable(by: reader) ? "X" : "-" }
            #expect(marks == expected[name], "\(name)")
            let visibility = SIGDocument.visibility(in: sig.id, to: reader)
            #expect(visibility.drafts == (marks[0] == "X") && visibility.publishedLabels == Set(zip([TLPLabel.clear, .green, .amber, .amberStrict], marks.dropFirst()).filter { $0.1 == "X" }.map(\.0)),
                    "the list filter agrees with the rule for \(name)")
        }
    }

    @Test func writingPublishingAndVersions() throws {
        let sig = try F.chartered()
        var participant = F.member
        participant.sigSeats = [SIGSeat(sigID: sig.id, teamID: F.teamA)]
        #expect(F.refusal { try SIGDocument.draft(id: UUID(), in: sig, title: "T", body: "B", tlp: .green, by: F.colleague, at: F.now) } == .wrongRole)
        #expect(F.refusal { try SIGDocument.draft(id: UUID(), in: sig, title: "T", body: "B", tlp: .red, by: participant, at: F.now) } == .invalid)
        #expect(F.refusal { try SIGDocument.draft(id: UUID(), in: sig, title: "", body: "", tlp: .green, by: participant, at: F.now) } == .invalid)
        let draft = try SIGDocument.draft(id: UUID(), in: sig, title: "T", body: "B", tlp: .green, by: participant, at: F.now)
        let second = try draft.revised(in: sig, title: "T2", body: "B2", tlp: .amber, by: participant, actorIsChair: false, at: F.now.addingTimeInterval(60))
        #expect(second.versions.map(\.number) == [1, 2] && second.title == "T2" && second.tlp == .amber && second.versions[0].body == "B")
        #expect(F.refusal { try second.published(version: 2, in: sig, by: participant, actorIsChair: false, at: F.now) } == .wrongRole)
        #expect(F.refusal { try second.published(version: 1, in: sig, by: participant, actorIsChair: true, at: F.now) } == .wrongState,
                "a chair publishes the version they read, not one written since")
        let published = try second.published(version: 2, in: sig, by: participant, actorIsChair: true, at: F.now)
        #expect(F.refusal { try published.published(version: 2, in: sig, by: participant, actorIsChair: true, at: F.now) } == .wrongState)
        #expect(F.refusal { try published.revised(in: sig, title: "T3", body: "B3", tlp: .clear, by: participant, actorIsChair: false, at: F.now) } == .wrongRole,
                "a participant who does not chair changes no published text or label")
        #expect(try published.revised(in: sig, title: "T3", body: "B3", tlp: .amber, by: participant, actorIsChair: true, at: F.now).versions.count == 3)
        let retired = try sig.applying(.retire(reason: "Done."), by: F.board, isChair: false, at: F.now)
        #expect(F.refusal { try published.revised(in: retired, title: "T3", body: "B3", tlp: .amber, by: participant, actorIsChair: true, at: F.now) } == .wrongState)
        #expect(F.refusal { try second.published(version: 2, in: retired, by: participant, actorIsChair: true, at: F.now) } == .wrongState, "a retired SIG publishes nothing")
        // Outside the SIG, a published document is its published text alone.
        var wider = try SIGDocument.draft(id: UUID(), in: sig, title: "Draft", body: "Victims at bank X", tlp: .amberStrict, by: participant, at: F.now)
        wider = try wider.revised(in: sig, title: "Summary", body: "Sanitised", tlp: .clear, by: participant, actorIsChair: false, at: F.now)
        wider = try wider.published(version: 2, in: sig, by: participant, actorIsChair: true, at: F.now)
        #expect(wider.versions(readBy: nil).map(\.body) == ["Sanitised"] && wider.versions(readBy: F.colleague).map(\.number) == [2])
        #expect(wider.versions(readBy: participant).map(\.number) == [1, 2])
        #expect(SIGDocument.disclaimer(sigName: "CVSS").contains("CVSS Special Interest Group"))
    }

    @Test func meetingsArePlannedByChairsInTheVenuesZone() throws {
        let sig = try F.chartered()
        #expect(F.refusal { try SIGMeeting.plan(id: UUID(), in: sig, title: "M", startsAt: F.now, timeZone: "Europe/Berlin", location: "online", agenda: "", actorIsChair: false) } == .wrongRole)
        #expect(F.refusal { try SIGMeeting.plan(id: UUID(), in: sig, title: "M", startsAt: nil, timeZone: "Mars/Olympus", location: "", agenda: "", actorIsChair: true) } == .invalid)
        let meeting = try SIGMeeting.plan(id: UUID(), in: sig, title: " Spring meeting ", startsAt: F.now, timeZone: "Europe/Berlin", location: "online", agenda: "1. Feeds", actorIsChair: true)
        #expect(meeting.title == "Spring meeting" && meeting.timeZone == "Europe/Berlin")
    }
}

@Suite struct SIGPointOfContactTests {
    /// A SIG's readers may be guests: a point-of-contact answer shared with a SIG shows what
    /// everyone sees of the directory, never members-only contacts.
    @Test func anAnswerInASIGShowsWhatEveryoneSees() throws {
        let sig = UUID()
        var participant = SIGFixture.member
        participant.sigSeats = [SIGSeat(sigID: sig, teamID: SIGFixture.teamA)]
        for tlp in [TLPLabel.green, .amber, .amberStrict] {
            let draft = SharedItemDraft(kind: .request, title: "Who handles 198.18.109.5?", body: "Scanning.", tlp: tlp, audience: .sig(sig),
                                        request: RequestDetails(kind: .pointOfContact, subject: "198.18.109.5"))
            let item = try SharedItem.compose(draft, id: UUID(), by: participant, authorName: "Mo", authorTeam: (SIGFixture.teamA, "A"), at: SIGFixture.now)
            #expect(item.directoryAudience() == .everyone, "\(tlp.text)")
        }
    }
}
