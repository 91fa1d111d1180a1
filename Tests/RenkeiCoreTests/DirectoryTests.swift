import Foundation
import Testing
@testable import RenkeiCore

func sampleTeam() -> TeamRecord {
    TeamRecord(
        shortName: "Example-CERT", officialName: "Example Computer Emergency Response Team",
        postalAddress: "1 Example Street\nBerlin", countryCode: "de", additionalCountryCodes: ["at", "DE"],
        websites: ["https://cert.example"], email: "cert@cert.example", internalEmails: ["duty@cert.example"],
        host: "Example Agency", establishment: "2001-02-03", phoneNumbers: ["+49 30 5555 0100"],
        emergencyContact: "+49 30 5555 0199 (24/7)",
        operatingHours: OperatingHours(timeZone: "Europe/Berlin", mon: ["09:00-12:00", "13:00-17:00"], fri: ["09:00-15:00"]),
        constituencyName: "National", constituency: Constituency(countries: ["de"], asns: ["64500", "AS64496"],
                                                                 prefixes: ["2001:db8::/32", "192.0.2.0/24"], domains: ["Example.DE", "de"]),
        languages: ["de", "EN"], teamTypes: [.national, .government, .national], memberType: .fullMember, memberSince: "2005-06-07")
}

@Suite struct ValidationTests {
    @Test func validRecordIsNormalised() throws {
        let record = try sampleTeam().validated()
        #expect(record.slug == "example-cert")
        #expect(record.countryCode == "DE")
        #expect(record.additionalCountryCodes == ["AT"])
        #expect(record.constituency.asns == ["AS64496", "AS64500"])
        #expect(record.constituency.prefixes == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(record.constituency.domains == ["de", "example.de"])
        #expect(record.constituency.countries == ["DE"])
        #expect(record.languages == ["de", "en"])
        #expect(record.teamTypes == [.national, .government])
        #expect(try record.validated() == record, "normal form is a fixed point")
    }

    @Test func everyProblemIsReportedWithItsField() {
        var record = sampleTeam()
        record.countryCode = "XX"
        record.email = "not-an-address"
        record.establishment = "2001-02-30"
        record.constituency.prefixes = ["192.0.2.1/24", "2001:db8::/32"]
        record.constituency.asns = ["AS-1"]
        record.constituency.domains = ["bad_domain.example"]
        record.operatingHours.tue = ["17:00-09:00"]
        record.operatingHours.timeZone = "Mars/Olympus"
        record.phoneNumbers = ["call me"]
        record.websites = ["ftp://cert.example"]
        #expect {
            try record.validated()
        } throws: { error in
            let fields = Set((error as? ValidationFailure)?.errors.map(\.field) ?? [])
            return fields == ["countryCode", "email", "establishment", "constituency.prefixes[0]", "constituency.asns[0]",
                              "constituency.domains[0]", "operatingHours.tue[0]", "operatingHours.timeZone", "phoneNumbers[0]", "websites[0]"]
        }
        do {
            _ = try record.validated()
        } catch {
            let prefixError = error.errors.first { $0.field == "constituency.prefixes[0]" }
            #expect(prefixError?.message.contains("192.0.2.0/24") == true)
            #expect(prefixError?.control == "constituency.prefixes")
        }
    }

    @Test func requiredFieldsAndFutureDates() {
        let record = TeamRecord(establishment: "2999-01-01")
        do {
            _ = try record.validated(now: Date(timeIntervalSince1970: 1_700_000_000))
            Issue.record("an empty record must not validate")
        } catch {
            let fields = error.errors.map(\.field)
            #expect(fields.contains("shortName") && fields.contains("officialName") && fields.contains("countryCode") && fields.contains("email"))
            #expect(error.errors.first { $0.field == "establishment" }?.message.contains("future") == true)
        }
    }

    @Test func overlappingIntervalsAreRefused() {
        var record = sampleTeam()
        record.operatingHours.wed = ["09:00-13:00", "12:00-17:00"]
        #expect(throws: ValidationFailure.self) { try record.validated() }
        record.operatingHours.wed = ["00:00-24:00"]
        #expect((try? record.validated()) != nil)
    }

    @Test func slugsFromNames() {
        #expect(TeamRecord.slug(from: "CERT Polska / NASK") == "cert-polska-nask")
        #expect(TeamRecord.slug(from: "Équipe Réponse") == "equipe-reponse")
        #expect(TeamRecord.isValidSlug("a-b1") && !TeamRecord.isValidSlug("a--b") && !TeamRecord.isValidSlug("-ab") && !TeamRecord.isValidSlug("A"))
    }
}

