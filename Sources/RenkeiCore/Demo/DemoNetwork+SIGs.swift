import Foundation

/// The demo's Special Interest Groups: the seven classic ones, with charters written for the
/// fictional community, chairs from several regions, a guest in the law-enforcement SIG, and
/// items and documents at each label a SIG may use.
extension DemoNetwork {
    public static let sigGuestEmail = "guest@renkei-demo.example"

    /// People of teams outside Europe and Japan who chair SIGs; their passwords follow the demo's pattern.
    public static let sigChairs: [DemoAccount] = [
        DemoAccount(email: "wanjiru@renkei-demo.example", password: "demo-wanjiru-pass", displayName: "Wanjiru Kamau", roles: [.member, .sigChair],
                    teamSlug: "simbamara-csirt"),
        DemoAccount(email: "ana@renkei-demo.example", password: "demo-ana-pass", displayName: "Ana Souza", roles: [.member, .sigChair],
                    teamSlug: "ipeara-csirt"),
        DemoAccount(email: "jordan@renkei-demo.example", password: "demo-jordan-pass", displayName: "Jordan Lee", roles: [.member, .sigChair],
                    teamSlug: "bluestone-csirt"),
    ]

    public struct DemoSIG: Sendable {
        public let slug: String
        public let name: String
        public let charter: SpecialInterestGroup.Charter
        /// Chairs by e-mail address; the first proposed the SIG.
        public let chairs: [String]
        public let participants: [String]
        public var guests: [String] = []
    }

    public struct DemoSIGItem: Sendable {
        public let sig: String
        public let author: String
        public let title: String
        public let body: String
        public let tlp: TLPLabel
    }

    public struct DemoSIGDocument: Sendable {
        public let sig: String
        public let author: String
        public let title: String
        public let body: String
        public let tlp: TLPLabel
        public let published: Bool
    }

    public static let sigBoardLiaison = "board@renkei-demo.example"

    public static let sigs: [DemoSIG] = [
        DemoSIG(slug: "abuse-handling", name: "Abuse Handling", charter: .init(
            mission: "Help member teams pass abuse reports to the networks that can act on them. Share feeds, tooling and routing practice.",
            scope: "Inbound abuse reports, sensor feeds, notification batching, contact data for networks; not the handling of individual incidents.",
            deliverables: "A guide to abuse notification, a reference mapping of report formats, yearly feed statistics.",
            decisionMaking: "Rough consensus on the list; chairs elected by the participants for two years.", defaultLabel: .amber),
            chairs: ["wanjiru@renkei-demo.example"], participants: ["member@renkei-demo.example", "rep@renkei-demo.example"]),
        DemoSIG(slug: "artifact-analysis", name: "Artifact Analysis", charter: .init(
            mission: "Improve how member teams analyse malware and other artifacts. Share methods, samples and results under TLP.",
            scope: "Static and dynamic analysis, sandboxing, sample exchange, YARA rules.",
            deliverables: "An analysis methodology paper, a shared rule set, workshop material.",
            decisionMaking: "Rough consensus; chairs elected for two years.", defaultLabel: .amber),
            chairs: ["sigchair@renkei-demo.example"], participants: ["member@renkei-demo.example"]),
        DemoSIG(slug: "cvss", name: "CVSS", charter: .init(
            mission: "Keep the Common Vulnerability Scoring System useful to responders. Collect scoring questions and propose clarifications.",
            scope: "CVSS versions 3.1 and 4.0, scoring guidance, calculators.",
            deliverables: "Scoring guidance notes, test vectors, comments on new versions.",
            decisionMaking: "Consensus of the participants; the chairs call it. Chairs elected for two years.", defaultLabel: .green),
            chairs: ["jordan@renkei-demo.example", "rep@renkei-demo.example"], participants: []),
        DemoSIG(slug: "csirt-metrics", name: "CSIRT Metrics", charter: .init(
            mission: "Measure how incident response teams work and mature. Define metrics members can compare.",
            scope: "Response times, reachability, SIM3 maturity profiles, reporting.",
            deliverables: "A metrics catalogue, an annual anonymous benchmark.",
            decisionMaking: "Rough consensus; chairs elected for two years.", defaultLabel: .green),
            chairs: ["ana@renkei-demo.example"], participants: ["rep@renkei-demo.example"]),
        DemoSIG(slug: "vendor", name: "Vendor", charter: .init(
            mission: "Bring product security teams and responders together. Coordinate disclosure across vendors.",
            scope: "Multi-party coordinated vulnerability disclosure, PSIRT practice, advisories.",
            deliverables: "Disclosure guidelines, a contact list of vendor PSIRTs.",
            decisionMaking: "Rough consensus; chairs elected for two years.", defaultLabel: .amber, joining: .moderated),
            chairs: ["jordan@renkei-demo.example"], participants: []),
        DemoSIG(slug: "lecc", name: "Law Enforcement Cooperation", charter: .init(
            mission: "Build trust between incident responders and law enforcement. Agree how to exchange information lawfully.",
            scope: "Requests for assistance, evidence handling, takedowns; invited law-enforcement officers take part as guests.",
            deliverables: "A guide to working with law enforcement, a list of points of contact.",
            decisionMaking: "Consensus of the participants; the board appoints the chairs.", defaultLabel: .amberStrict, joining: .moderated,
            chairsAppointedByBoard: true),
            chairs: ["sigchair@renkei-demo.example"], participants: ["member@renkei-demo.example"], guests: [sigGuestEmail]),
        DemoSIG(slug: "network-monitoring", name: "Network Monitoring", charter: .init(
            mission: "Share how member teams watch their constituencies' networks. Compare sensors, feeds and detections.",
            scope: "Sensors, flow and DNS monitoring, scanning, honeypots, detection rules.",
            deliverables: "A sensor deployment guide, shared detection rules.",
            decisionMaking: "Rough consensus; chairs elected for two years.", defaultLabel: .amber),
            chairs: ["wanjiru@renkei-demo.example", "ana@renkei-demo.example"], participants: ["member@renkei-demo.example"]),
    ]

