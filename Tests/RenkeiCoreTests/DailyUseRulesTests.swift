import Foundation
import Testing
@testable import RenkeiCore

/// Issue 13's daily-use rules in the core: the directory's sort and "open now", the vCard
/// text, and what items allow by kind, correction and withdrawal.
@Suite struct DirectorySortTests {
    let teams = [
        TeamRecord(slug: "b", shortName: "beta", officialName: "Zulu Team", countryCode: "JP",
                   operatingHours: .weekdays("09:00-17:00", timeZone: "Asia/Tokyo"), teamTypes: [.national], memberType: .liaison),
        TeamRecord(slug: "a", shortName: "Alpha", officialName: "Yankee Team", countryCode: "DE",
                   operatingHours: .weekdays("09:00-17:00", timeZone: "Europe/Berlin"), memberType: .fullMember),
        TeamRecord(slug: "c", shortName: "Gamma", officialName: "Xray Team", countryCode: "", operatingHours: OperatingHours(timeZone: "")),
    ]
    // Wednesday 2 December 2026 09:00 UTC: 10:00 in Berlin (open), 18:00 in Tokyo (closed).
    let now = Date(timeIntervalSince1970: 1_796_202_000)

    func slugs(_ text: String?) throws -> [String] {
        try DirectorySort(parsing: text).sorted(teams, at: now).map(\.slug)
    }

    @Test func eachColumnSortsBothWaysWithEmptyValuesLast() throws {
        #expect(try slugs(nil) == ["a", "b", "c"], "short name, case-insensitively")
        #expect(try slugs("-name") == ["c", "b", "a"])
        #expect(try slugs("official") == ["c", "a", "b"])
        #expect(try slugs("country") == ["a", "b", "c"], "Germany, Japan, then the team without a country")
        #expect(try slugs("-country") == ["b", "a", "c"], "an empty country stays last")
        #expect(try slugs("membership") == ["a", "b", "c"], "full-member before liaison, none last")
        #expect(try slugs("open") == ["a", "b", "c"], "open, closed, unknown")
        #expect(try slugs("-open") == ["c", "b", "a"])
    }

    @Test func anUnknownColumnIsRefusedAndLinksToggle() throws {
        #expect(throws: FieldError.self) { try DirectorySort(parsing: "size") }
        #expect(throws: FieldError.self) { try DirectorySort(parsing: "--name") }
        let sort = try DirectorySort(parsing: "country")
        #expect(sort.following(.country).parameter == "-country")
        #expect(sort.following(.name).parameter == "name")
        #expect(sort.ariaSort(.country) == "ascending" && sort.ariaSort(.name) == nil)
        #expect(try DirectorySort(parsing: "-open").ariaSort(.open) == "descending")
    }

    @Test func openStateIsUnknownWithoutASchedule() {
        #expect(teams[1].operatingHours.openState(at: now) == .open)
        #expect(teams[0].operatingHours.openState(at: now) == .closed)
        #expect(teams[2].operatingHours.openState(at: now) == nil)
        #expect(OperatingHours.weekdays("09:00-17:00", timeZone: "Mars/Olympus").openState(at: now) == nil)
    }
}

@Suite struct VCardTests {
    @Test func textValuesAreEscapedAndNoValueStartsALine() {
        #expect(VCard.text("a,b;c\\d") == "a\\,b\\;c\\\\d")
        #expect(VCard.text("one\r\ntwo\nthree\rfour") == "one\\ntwo\\nthree\\nfour")
        #expect(VCard.text("x\u{0}y\u{7}z") == "xyz")
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingCharacters() {
        let line = "NOTE:" + String(repeating: "é", count: 80)
        let folded = VCard.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.utf8.count <= 75 })
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
    }

    @Test func phoneNumbersBecomeTelURIs() {
        #expect(VCard.telURI("+49 30 5555 0100") == "tel:+493055550100")
        #expect(VCard.telURI("+81-3-5555-0199") == "tel:+81355550199")
        #expect(VCard.telURI("+49 30 5555 0199 (alpha duty officer)") == "tel:+493055550199")
        #expect(VCard.telURI("030 1234") == "tel:0301234")
        #expect(VCard.telURI("call the duty officer") == nil)
        #expect(VCard.telURI("+1") == nil)
    }

    @Test func theCardHoldsTheFieldsOfTheRecordGiven() {
        let card = VCard.card(for: sampleTeam(), pageURL: "https://r.example/teams/example-cert", keysURL: "https://r.example/k.asc",
                              revision: Date(timeIntervalSince1970: 1_796_202_000))
        #expect(card.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\n") && card.hasSuffix("\r\nEND:VCARD\r\n"))
        #expect(card.contains("\r\nADR;TYPE=work:;;1 Example Street\\nBerlin;;;;Germany\r\n"))
        #expect(card.contains("\r\nREV:20261202T090000Z\r\n"))
        #expect(card.contains("\r\nTZ:Europe/Berlin\r\n"))
        #expect(!card.contains("KEY"), "no key link when the record holds no key")
        let visitor = VCard.card(for: sampleTeam().visible(to: .everyone), pageURL: "p", keysURL: "k", revision: nil)
        #expect(!visitor.contains("duty@cert.example") && !visitor.contains("Example Street") && !visitor.contains("24/7"))
    }
}

