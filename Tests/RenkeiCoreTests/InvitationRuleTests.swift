import Foundation
import Testing
@testable import RenkeiCore

/// `InvitationRules`: what an invitation gives, read exactly, and when it can still be accepted.
struct InvitationRuleTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func team(_ status: MembershipStatus?) -> TeamStanding {
        TeamStanding(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, slug: "alpha-cert", name: "Alpha-CERT", host: "Alpha",
                     membership: status.map { TeamMembership(type: .fullMember, since: "2010-01-01", status: $0, changedAt: at) })
    }

    @Test func invitationRoles() {
        #expect(InvitationRules.roles(for: .member) == [.member])
        #expect(InvitationRules.roles(for: .teamRepresentative) == [.member, .teamRepresentative])
    }

    @Test func representativeInvitationsAreRecognisedExactly() {
        #expect(InvitationRules.invitesRepresentative("member,team-representative"))
        #expect(InvitationRules.invitesRepresentative("team-representative"))
        #expect(!InvitationRules.invitesRepresentative("member"))
        // A substring match took these for representative invitations.
        #expect(!InvitationRules.invitesRepresentative("member,former-team-representative"))
        #expect(!InvitationRules.invitesRepresentative("member,team-representatives"))
    }

    @Test func acceptedOnlyWhileTheTeamIsAnActiveMember() throws {
        try InvitationRules.checkAcceptance(team: team(.active), email: "new@alpha.example", accountExists: false)
        for status in [MembershipStatus.suspended, .resigned, .terminated] {
            #expect(throws: MembershipRefusal.self) {
                try InvitationRules.checkAcceptance(team: team(status), email: "new@alpha.example", accountExists: false)
            }
        }
        #expect(throws: MembershipRefusal.self) {
            try InvitationRules.checkAcceptance(team: team(nil), email: "new@alpha.example", accountExists: false)
        }
    }

    @Test func anAddressWithAnAccountSignsInInstead() {
        do {
            try InvitationRules.checkAcceptance(team: team(.active), email: "max@alpha.example", accountExists: true)
            Issue.record("accepted an invitation for an address that has an account")
        } catch {
            #expect(error.reason == .wrongState)
            #expect(error.message.contains("sign in"))
        }
    }
}
