import Foundation

extension DemoNetwork {
    /// A demo event; days are counted from the moment the demo loads, times are the venue's.
    public struct DemoEvent: Sendable {
        public let slug: String
        public let title: String
        public let kind: Event.Kind
        public let summary: String
        /// Days from now to the first day (negative: past), and how many days it lasts.
        public let startsInDays: Int
        public let days: Int
        public let timeZone: String
        public let venue: String
        public let hostTeamSlug: String?
        public let sig: String?
        public let capacity: Int
        public let eligibility: Event.Eligibility
        public let fees: Event.Fees
        /// Days from now to the call's deadline, if there is a call.
        public let cfpInDays: Int?
        public let sessions: [DemoSession]
        /// Who registers (accounts by e-mail address), in this order.
        public let registrants: [String]
        /// Visitors without an account: name, address, organisation.
        public var visitors: [(String, String, String)] = []
    }

    public struct DemoSession: Sendable {
        public let title: String
        public let speakers: String
        public let abstract: String
        /// Day of the event (0-based), start hour and minute, length in minutes, in the venue's zone.
        public let day: Int, hour: Int, minute: Int, minutes: Int
        public let room: String
        public let audience: EventSession.Audience
        public let tlp: TLPLabel
        public let recordingAllowed: Bool
        /// The speaker's account: their proposal to the call, accepted, when the event has one; the slides' uploader.
        public var submittedBy: String?
    }

    public struct DemoSubmission: Sendable {
        public let event: String
        public let author: String
        public let title: String
        public let abstract: String
        public let speakers: String
        public let tlp: TLPLabel
    }

    static let conferenceFees = Event.Fees(member: "EUR 650", nonMember: "EUR 950", speaker: "free")

