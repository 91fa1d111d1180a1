import Foundation
import Testing
@testable import RenkeiCore

/// Issue 12: a representative's broad or overlapping constituency claim waits for the
/// secretariat; narrow, non-overlapping claims apply at once.
@Suite struct ConstituencyClaimsTests {
    func team(_ slug: String, country: String = "NL", types: [TeamType] = [], countries: [String] = [], asns: [String] = [],
              prefixes: [String] = [], domains: [String] = []) -> TeamRecord {
        TeamRecord(slug: slug, shortName: slug, officialName: slug, countryCode: country, email: "cert@\(slug).example",
                   constituency: Constituency(countries: countries, asns: asns, prefixes: prefixes, domains: domains), teamTypes: types)
    }

    let other = TeamRecord(slug: "owner", shortName: "Owner", officialName: "Owner", countryCode: "FR", email: "cert@owner.example",
                           constituency: Constituency(countries: ["FR"], asns: ["AS64500"], prefixes: ["10.0.0.0/8", "2001:db8::/32"],
                                                      domains: ["example.com"]),
                           teamTypes: [.national])

    func review(_ new: TeamRecord, old: TeamRecord? = nil, approver: Bool = false) -> ClaimReview {
        ConstituencyClaims.review(old: old ?? team(new.slug, country: new.countryCode), new: new, others: [other], approver: approver)
    }

    @Test func theWholeInternetWaits() {
        let result = review(team("rep", prefixes: ["0.0.0.0/0", "::/0"]))
        #expect(result.record.constituency.prefixes == [], "neither default route reaches the stored record")
        #expect(result.waiting.map(\.claim) == [ConstituencyClaim(.prefix, "0.0.0.0/0"), ConstituencyClaim(.prefix, "::/0")])
        #expect(result.waiting.map(\.reasons) == [[.broadPrefix, .overlap], [.broadPrefix, .overlap]])
        #expect(result.waiting[0].overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.prefix, "10.0.0.0/8"))])
        #expect(result.waiting[1].overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.prefix, "2001:db8::/32"))])
        #expect(result.applied == [])
    }

    @Test func prefixLengthThresholds() {
        let result = ConstituencyClaims.review(
            old: team("rep"), new: team("rep", prefixes: ["172.16.0.0/12", "172.16.0.0/16", "2001:db8::/31", "2001:db9::/32"]),
            others: [], approver: false)
        #expect(result.waiting.map(\.claim.value) == ["172.16.0.0/12", "2001:db8::/31"])
        #expect(result.waiting.allSatisfy { $0.reasons == [.broadPrefix] })
        #expect(result.applied.map(\.claim.value) == ["172.16.0.0/16", "2001:db9::/32"])
        #expect(result.record.constituency.prefixes == ["172.16.0.0/16", "2001:db9::/32"])
    }

    @Test func aNarrowPrefixInsideAnotherTeamsNetworkWaits() {
        let result = review(team("rep", prefixes: ["10.1.2.0/24", "198.51.100.0/24"]))
        #expect(result.waiting.map(\.claim.value) == ["10.1.2.0/24"])
        #expect(result.waiting.first?.reasons == [.overlap])
        #expect(result.waiting.first?.overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.prefix, "10.0.0.0/8"))])
        #expect(result.applied.map(\.claim.value) == ["198.51.100.0/24"])
        #expect(result.applied.first?.reasons == [])
        #expect(result.record.constituency.prefixes == ["198.51.100.0/24"])
    }

    @Test func aWideNetworkAroundAnotherTeamsWaitsForBothReasons() {
        let owner = team("owner", prefixes: ["10.0.0.0/24"])
        let result = ConstituencyClaims.review(old: team("rep"), new: team("rep", prefixes: ["10.0.0.0/8"]), others: [owner], approver: false)
        #expect(result.waiting.first?.reasons == [.broadPrefix, .overlap])
        #expect(result.waiting.first?.overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.prefix, "10.0.0.0/24"))])
    }

    @Test func topLevelDomainsAndPublicSuffixesWait() {
        let result = review(team("rep", domains: ["com", "co.uk", "github.io", "rep.co.uk", "rep.example"]))
        #expect(result.waiting.map(\.claim.value) == ["com", "co.uk", "github.io"])
        #expect(result.waiting[1].reasons == [.publicSuffix])
        #expect(result.waiting[0].reasons == [.publicSuffix, .overlap], "com is above the other team's example.com")
        #expect(result.waiting[0].overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.domain, "example.com"))])
        #expect(result.applied.map(\.claim.value) == ["rep.co.uk", "rep.example"])
        #expect(result.record.constituency.domains == ["rep.co.uk", "rep.example"])
    }

