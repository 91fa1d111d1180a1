import Crypto
import Foundation

/// Which teams a reachability campaign challenges: every team in the directory, the teams
/// based in one region, or the teams of one membership type (`nil`: listed teams).
public enum ReachabilityScope: Sendable, Hashable {
    case all
    case region(Region)
    case memberType(MemberType?)

    /// `all`, `region:Europe`, `type:Full Member`, `type:listed`: as stored and as the form sends it.
    public var code: String {
        switch self {
        case .all: "all"
        case .region(let region): "region:\(region.rawValue)"
        case .memberType(let type): "type:\(type?.rawValue ?? "listed")"
        }
    }

    public init?(code: String) {
        if code == "all" { self = .all; return }
        let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "region": guard let region = Region(rawValue: parts[1]) else { return nil }; self = .region(region)
        case "type":
            if parts[1] == "listed" { self = .memberType(nil); return }
            guard let type = MemberType(rawValue: parts[1]) else { return nil }
            self = .memberType(type)
        default: return nil
        }
    }

    public var label: String {
        switch self {
        case .all: "all teams"
        case .region(let region): "teams based in \(region == .americas ? "the " : "")\(region.rawValue)"
        case .memberType(let type): type.map { "\($0.rawValue)s" } ?? "teams listed without membership"
        }
    }

    /// Every scope a campaign may have, in the order the form offers them.
    public static var choices: [ReachabilityScope] {
        [.all] + Region.allCases.map(Self.region) + MemberType.allCases.map(Self.memberType) + [.memberType(nil)]
    }

    public func includes(country: String, memberType: MemberType?) -> Bool {
        switch self {
        case .all: true
        case .region(let region): Country.named(country)?.region == region
        case .memberType(let type): memberType == type
        }
    }
}

/// The rules of a reachability test: tokens, when reminders go, when a challenge counts as
/// missed, and how answers by mail are recognised.
public enum ReachabilityRules {
    /// A team has a week to answer; then the campaign closes and its tokens expire.
    public static let answerWindow: TimeInterval = 7 * 86_400
    /// Reminders go 24 and 72 hours after the challenge, each once.
    public static let reminderDelays: [TimeInterval] = [86_400, 259_200]
    /// Misses in a row that put a team on the secretariat's list.
    public static let missesForList = 3

    /// `rt-` and 40 lower-case hex digits: 160 random bits.
    public static func newToken() -> String {
        "rt-" + (0..<20).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }

    public static func isToken(_ text: String) -> Bool {
        text.utf8.count == 43 && text.hasPrefix("rt-") && text.utf8.dropFirst(3).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// What is stored of a token: it is shown once, in the mail, and never kept.
    public static func hash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }

    /// A reply is searched for at most this many tokens: one answers, the rest is noise.
    public static let tokensTried = 10

    /// The token-shaped words in a reply's subject and text (a quoted challenge carries it),
    /// the first `tokensTried` distinct ones, in one pass.
    public static func tokens(in text: String) -> [String] {
        var found: [String] = [], seen: Set<String> = []
        let lower = Array(text.lowercased().utf8)
        var index = 0
        while index + 43 <= lower.count, found.count < tokensTried {
            if lower[index] == UInt8(ascii: "r"), lower[index + 1] == UInt8(ascii: "t"), lower[index + 2] == UInt8(ascii: "-") {
                let candidate = String(decoding: lower[index..<(index + 43)], as: UTF8.self)
                if isToken(candidate), seen.insert(candidate).inserted { found.append(candidate) }
            }
            index += 1
        }
        return found
    }

    /// `<rt.N.CHALLENGE@example.org>`: the Message-ID of a challenge's mail N (0 the first, then
    /// the reminders), by which bounces and automatic replies (which rarely quote the text) are
    /// matched. It names no other team and answers nothing by itself.
    public static func messageID(challenge: UUID, mail: Int, domain: String) -> String {
        "<rt.\(mail).\(challenge.uuidString.lowercased())@\(domain)>"
    }