    public static let events: [DemoEvent] = [
        DemoEvent(slug: "annual-conference-last-year", title: "Annual Conference (last year)", kind: .conference,
                  summary: "Four days of talks, workshops and hallway conversations between incident responders from around the world.",
                  startsInDays: -330, days: 4, timeZone: "Europe/Lisbon", venue: "Centro de Congressos, Lisbon", hostTeamSlug: nil, sig: nil, capacity: 900,
                  eligibility: .anyone, fees: conferenceFees, cfpInDays: nil, sessions: [
                    DemoSession(title: "Opening keynote: twenty years of coordinated disclosure", speakers: "Bea Board (Wrenshire CSIRT)",
                                abstract: "What the community learned from two decades of disclosing vulnerabilities together.",
                                day: 0, hour: 9, minute: 0, minutes: 60, room: "Auditorium", audience: .open, tlp: .clear, recordingAllowed: true,
                                submittedBy: "board@renkei-demo.example"),
                    DemoSession(title: "Inside a ransomware negotiation", speakers: "Mo Member (Lindenfeld CSIRT)",
                                abstract: "A member team walks through a case, with the actor's infrastructure.",
                                day: 1, hour: 14, minute: 0, minutes: 45, room: "Room 2", audience: .members, tlp: .amber, recordingAllowed: false,
                                submittedBy: "member@renkei-demo.example"),
                  ], registrants: ["member@renkei-demo.example", "rep@renkei-demo.example", "board@renkei-demo.example"]),
        DemoEvent(slug: "annual-conference", title: "Annual Conference", kind: .conference,
                  summary: "The community's yearly meeting, open to anyone: talks, training and the annual general meeting. Members-only tracks run at TLP:AMBER.",
                  startsInDays: 120, days: 4, timeZone: "America/Toronto", venue: "Metro Convention Centre, Toronto", hostTeamSlug: nil, sig: nil, capacity: 900,
                  eligibility: .anyone, fees: conferenceFees, cfpInDays: 30, sessions: [
                    DemoSession(title: "Measuring a CSIRT's reach", speakers: "Ana Souza (Ipeara CSIRT)",
                                abstract: "Which of your constituents' networks can you reach within an hour, and how to find out.",
                                day: 0, hour: 10, minute: 30, minutes: 45, room: "Hall A", audience: .open, tlp: .clear, recordingAllowed: true,
                                submittedBy: "ana@renkei-demo.example"),
                    DemoSession(title: "A botnet takedown from the inside", speakers: "Wanjiru Kamau (Simbamara CSIRT)",
                                abstract: "Indicators, timelines and lessons from a joint operation; members only, not recorded.",
                                day: 1, hour: 14, minute: 0, minutes: 45, room: "Room 201", audience: .members, tlp: .amber, recordingAllowed: false,
                                submittedBy: "wanjiru@renkei-demo.example"),
                  ], registrants: ["member@renkei-demo.example", "ana@renkei-demo.example", "wanjiru@renkei-demo.example"],
                  visitors: [("Pat Visitor", "pat@visitor.example", "Example University")]),
        DemoEvent(slug: "tc-nairobi", title: "Technical Colloquium Nairobi", kind: .colloquium,
                  summary: "Two days of technical talks for member teams and their guests, hosted by Simbamara CSIRT. Each session says whether it is open to guests.",
                  startsInDays: 45, days: 2, timeZone: "Africa/Nairobi", venue: "Simbamara CSIRT, Westlands, Nairobi", hostTeamSlug: "simbamara-csirt", sig: nil,
                  capacity: 60, eligibility: .membersAndGuests, fees: Event.Fees(member: "free", nonMember: "free", speaker: "free"), cfpInDays: nil, sessions: [
                    DemoSession(title: "Mobile money fraud: the responder's view", speakers: "Wanjiru Kamau (Simbamara CSIRT)",
                                abstract: "Patterns seen across the region's payment networks.",
                                day: 0, hour: 9, minute: 30, minutes: 45, room: "Main room", audience: .open, tlp: .green, recordingAllowed: false),
                    DemoSession(title: "Sensor data sharing between national teams", speakers: "Chris Chair (Hoshizora CSIRT)",
                                abstract: "What two national teams share daily, and what they keep.",
                                day: 1, hour: 11, minute: 0, minutes: 60, room: "Main room", audience: .members, tlp: .amberStrict, recordingAllowed: false),
                  ], registrants: ["wanjiru@renkei-demo.example", "member@renkei-demo.example"]),
        DemoEvent(slug: "tc-singapore", title: "Technical Colloquium Singapore", kind: .colloquium,
                  summary: "One day of hands-on sessions hosted by Hoshizora CSIRT; seats are few and a waiting list is open.",
                  startsInDays: 75, days: 1, timeZone: "Asia/Singapore", venue: "Marina Bay, Singapore", hostTeamSlug: "hoshizora-csirt", sig: nil,
                  capacity: 5, eligibility: .membersAndGuests, fees: Event.Fees(member: "free", nonMember: "free", speaker: "free"), cfpInDays: nil, sessions: [
                    DemoSession(title: "Hands-on: triage of a phishing kit", speakers: "Chris Chair (Hoshizora CSIRT)",
                                abstract: "Bring a laptop; samples are provided on site.",
                                day: 0, hour: 9, minute: 0, minutes: 180, room: "Lab", audience: .open, tlp: .green, recordingAllowed: false),
                  ], registrants: ["sigchair@renkei-demo.example", "member@renkei-demo.example", "rep@renkei-demo.example", "board@renkei-demo.example",
                                   "ana@renkei-demo.example", "jordan@renkei-demo.example", "wanjiru@renkei-demo.example"]),
        DemoEvent(slug: "cvss-sig-meeting", title: "CVSS SIG meeting", kind: .sigMeeting,
                  summary: "Scoring questions collected since the last meeting; draft guidance on supplemental metrics.",
                  startsInDays: 20, days: 1, timeZone: "America/New_York", venue: "", hostTeamSlug: nil, sig: "cvss", capacity: 40,
                  eligibility: .anyone, fees: Event.Fees(), cfpInDays: nil, sessions: [
                    DemoSession(title: "Supplemental metrics: draft guidance", speakers: "Jordan Lee (Bluestone CSIRT)", abstract: "",
                                day: 0, hour: 11, minute: 0, minutes: 60, room: "Video call", audience: .sig, tlp: .green, recordingAllowed: false),
                  ], registrants: ["jordan@renkei-demo.example", "rep@renkei-demo.example"]),
    ]

    /// Proposals to this year's conference still waiting for the committee.
    public static let eventSubmissions: [DemoSubmission] = [
        DemoSubmission(event: "annual-conference", author: "member@renkei-demo.example", title: "Automating abuse report routing",
                       abstract: "How a small team routes thousands of abuse reports a day to the right networks without reading them.",
                       speakers: "Mo Member (Lindenfeld CSIRT)", tlp: .clear),
        DemoSubmission(event: "annual-conference", author: "jordan@renkei-demo.example", title: "Scoring the unscorable: CVSS 4.0 edge cases",
                       abstract: "Vectors the specification leaves open, and how the CVSS SIG proposes to read them.",
                       speakers: "Jordan Lee (Bluestone CSIRT)", tlp: .green),
    ]

    /// The programme committee of this year's conference.
    public static let conferenceCommittee = ["board@renkei-demo.example", "sigchair@renkei-demo.example"]
}
