import Foundation
import Testing
@testable import RenkeiCore

/// The people of the leak matrix: one of each kind of reader the policy must tell apart.
private enum Who: String, CaseIterable, CustomStringConvertible {
    /// Not signed in.
    case anonymous
    /// A person of an active Liaison team that is not in the audience.
    case liaison
    /// A person of an active Full Member team that is not in the audience.
    case otherTeam
    /// A person of an active team listed in `.teams`.
    case audienceTeam
    /// A person of an active team not in the audience, named in `.individuals`.
    case named
    /// A person of an active team not in the audience, in the SIG.
    case sigMember
    /// A guest of the SIG from outside the membership: no team, a guest's seat.
    case sigGuest
    /// A person who left the SIG: of an active team, with no seat any more.
    case formerParticipant
    /// A participant who moved to another active member team; the chairs have not decided yet.
    case movedParticipant
    /// A person of a suspended member team not in the audience.
    case suspendedTeam
    /// Roles member and board, no team; the SIG's board liaison.
    case board
    /// Roles member and secretariat, no team.
    case secretariat
    /// A person of a team whose membership was terminated, though the team is listed in
    /// `.teams` and the person is still in the SIG's list.
    case terminatedTeam
    /// An account without a team or roles (a candidate still applying).
    case candidate

    var description: String { rawValue }
}

/// The kinds of audience; the switch makes a new kind of `Audience` a compile error here.
private enum AudienceKind: String, CaseIterable, CustomStringConvertible {
    case community, sig, teams, individuals

    init(_ audience: Audience) {
        switch audience {
        case .community: self = .community
        case .sig: self = .sig
        case .teams: self = .teams
        case .individuals: self = .individuals
        }
    }

    var description: String { rawValue }
}

private enum SharingFixture {
    static func id(_ number: Int) -> UUID {
        let digits = String(number)
        return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    /// The SIG of the `.sig` audience.
    static let sig = id(900)
    /// The teams of the `.teams` audience: an active one and one whose membership was terminated.
    static let listedTeam = id(1)
    static let terminatedTeam = id(2)
    static let liaisonTeam = id(3)
    static let otherTeam = id(4)
    static let namedPersonsTeam = id(5)
    static let sigMembersTeam = id(6)
    static let suspendedTeam = id(7)
    /// The author of every item in the matrix, who is none of the readers.
    static let author = id(500)
    static let namedPerson = id(105)

    static func audience(_ kind: AudienceKind) -> Audience {
        switch kind {
        case .community: .community
        case .sig: .sig(sig)
        case .teams: .teams([listedTeam, terminatedTeam])
        case .individuals: .individuals([namedPerson])
        }
    }

    static func actor(_ who: Who) -> Actor? {
        switch who {
        case .anonymous: nil
        case .liaison: Actor(userID: id(103), roles: [.member], teamID: liaisonTeam, teamStatus: .active)
        case .otherTeam: Actor(userID: id(104), roles: [.member], teamID: otherTeam, teamStatus: .active)
        case .audienceTeam: Actor(userID: id(101), roles: [.member], teamID: listedTeam, teamStatus: .active)
        case .named: Actor(userID: namedPerson, roles: [.member], teamID: namedPersonsTeam, teamStatus: .active)
        case .sigMember: Actor(userID: id(106), roles: [.member], teamID: sigMembersTeam, teamStatus: .active,
                               sigSeats: [SIGSeat(sigID: sig, teamID: sigMembersTeam)])
        case .sigGuest: Actor(userID: id(108), roles: [], teamID: nil, sigSeats: [SIGSeat(sigID: sig, teamID: nil)])
        case .formerParticipant: Actor(userID: id(109), roles: [.member], teamID: sigMembersTeam, teamStatus: .active)
        case .movedParticipant: Actor(userID: id(110), roles: [.member], teamID: otherTeam, teamStatus: .active,
                                      sigSeats: [SIGSeat(sigID: sig, teamID: sigMembersTeam)])
        case .suspendedTeam: Actor(userID: id(107), roles: [.member], teamID: suspendedTeam, teamStatus: .suspended)
        case .board: Actor(userID: id(200), roles: [.member, .board], teamID: nil)
        case .secretariat: Actor(userID: id(300), roles: [.member, .secretariat], teamID: nil)
        case .terminatedTeam: Actor(userID: id(102), roles: [.member], teamID: terminatedTeam, teamStatus: .terminated,
                                    sigSeats: [SIGSeat(sigID: sig, teamID: terminatedTeam)])
        case .candidate: Actor(userID: id(400), roles: [], teamID: nil)
        }
    }
}

/// Who reads what, written out by hand from the trust model (not computed from the policy):
/// - CLEAR: everyone, anonymous included.
/// - GREEN to the community: every signed-in member of the community (people of active or
///   suspended member teams, Liaisons included, the board and the secretariat); to a SIG, the
///   listed teams or named people: that audience only.
/// - A SIG's audience is its participants: a guest reads the SIG's GREEN and AMBER and nothing
///   of the community's; a former participant, a participant who moved team before the chairs
///   decided, and the board and secretariat by role read nothing of it.
/// - AMBER and AMBER+STRICT: the audience only; to the community that is the people of active or
///   suspended member teams, not the board or the secretariat by role alone.
/// - RED: to named people only, and only they read it (RED to anything else is invalid).
private enum LeakMatrix {
    /// One column per (label, audience) pair, in the order of the marks in `rows`.
    static let columns: [(tlp: TLPLabel, kind: AudienceKind)] = [
        (.clear, .community), (.clear, .sig), (.clear, .teams), (.clear, .individuals),
        (.green, .community), (.green, .sig), (.green, .teams), (.green, .individuals),
        (.amber, .community), (.amber, .sig), (.amber, .teams), (.amber, .individuals),
        (.amberStrict, .community), (.amberStrict, .sig), (.amberStrict, .teams), (.amberStrict, .individuals),
        (.red, .individuals),
    ]

