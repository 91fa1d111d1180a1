import Foundation

extension MembershipApplication {
    /// How a reader relates to an application; one reader may relate in several ways.
    public enum ReaderRelation: String, Sendable, Hashable, CaseIterable {
        case applicant, sponsor, fullMember, board, secretariat
    }

    public func relations(of actor: Actor?, actorTeam: TeamStanding?) -> Set<ReaderRelation> {
        guard let actor else { return [] }
        var relations = Set<ReaderRelation>()
        if actor.userID == applicantUserID || (existingTeamID != nil && actor.teamID == existingTeamID) { relations.insert(.applicant) }
        if let teamID = actor.teamID, actor.roles.contains(.teamRepresentative),
           sponsors.contains(where: { $0.teamID == teamID && $0.answer != .declined }) {
            relations.insert(.sponsor)
        }
        if let actorTeam, actorTeam.id == actor.teamID, actorTeam.isActiveFullMember, reviewCloses != nil, !relations.contains(.applicant) {
            relations.insert(.fullMember)
        }
        if actor.roles.contains(.board) { relations.insert(.board) }
        if actor.roles.contains(.secretariat) { relations.insert(.secretariat) }
        return relations
    }

    /// The application as `actor` may read it, or nil when they may not read it at all.
    /// - Full Members read it from the member review on, without its TLP:RED parts.
    /// - TLP:RED parts go to the people who decide on the candidate (the sponsors asked, who need
    ///   the whole picture to accept, and the board), never to the secretariat by virtue of the
    ///   role. The candidate reads its own confidential note, which it wrote, but never the
    ///   sponsor's TLP:RED site-visit findings about it.
    /// - The candidate reads comments and objections without their authors, and no ballots.
    /// - Individual ballots are for the board and the secretariat that records the decision.
    public func readable(by actor: Actor?, actorTeam: TeamStanding?) -> MembershipApplication? {
        let relations = relations(of: actor, actorTeam: actorTeam)
        guard !relations.isEmpty else { return nil }
        var copy = self
        if relations.isDisjoint(with: [.applicant, .sponsor, .board]) {
            copy.confidentialNote = ""
        }
        if relations.isDisjoint(with: [.sponsor, .board]) {
            copy.siteVisit?.confidentialFindings = ""
        }
        if relations.isDisjoint(with: [.board, .secretariat]) {
            copy.ballots = []
        }
        if relations == [.applicant] {
            copy.comments = comments.map { comment in
                var anonymous = comment
                anonymous.authorUserID = nil
                anonymous.authorTeamID = nil
                return anonymous
            }
        }
        return copy
    }

    /// The steps `actor` could take now, for showing only the forms that apply.
    public func availableSteps(for actor: Actor, actorTeam: TeamStanding?, at now: Date, boardSize: Int) -> Set<String> {
        let relations = relations(of: actor, actorTeam: actorTeam)
        var steps = Set<String>()
        switch phase(at: now) {
        case .sponsorship:
            if let teamID = actor.teamID, relations.contains(.sponsor),
               sponsors.contains(where: { $0.teamID == teamID && $0.answer == .pending }) { steps.insert("answer-sponsorship") }
            if actor.userID == applicantUserID, sponsors.contains(where: { $0.answer != .accepted }) { steps.insert("replace-sponsor") }
        case .siteVisit:
            if relations.contains(.sponsor), actor.teamID == sponsors.first?.teamID, siteVisit == nil { steps.insert("file-site-visit") }
            if relations.contains(.sponsor) { steps.insert("attach-letter") }
        case .memberReview:
            if relations.contains(.fullMember) { steps.insert("comment") }
        case .boardVote:
            if relations.contains(.board), !ballots.contains(where: { $0.userID == actor.userID }) { steps.insert("vote") }
            if relations.contains(.secretariat) {
                steps.insert("extend-vote")
                if ballots.count >= boardSize { steps.insert("record-decision") }
            }
        case .awaitingDecision:
            if relations.contains(.secretariat) { steps.formUnion(["extend-vote", "record-decision"]) }
        case .approved, .rejected, .withdrawn:
            break
        }
        if phase(at: now).isOpen, actor.userID == applicantUserID { steps.insert("withdraw") }
        return steps
    }
}
