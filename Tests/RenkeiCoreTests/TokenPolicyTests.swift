import Foundation
import Testing
@testable import RenkeiCore

/// `APITokenPolicy`: a token acts for someone whose roles need the second factor only while
/// the factor is enrolled and only if it is younger than both the factor and the role.
struct TokenPolicyTests {
    /// 2027-01-15 08:00 UTC, and whole hours after it.
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func hour(_ n: Double) -> Date { t0.addingTimeInterval(n * 3600) }

    func owner(_ roles: Set<Role>, enrolled: Date?, since: Date?) -> APITokenPolicy.Owner {
        APITokenPolicy.Owner(roles: roles, secondFactorEnrolledAt: enrolled, privilegedSince: since)
    }

    @Test func membersUseTokensWithoutASecondFactor() {
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(1), owner: owner([.member], enrolled: nil, since: nil)) == nil)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(1), owner: owner([.member, .sigChair], enrolled: nil, since: nil)) == nil)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(1), owner: owner([], enrolled: nil, since: nil)) == nil)
        // A member's own factor, enrolled after the token, does not matter: their roles do not need it.
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(1), owner: owner([.member], enrolled: hour(2), since: nil)) == nil)
    }

    @Test func privilegedRolesNeedAnEnrolledFactor() {
        for role in [Role.teamRepresentative, .board, .secretariat] {
            #expect(APITokenPolicy.refusal(tokenMadeAt: hour(5), owner: owner([.member, role], enrolled: nil, since: nil)) == .secondFactorMissing)
            #expect(APITokenPolicy.refusal(tokenMadeAt: hour(5), owner: owner([.member, role], enrolled: hour(1), since: nil)) == nil)
        }
    }

    @Test func aTokenOlderThanTheFactorStopsWorking() {
        let representative: Set<Role> = [.member, .teamRepresentative]
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(1), owner: owner(representative, enrolled: hour(2), since: nil)) == .madeBeforeSecondFactor)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(2), owner: owner(representative, enrolled: hour(2), since: nil)) == nil)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(3), owner: owner(representative, enrolled: hour(2), since: nil)) == nil)
    }

    @Test func aTokenOlderThanTheRoleStopsWorking() {
        // A member enrolled a factor at 1, made a token at 2, became a representative at 3.
        let representative: Set<Role> = [.member, .teamRepresentative]
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(2), owner: owner(representative, enrolled: hour(1), since: hour(3))) == .madeBeforeRole)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(4), owner: owner(representative, enrolled: hour(1), since: hour(3))) == nil)
        // Enrolled after the role and the token after both.
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(6), owner: owner([.board], enrolled: hour(5), since: hour(3))) == nil)
        #expect(APITokenPolicy.refusal(tokenMadeAt: hour(4), owner: owner([.board], enrolled: hour(5), since: hour(3))) == .madeBeforeSecondFactor)
    }

    @Test func tokensAreMadeOnlyWithTheFactorWhenTheRolesNeedIt() {
        #expect(APITokenPolicy.creationRefusal(owner: owner([.member], enrolled: nil, since: nil)) == nil)
        #expect(APITokenPolicy.creationRefusal(owner: owner([.member, .teamRepresentative], enrolled: nil, since: hour(1))) == .secondFactorMissing)
        #expect(APITokenPolicy.creationRefusal(owner: owner([.secretariat], enrolled: hour(1), since: nil)) == nil)
    }

    @Test func grantingAPrivilegedRoleIsRecognised() {
        #expect(APITokenPolicy.grantsPrivilege(from: [], to: [.member, .teamRepresentative]))
        #expect(APITokenPolicy.grantsPrivilege(from: [.member], to: [.member, .board]))
        #expect(APITokenPolicy.grantsPrivilege(from: [.member, .teamRepresentative], to: [.member, .teamRepresentative, .secretariat]))
        #expect(!APITokenPolicy.grantsPrivilege(from: [.member], to: [.member, .sigChair]))
        #expect(!APITokenPolicy.grantsPrivilege(from: [.member, .board], to: [.member, .board]))
        #expect(!APITokenPolicy.grantsPrivilege(from: [.member, .board], to: [.member]))
    }
}