    /// `X` reads, `-` does not; spaces only group the columns.
    /// Columns per label: community, sig, teams, individuals (RED: individuals only).
    static let rows: [(who: Who, marks: String)] = [
        //                 CLEAR GREEN AMBER A+STR RED
        //                 cstI  cstI  cstI  cstI  I
        (.anonymous,      "XXXX  ----  ----  ----  -"),
        (.liaison,        "XXXX  X---  X---  X---  -"),
        (.otherTeam,      "XXXX  X---  X---  X---  -"),
        (.audienceTeam,   "XXXX  X-X-  X-X-  X-X-  -"),
        (.named,          "XXXX  X--X  X--X  X--X  X"),
        (.sigMember,      "XXXX  XX--  XX--  XX--  -"),
        (.sigGuest,       "XXXX  -X--  -X--  -X--  -"),
        (.formerParticipant, "XXXX  X---  X---  X---  -"),
        (.movedParticipant, "XXXX  X---  X---  X---  -"),
        (.suspendedTeam,  "XXXX  X---  X---  X---  -"),
        (.board,          "XXXX  X---  ----  ----  -"),
        (.secretariat,    "XXXX  X---  ----  ----  -"),
        (.terminatedTeam, "XXXX  ----  ----  ----  -"),
        (.candidate,      "XXXX  ----  ----  ----  -"),
    ]

    static func cells(_ marks: String) -> [Bool?] {
        marks.filter { $0 != " " }.map { mark in
            switch mark {
            case "X": true
            case "-": false
            default: nil
            }
        }
    }

    static func item(_ column: (tlp: TLPLabel, kind: AudienceKind)) -> SharedItemAccess {
        SharedItemAccess(tlp: column.tlp, audience: SharingFixture.audience(column.kind), authorUserID: SharingFixture.author)
    }
}

@Suite struct AccessPolicyTests {
    @Test func everyCellOfTheLeakMatrix() {
        for (who, marks) in LeakMatrix.rows {
            let cells = LeakMatrix.cells(marks)
            #expect(cells.count == LeakMatrix.columns.count, "the row of \(who) has \(cells.count) marks")
            for (column, cell) in zip(LeakMatrix.columns, cells) {
                guard let allowed = cell else {
                    Issue.record("the row of \(who) has a mark other than X or -")
                    continue
                }
                let reads = AccessPolicy.canRead(LeakMatrix.item(column), reader: SharingFixture.actor(who))
                #expect(reads == allowed,
                        "\(who) reading \(column.tlp.text) to \(column.kind): expected \(allowed ? "allow" : "deny"), got \(reads ? "allow" : "deny")")
            }
        }
    }

