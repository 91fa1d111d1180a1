import Foundation
import Testing
@testable import RenkeiCore

/// Issue 12's sharing rules, each with expectations written out by hand: private offers, the
/// point-of-contact answer per label, referrals under TLP 2.0, the author's team, samples a
/// reader cannot see, the audit log, and the candidate's view of its site visit.
private enum Cast {
    static func id(_ number: Int) -> UUID {
        let digits = String(number)
        return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    static let alpha = id(1), beta = id(2), gamma = id(3), ended = id(4)
    static let author = Actor(userID: id(101), roles: [.member], teamID: alpha, teamStatus: .active)
    static let colleague = Actor(userID: id(102), roles: [.member], teamID: alpha, teamStatus: .active)
    static let betaMember = Actor(userID: id(201), roles: [.member], teamID: beta, teamStatus: .active)
    static let gammaMember = Actor(userID: id(301), roles: [.member], teamID: gamma, teamStatus: .active)
    static let endedMember = Actor(userID: id(401), roles: [.member], teamID: ended, teamStatus: .terminated)
    static let candidate = Actor(userID: id(501), roles: [], teamID: nil)
    static let secretariat = Actor(userID: id(601), roles: [.member, .secretariat], teamID: nil)
    static let board = Actor(userID: id(602), roles: [.member, .board], teamID: nil)

    static func standing(_ team: UUID, _ name: String, status: MembershipStatus = .active) -> TeamStanding {
        TeamStanding(id: team, slug: name.lowercased(), name: name, host: name + " host",
                     membership: TeamMembership(type: .fullMember, since: "2015-03-01", status: status, reason: "", changedAt: Date(timeIntervalSince1970: 0)))
    }

    static func item(_ kind: SharedItem.Kind = .request, tlp: TLPLabel, audience: Audience, request: RequestDetails? = RequestDetails(kind: .information)) throws -> SharedItem {
        try SharedItem.compose(SharedItemDraft(kind: kind, title: "Loader seen", body: "We saw a loader.", tlp: tlp, audience: audience,
                                               request: kind == .request ? request : nil),
                               id: id(900), by: author, authorName: "Ann Author", authorTeam: (alpha, "Alpha"), at: Date(timeIntervalSince1970: 1_000))
    }
}

@Suite struct PrivateOfferTests {
    @Test func theOfferTextLivesInTheREDConversationOnly() throws {
        var request = try Cast.item(tlp: .clear, audience: .community)
        let conversation = try #require(try request.reply(.privateOffer("Our copy: see hash 44d88612fea8a8f36de82e1278abb02f"), by: Cast.betaMember,
                                                          authorName: "Bo Beta", authorTeamName: "Beta", at: Date(timeIntervalSince1970: 2_000)))
        let offer = try #require(request.replies.last)
        #expect(offer.kind == .privateOffer)
        #expect(offer.text == "", "the request keeps only that an offer was made")
        #expect(offer.authorName == "Bo Beta" && offer.conversationID == conversation.id)
        #expect(conversation.body == "Our copy: see hash 44d88612fea8a8f36de82e1278abb02f")
        #expect(conversation.tlp == .red && conversation.audience == .individuals([Cast.author.userID, Cast.betaMember.userID]))
    }

    @Test func offersStoredWithTheirTextAreReadWithoutIt() throws {
        var request = try Cast.item(tlp: .green, audience: .community)
        _ = try request.reply(.answer("Public answer."), by: Cast.betaMember, authorName: "Bo Beta", authorTeamName: "Beta", at: Date())
        request.replies.append(Reply(id: Cast.id(950), kind: .privateOffer, text: "the old RED text", authorUserID: Cast.gammaMember.userID,
                                     authorName: "Gil Gamma", conversationID: Cast.id(951), at: Date()))
        let read = request.withoutPrivateOfferText()
        #expect(read.replies.map(\.text) == ["Public answer.", ""])
        #expect(read.replies[1].conversationID == Cast.id(951) && read.replies[1].authorName == "Gil Gamma")
    }
}

@Suite struct PointOfContactAnswerTests {
    /// Alpha claims 192.0.2.0/24 publicly but keeps its e-mail address for members.
    static let resolver = Resolver(teams: [
        try! TeamRecord(slug: "alpha-cert", shortName: "Alpha-CERT", officialName: "Alpha CERT", countryCode: "DE", email: "members-only@alpha.example",
                        constituency: Constituency(prefixes: ["192.0.2.0/24"]), teamTypes: [.national],
                        publicFields: [.constituency, .websites]).validated(),
    ])

    func answer(_ tlp: TLPLabel, _ audience: Audience, named: [Actor] = []) throws -> String {
        var item = try Cast.item(tlp: tlp, audience: audience, request: RequestDetails(kind: .pointOfContact, subject: "192.0.2.44"))
        item.answerPointOfContact(using: Self.resolver, namedPeople: named, at: Date(timeIntervalSince1970: 1_800_000_000))
        let reply = try #require(item.replies.first)
        #expect(reply.kind == .lookup && item.replies.count == 1)
        return reply.text
    }