    @Test func domainsBelowOrAboveAnotherTeamsOverlap() {
        let below = review(team("rep", domains: ["sub.example.com"]))
        #expect(below.waiting.map(\.claim.value) == ["sub.example.com"])
        #expect(below.waiting.first?.reasons == [.overlap])
        let same = review(team("rep", domains: ["example.com"]))
        #expect(same.waiting.first?.overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.domain, "example.com"))])
        let above = ConstituencyClaims.review(old: team("rep"), new: team("rep", domains: ["example.com"]),
                                              others: [team("owner", domains: ["sub.example.com"])], approver: false)
        #expect(above.waiting.first?.overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.domain, "sub.example.com"))])
        let lookalike = review(team("rep", domains: ["notexample.com"]))
        #expect(lookalike.waiting == [] && lookalike.record.constituency.domains == ["notexample.com"], "a suffix that is not a parent is no overlap")
    }

    @Test func sameASNOverlapsOthersApply() {
        let result = review(team("rep", asns: ["AS64500", "AS64501"]))
        #expect(result.waiting.map(\.claim.value) == ["AS64500"])
        #expect(result.waiting.first?.reasons == [.overlap])
        #expect(result.record.constituency.asns == ["AS64501"])
    }

    @Test func countriesAndCoordinatorRolesWait() {
        let result = review(team("rep", types: [.national, .government], countries: ["DE"]))
        #expect(result.waiting.map(\.claim) == [ConstituencyClaim(.country, "DE"), ConstituencyClaim(.role, "national")])
        #expect(result.waiting.map(\.reasons) == [[.country], [.coordinatingRole]])
        #expect(result.record.teamTypes == [.government])
        #expect(result.record.constituency.countries == [])
    }

    @Test func aSecondNationalTeamForACountryOverlaps() {
        let result = review(team("rep", country: "FR", types: [.national]))
        #expect(result.waiting.map(\.claim) == [ConstituencyClaim(.role, "national")])
        #expect(result.waiting.first?.reasons == [.coordinatingRole, .overlap])
        #expect(result.waiting.first?.overlaps == [ClaimOverlap(team: "owner", claim: ConstituencyClaim(.country, "FR")),
                                                   ClaimOverlap(team: "owner", claim: ConstituencyClaim(.role, "national"))])
    }

    @Test func aNationalTeamMovingToAnotherCountryWaits() {
        let old = team("rep", country: "DE", types: [.national])
        var moved = old
        moved.countryCode = "AT"
        let result = ConstituencyClaims.review(old: old, new: moved, others: [], approver: false)
        #expect(result.waiting.map(\.claim) == [ConstituencyClaim(.role, "national")])
        #expect(result.record.teamTypes == [])
        var renamed = old
        renamed.officialName = "Renamed"
        #expect(ConstituencyClaims.review(old: old, new: renamed, others: [], approver: false).waiting == [], "an unrelated edit keeps the role")
    }

    @Test func claimsAlreadyApprovedAndRemovalsApplyAtOnce() {
        let old = team("rep", types: [.national], countries: ["NL"], prefixes: ["0.0.0.0/0"], domains: ["com"])
        var new = old
        new.constituency.domains = []
        new.constituency.prefixes = ["0.0.0.0/0", "192.0.2.0/24"]
        let result = ConstituencyClaims.review(old: old, new: new, others: [other], approver: false)
        #expect(result.waiting == [])
        #expect(result.applied.map(\.claim.value) == ["192.0.2.0/24"])
        #expect(result.record == new)
    }

    @Test func theSecretariatsEditsApplyButKeepTheirReasonsAndOverlaps() {
        let result = review(team("rep", prefixes: ["0.0.0.0/0"], domains: ["com"]), approver: true)
        #expect(result.waiting == [])
        #expect(result.record.constituency.prefixes == ["0.0.0.0/0"] && result.record.constituency.domains == ["com"])
        #expect(result.applied.map(\.reasons) == [[.broadPrefix, .overlap], [.publicSuffix, .overlap]])
    }

    @Test func approvedOverlapsAreFoundForTheTeamPage() {
        let record = team("rep", prefixes: ["10.9.0.0/16", "198.51.100.0/24"], domains: ["a.example.com"])
        let found = ConstituencyClaims.overlaps(of: record, others: [other, record])
        #expect(found.map(\.claim) == [ConstituencyClaim(.prefix, "10.9.0.0/16"), ConstituencyClaim(.domain, "a.example.com")])
    }

    @Test func publicSuffixList() {
        #expect(ConstituencyClaims.isPublicSuffix("com") && ConstituencyClaims.isPublicSuffix("jp") && ConstituencyClaims.isPublicSuffix("co.uk"))
        #expect(!ConstituencyClaims.isPublicSuffix("example.com") && !ConstituencyClaims.isPublicSuffix("uk.example"))
    }

    @Test func approvingAddsTheClaimToTheRecord() {
        let record = team("rep", types: [.government], prefixes: ["192.0.2.0/24"])
        let approved = ConstituencyClaims.adding(ConstituencyClaim(.role, "national"),
                                                 to: ConstituencyClaims.adding(ConstituencyClaim(.prefix, "0.0.0.0/0"), to: record))
        #expect(approved.constituency.prefixes == ["192.0.2.0/24", "0.0.0.0/0"])
        #expect(approved.teamTypes == [.government, .national])
    }
}
