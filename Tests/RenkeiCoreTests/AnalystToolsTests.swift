import Foundation
import Testing
@testable import RenkeiCore

/// The core rules behind the type-ahead, the recovery code file and the invitation mail.
@Suite struct AnalystToolsTests {
    @Test func namePrefixesAreComparedAsTheDatabaseKeysNames() throws {
        #expect(NamePrefix.key("Alpha-CERT") == "alpha-cert")
        #expect(NamePrefix.key("ÄRZTE-Cert") == "Ärzte-cert", "lower() in SQLite and C-collation PostgreSQL lowers ASCII only")
        let prefix = try #require(NamePrefix("  Al "))
        #expect(prefix.key == "al" && prefix.upperBound == "am" && prefix.likePattern == "al%")
        #expect(NamePrefix("50%_!")?.likePattern == "50!%!_!!%")
        #expect(NamePrefix.successor(of: "a\u{10FFFF}") == "b")
        #expect(NamePrefix.successor(of: "a\u{D7FF}") == "a\u{E000}")
        #expect(NamePrefix.successor(of: "\u{10FFFF}") == nil)
        #expect(NamePrefix("") == nil && NamePrefix("   ") == nil)
        #expect(NamePrefix(String(repeating: "a", count: 100)) != nil && NamePrefix(String(repeating: "a", count: 101)) == nil)
        #expect(prefix.matches("ALPHA-CERT") && !prefix.matches("Beta"))
    }

    @Test func theRecoveryCodeFileHoldsOnlyUnusedCodesOfTheAccount() {
        let stored = ["abcde-fghij", "klmno-pqrst"].map(RecoveryCodes.hash)
        #expect(RecoveryCodeFile.unused(["klmno-pqrst", "zzzzz-zzzzz", "ABCDE FGHIJ", "abcde-fghij"], storedHashes: stored) == ["klmno-pqrst", "ABCDE FGHIJ"])
        #expect(RecoveryCodeFile.text(codes: ["abcde-fghij"], account: "a@b.example", site: "https://renkei.test")
            == "Recovery codes for a@b.example at https://renkei.test\n\nEach code signs you in once when your authenticator app is not at hand.\n"
            + "Keep this file apart from your phone, e.g. printed or in a password manager.\n\nabcde-fghij\n")
    }

    @Test func invitationsNameRolesAndDatesAsPeopleRead() throws {
        let date = try #require(ISO8601DateFormatter().date(from: "2026-12-19T14:05:00Z"))
        #expect(InvitationMail.readable(date) == "19 December 2026, 14:05 UTC")
        #expect(InvitationMail.roleNames([.teamRepresentative, .member]) == "Member, Team representative")
        let text = InvitationMail.text(team: "Alpha-CERT", roles: [.member], invitedBy: "Rita Rep", link: "https://renkei.test/invitations/x", expires: date)
        #expect(text.contains("Rita Rep invited you to join Alpha-CERT") && text.contains("Your role: Member.")
            && text.contains("https://renkei.test/invitations/x") && text.contains("until 19 December 2026, 14:05 UTC."))
    }
}