    @Test func theMatrixCoversEveryLabelAudienceAndReader() {
        #expect(Set(LeakMatrix.columns.map(\.tlp)) == Set(TLPLabel.allCases), "a label has no column")
        for tlp in TLPLabel.allCases {
            let kinds = LeakMatrix.columns.filter { $0.tlp == tlp }.map(\.kind)
            #expect(kinds.count == Set(kinds).count, "\(tlp.text) has a column twice")
            let expected: Set<AudienceKind> = tlp == .red ? [.individuals] : Set(AudienceKind.allCases)
            #expect(Set(kinds) == expected, "\(tlp.text) lacks an audience kind")
        }
        #expect(LeakMatrix.rows.map(\.who).count == Who.allCases.count)
        #expect(Set(LeakMatrix.rows.map(\.who)) == Set(Who.allCases), "a reader has no row")
        for kind in AudienceKind.allCases {
            let audience = SharingFixture.audience(kind)
            #expect(AudienceKind(audience) == kind)
            #expect(audience.kind == kind.rawValue)
        }
    }

    @Test func everyPairOfTheMatrixIsValid() {
        for column in LeakMatrix.columns {
            #expect(AccessPolicy.problems(tlp: column.tlp, audience: SharingFixture.audience(column.kind)).isEmpty,
                    "\(column.tlp.text) to \(column.kind)")
        }
    }

    @Test(arguments: [AudienceKind.community, .sig, .teams])
    fileprivate func redToAnythingButNamedPeopleIsRefused(kind: AudienceKind) {
        let problems = AccessPolicy.problems(tlp: .red, audience: SharingFixture.audience(kind))
        #expect(problems.map(\.field).contains("audience"), "TLP:RED to \(kind)")
    }

    /// Should such an item exist anyway (written before the check, or by a bug), nobody but its
    /// author reads it.
    @Test(arguments: [AudienceKind.community, .sig, .teams])
    fileprivate func invalidRedItemIsReadByNobody(kind: AudienceKind) {
        let item = SharedItemAccess(tlp: .red, audience: SharingFixture.audience(kind), authorUserID: SharingFixture.author)
        for who in Who.allCases {
            #expect(!AccessPolicy.canRead(item, reader: SharingFixture.actor(who)), "\(who), TLP:RED to \(kind)")
        }
    }

    @Test func emptyListsAreRefused() {
        #expect(AccessPolicy.problems(tlp: .amber, audience: .teams([])).map(\.field) == ["audience"])
        #expect(AccessPolicy.problems(tlp: .red, audience: .individuals([])).map(\.field) == ["audience"])
    }

    @Test func theAuthorAlwaysReadsTheirOwnItem() {
        // A person of a team outside every audience, in no SIG, named nowhere.
        let author = Actor(userID: SharingFixture.author, roles: [.member], teamID: SharingFixture.otherTeam, teamStatus: .active)
        for tlp in TLPLabel.allCases {
            for kind in AudienceKind.allCases {
                let item = SharedItemAccess(tlp: tlp, audience: SharingFixture.audience(kind), authorUserID: SharingFixture.author)
                #expect(AccessPolicy.canRead(item, reader: author), "the author of \(tlp.text) to \(kind)")
            }
        }
    }

    @Test func onlyClearLeavesThroughThePublicFeed() {
        for tlp in TLPLabel.allCases {
            #expect(AccessPolicy.mayLeave(tlp, through: .publicFeed) == (tlp == .clear), "\(tlp.text)")
        }
    }
}

@Suite struct TLPLabelTests {
    @Test func text() {
        #expect(TLPLabel.amberStrict.text == "TLP:AMBER+STRICT")
        #expect(TLPLabel.allCases.map(\.text) == ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"])
    }

    @Test func parsing() {
        #expect(TLPLabel(parsing: "TLP:AMBER+STRICT") == .amberStrict)
        #expect(TLPLabel(parsing: "amber+strict") == .amberStrict)
        #expect(TLPLabel(parsing: "GREEN") == .green)
        for label in TLPLabel.allCases {
            #expect(TLPLabel(parsing: label.text) == label)
        }
    }

    @Test(arguments: ["WHITE", "TLP:WHITE", ""])
    func refusesWhatIsNotATLP2Label(text: String) {
        #expect(TLPLabel(parsing: text) == nil)
    }

    /// FIRST, TLP 2.0: RED 255/43/43, AMBER 255/192/0, GREEN 51/255/0, CLEAR 255/255/255.
    @Test func coloursOfTheStandard() {
        #expect(TLPLabel.red.colour == "#FF2B2B")
        #expect(TLPLabel.amber.colour == "#FFC000")
        #expect(TLPLabel.amberStrict.colour == "#FFC000")
        #expect(TLPLabel.green.colour == "#33FF00")
        #expect(TLPLabel.clear.colour == "#FFFFFF")
    }