    /// The challenge and mail number a Message-ID of ours names, found anywhere in `text`
    /// (In-Reply-To, References, or the returned headers of a delivery report), in one pass:
    /// each `<rt.` is read only up to the next `>`, at most 100 characters on.
    public static func challenge(in text: String, domain: String) -> (id: UUID, mail: Int)? {
        let suffix = "@" + domain.lowercased()
        let bytes = Array(text.lowercased().utf8)
        var index = 0
        while index + 4 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "r"), bytes[index + 2] == UInt8(ascii: "t"),
                  bytes[index + 3] == UInt8(ascii: "."),
                  let close = bytes[(index + 4)..<min(bytes.count, index + 104)].firstIndex(of: UInt8(ascii: ">")) else { continue }
            let inside = String(decoding: bytes[(index + 4)..<close], as: UTF8.self)
            guard inside.hasSuffix(suffix), let dot = inside.firstIndex(of: "."), let mail = Int(inside[..<dot]),
                  let id = UUID(uuidString: String(inside[inside.index(after: dot)...].dropLast(suffix.count))) else { continue }
            return (id, mail)
        }
        return nil
    }

    /// Whether a message is a delivery status notification (RFC 3464).
    public static func isBounce(contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.contains("multipart/report") && type.contains("delivery-status")
    }

    /// The reminder due now, if any: its number (1 or 2), at most one per round, never after an
    /// answer or once the campaign closed.
    public static func reminderDue(sentAt: Date, remindersSent: Int, answered: Bool, closesAt: Date, now: Date) -> Int? {
        guard !answered, now < closesAt, remindersSent < reminderDelays.count,
              now.timeIntervalSince(sentAt) >= reminderDelays[remindersSent] else { return nil }
        return remindersSent + 1
    }

    /// How many of a team's closed challenges, newest first, went unanswered in a row.
    public static func missesInARow(_ answeredNewestFirst: [Bool]) -> Int {
        answeredNewestFirst.prefix { !$0 }.count
    }

    /// The challenge mail's text. The token is both in the link and on its own line, so a
    /// reply quoting the mail carries it.
    public static func challengeText(team: String, token: String, link: String, closesAt: String, reminder: Int?) -> String {
        let opening = reminder.map { "Reminder \($0): we have not had your answer yet.\n\n" } ?? ""
        return """
            \(opening)Hello \(team),

            This is a reachability test of the community: does anyone read this address?
            Please answer by \(closesAt), in one of two ways:

            - open this link and confirm (signed in or not):
              \(link)

            - or reply to this mail, keeping this line in your answer:
              Token: \(token)

            The token works once and only for your team. Without an answer within a week,
            your team is marked on its page as not reachable in this test.

            """
    }
}

/// One team's challenge in a campaign, as the results count it.
public struct ReachabilityOutcome: Sendable, Hashable, Codable {
    public var team: String
    public var country: String
    public var memberType: MemberType?
    public var sentAt: Date?
    public var answeredAt: Date?
    public var bounced: Bool
    public var autoReplied: Bool

    public init(team: String, country: String, memberType: MemberType?, sentAt: Date?, answeredAt: Date?, bounced: Bool, autoReplied: Bool) {
        (self.team, self.country, self.memberType, self.sentAt) = (team, country, memberType, sentAt)
        (self.answeredAt, self.bounced, self.autoReplied) = (answeredAt, bounced, autoReplied)
    }

    /// Seconds from the challenge to the answer; nil when unanswered (or never sent).
    public var secondsToAnswer: TimeInterval? {
        guard let sentAt, let answeredAt else { return nil }
        return max(0, answeredAt.timeIntervalSince(sentAt))
    }

    public var region: String { Country.named(country)?.region?.rawValue ?? "Unknown region" }
    /// `Full Members`, `Liaisons`, `Associates`, `Listed without membership`.
    public var typeLabel: String { memberType.map { "\($0.rawValue)s" } ?? "Listed without membership" }
}