@Suite struct OperatingHoursTests {
    // 2026-11-27 was a Friday.
    let fridayNoonUTC = Date(timeIntervalSince1970: 1_795_780_800)

    @Test func openIsJudgedInTheTeamsOwnTimeZone() {
        let berlin = OperatingHours.weekdays("09:00-17:00", timeZone: "Europe/Berlin")   // 13:00 there
        #expect(berlin.isOpen(at: fridayNoonUTC))
        let tokyo = OperatingHours.weekdays("09:00-17:00", timeZone: "Asia/Tokyo")       // 21:00 there
        #expect(!tokyo.isOpen(at: fridayNoonUTC))
        let honolulu = OperatingHours.weekdays("09:00-17:00", timeZone: "Pacific/Honolulu") // 02:00 there
        #expect(!honolulu.isOpen(at: fridayNoonUTC))
        let saturdayInKiritimati = OperatingHours.weekdays("00:00-24:00", timeZone: "Pacific/Kiritimati") // UTC+14: Saturday 02:00
        #expect(!saturdayInKiritimati.isOpen(at: fridayNoonUTC))
    }

    @Test func endOfIntervalIsExclusive() {
        let hours = OperatingHours(timeZone: "UTC", fri: ["08:00-12:00"])
        #expect(!hours.isOpen(at: fridayNoonUTC))
        #expect(hours.isOpen(at: fridayNoonUTC.addingTimeInterval(-60)))
    }

    @Test func summaryGroupsEqualDays() {
        let hours = OperatingHours.weekdays("09:00-17:00", timeZone: "Europe/Berlin")
        #expect(hours.summary == "Mon–Fri 09:00-17:00 (Europe/Berlin)")
    }
}

@Suite struct VisibilityAndPolicyTests {
    @Test func anonymousReadersSeeOnlyPublicFields() throws {
        var record = try sampleTeam().validated()
        record.publicFields = [.email]
        let visible = record.visible(to: .everyone)
        #expect(visible.email == record.email)
        #expect(visible.internalEmails.isEmpty && visible.emergencyContact.isEmpty && visible.phoneNumbers.isEmpty)
        #expect(visible.constituency.isEmpty && visible.pgpKeys.isEmpty && visible.postalAddress.isEmpty)
        #expect(visible.shortName == record.shortName && visible.memberType == record.memberType)
        #expect(record.visible(to: .members) == record)
    }

    @Test func internalAddressesAreNeverPublic() throws {
        var record = try sampleTeam().validated()
        record.publicFields = Set(TeamField.allCases)
        #expect(record.visible(to: .everyone).internalEmails.isEmpty)
        #expect(record.visible(to: .everyone).emergencyContact == record.emergencyContact)
    }

    @Test func whoMayEdit() {
        let team = UUID(), other = UUID()
        let rep = Actor(userID: UUID(), roles: [.member, .teamRepresentative], teamID: team)
        let member = Actor(userID: UUID(), roles: [.member], teamID: team)
        let board = Actor(userID: UUID(), roles: [.member, .board], teamID: team)
        let secretariat = Actor(userID: UUID(), roles: [.secretariat], teamID: nil)
        #expect(DirectoryPolicy.canEdit(teamID: team, actor: rep))
        #expect(!DirectoryPolicy.canEdit(teamID: other, actor: rep))
        #expect(!DirectoryPolicy.canEdit(teamID: team, actor: member))
        #expect(!DirectoryPolicy.canEdit(teamID: team, actor: board))
        #expect(!DirectoryPolicy.canEdit(teamID: team, actor: nil))
        #expect(DirectoryPolicy.canEdit(teamID: other, actor: secretariat))
        #expect(DirectoryPolicy.canCreateTeam(actor: secretariat) && !DirectoryPolicy.canCreateTeam(actor: rep))
    }

    @Test func membersOnlyFieldsAreForTeamsThatAreMembersAndForOfficers() {
        let team = UUID()
        func audience(_ status: MembershipStatus?, roles: Set<Role> = [.member], teamID: UUID? = team) -> DirectoryAudience {
            DirectoryPolicy.audience(for: Actor(userID: UUID(), roles: roles, teamID: teamID, teamStatus: status))
        }
        #expect(DirectoryPolicy.audience(for: nil) == .everyone)
        #expect(audience(.active) == .members && audience(.suspended) == .members)
        #expect(audience(.resigned) == .everyone && audience(.terminated) == .everyone, "an ended membership ends the access")
        #expect(audience(nil) == .everyone, "a team that is not a member")
        #expect(audience(nil, roles: [], teamID: nil) == .everyone, "a candidate's account")
        #expect(audience(nil, roles: [.board], teamID: nil) == .members && audience(nil, roles: [.secretariat], teamID: nil) == .members)
    }