    @Test func clearShowsOnlyPublicFields() throws {
        let text = try answer(.clear, .community)
        #expect(text.hasPrefix("1. Alpha-CERT (alpha-cert): "))
        #expect(!text.contains("members-only@alpha.example"))
    }

    @Test func greenToTheCommunityShowsWhatMembersSee() throws {
        #expect(try answer(.green, .community).contains(" · members-only@alpha.example"))
    }

    @Test func amberAndAmberStrictToTeamsShowWhatMembersSee() throws {
        #expect(try answer(.amber, .teams([Cast.beta])).contains("members-only@alpha.example"))
        #expect(try answer(.amberStrict, .teams([Cast.beta])).contains("members-only@alpha.example"))
    }

    @Test func namedPeopleSeeWhatTheLeastOfThemMaySee() throws {
        #expect(try answer(.red, .individuals([Cast.betaMember.userID]), named: [Cast.betaMember]).contains("members-only@alpha.example"))
        #expect(!(try answer(.red, .individuals([Cast.betaMember.userID, Cast.candidate.userID]), named: [Cast.betaMember, Cast.candidate])
            .contains("members-only@alpha.example")), "a candidate without a team is one of the readers")
        #expect(!(try answer(.red, .individuals([Cast.betaMember.userID]))).contains("members-only@alpha.example"),
                "people the caller did not describe count as the public")
    }
}

@Suite struct ReferralTests {
    func refer(_ item: inout SharedItem, to team: TeamStanding, by actor: Actor) throws(ValidationFailure) -> Reply {
        _ = try item.reply(.referral(to: team, note: "They know this family."), by: actor, authorName: "Someone", authorTeamName: nil, at: Date())
        return item.replies.last!
    }

    @Test func amberStrictAndRedNeverGainAnAudience() throws {
        var strict = try Cast.item(tlp: .amberStrict, audience: .teams([Cast.beta]))
        for actor in [Cast.betaMember, Cast.author] {
            #expect(throws: ValidationFailure.self) { _ = try refer(&strict, to: Cast.standing(Cast.gamma, "Gamma"), by: actor) }
        }
        #expect(strict.audience == .teams([Cast.beta]) && strict.replies.isEmpty)
        var red = try Cast.item(tlp: .red, audience: .individuals([Cast.betaMember.userID]))
        #expect(throws: ValidationFailure.self) { _ = try refer(&red, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.betaMember) }
        #expect(red.audience == .individuals([Cast.betaMember.userID]))
    }

    @Test func aRecipientsReferralIsASuggestionTheAuthorConfirms() throws {
        var item = try Cast.item(tlp: .amber, audience: .teams([Cast.beta]))
        let suggestion = try refer(&item, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.betaMember)
        #expect(suggestion.proposal == .pending && suggestion.referredTeamID == Cast.gamma)
        #expect(item.audience == .teams([Cast.beta]), "nothing widens before the author decides")
        #expect(!AccessPolicy.canRead(item.access, reader: Cast.gammaMember))
        #expect(item.recipients(of: suggestion).people == [Cast.author.userID] && item.recipients(of: suggestion).team == nil,
                "only the author hears of a suggestion")

        #expect(throws: ValidationFailure.self) { _ = try item.decideReferral(suggestion.id, confirm: true, by: Cast.betaMember) }
        let told = try item.decideReferral(suggestion.id, confirm: true, by: Cast.author)
        #expect(told == Cast.gamma)
        #expect(item.audience == .teams([Cast.beta, Cast.gamma]))
        #expect(item.replies.last?.proposal == .confirmed)
        #expect(AccessPolicy.canRead(item.access, reader: Cast.gammaMember))
        #expect(throws: ValidationFailure.self) { _ = try item.decideReferral(suggestion.id, confirm: false, by: Cast.author) }
    }

    @Test func aDeclinedSuggestionWidensNothing() throws {
        var item = try Cast.item(tlp: .green, audience: .teams([Cast.beta]))
        let suggestion = try refer(&item, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.betaMember)
        #expect(suggestion.proposal == .pending)
        #expect(try item.decideReferral(suggestion.id, confirm: false, by: Cast.colleague) == nil, "the author's team decides too")
        #expect(item.audience == .teams([Cast.beta]) && item.replies.last?.proposal == .declined)
        #expect(!AccessPolicy.canRead(item.access, reader: Cast.gammaMember))
    }

    @Test func theAuthorsTeamRefersAmberAtOnce() throws {
        var item = try Cast.item(tlp: .amber, audience: .teams([Cast.beta]))
        let referral = try refer(&item, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.colleague)
        #expect(referral.proposal == nil)
        #expect(item.audience == .teams([Cast.beta, Cast.gamma]))
        #expect(item.recipients(of: referral).team == Cast.gamma)
    }

    @Test func aReferralWithinTheAudienceWidensNothing() throws {
        var strict = try Cast.item(tlp: .amberStrict, audience: .community)
        let pointer = try refer(&strict, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.betaMember)
        #expect(pointer.proposal == nil && strict.audience == .community)
        var clear = try Cast.item(tlp: .clear, audience: .teams([Cast.beta]))
        _ = try refer(&clear, to: Cast.standing(Cast.gamma, "Gamma"), by: Cast.betaMember)
        #expect(clear.audience == .teams([Cast.beta, Cast.gamma]), "TLP:CLEAR has no limit on disclosure")
    }
}