/// A campaign's figures: how many teams were challenged and how many answered within an
/// hour, a day and the week, how many bounced or only answered automatically.
public struct ReachabilityFigures: Sendable, Hashable, Codable {
    public var challenged = 0
    public var withinHour = 0
    public var withinDay = 0
    public var withinWeek = 0
    public var bounced = 0
    public var autoReplied = 0

    public init() {}

    public init(_ outcomes: some Sequence<ReachabilityOutcome>) {
        for outcome in outcomes {
            challenged += 1
            if outcome.bounced { bounced += 1 }
            if outcome.autoReplied { autoReplied += 1 }
            guard let seconds = outcome.secondsToAnswer else { continue }
            if seconds <= 3_600 { withinHour += 1 }
            if seconds <= 86_400 { withinDay += 1 }
            if seconds <= ReachabilityRules.answerWindow { withinWeek += 1 }
        }
    }

    public var unanswered: Int { challenged - withinWeek }

    /// `80 %` of the challenged; a dash for none.
    public func percent(_ count: Int) -> String {
        challenged == 0 ? "–" : "\(Int((Double(count) * 100 / Double(challenged)).rounded())) %"
    }
}

/// A campaign's figures in total, by region and by membership type. Members read them
/// without team names, and no figure of theirs covers fewer than `smallestGroup` teams, which
/// could name a team: a small group is merged with the next smallest of its kind until the
/// merged group is large enough (so no hidden group can be recovered by subtracting the shown
/// ones from the total), and a campaign of fewer teams shows members nothing.
public struct ReachabilityResults: Sendable, Hashable, Codable {
    public struct Group: Sendable, Hashable, Codable {
        public var name: String
        public var figures: ReachabilityFigures
    }

    public static let smallestGroup = 5

    public var total: ReachabilityFigures
    public var byRegion: [Group]
    public var byType: [Group]
    /// False when the campaign is too small for members to see any figure.
    public var shown: Bool

    public init(_ outcomes: [ReachabilityOutcome], anonymised: Bool) {
        let shown = !anonymised || outcomes.count >= Self.smallestGroup
        self.shown = shown
        total = shown ? ReachabilityFigures(outcomes) : ReachabilityFigures()
        func groups(_ key: (ReachabilityOutcome) -> String) -> [Group] {
            guard shown else { return [] }
            // In name order, so that of two groups of one size the same is merged each time.
            var named = Dictionary(grouping: outcomes, by: key).map { (names: [$0.key], outcomes: $0.value) }.sorted { $0.names[0] < $1.names[0] }
            while anonymised, named.count > 1, let small = named.indices.filter({ named[$0].outcomes.count < Self.smallestGroup })
                .min(by: { named[$0].outcomes.count < named[$1].outcomes.count }) {
                let merged = named.remove(at: small)
                let next = named.indices.min { named[$0].outcomes.count < named[$1].outcomes.count }!
                named[next] = (named[next].names + merged.names, named[next].outcomes + merged.outcomes)
            }
            return named.map { Group(name: $0.names.sorted().joined(separator: " + "), figures: ReachabilityFigures($0.outcomes)) }
                .sorted { $0.name < $1.name }
        }
        byRegion = groups(\.region)
        byType = groups(\.typeLabel)
    }
}

/// Who reads what of the reachability tests. Members of the community read the campaigns'
/// figures without team names; a team's people read its own history; a missed test is
/// flagged on the team's page for members; naming the teams that answered or not, the list
/// of unreachable teams, the export and running campaigns are the secretariat's.
public enum ReachabilityPolicy {
    public static func canReadFigures(_ actor: Actor?) -> Bool { DirectoryPolicy.audience(for: actor) == .members }
    public static func canSeeFlag(_ actor: Actor?) -> Bool { canReadFigures(actor) }
    public static func namesTeams(_ actor: Actor?) -> Bool { actor?.roles.contains(.secretariat) ?? false }
    public static func canRunCampaigns(_ actor: Actor?) -> Bool { namesTeams(actor) }
    public static func canReadHistory(of teamID: UUID, _ actor: Actor?) -> Bool {
        namesTeams(actor) || (actor?.teamID == teamID && canReadFigures(actor))
    }
}