    @Test func representativesCannotChangeMembershipOrSlug() throws {
        let old = try sampleTeam().validated()
        let rep = Actor(userID: UUID(), roles: [.teamRepresentative], teamID: UUID())
        var new = old
        new.memberType = .associate
        new.slug = "renamed"
        #expect(Set(DirectoryPolicy.forbiddenChanges(from: old, to: new, actor: rep).map(\.field)) == ["memberType", "slug"])
        #expect(DirectoryPolicy.forbiddenChanges(from: old, to: new, actor: Actor(userID: UUID(), roles: [.secretariat], teamID: nil)).isEmpty)
        new = old
        new.email = "other@cert.example"
        #expect(DirectoryPolicy.forbiddenChanges(from: old, to: new, actor: rep).isEmpty)
    }

    @Test func changedFieldsNameWhatDiffers() throws {
        let old = try sampleTeam().validated()
        var new = old
        new.email = "new@cert.example"
        new.operatingHours.mon = ["10:00-11:00"]
        #expect(new.changedFields(comparedTo: old) == ["email", "operatingHours"])
        #expect(old.changedFields(comparedTo: old).isEmpty)
    }

    @Test func importsKeepFieldsTheFileLeavesEmpty() throws {
        let stored = try sampleTeam().validated()
        let update = TeamRecord(shortName: "Example-CERT", officialName: "Renamed Team", countryCode: "DE",
                                constituency: Constituency(prefixes: ["198.51.100.0/24"]))
        let merged = stored.merging(update)
        #expect(merged.officialName == "Renamed Team")
        #expect(merged.constituency.prefixes == ["198.51.100.0/24"])
        #expect(merged.internalEmails == stored.internalEmails && merged.emergencyContact == stored.emergencyContact)
        #expect(merged.memberType == stored.memberType)
    }
}

@Suite struct DirectoryQueryTests {
    let teams: [TeamRecord] = [
        TeamRecord(slug: "a", shortName: "Alpha", officialName: "Alpha Team", countryCode: "DE", teamTypes: [.national], memberType: .fullMember),
        TeamRecord(slug: "b", shortName: "Beta", officialName: "Beta Bank CSIRT", countryCode: "NG", additionalCountryCodes: ["GH"], teamTypes: [.commercial], memberType: .liaison),
        TeamRecord(slug: "c", shortName: "Gamma", officialName: "Gamma", countryCode: "JP", constituency: Constituency(domains: ["gamma.example"])),
    ]

    @Test func filtersCombine() throws {
        #expect(try DirectoryQuery(region: "Europe").filter(teams).map(\.slug) == ["a"])
        #expect(try DirectoryQuery(region: "western africa").filter(teams).map(\.slug) == ["b"])
        #expect(try DirectoryQuery(countries: ["gh"]).filter(teams).map(\.slug) == ["b"], "additional countries count")
        #expect(try DirectoryQuery(teamType: .national).filter(teams).map(\.slug) == ["a"])
        #expect(try DirectoryQuery(memberType: .liaison).filter(teams).map(\.slug) == ["b"])
        #expect(try DirectoryQuery(text: "bank csirt").filter(teams).map(\.slug) == ["b"])
        #expect(try DirectoryQuery(text: "gamma.example").filter(teams).map(\.slug) == ["c"])
        #expect(try DirectoryQuery(text: "japan").filter(teams).map(\.slug) == ["c"], "country names are searchable")
        #expect(try DirectoryQuery(region: "Asia", text: "alpha").filter(teams).isEmpty)
        #expect(throws: DirectoryQuery.Problem.unknownRegion("Atlantis")) { try DirectoryQuery(region: "Atlantis").filter(teams) }
    }

    @Test func countryTableCoversM49() {
        #expect(Country.all.count == 249)
        #expect(Country.named("jp")?.region == .asia)
        #expect(Country.codes(inRegion: "Western Europe")?.contains("DE") == true)
        #expect(Country.codes(inRegion: "Europe")?.contains("CY") == false, "M49 puts Cyprus in Western Asia")
        #expect(Country.codes(inRegion: "Americas")?.isSuperset(of: ["US", "BR", "MX", "CA"]) == true)
        #expect(Country.codes(inRegion: "Oceania")?.contains("FJ") == true)
        #expect(Country.codes(inRegion: "Narnia") == nil)
    }
}