    @Test func defaultIsAmber() {
        #expect(TLPLabel.default == .amber)
        #expect(SharedItemDraft(title: "t", body: "b", audience: .community).tlp == .amber)
    }

    @Test func readsOfAmberAndRedAreAudited() {
        #expect(TLPLabel.allCases.filter(\.auditsReads) == [.amber, .amberStrict, .red])
    }
}

@Suite struct SharedItemComposeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let itemID = SharingFixture.id(700)
    let teamMember = Actor(userID: SharingFixture.id(600), roles: [.member], teamID: SharingFixture.listedTeam, teamStatus: .active)

    func compose(_ draft: SharedItemDraft, by actor: Actor?) throws(ValidationFailure) -> SharedItem {
        try SharedItem.compose(draft, id: itemID, by: actor, authorName: "Ada Example",
                               authorTeam: actor?.teamID.map { (id: $0, name: "Alpha CERT") }, at: now)
    }

    func failure(_ draft: SharedItemDraft, by actor: Actor?) -> ValidationFailure? {
        do {
            _ = try compose(draft, by: actor)
            return nil
        } catch {
            return error
        }
    }

    var announcement: SharedItemDraft {
        SharedItemDraft(title: "  Patch CVE-2024-3400 now  ",
                        body: "\nExploitation seen from 192.0.2.10 against PAN-OS.\n",
                        tags: ["PAN-OS", "ransomware"], tlp: .green, audience: .community)
    }

    @Test func validAnnouncement() throws {
        let item = try compose(announcement, by: teamMember)
        #expect(item.id == itemID)
        #expect(item.kind == .announcement)
        #expect(item.title == "Patch CVE-2024-3400 now")
        #expect(item.body == "Exploitation seen from 192.0.2.10 against PAN-OS.")
        #expect(item.tags == ["pan-os", "ransomware"])
        #expect(item.tlp == .green && item.audience == .community)
        #expect(item.authorUserID == teamMember.userID && item.authorName == "Ada Example")
        #expect(item.authorTeamID == SharingFixture.listedTeam && item.authorTeamName == "Alpha CERT")
        #expect(item.createdAt == now)
        #expect(item.access == SharedItemAccess(tlp: .green, audience: .community, authorUserID: teamMember.userID, authorTeamID: SharingFixture.listedTeam))
        // Indicators come from the title as well as the body.
        #expect(item.indicators.contains(ExtractedIndicator(kind: .cve, value: "CVE-2024-3400", score: nil)))
        #expect(item.indicators.contains(ExtractedIndicator(kind: .ipv4, value: "192.0.2.10", score: nil)))
    }

    @Test func whoMayShare() throws {
        let refused: [(String, Actor?)] = [
            ("nobody", nil),
            ("a candidate", Actor(userID: SharingFixture.id(400), roles: [], teamID: nil)),
            ("a terminated team's person", Actor(userID: SharingFixture.id(102), roles: [.member], teamID: SharingFixture.terminatedTeam,
                                                 teamStatus: .terminated)),
        ]
        for (name, actor) in refused {
            #expect(failure(announcement, by: actor)?.errors.map(\.field) == ["author"], "\(name)")
            #expect(!SharedItem.canShare(actor), "\(name)")
        }
        let secretariat = Actor(userID: SharingFixture.id(300), roles: [.member, .secretariat], teamID: nil)
        for (name, actor) in [("an active team's person", teamMember), ("the secretariat", secretariat)] {
            #expect(SharedItem.canShare(actor), "\(name)")
            let item = try compose(announcement, by: actor)
            #expect(item.authorUserID == actor.userID, "\(name)")
        }
    }

    @Test func titleBodyAndTagProblemsAreReportedTogether() {
        var draft = announcement
        draft.title = "   "
        draft.body = " \n "
        draft.tags = ["ok", "not a tag!"]
        let fields = failure(draft, by: teamMember)?.errors.map(\.field) ?? []
        #expect(Set(fields) == ["title", "body", "tags[1]"])
        #expect(failure(draft, by: teamMember)?.errors.first { $0.field == "tags[1]" }?.control == "tags")

        draft = announcement
        draft.title = String(repeating: "t", count: 201)
        draft.tags = (1...21).map { "tag-\($0)" }
        #expect(Set(failure(draft, by: teamMember)?.errors.map(\.field) ?? []) == ["title", "tags"])

        draft = announcement
        draft.tags = [String(repeating: "a", count: 41)]
        #expect(failure(draft, by: teamMember)?.errors.map(\.field) == ["tags[0]"])
    }

    @Test func redToTeamsIsRefused() {
        var draft = announcement
        draft.tlp = .red
        draft.audience = .teams([SharingFixture.listedTeam])
        #expect(failure(draft, by: teamMember)?.errors.map(\.field) == ["audience"])
        draft.audience = .individuals([SharingFixture.namedPerson])
        #expect(failure(draft, by: teamMember) == nil)
    }

    @Test func emptyTeamListIsRefused() {
        var draft = announcement
        draft.tlp = .amber
        draft.audience = .teams([])
        #expect(failure(draft, by: teamMember)?.errors.map(\.field) == ["audience"])
    }

    @Test func tagsAreNormalised() throws {
        var draft = announcement
        draft.tags = ["Ransomware", " phishing ", "ransomware", "APT-29", "", "Phishing"]
        #expect(try compose(draft, by: teamMember).tags == ["apt-29", "phishing", "ransomware"])
    }
}

