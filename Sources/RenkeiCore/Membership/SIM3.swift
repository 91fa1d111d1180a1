// Source: SIM3 v1 (mkXVIII, D. Stikvoort, 30 March 2015; 44 parameters, no O-6), https://opencsirt.org/csirt-maturity/sim3-and-references/ and levels per https://sim3.dk
import Foundation

/// The Security Incident Management Maturity Model (SIM3) v1, used by TF-CSIRT/Trusted Introducer,
/// FIRST and ENISA: the parameters a team rates itself on, and the 0–4 scale it rates them with.
public enum SIM3 {
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case organisation = "O", human = "H", tools = "T", processes = "P"

        public var label: String {
            switch self {
            case .organisation: "Organisation"
            case .human: "Human"
            case .tools: "Tools"
            case .processes: "Processes"
            }
        }
    }

    public struct Parameter: Sendable, Hashable {
        /// The official identifier, e.g. "O-1"; ratings are keyed by it.
        public let id: String
        public let category: Category
        public let name: String
        /// One sentence in our own words, not the model's text.
        public let summary: String
    }

    /// Every SIM3 v1 parameter, in the model's order. O-6 is deliberately absent: v1 has none.
    public static let parameters: [Parameter] = [
        Parameter(id: "O-1", category: .organisation, name: "Mandate",
                  summary: "The mission the team has been given by its parent organisation or government, stating what it exists to do."),
        Parameter(id: "O-2", category: .organisation, name: "Constituency",
                  summary: "The people, organisations or networks the team serves."),
        Parameter(id: "O-3", category: .organisation, name: "Authority",
                  summary: "The powers the team holds over its constituency, from advising only to directing or enforcing action."),
        Parameter(id: "O-4", category: .organisation, name: "Responsibility",
                  summary: "What the team is obliged to do for its constituency and its parent organisation."),
        Parameter(id: "O-5", category: .organisation, name: "Service Description",
                  summary: "The services the team offers its constituency, set out so both sides know what to expect."),
        Parameter(id: "O-7", category: .organisation, name: "Service Level Description",
                  summary: "The service levels the team commits to, such as opening hours and response times."),
        Parameter(id: "O-8", category: .organisation, name: "Incident Classification",
                  summary: "The scheme the team uses to sort incidents by type and by severity or priority."),
        Parameter(id: "O-9", category: .organisation, name: "Integration in Existing CSIRT Systems",
                  summary: "How the team takes part in the wider incident response community, such as FIRST, TF-CSIRT or national and sector fora."),
        Parameter(id: "O-10", category: .organisation, name: "Organisational Framework",
                  summary: "How mandate, constituency, authority, responsibility and services fit together into one consistent whole."),
        Parameter(id: "O-11", category: .organisation, name: "Security Policy",
                  summary: "The information security policy the team itself works under, whether its own or its host's."),

        Parameter(id: "H-1", category: .human, name: "Code of Conduct/Practice/Ethics",
                  summary: "The rules of behaviour and ethics that team members are expected to follow."),
        Parameter(id: "H-2", category: .human, name: "Personal Resilience",
                  summary: "Enough staff depth that services keep running when someone is ill, on leave or leaves."),
        Parameter(id: "H-3", category: .human, name: "Skillset Description",
                  summary: "The skills and knowledge each role in the team calls for."),
        Parameter(id: "H-4", category: .human, name: "Internal Training",
                  summary: "How the team brings new and existing members up to speed in-house."),
        Parameter(id: "H-5", category: .human, name: "(External) Technical Training",
                  summary: "Technical courses and learning from outside the team that members take part in."),
        Parameter(id: "H-6", category: .human, name: "(External) Communication Training",
                  summary: "Training in communication skills, such as dealing with constituents, the press or pressure."),
        Parameter(id: "H-7", category: .human, name: "External Networking",
                  summary: "Members' contacts with peers and their presence at community meetings outside the team."),

        Parameter(id: "T-1", category: .tools, name: "IT Resources List",
                  summary: "An inventory of the constituency's systems and networks that the team looks after or protects."),
        Parameter(id: "T-2", category: .tools, name: "Information Sources List",
                  summary: "The sources the team watches for news of vulnerabilities and threats."),
        Parameter(id: "T-3", category: .tools, name: "Consolidated E-mail System",
                  summary: "Shared team mail addresses and archives, so incident mail does not live in personal inboxes."),
        Parameter(id: "T-4", category: .tools, name: "Incident Tracking System",
                  summary: "A ticketing system that records each incident and follows it to closure."),
        Parameter(id: "T-5", category: .tools, name: "Resilient Phone",
                  summary: "Telephone reachability that survives the failure of the usual lines or equipment."),
        Parameter(id: "T-6", category: .tools, name: "Resilient E-mail",
                  summary: "E-mail that keeps working when the usual mail infrastructure is down."),
        Parameter(id: "T-7", category: .tools, name: "Resilient Internet Access",
                  summary: "Internet connectivity with a fallback, so the team stays online during an outage."),
        Parameter(id: "T-8", category: .tools, name: "Incident Prevention Toolset",
                  summary: "The tools the team uses to stop incidents before they happen, such as scanners and filters."),
        Parameter(id: "T-9", category: .tools, name: "Incident Detection Toolset",
                  summary: "The tools the team uses to notice incidents, such as monitoring, intrusion detection and feeds."),
        Parameter(id: "T-10", category: .tools, name: "Incident Resolution Toolset",
                  summary: "The tools the team uses to analyse and resolve incidents, such as forensic and malware analysis tools."),

        Parameter(id: "P-1", category: .processes, name: "Escalation to Governance Level",
                  summary: "How serious incidents are brought to the management above the team."),
        Parameter(id: "P-2", category: .processes, name: "Escalation to Press Function",
                  summary: "How the press or communications function is brought in when an incident draws public attention."),
        Parameter(id: "P-3", category: .processes, name: "Escalation to Legal Function",
                  summary: "How legal counsel is brought in when an incident has legal consequences."),
        Parameter(id: "P-4", category: .processes, name: "Incident Prevention Process",
                  summary: "How the team carries out its preventive work, such as advisories and hardening advice."),
        Parameter(id: "P-5", category: .processes, name: "Incident Detection Process",
                  summary: "How incidents come to the team's notice, from its own monitoring or from reports."),
        Parameter(id: "P-6", category: .processes, name: "Incident Resolution Process",
                  summary: "How the team handles an incident from triage through to closure."),
        Parameter(id: "P-7", category: .processes, name: "Specific Incident Processes",
                  summary: "Dedicated procedures for particular kinds of incident, such as phishing or denial of service."),
        Parameter(id: "P-8", category: .processes, name: "Audit/Feedback Process",
                  summary: "How the team reviews its own work and feeds the lessons back into its processes."),
        Parameter(id: "P-9", category: .processes, name: "Emergency Reachability Process",
                  summary: "How the team can be reached in an emergency, including outside office hours."),
        Parameter(id: "P-10", category: .processes, name: "Best Practice Internet Presence",
                  summary: "A website in line with good practice that publishes the team's contacts, services and policies."),
        Parameter(id: "P-11", category: .processes, name: "Secure Information Handling Process",
                  summary: "How sensitive information is classified, stored, sent and destroyed according to its sensitivity."),
        Parameter(id: "P-12", category: .processes, name: "Information Sources Process",
                  summary: "How information from the team's sources is collected, judged and acted on."),
        Parameter(id: "P-13", category: .processes, name: "Outreach Process",
                  summary: "How the team actively keeps its constituency informed and aware."),
        Parameter(id: "P-14", category: .processes, name: "Reporting Process",
                  summary: "How the team regularly reports on its activities to management and constituency."),
        Parameter(id: "P-15", category: .processes, name: "Statistics Process",
                  summary: "How incident figures are gathered, defined and published."),
        Parameter(id: "P-16", category: .processes, name: "Meeting Process",
                  summary: "How the team's own meetings are held and recorded."),
        Parameter(id: "P-17", category: .processes, name: "Peer-to-peer Process",
                  summary: "How the team works with peer teams, sharing information and passing on incidents."),
    ]

    private static let parametersByID = Dictionary(uniqueKeysWithValues: parameters.map { ($0.id, $0) })

    public static func parameter(_ id: String) -> Parameter? {
        parametersByID[id]
    }

    /// One scale for every parameter: how far the matter is written down, formalised and checked.
    public enum Level: Int, Sendable, Hashable, Codable, CaseIterable {
        case notAvailable = 0, implicit, explicitInternal, explicitFormalised, assessed

        /// The level in two words, for a choice whose definitions are written out beside it.
        public var shortLabel: String {
            switch self {
            case .notAvailable: "Not available"
            case .implicit: "Implicit"
            case .explicitInternal: "Explicit, internal"
            case .explicitFormalised: "Formalised"
            case .assessed: "Audited"
            }
        }

        public var label: String {
            switch self {
            case .notAvailable: "Not available / undefined / unaware"
            case .implicit: "Implicit: known and considered, but not written down"
            case .explicitInternal: "Explicit, internal: written down, but not formalised"
            case .explicitFormalised: "Explicit, formalised: approved by the team head or above"
            case .assessed: "Explicit, audited: checked under governance above the team head"
            }
        }
    }
}