    /// Items in the SIGs at each label a SIG audience may carry (RED goes to named people only).
    public static let sigItems: [DemoSIGItem] = [
        DemoSIGItem(sig: "abuse-handling", author: "wanjiru@renkei-demo.example", title: "Feed field mapping for the open resolver report",
                    body: "The column `src_ip` maps to source.ip, `asn` to source.asn. Timestamps are UTC.", tlp: .clear),
        DemoSIGItem(sig: "abuse-handling", author: "member@renkei-demo.example", title: "Batching notices: what worked for us",
                    body: "Daily batches per network halved the complaints about noise.", tlp: .green),
        DemoSIGItem(sig: "abuse-handling", author: "rep@renkei-demo.example", title: "Botnet sinkhole hits in 198.18.7.0/24",
                    body: "Our sinkhole sees 198.18.7.12 and 198.18.7.40 calling home every 10 minutes.", tlp: .amber),
        DemoSIGItem(sig: "abuse-handling", author: "wanjiru@renkei-demo.example", title: "Reporter asking us to keep their name out",
                    body: "A reporter of the phishing kit asked us not to pass their address on.", tlp: .amberStrict),
        DemoSIGItem(sig: "lecc", author: "sigchair@renkei-demo.example", title: "Takedown request template",
                    body: "The template the Hoshizora police cyber unit accepts for takedown requests.", tlp: .green),
        DemoSIGItem(sig: "lecc", author: "member@renkei-demo.example", title: "Seized server images available to investigators",
                    body: "Images of the seized C2 servers can be shared with the investigating unit on request.", tlp: .amber),
        DemoSIGItem(sig: "lecc", author: "sigchair@renkei-demo.example", title: "Operation WINTERFERN: timing of the action",
                    body: "The coordinated action is planned for the first week of next month; do not disclose.", tlp: .amberStrict),
    ]

    /// Documents in the SIGs: published papers at CLEAR and GREEN, drafts at AMBER.
    public static let sigDocuments: [DemoSIGDocument] = [
        DemoSIGDocument(sig: "abuse-handling", author: "wanjiru@renkei-demo.example", title: "Abuse notification guide",
                        body: "# Abuse notification guide\n\nSend one notice per network and batch.\n\n- Say what was seen, when, and from where.\n- Give a way to answer.",
                        tlp: .clear, published: true),
        DemoSIGDocument(sig: "abuse-handling", author: "member@renkei-demo.example", title: "Feed statistics 2026",
                        body: "# Feed statistics 2026\n\nEvents per feed and month, as counted by the participants.", tlp: .green, published: true),
        DemoSIGDocument(sig: "abuse-handling", author: "rep@renkei-demo.example", title: "Contact data quality (draft)",
                        body: "# Contact data quality\n\nWhich networks bounce our notices, and why.", tlp: .amber, published: false),
        DemoSIGDocument(sig: "lecc", author: "sigchair@renkei-demo.example", title: "Working with law enforcement",
                        body: "# Working with law enforcement\n\nWhat to ask for, what to give, and under which legal basis.", tlp: .green, published: true),
        DemoSIGDocument(sig: "lecc", author: "sigchair@renkei-demo.example", title: "Points of contact (draft)",
                        body: "# Points of contact\n\nUnits that answer within a day.", tlp: .amberStrict, published: false),
    ]
}