@Suite struct ExtractedIndicatorTests {
    static let v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    static let v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    static let md5 = "d41d8cd98f00b204e9800998ecf8427e"
    static let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    static let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    static let text = """
        Scanning from 192.0.2.10 and 192.0.2.10 again (not 999.1.1.1), and from 2001:db8::1 and 2001:db8::1.
        Payload at hxxp://evil[.]example/x, then hxxp://evil[.]example/x once more.
        See cve-2024-3400 and CVE-2024-3400.
        Hashes: md5 \(md5), sha1 \(sha1), sha256 \(sha256); again \(md5.uppercased()) and \(sha256).
        Scores: \(v31) (and \(v31)), \(v40) (and \(v40)).
        """

    func values(_ kind: ExtractedIndicator.Kind, in found: [ExtractedIndicator]) -> [String] {
        found.filter { $0.kind == kind }.map(\.value)
    }

    @Test func findsEachIndicatorOnce() {
        let found = ExtractedIndicator.extract(from: Self.text)
        #expect(values(.ipv4, in: found) == ["192.0.2.10"])
        #expect(!found.contains { $0.value.contains("999.1.1.1") })
        #expect(values(.ipv6, in: found) == ["2001:db8::1"])
        #expect(values(.url, in: found) == ["http://evil.example/x"])
        #expect(values(.cve, in: found) == ["CVE-2024-3400"])
        #expect(values(.md5, in: found) == [Self.md5])
        #expect(values(.sha1, in: found) == [Self.sha1])
        #expect(values(.sha256, in: found) == [Self.sha256])
        #expect(values(.cvss, in: found) == [Self.v31, Self.v40])
        #expect(values(.domain, in: found) == ["evil.example"])
        #expect(found.count == 10, "found \(found.map { "\($0.kind.rawValue) \($0.value)" })")
    }

    @Test func scoresCVSSVectors() {
        let found = ExtractedIndicator.extract(from: Self.text)
        let scores = Dictionary(found.filter { $0.kind == .cvss }.map { ($0.value, $0.score) }, uniquingKeysWith: { first, _ in first })
        #expect(scores[Self.v31] == 9.8)
        #expect(scores[Self.v40] == 9.3)
        #expect(found.filter { $0.kind != .cvss }.allSatisfy { $0.score == nil })
    }

    @Test func hashesAreToldApartByLength() {
        let found = ExtractedIndicator.extract(from: "\(Self.md5) \(Self.sha1) \(Self.sha256) \(String(repeating: "ab", count: 24))")
        #expect(found.map(\.kind) == [.md5, .sha1, .sha256], "a 48-digit hex string is none of them")
    }

    @Test func upperCaseCVEIsFound() {
        #expect(ExtractedIndicator.extract(from: "Cve-2021-44228").map(\.value) == ["CVE-2021-44228"])
    }

    @Test func theSameAddressWrittenTwoWaysIsOneIndicator() {
        let found = ExtractedIndicator.extract(from: "2001:db8::1 and 2001:DB8:0:0:0:0:0:1")
        #expect(found.map(\.value) == ["2001:db8::1"])
    }

    /// Compressed addresses with a single group before `::`, or ending in `::`, are IPv6 too.
    @Test(arguments: ["3fff::1", "fe80::1", "2001:db8::"])
    func compressedIPv6IsFound(address: String) {
        let found = ExtractedIndicator.extract(from: "Beacon to \(address) seen.")
        #expect(found.map(\.kind) == [.ipv6], "\(address)")
    }
}