/// A team's self-assessment: one rating (0–4) and a comment per parameter.
public struct SIM3Assessment: Sendable, Hashable, Codable {
    public struct Rating: Sendable, Hashable, Codable {
        public var level: SIM3.Level
        public var comment: String

        public init(level: SIM3.Level, comment: String) {
            self.level = level
            self.comment = comment
        }
    }

    /// Longest comment accepted, in characters; keeps reports and review pages readable.
    public static let maxCommentLength = 2000

    /// Whether a comment is short enough, counted in Unicode scalars: a letter followed by
    /// thousands of combining marks is one character on the screen but not in storage.
    public static func fits(_ comment: String) -> Bool { comment.unicodeScalars.count <= maxCommentLength }

    /// Keyed by parameter id, e.g. "O-1".
    public var ratings: [String: Rating]

    public init(ratings: [String: Rating] = [:]) {
        self.ratings = ratings
    }

    /// Problems with the assessment, each naming the parameter: unknown parameter id, a missing parameter (every parameter must be rated), a comment over 2000 characters.
    /// Known parameters come in the model's order, unknown ids after them sorted, so the list is stable.
    public func problems() -> [(parameter: String, message: String)] {
        var found: [(parameter: String, message: String)] = []
        for parameter in SIM3.parameters {
            guard let rating = ratings[parameter.id] else {
                found.append((parameter.id, "\(parameter.id) \(parameter.name) is not rated; every parameter needs a level."))
                continue
            }
            if !Self.fits(rating.comment) {
                found.append((parameter.id, "The comment on \(parameter.id) has \(rating.comment.unicodeScalars.count) characters; at most \(Self.maxCommentLength) are allowed."))
            }
        }
        for id in ratings.keys.sorted() where SIM3.parameter(id) == nil {
            found.append((id, "\"\(id)\" is not a SIM3 parameter."))
        }
        return found
    }

    /// Average level per category (0...4), for the summary table; nil for a category with no ratings.
    /// Ratings under unknown ids are left out, since they belong to no category.
    public func average(_ category: SIM3.Category) -> Double? {
        let levels = ratings.compactMap { id, rating in
            SIM3.parameter(id)?.category == category ? rating.level.rawValue : nil
        }
        guard !levels.isEmpty else { return nil }
        return Double(levels.reduce(0, +)) / Double(levels.count)
    }
}
