import Foundation

/// A Special Interest Group: a charter the board approves, chairs, a board liaison, and a
/// private space for its participants (`SIGParticipant`).
public struct SpecialInterestGroup: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Proposed by a member; the board has not approved the charter yet.
        case proposed
        /// The board approved the charter; no chair has taken a seat yet.
        case chartered
        /// Chaired and at work.
        case active
        /// Closed by the board: its participants keep reading its archive; nobody joins or posts.
        case retired

        public var label: String { rawValue.capitalized }
    }

    /// Who may join: anyone of a member team at once, or on the chairs' approval.
    public enum Joining: String, Sendable, Hashable, Codable, CaseIterable {
        case open, moderated
    }

    public struct Charter: Sendable, Hashable, Codable {
        public var mission: String
        public var scope: String
        public var deliverables: String
        /// How the SIG decides, chairs' elections included.
        public var decisionMaking: String
        /// The label pre-selected for everything posted in the SIG.
        public var defaultLabel: TLPLabel
        public var joining: Joining
        /// Whether the chairs are appointed by the board rather than elected by participants.
        public var chairsAppointedByBoard: Bool

        public init(mission: String, scope: String, deliverables: String, decisionMaking: String, defaultLabel: TLPLabel = .amber,
                    joining: Joining = .open, chairsAppointedByBoard: Bool = false) {
            self.mission = mission
            self.scope = scope
            self.deliverables = deliverables
            self.decisionMaking = decisionMaking
            self.defaultLabel = defaultLabel
            self.joining = joining
            self.chairsAppointedByBoard = chairsAppointedByBoard
        }

        /// The mission's first sentence, for lists.
        public var summary: String {
            let text = mission.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let end = text.firstIndex(where: { ".!?".contains($0) }) else { return text }
            return String(text[...end])
        }
    }

    public var id: UUID
    /// Its name in URLs; its list's address is `sig-SLUG`.
    public var slug: String
    public var name: String
    public var charter: Charter
    public var status: Status
    public var proposedBy: UUID
    /// The board member who follows the SIG for the board.
    public var boardLiaison: UUID?
    /// When the board last approved the charter.
    public var charterApprovedAt: Date?
    public var createdAt: Date
    public var retiredAt: Date?
    /// Why the board retired the SIG (or declined the proposal).
    public var retirementReason: String?

    public init(id: UUID, slug: String, name: String, charter: Charter, status: Status = .proposed, proposedBy: UUID, boardLiaison: UUID? = nil,
                charterApprovedAt: Date? = nil, createdAt: Date, retiredAt: Date? = nil, retirementReason: String? = nil) {
        self.id = id
        self.slug = slug
        self.name = name
        self.charter = charter
        self.status = status
        self.proposedBy = proposedBy
        self.boardLiaison = boardLiaison
        self.charterApprovedAt = charterApprovedAt
        self.createdAt = createdAt
        self.retiredAt = retiredAt
        self.retirementReason = retirementReason
    }

    /// Charters are approved again every two years.
    public static let charterTermMonths = 24
    /// A chair's term.
    public static let chairTermMonths = 24
    public static let maximumChairs = 3

    /// When the board must approve the charter again; nil before the first approval and once retired.
    public var charterDue: Date? {
        guard status != .retired, let approved = charterApprovedAt else { return nil }
        return Self.calendar.date(byAdding: .month, value: Self.charterTermMonths, to: approved)
    }

    public func isCharterOverdue(at now: Date) -> Bool { charterDue.map { $0 <= now } ?? false }

    /// People join and post only while the board's charter stands and the SIG is not retired.
    public var isOpenForWork: Bool { status == .chartered || status == .active }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    // MARK: - Who may see it

    /// Chartered and active SIGs are listed for everyone (their charter is public), and so are
    /// retired ones that were chartered, for the record; proposals (and proposals the board
    /// declined) only to people of member teams, officers and their proposer.
    public func isListed(to actor: Actor?) -> Bool {
        if status == .chartered || status == .active || (status == .retired && charterApprovedAt != nil) { return true }
        guard let actor else { return false }
        return AccessPolicy.isCommunityMember(actor) || actor.userID == proposedBy
    }

    // MARK: - The SIG's life

    /// Any person of an active member team may propose a SIG.
    public static func canPropose(_ actor: Actor?) -> Bool {
        guard let actor else { return false }
        return actor.teamID != nil && actor.teamStatus == .active
    }

    /// A new SIG as a member proposes it (`canPropose`).
    public static func propose(id: UUID, slug rawSlug: String, name rawName: String, charter: Charter, by actor: Actor?,
                               at now: Date) throws(SIGRefusal) -> SpecialInterestGroup {
        guard let actor, canPropose(actor) else {
            throw SIGRefusal(.wrongRole, "Only people of active member teams propose a SIG.")
        }
        let (slug, name, checked, errors) = check(slug: rawSlug, name: rawName, charter: charter)
        guard errors.isEmpty else { throw .invalid(errors) }
        return SpecialInterestGroup(id: id, slug: slug, name: name, charter: checked, proposedBy: actor.userID, createdAt: now)
    }

    /// The board's and the chairs' steps on a SIG as a whole.
    public enum Step: Sendable, Hashable {
        /// The board approves the charter (first time or again every two years) and names its liaison.
        case approveCharter(liaison: UUID)
        /// The board closes the SIG, or declines a proposal.
        case retire(reason: String)
        /// A chair or the board changes the charter's words; who joins, who appoints the chairs
        /// and the default label are the board's alone once it approved the charter.
        case amendCharter(Charter)
    }

    /// The SIG after `step` by `actor`; `isChair` says whether `actor` chairs this SIG.
    public func applying(_ step: Step, by actor: Actor, isChair: Bool, at now: Date) throws(SIGRefusal) -> SpecialInterestGroup {
        let isBoard = actor.roles.contains(.board)
        var next = self
        switch step {
        case .approveCharter(let liaison):
            guard isBoard else { throw SIGRefusal(.wrongRole, "Only the board approves a SIG's charter.") }
            guard status != .retired else { throw SIGRefusal(.wrongState, "The SIG is retired; propose it again to restart it.") }
            next.charterApprovedAt = now
            next.boardLiaison = liaison
            if status == .proposed { next.status = .chartered }
        case .retire(let reason):
            guard isBoard else { throw SIGRefusal(.wrongRole, "Only the board retires a SIG.") }
            guard status != .retired else { throw SIGRefusal(.wrongState, "The SIG is already retired.") }
            let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...2000).contains(text.count) else {
                throw .invalid([FieldError(field: "reason", message: "Give the reason (1 to 2000 characters); it is recorded.")])
            }
            next.status = .retired
            next.retiredAt = now
            next.retirementReason = text
        case .amendCharter(let charter):
            guard isBoard || isChair || (status == .proposed && actor.userID == proposedBy) else {
                throw SIGRefusal(.wrongRole, "Only the SIG's chairs, its proposer before approval, or the board change the charter.")
            }
            guard status != .retired else { throw SIGRefusal(.wrongState, "The SIG is retired.") }
            let governs = charter.joining != self.charter.joining || charter.chairsAppointedByBoard != self.charter.chairsAppointedByBoard
                || charter.defaultLabel != self.charter.defaultLabel
            guard !governs || isBoard || status == .proposed else {
                throw SIGRefusal(.wrongRole, "Only the board changes who joins, who appoints the chairs and the default label of a chartered SIG.")
            }
            let (_, _, checked, errors) = Self.check(slug: slug, name: name, charter: charter)
            guard errors.isEmpty else { throw .invalid(errors) }
            next.charter = checked
        }
        return next
    }

    /// The SIG once its first chair takes a seat: a chartered SIG becomes active.
    public func seatingChair() -> SpecialInterestGroup {
        var next = self
        if status == .chartered { next.status = .active }
        return next
    }

    /// The charter and names as stored (trimmed), with every problem at once.
    static func check(slug rawSlug: String, name rawName: String, charter: Charter) -> (String, String, Charter, [FieldError]) {
        var errors: [FieldError] = []
        let slug = rawSlug.trimmingCharacters(in: .whitespaces).lowercased()
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        if !isValidSlug(slug) {
            errors.append(FieldError(field: "slug", message: "The short name is 2 to 36 lower-case letters, digits and inner hyphens, starting with a letter."))
        }
        if !(2...100).contains(name.count) { errors.append(FieldError(field: "name", message: "The name is 2 to 100 characters.")) }
        var checked = charter
        func text(_ value: String, _ field: String, _ what: String, required: Bool = true) -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count > 10_000 { errors.append(FieldError(field: field, message: "\(what) is at most 10,000 characters.")) }
            if required, trimmed.isEmpty { errors.append(FieldError(field: field, message: "Say what the \(what.lowercased()) is.")) }
            return trimmed
        }
        checked.mission = text(charter.mission, "mission", "Mission")
        checked.scope = text(charter.scope, "scope", "Scope")
        checked.deliverables = text(charter.deliverables, "deliverables", "Deliverables")
        checked.decisionMaking = text(charter.decisionMaking, "decisionMaking", "Decision making")
        if charter.defaultLabel == .red {
            errors.append(FieldError(field: "defaultLabel", message: "TLP:RED goes to named people only; a SIG's default label is CLEAR, GREEN, AMBER or AMBER+STRICT."))
        }
        return (slug, name, checked, errors)
    }

    public static func isValidSlug(_ slug: String) -> Bool {
        // 36, so that the list's address `sig-SLUG` is a valid list address (at most 40).
        guard (2...36).contains(slug.count), let first = slug.unicodeScalars.first, ("a"..."z").contains(first), !slug.hasSuffix("-") else { return false }
        return slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