@Suite struct AuthorsTeamTests {
    func reads(_ reader: Actor, _ tlp: TLPLabel, _ audience: Audience) throws -> Bool {
        AccessPolicy.canRead(try Cast.item(.announcement, tlp: tlp, audience: audience).access, reader: reader)
    }

    @Test func aColleagueReadsWhatTheAuthorSharedWithOtherTeams() throws {
        #expect(try reads(Cast.colleague, .green, .teams([Cast.beta])))
        #expect(try reads(Cast.colleague, .amber, .teams([Cast.beta])))
        #expect(try reads(Cast.colleague, .amberStrict, .teams([Cast.beta])), "AMBER+STRICT: the recipient's organisation, and the author's own")
        #expect(try !reads(Cast.gammaMember, .amber, .teams([Cast.beta])))
    }

    @Test func redStaysWithThePeopleNamed() throws {
        #expect(try !reads(Cast.colleague, .red, .individuals([Cast.betaMember.userID])))
        #expect(try reads(Cast.betaMember, .red, .individuals([Cast.betaMember.userID])))
    }

    @Test func aColleagueOfAnEndedTeamDoesNot() throws {
        let former = Actor(userID: Cast.id(103), roles: [.member], teamID: Cast.alpha, teamStatus: .terminated)
        #expect(try !reads(former, .amber, .teams([Cast.beta])))
    }
}

@Suite struct RepliesAndStatusTests {
    @Test func whoMayReply() throws {
        var item = try Cast.item(tlp: .amber, audience: .teams([Cast.beta]))
        #expect(item.canReply(Cast.betaMember) && item.canReply(Cast.colleague))
        #expect(!item.canReply(Cast.gammaMember), "nobody replies to what they cannot read")
        #expect(!item.canReply(nil) && !item.canReply(Cast.candidate))
        try item.setStatus(.closed, by: Cast.author)
        #expect(!item.canReply(Cast.betaMember), "a closed request takes no replies")
        #expect(try !Cast.item(.announcement, tlp: .clear, audience: .community).canReply(Cast.betaMember), "announcements take no replies")
    }

    @Test func whoMaySetTheStatus() throws {
        let item = try Cast.item(tlp: .green, audience: .community)
        #expect(item.canSetStatus(Cast.author) && item.canSetStatus(Cast.secretariat))
        #expect(!item.canSetStatus(Cast.betaMember) && !item.canSetStatus(nil))
    }

    @Test func whoMayBeNamed() {
        #expect(AccessPolicy.mayBeNamed(Cast.betaMember) && AccessPolicy.mayBeNamed(Cast.board) && AccessPolicy.mayBeNamed(Cast.secretariat))
        #expect(!AccessPolicy.mayBeNamed(Cast.candidate) && !AccessPolicy.mayBeNamed(Cast.endedMember))
        #expect(AccessPolicy.cannotBeNamed("x@y.example") == "“x@y.example” cannot be named: name people of member teams by the e-mail address of their account.")
    }
}

@Suite struct RestrictedSampleTests {
    static let hash = String(repeating: "ab", count: 32)

    func entry(_ tlp: TLPLabel, _ audience: Audience, holders: [UUID] = [Cast.alpha], by actor: Actor = Cast.author) throws -> Artifact {
        var artifact = try Artifact.hashesOnly(sha256: Self.hash, sha1: nil, md5: nil, names: [], id: Cast.id(800), tlp: tlp, audience: audience,
                                               by: actor, at: Date())
        artifact.holderTeamIDs = holders
        return artifact
    }

    @Test func reRegisteringAnUnreadableSampleIsANewEntry() throws {
        let red = try entry(.red, .individuals([Cast.author.userID]))
        let draft = try entry(.green, .community, holders: [Cast.gamma], by: Cast.gammaMember)
        #expect(Artifact.registration(of: draft, withSample: false, known: [red], by: Cast.gammaMember) == .new)
        #expect(Artifact.registration(of: draft, withSample: true, known: [red], by: Cast.gammaMember) == .new)
    }