@Suite struct ItemCorrectionRuleTests {
    let author = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active)
    let secretariat = Actor(userID: UUID(), roles: [.member, .secretariat], teamID: nil)

    func item(_ kind: SharedItem.Kind = .announcement, tlp: TLPLabel = .green, audience: Audience = .community) throws -> SharedItem {
        try SharedItem.compose(SharedItemDraft(kind: kind, title: "Title", body: "Body 192.0.2.1", tags: ["a"], tlp: tlp, audience: audience,
                                               request: kind == .request ? RequestDetails(kind: .information) : nil),
                               id: UUID(), by: author, authorName: "Ann", authorTeam: nil, at: Date(timeIntervalSince1970: 0))
    }

    @Test func onlyRequestsHaveStatuses() throws {
        #expect(SharedItem.Kind.announcement.statuses.isEmpty && SharedItem.Kind.conversation.statuses.isEmpty)
        var announcement = try item()
        #expect(throws: ValidationFailure.self) { try announcement.setStatus(.closed, by: author) }
        #expect(announcement.statusChoices(for: author).isEmpty)
        let request = try item(.request)
        #expect(request.statusChoices(for: author) == [.answered, .closed])
    }

    @Test func aCorrectionKeepsThePreviousTextAndTheLabel() throws {
        var shared = try item(tlp: .amber, audience: .teams([UUID()]))
        let later = Date(timeIntervalSince1970: 600)
        let previous = try shared.correct(title: "New title", body: "Body 198.51.100.1", tags: ["B", "a"], by: author, at: later)
        #expect(previous == ItemVersion(number: 1, title: "Title", body: "Body 192.0.2.1", tags: ["a"], writtenAt: Date(timeIntervalSince1970: 0), replacedAt: later))
        #expect(shared.title == "New title" && shared.tags == ["a", "b"] && shared.versionCount == 2 && shared.correctedAt == later)
        #expect(shared.indicators.map(\.value) == ["198.51.100.1"])
        #expect(shared.tlp == .amber)
        #expect(throws: ValidationFailure.self) { try shared.correct(title: "New title", body: "Body 198.51.100.1", tags: ["a", "b"], by: author, at: later) }
        #expect(!shared.canCorrect(secretariat), "the secretariat does not put words in the author's mouth")
    }

    @Test func theSecretariatWithdrawsOnlyWhatItReads() throws {
        var green = try item()
        #expect(green.canWithdraw(secretariat))
        let red = try item(tlp: .red, audience: .individuals([UUID()]))
        #expect(!red.canWithdraw(secretariat) && red.canWithdraw(author))
        #expect(throws: ValidationFailure.self) { try green.withdraw(reason: "  ", by: author, name: "Ann", at: Date()) }
        try green.withdraw(reason: "Wrong list", by: secretariat, name: "Sam", at: Date())
        #expect(green.isWithdrawn && !green.canCorrect(author) && !green.canWithdraw(author) && !green.canReply(author))
    }

    @Test func onlyReadersAreTold() throws {
        let named = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active)
        let colleague = Actor(userID: UUID(), roles: [.member], teamID: author.teamID, teamStatus: .active)
        let red = try item(tlp: .red, audience: .individuals([named.userID]))
        #expect(red.peopleToTell(among: [named, colleague, secretariat, author], except: author.userID) == [named.userID])
    }
}