    @Test func reRegisteringAReadableSampleJoinsOrIsRefused() throws {
        let green = try entry(.green, .community)
        let draft = try entry(.green, .community, holders: [Cast.gamma], by: Cast.gammaMember)
        #expect(Artifact.registration(of: draft, withSample: true, known: [green], by: Cast.gammaMember) == .joinHolders(of: Cast.id(800)))
        #expect(Artifact.registration(of: draft, withSample: false, known: [green], by: Cast.gammaMember) == .alreadyRegistered(Cast.id(800)))
        var joined = green
        joined.addHolders(from: draft)
        #expect(Set(joined.holderTeamIDs) == [Cast.alpha, Cast.gamma] && joined.tlp == .green)
    }

    @Test func onlyHoldersWhoReadTheEntryHearOfAnAsk() throws {
        // RED to the author alone: the author's colleagues hold the sample but do not read the entry.
        let red = try entry(.red, .individuals([Cast.author.userID, Cast.colleague.userID]))
        let request = try SharedItem.compose(SharedItemDraft(kind: .request, title: "Anyone?", body: "Asking.", tlp: .amber, audience: .teams([Cast.gamma]),
                                                             request: RequestDetails(kind: .sample, subject: Self.hash)),
                                             id: Cast.id(901), by: Cast.gammaMember, authorName: "Gil Gamma", authorTeam: (Cast.gamma, "Gamma"), at: Date())
        let third = Actor(userID: Cast.id(104), roles: [.member], teamID: Cast.alpha, teamStatus: .active)
        let notices = red.askNotices(for: request, holders: [Cast.author, Cast.colleague, third, Cast.betaMember])
        #expect(notices == [Artifact.AskNotice(userID: Cast.author.userID, showsRequest: false), Artifact.AskNotice(userID: Cast.colleague.userID, showsRequest: false)],
                "the two named in the entry hear of the ask, without the AMBER request they cannot read; the third holder reads neither and hears nothing")
        #expect(!red.tellsRequester(Cast.gammaMember))
    }

    @Test func aHolderWhoCannotReadTheRequestIsNotShownIt() throws {
        let green = try entry(.green, .community)
        let request = try SharedItem.compose(SharedItemDraft(kind: .request, title: "Anyone?", body: "Asking.", tlp: .amber, audience: .teams([Cast.gamma]),
                                                             request: RequestDetails(kind: .sample, subject: Self.hash)),
                                             id: Cast.id(901), by: Cast.gammaMember, authorName: "Gil Gamma", authorTeam: (Cast.gamma, "Gamma"), at: Date())
        #expect(green.askNotices(for: request, holders: [Cast.colleague, Cast.gammaMember]) == [Artifact.AskNotice(userID: Cast.colleague.userID, showsRequest: false)],
                "the requester is not told of their own request")
        #expect(green.tellsRequester(Cast.gammaMember))
    }
}

@Suite struct AuditPolicyTests {
    @Test func onlyTheSecretariatReadsTheLog() {
        #expect(AuditPolicy.canRead(Cast.secretariat))
        #expect(!AuditPolicy.canRead(Cast.board) && !AuditPolicy.canRead(Cast.author) && !AuditPolicy.canRead(nil))
    }

    @Test func artifactsAreNamedByIdNeverByHash() {
        let hash = String(repeating: "ab", count: 32)
        #expect(AuditPolicy.artifactSubject(Cast.id(800)) == "artifact 00000000-0000-0000-0000-000000000800")
        #expect(AuditPolicy.shownSubject("artifact " + hash, entry: { $0 == hash ? Cast.id(800) : nil }) == "artifact 00000000-0000-0000-0000-000000000800")
        #expect(AuditPolicy.shownSubject("artifact " + String(repeating: "cd", count: 16), entry: { _ in nil }) == "artifact (hash withheld)")
        #expect(AuditPolicy.shownSubject("item 00000000-0000-0000-0000-000000000900", entry: { _ in Cast.id(1) }) == "item 00000000-0000-0000-0000-000000000900")
    }
}

@Suite struct CandidateSiteVisitTests: MembershipScenario {
    @Test func theCandidateDoesNotReadTheREDFindingsAboutIt() throws {
        let application = try underReview()
        let copy = try #require(application.readable(by: applicant, actorTeam: nil))
        #expect(copy.siteVisit?.confidentialFindings == "")
        #expect(copy.siteVisit?.findings == "Processes are documented and followed.")
        #expect(copy.confidentialNote == "Funding for the second year is not yet approved.", "the candidate reads the note it wrote")
        let sponsorCopy = try #require(application.readable(by: representative(of: alpha), actorTeam: alpha))
        #expect(sponsorCopy.siteVisit?.confidentialFindings == "The SOC shares a floor with a contractor.")
    }
}
