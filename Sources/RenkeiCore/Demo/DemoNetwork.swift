import Foundation

/// A demo account printed at start when the demo network is loaded.
public struct DemoAccount: Sendable, Hashable {
    public let email: String
    public let password: String
    public let displayName: String
    public let roles: Set<Role>
    /// The team the account belongs to; nil for no team (the secretariat, an applicant, a guest).
    public let teamSlug: String?
    /// What the account is for when its roles do not say it (a SIG's guest).
    public let purpose: String?

    public init(email: String, password: String, displayName: String, roles: Set<Role>, teamSlug: String?, purpose: String? = nil) {
        self.email = email; self.password = password; self.displayName = displayName
        self.roles = roles; self.teamSlug = teamSlug; self.purpose = purpose
    }
}

/// A fictional network of teams for demonstrations and tests. Every name, address, phone number
/// and network in it is invented: addresses are made-up streets in real cities, phone numbers use
/// the real calling codes with invented digits, domains live under the reserved `.example` TLD
/// (national teams also claim their real ccTLD), IPv4 prefixes come from 198.18.0.0/15 and the
/// documentation ranges, IPv6 prefixes from 2001:db8::/32, AS numbers from the documentation and
/// private ranges. The output is deterministic: a seeded SplitMix64 per team supplies the variety.
public enum DemoNetwork {
    public static let notice = "Fictional demo network: every team, person, address and network in it is invented."

    /// About 200 teams in about 90 countries; the first is a European national team.
    public static func teams() -> [TeamRecord] { built }

    public static let accounts: [DemoAccount] = [
        DemoAccount(email: "secretariat@renkei-demo.example", password: "demo-secretariat-pass",
                    displayName: "Sam Secretariat", roles: [.member, .secretariat], teamSlug: nil),
        DemoAccount(email: "board@renkei-demo.example", password: "demo-board-pass",
                    displayName: "Bea Board", roles: [.member, .board], teamSlug: "wrenshire-csirt"),
        DemoAccount(email: "sigchair@renkei-demo.example", password: "demo-sigchair-pass",
                    displayName: "Chris Chair", roles: [.member, .sigChair], teamSlug: "hoshizora-csirt"),
        DemoAccount(email: "rep@renkei-demo.example", password: "demo-rep-pass",
                    displayName: "Rene Representative", roles: [.member, .teamRepresentative], teamSlug: "lindenfeld-csirt"),
        DemoAccount(email: "member@renkei-demo.example", password: "demo-member-pass",
                    displayName: "Mo Member", roles: [.member], teamSlug: "lindenfeld-csirt"),
        DemoAccount(email: "applicant@renkei-demo.example", password: "demo-applicant-pass",
                    displayName: "Ada Applicant", roles: [], teamSlug: nil),
        DemoAccount(email: DemoNetwork.sigGuestEmail, password: "demo-guest-pass",
                    displayName: "Gil Guest", roles: [], teamSlug: nil, purpose: "Guest of the Law Enforcement Cooperation SIG (no team)"),
    ]

    /// A demo announcement; the audience names teams by slug and people by e-mail address.
    public struct DemoAnnouncement: Sendable {
        public enum To: Sendable {
            case community, teams([String]), people([String])

            var namesPeople: Bool { if case .people = self { true } else { false } }

            var kind: String {
                switch self {
                case .community: "community"
                case .teams: "teams"
                case .people: "people"
                }
            }
        }
        public let author: String
        public let title: String
        public let body: String
        public let tags: [String]
        public let tlp: TLPLabel
        public let to: To
        public var request: RequestDetails? = nil
        /// An answer by another demo account, and whether it refers the request to Hoshizora-CSIRT.
        public var answer: (author: String, text: String, refersToHoshizora: Bool)? = nil
    }

    /// One announcement for every TLP label and audience kind (RED to named people only), so
    /// each demo account sees a different part of what is shared.
    public static let announcements: [DemoAnnouncement] = {
        let subjects = [
            ("Phishing wave against regional utilities", "phishing", "Lures impersonate meter-reading notices and link to hxxps://meter-update[.]example/login. Sending hosts seen: 192.0.2.45, 198.51.100.23."),
            ("Exploited VPN appliance flaw", "vulnerability", "CVE-2026-41001 is exploited in the wild; CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Patch or isolate the management interface."),
            ("Loader sample hashes from last week's incident", "malware", "SHA-256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, MD5 5d41402c7b9a33a5b3b6b6d6a4c0e4d1, C2 at 203.0.113.77."),
            ("Takedown contacts that answered within a day", "takedown", "Registrar abuse desks that acted on phishing domains within 24 hours this quarter, with the ticket references."),
        ]
        let audiences: [DemoAnnouncement.To] = [.community, .teams(["lindenfeld-csirt", "wrenshire-csirt"]), .people(["rep@renkei-demo.example", "board@renkei-demo.example"])]
        let authors = ["rep@renkei-demo.example", "member@renkei-demo.example", "board@renkei-demo.example", "secretariat@renkei-demo.example"]
        var result: [DemoAnnouncement] = []
        for tlp in TLPLabel.allCases {
            for to in audiences {
                if tlp == .red && !to.namesPeople { continue }
                let index = result.count
                let (title, tag, body) = subjects[index % subjects.count]
                result.append(DemoAnnouncement(author: authors[index % authors.count], title: "\(title) (\(tlp.text))", body: body,
                                               tags: [tag, "demo"], tlp: tlp, to: to))
            }
        }
        return result
    }()

    /// Every TLP label with every audience kind the demo can use (RED only to named people).
    static let labelsAndAudiences: [(TLPLabel, DemoAnnouncement.To)] = TLPLabel.allCases.flatMap { tlp in
        [DemoAnnouncement.To.community, .teams(["lindenfeld-csirt", "wrenshire-csirt"]), .people(["rep@renkei-demo.example", "board@renkei-demo.example"])]
            .filter { tlp != .red || $0.namesPeople }.map { (tlp, $0) }
    }

    /// Harmless demo "samples" (text, not malware), held by Lindenfeld, at every label and audience kind.
    public static let samples: [(name: String, content: [UInt8], tlp: TLPLabel, to: DemoAnnouncement.To)] = labelsAndAudiences.map { tlp, to in
        let name = "demo-\(tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-"))-\(to.kind).bin"
        return (name, Array("Renkei demo sample \(name) under \(tlp.text). This is text, not malware.\n".utf8), tlp, to)
    }

    /// Demo requests: for information, a point of contact (answered by the lookup) and a
    /// registered sample (which reaches its holders).
    public static func requests() -> [DemoAnnouncement] {
        let hash = Artifact.sha256Hex(samples[1].content)
        let answered = labelsAndAudiences.enumerated().map { index, pair in
            let (tlp, to) = pair
            return DemoAnnouncement(
                author: "board@renkei-demo.example", title: "Does anyone track the \(["Qakbot", "Lumma", "Pikabot", "Latrodectus"][index % 4]) infrastructure? (\(tlp.text), \(to.kind))",
                body: "We see beacons to 203.0.113.\(10 + index) from two customers and would like to compare notes.", tags: ["malware", "demo"], tlp: tlp, to: to,
                request: RequestDetails(kind: .information, urgency: index % 3 == 0 ? .high : .normal),
                answer: ("rep@renkei-demo.example", "We do; our notes are in the registry. Happy to compare.", tlp == .green && to.kind == "teams"))
        }
        return answered + [
            DemoAnnouncement(author: "member@renkei-demo.example", title: "Has anyone seen this phishing kit?", body: "Kit files named meter-update.zip; looking for the panel's source.",
                             tags: ["phishing"], tlp: .green, to: .community, request: RequestDetails(kind: .information, urgency: .normal)),
            DemoAnnouncement(author: "board@renkei-demo.example", title: "Who handles 192.0.2.45?", body: "Sending phishing to our constituency since this morning.",
                             tags: ["phishing"], tlp: .amber, to: .community, request: RequestDetails(kind: .pointOfContact, urgency: .high, subject: "192.0.2.45")),
            DemoAnnouncement(author: "secretariat@renkei-demo.example", title: "Looking for a copy of this sample", body: "For the AA-SIG training.",
                             tags: ["malware"], tlp: .green, to: .community, request: RequestDetails(kind: .sample, urgency: .low, subject: hash)),
        ]
    }

    /// The account that has applied for membership in the demo.
    public static let applicantEmail = "applicant@renkei-demo.example"

    /// An application waiting for its sponsor (Lindenfeld, whose representative is a demo
    /// account), so every step of the process can be tried with the demo accounts.
    public static let application = ApplicationDraft(
        team: TeamRecord(
            shortName: "Marrowby-CERT", officialName: "Marrowby Computer Emergency Response Team", countryCode: "DE",
            websites: ["https://cert.marrowby.example"], email: "cert@marrowby.example", host: "Marrowby Stadtwerke",
            phoneNumbers: ["+49 30 5555 0440"], constituencyName: "Utility",
            constituencyDescription: "The networks and customers of Marrowby Stadtwerke.",
            constituency: Constituency(domains: ["marrowby.example"]), languages: ["de", "en"], teamTypes: [.sector]),
        membershipType: .liaison, hostOrganisation: "Marrowby Stadtwerke",
        services: "Incident handling, vulnerability coordination and warnings for the utility's networks.",
        sim3: SIM3Assessment(ratings: Dictionary(uniqueKeysWithValues: SIM3.parameters.enumerated().map { index, parameter in
            (parameter.id, SIM3Assessment.Rating(level: SIM3.Level(rawValue: 1 + index % 3)!, comment: ""))
        })),
        confidentialNote: "The utility's parent company is being sold; the team's budget is safe until 2028.",
        sponsorSlugs: ["lindenfeld-csirt"])

    private static let built: [TeamRecord] = build()

    // MARK: - Data

    /// One line per country: code, invented word naming its national team (empty: none),
    /// cities with area codes (`name:area`, the first is the capital), streets (`#` is the house
    /// number), IANA time zone, calling code, languages, and the other teams as `;`-separated
    /// `K Short Name[ @ Host][ > country codes]`, where K is a `Kind` letter.
    private static let table: [Land] = [
        // Europe
        c("DE", "Lindenfeld", "Berlin:30|Munich:89|Bonn:228|Hamburg:40", "Lindenallee #|Am Kesselberg #|Fährstraße #", "Europe/Berlin", "+49", "de",
          "G Ostbrunn Government CSIRT @ Federal Office for Network Services; A Nordlicht University CSIRT; C Brückwerk Telecom CSIRT; V Kesselbach Devices PSIRT; F Talergilde Finance CSIRT @ Talergilde Banking Association; E Windmark Energy CSIRT; H Heilbrunn Health CSIRT @ Heilbrunn Hospital Network"),
        c("FR", "Clairval", "Paris:1|Lyon:4|Rennes:2", "# rue des Tilleuls|# avenue du Clos-Vert", "Europe/Paris", "+33", "fr",
          "G Marigny Government CSIRT @ Interministerial Digital Office; A Clairmont University CSIRT; C Valbrune Telecom CSIRT; V Orbelle Systems PSIRT; B Ecusson Bank CSIRT"),
        c("GB", "Wrenshire", "London:20|Manchester:161|Edinburgh:131", "# Kestrel Lane|# Harbour Row", "Europe/London", "+44", "en",
          "G Whitmoor Government CSIRT @ Cabinet Digital Service; A Wrenford University CSIRT; C Bramblegate Telecom CSIRT; B Copperleaf Bank CSIRT; V Quillion Software PSIRT; H Wrenshire Health CSIRT @ Wrenshire Health Service Trust"),
        c("NL", "Polderlicht", "Amsterdam:20|Utrecht:30|The Hague:70", "Tulpenkade #|Molenweg #", "Europe/Amsterdam", "+31", "nl",
          "A Dijkstad University CSIRT; C Zeewind Hosting CSIRT; B Gulden Bank CSIRT; V Lichtbaak Systems PSIRT"),
        c("BE", "Brabelle", "Brussels:2|Ghent:9", "Rue des Mésanges #|Beukenlaan #", "Europe/Brussels", "+32", "nl fr de",
          "R Meridian Europe CC @ Meridian European Coordination Office > AT BG CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK; A Beffroi University CSIRT"),
        c("LU", "Moselbourg", "Luxembourg:", "Rue des Vignes #", "Europe/Luxembourg", "+352", "lb fr de",
          "F Moselbourg Finance CSIRT @ Moselbourg Financial Centre Association"),
        c("AT", "Alpenrose", "Vienna:1|Graz:316", "Edelweißgasse #", "Europe/Vienna", "+43", "de", "A Donaustein University CSIRT"),
        c("CH", "Gletschberg", "Bern:31|Zurich:44|Geneva:22|Lausanne:21", "Seeweg #|Chemin des Alpes #", "Europe/Zurich", "+41", "de fr it",
          "B Alpkreuz Bank CSIRT; V Uhrwerk Systems PSIRT; G Gletschberg Government CSIRT @ Federal Office of Digital Services"),
        c("IT", "Serenova", "Rome:06|Milan:02|Turin:011|Bologna:051", "Via dei Gelsomini #|Viale delle Acacie #", "Europe/Rome", "+39", "it",
          "A Ateneo Fontebella CSIRT; B Banca Serafina CSIRT; E Lucevia Energia CSIRT"),
        c("ES", "Castaluz", "Madrid:91|Barcelona:93|Valencia:96|Seville:95", "Calle de los Almendros #|Avenida del Olivar #", "Europe/Madrid", "+34", "es",
          "A Universidad de Solmar CSIRT; B Banco Veleta CSIRT; C Telesierra CSIRT"),
        c("PT", "Lusamar", "Lisbon:21|Porto:22", "Rua das Gaivotas #", "Europe/Lisbon", "+351", "pt", "A Universidade Atlântida CSIRT"),
        c("IE", "Glenmara", "Dublin:1|Cork:21", "# Rowan Quay", "Europe/Dublin", "+353", "en ga", "V Cloverline Software PSIRT"),
        c("DK", "Havbro", "Copenhagen:|Aarhus:", "Mågevej #", "Europe/Copenhagen", "+45", "da", "E Vindkyst Energy CSIRT"),
        c("SE", "Norrsken", "Stockholm:8|Gothenburg:31|Uppsala:18", "Björkvägen #", "Europe/Stockholm", "+46", "sv",
          "V Fjällmark Systems PSIRT; A Älvdal University CSIRT"),
        c("NO", "Fjordvik", "Oslo:|Bergen:", "Granveien #", "Europe/Oslo", "+47", "no", "E Isbreen Energy CSIRT"),
        c("FI", "Revontuli", "Helsinki:9|Espoo:9", "Koivukatu #", "Europe/Helsinki", "+358", "fi sv", "V Lumikko Devices PSIRT"),
        c("IS", "Hraunvik", "Reykjavik:", "Hraunbrún #", "Atlantic/Reykjavik", "+354", "is"),
        c("EE", "Virmalised", "Tallinn:", "Kuuse tn #", "Europe/Tallinn", "+372", "et", "G Kaseke Government CSIRT"),
        c("LV", "Dzintara", "Riga:", "Liepu iela #", "Europe/Riga", "+371", "lv"),
        c("LT", "Gintaras", "Vilnius:5|Kaunas:37", "Ąžuolų g. #", "Europe/Vilnius", "+370", "lt", "A Nemuna University CSIRT"),
        c("PL", "Wislana", "Warsaw:22|Kraków:12|Gdańsk:58|Wrocław:71", "ul. Jarzębinowa #", "Europe/Warsaw", "+48", "pl",
          "A Jarzebina University CSIRT; C Bursztyn Telecom CSIRT; B Bank Zorza CSIRT"),
        c("CZ", "Vltavin", "Prague:2|Brno:5", "Lipová #", "Europe/Prague", "+420", "cs", "V Hradek Software PSIRT"),
        c("SK", "Tatransko", "Bratislava:2", "Javorová #", "Europe/Bratislava", "+421", "sk"),
        c("HU", "Dunafeny", "Budapest:1|Szeged:62", "Hársfa utca #", "Europe/Budapest", "+36", "hu", "A Tisza Valley University CSIRT"),
        c("SI", "Triglavka", "Ljubljana:1", "Lipova ulica #", "Europe/Ljubljana", "+386", "sl"),
        c("HR", "Jadranka", "Zagreb:1|Split:21", "Ulica lipa #", "Europe/Zagreb", "+385", "hr", "C Dalmar Telecom CSIRT"),
        c("RO", "Carpatia", "Bucharest:21|Cluj-Napoca:264", "Strada Teilor #", "Europe/Bucharest", "+40", "ro", "G Teiul Government CSIRT"),
        c("BG", "Rilaven", "Sofia:2", "ul. Lipa #", "Europe/Sofia", "+359", "bg"),
        c("GR", "Aigaleia", "Athens:21|Thessaloniki:231", "Odos Elias #", "Europe/Athens", "+30", "el", "A Kalliste University CSIRT"),
        c("MT", "Melitara", "Valletta:", "Triq il-Ħarruba #", "Europe/Malta", "+356", "mt"),
        c("RS", "Moravka", "Belgrade:11", "Lipova #", "Europe/Belgrade", "+381", "sr"),
        c("UA", "Soniashnyk", "Kyiv:44|Lviv:32", "vul. Lypova #", "Europe/Kyiv", "+380", "uk", "C Stepova Telecom CSIRT"),
        c("MD", "", "Chișinău:22", "Strada Salcâmilor #", "Europe/Chisinau", "+373", "ro", "A Nistru University CSIRT"),
        c("AL", "Ujevara", "Tirana:4", "Rruga e Ullinjve #", "Europe/Tirane", "+355", "sq"),
        c("MK", "Vardarka", "Skopje:2", "ul. Lipa #", "Europe/Skopje", "+389", "mk"),
        // Americas
        c("US", "Bluestone", "Washington:202|New York:212|Boston:617|Atlanta:404|Pittsburgh:412", "# Maple Avenue|# Harbor Street|# Willow Lane", "America/New_York", "+1", "en",
          "G Potomac Federal CSIRT @ Federal Digital Service; A Eastbrook University CSIRT; A Cedar Ridge College CSIRT; A Halvorsen Institute CSIRT; C Redwood Cloud CSIRT; C Ironbridge Telecom CSIRT; V Quartzline Systems PSIRT; V Silverpine Software PSIRT; B Fictional Bank Group CSIRT; F Harborview Finance ISAC @ Harborview Financial Services Council; E Granite Grid Energy CSIRT; H Lakeshore Health CSIRT @ Lakeshore Hospital Alliance"),
        c("CA", "Mapleview", "Ottawa:613|Toronto:416|Montréal:514", "# Spruce Street|# rue des Érables", "America/Toronto", "+1", "en fr",
          "G Tamarack Government CSIRT; A Laurentia University CSIRT; C Northlight Telecom CSIRT; B Caribou Trust CSIRT"),
        c("MX", "Nopalia", "Mexico City:55|Guadalajara:33", "Calle de los Fresnos #", "America/Mexico_City", "+52", "es", "A Tlalli University CSIRT"),
        c("BR", "Ipeara", "Brasília:61|São Paulo:11|Rio de Janeiro:21|Curitiba:41", "Rua das Palmeiras #", "America/Sao_Paulo", "+55", "pt",
          "A Universidade Jaçanã CSIRT; B Banco Sabiá CSIRT; C Araucária Telecom CSIRT"),
        c("AR", "Pampeana", "Buenos Aires:11|Córdoba:351", "Calle Los Ceibos #", "America/Argentina/Buenos_Aires", "+54", "es", "A Universidad Ombú CSIRT"),
        c("CL", "Andesur", "Santiago:2", "Avenida Los Aromos #", "America/Santiago", "+56", "es"),
        c("CO", "Cafetal", "Bogotá:601|Medellín:604", "Calle de los Guayacanes #", "America/Bogota", "+57", "es", "B Banco Cóndor CSIRT"),
        c("PE", "Inkaluz", "Lima:1", "Jirón Las Retamas #", "America/Lima", "+51", "es qu"),
        c("UY", "Riomar", "Montevideo:2", "Calle Los Jacarandás #", "America/Montevideo", "+598", "es",
          "R Meridian LatAm CC @ Meridian Latin American Coordination Office > AR BR CL CO CR DO EC JM MX PA PE PY TT"),
        c("CR", "Quetzalia", "San José:", "Avenida Las Guarias #", "America/Costa_Rica", "+506", "es"),
        c("PA", "Istmara", "Panama City:", "Calle Los Almendros #", "America/Panama", "+507", "es"),
        c("JM", "Doctorbird", "Kingston:876", "# Mango Walk", "America/Jamaica", "+1", "en"),
        c("TT", "Chaconia", "Port of Spain:868", "# Hibiscus Drive", "America/Port_of_Spain", "+1", "en"),
        c("EC", "Chimbora", "Quito:2", "Calle Los Capulíes #", "America/Guayaquil", "+593", "es"),
        c("PY", "Guarania", "Asunción:21", "Calle Lapacho #", "America/Asuncion", "+595", "es gn"),
        c("DO", "Quisqueyana", "Santo Domingo:809", "Calle Las Caobas #", "America/Santo_Domingo", "+1", "es"),
        // Asia
        c("JP", "Hoshizora", "Tokyo:3|Osaka:6|Fukuoka:92", "4-2-# Kaede-dori|1-8-# Sakura-machi", "Asia/Tokyo", "+81", "ja",
          "A Tsukikage University CSIRT; C Kazamidori Telecom CSIRT; V Hinotori Electronics PSIRT; B Kinmokusei Bank CSIRT; G Kasumi Government CSIRT"),
        c("KR", "Haneul", "Seoul:2|Busan:51", "# Namu-ro", "Asia/Seoul", "+82", "ko", "V Saebyeok Electronics PSIRT; A Dalbit University CSIRT"),
        c("CN", "Yunshan", "Beijing:10", "# Yinxing Lu", "Asia/Shanghai", "+86", "zh"),
        c("TW", "Tailuna", "Taipei:2|Hsinchu:3", "# Mugua Road", "Asia/Taipei", "+886", "zh", "V Jadepeak Semiconductor PSIRT"),
        c("HK", "Harbourlight", "Hong Kong:", "# Kapok Street", "Asia/Hong_Kong", "+852", "zh en"),
        c("SG", "Lionbay", "Singapore:", "# Tembusu Road|# Angsana Avenue", "Asia/Singapore", "+65", "en ms zh ta",
          "R Meridian APAC CC @ Meridian Asia-Pacific Coordination Office > AU BD CN FJ HK ID IN JP KR LK MN MY NP NZ PG PH PK TH TO TW VN WS; C Straitline Cloud CSIRT"),
        c("MY", "Harimau", "Kuala Lumpur:3", "Jalan Cempaka #", "Asia/Kuala_Lumpur", "+60", "ms"),
        c("TH", "Dokkhun", "Bangkok:2", "# Soi Champa", "Asia/Bangkok", "+66", "th"),
        c("ID", "Nusantera", "Jakarta:21", "Jalan Melati #", "Asia/Jakarta", "+62", "id"),
        c("PH", "Sampaguita", "Manila:2", "# Narra Street", "Asia/Manila", "+63", "tl en"),
        c("VN", "Senvang", "Hanoi:24", "# Pho Hoa Sen", "Asia/Ho_Chi_Minh", "+84", "vi"),
        c("IN", "Vasundhara", "New Delhi:11|Bengaluru:80|Mumbai:22", "# Gulmohar Marg", "Asia/Kolkata", "+91", "hi",
          "A Vidyavan University CSIRT; C Monsoon Cloud CSIRT; V Mayura Systems PSIRT"),
        c("LK", "Ceylara", "Colombo:11", "# Araliya Mawatha", "Asia/Colombo", "+94", "si ta"),
        c("BD", "Padmaghat", "Dhaka:2", "# Shapla Road", "Asia/Dhaka", "+880", "bn"),
        c("PK", "Indusvale", "Islamabad:51", "# Chinar Road", "Asia/Karachi", "+92", "ur"),
        c("NP", "Himsagar", "Kathmandu:1", "# Lali Gurans Marg", "Asia/Kathmandu", "+977", "ne"),
        c("AE", "Ghafara", "Abu Dhabi:2|Dubai:4", "# Ghaf Street", "Asia/Dubai", "+971", "ar", "B Dhowline Bank CSIRT"),
        c("SA", "Nakhlah", "Riyadh:11", "# Sidr Street", "Asia/Riyadh", "+966", "ar", "E Rimal Energy CSIRT"),
        c("QA", "Dohara", "Doha:", "# Lulu Street", "Asia/Qatar", "+974", "ar"),
        c("IL", "Tamarisk", "Tel Aviv:3|Jerusalem:2", "# Rehov HaTe'ena", "Asia/Jerusalem", "+972", "he ar", "V Carmelon Security PSIRT"),
        c("JO", "Petrava", "Amman:6", "# Zaitoun Street", "Asia/Amman", "+962", "ar"),
        c("TR", "Kardelen", "Ankara:312|Istanbul:212", "Ihlamur Sokak No. #", "Europe/Istanbul", "+90", "tr", "A Meltem University CSIRT"),
        c("CY", "Kypraia", "Nicosia:22", "# Lemonias Street", "Asia/Nicosia", "+357", "el tr"),
        c("KZ", "Steppora", "Astana:7172", "# Zhusan Street", "Asia/Almaty", "+7", "kk ru"),
        c("UZ", "Samarqala", "Tashkent:71", "# Chinor Street", "Asia/Tashkent", "+998", "uz ru"),
        c("MN", "Tengerin", "Ulaanbaatar:11", "# Ger Street", "Asia/Ulaanbaatar", "+976", "mn"),
        c("GE", "", "Tbilisi:32", "# Vazi Street", "Asia/Tbilisi", "+995", "ka", "A Mtvarisi University CSIRT"),
        // Oceania
        c("AU", "Wattlebay", "Canberra:2|Sydney:2|Melbourne:3|Brisbane:7", "# Banksia Street|# Wattle Grove", "Australia/Sydney", "+61", "en",
          "G Mulga Government CSIRT; A Coolabah University CSIRT; C Kookaburra Cloud CSIRT; B Jacaranda Bank CSIRT"),
        c("NZ", "Kowhaiwai", "Wellington:4|Auckland:9", "# Pohutukawa Terrace", "Pacific/Auckland", "+64", "en mi", "A Kereru University CSIRT"),
        c("FJ", "Tagimou", "Suva:", "# Dilo Street", "Pacific/Fiji", "+679", "en fj"),
        c("PG", "Kumulpa", "Port Moresby:", "# Kunai Street", "Pacific/Port_Moresby", "+675", "en"),
        c("WS", "Manusina", "Apia:", "# Niu Road", "Pacific/Apia", "+685", "sm en"),
        c("TO", "Heilava", "Nuku'alofa:", "# Tapa Road", "Pacific/Tongatapu", "+676", "to en"),
        // Africa
        c("ZA", "Proteaveld", "Pretoria:12|Johannesburg:11|Cape Town:21", "# Marula Street", "Africa/Johannesburg", "+27", "en af zu",
          "A Karoo Ridge University CSIRT; B Baobab Trust Bank CSIRT"),
        c("NG", "Okoumara", "Abuja:9|Lagos:1", "# Iroko Crescent", "Africa/Lagos", "+234", "en ha yo ig", "B Kolanut Bank CSIRT"),
        c("KE", "Simbamara", "Nairobi:20", "# Mugumo Road", "Africa/Nairobi", "+254", "sw en", "C Savanna Mobile CSIRT"),
        c("EG", "Nilora", "Cairo:2", "# Lotus Street", "Africa/Cairo", "+20", "ar"),
        c("MA", "Argania", "Rabat:537", "# Rue des Orangers", "Africa/Casablanca", "+212", "ar fr"),
        c("TN", "Carthaia", "Tunis:71", "# Rue du Jasmin", "Africa/Tunis", "+216", "ar fr"),
        c("GH", "Kentewa", "Accra:30", "# Akee Close", "Africa/Accra", "+233", "en"),
        c("SN", "Baobalia", "Dakar:33", "# Rue des Filaos", "Africa/Dakar", "+221", "fr wo"),
        c("RW", "Kivura", "Kigali:", "# Umuko Avenue", "Africa/Kigali", "+250", "rw en fr"),
        c("MU", "Dodoria", "Port Louis:", "# Rue des Flamboyants", "Indian/Mauritius", "+230", "en fr",
          "R Meridian Africa CC @ Meridian African Coordination Office > EG GH KE MA NG RW SN TN ZA"),
    ]

    /// Countries whose working week runs Sunday to Thursday.
    private static let sundayToThursday: Set<String> = ["EG", "IL", "JO", "QA", "SA"]

    /// The three documentation /24s, each given to one team (the lookup examples use 203.0.113.7).
    private static let documentationPrefixes: [String: UInt32] = [
        "hoshizora-csirt": 0xCB00_7100,            // 203.0.113.0/24
        "nordlicht-university-csirt": 0xC000_0200, // 192.0.2.0/24
        "bruckwerk-telecom-csirt": 0xC633_6400,    // 198.51.100.0/24
    ]

    /// What the last word of a short name stands for in the official name.
    private static let expansions: [String: String] = [
        "CSIRT": "Computer Security Incident Response Team", "PSIRT": "Product Security Incident Response Team",
        "ISAC": "Information Sharing and Analysis Centre", "CC": "Coordination Centre",
    ]

    // MARK: - Builder

    private enum Kind: Character {
        case national = "N", government = "G", academic = "A", commercial = "C", vendor = "V", bank = "B"
        case finance = "F", energy = "E", health = "H", coordinator = "R"

        var constituencyName: String {
            switch self {
            case .national: "National"
            case .government: "Government"
            case .academic: "Academic"
            case .commercial: "Customers"
            case .vendor: "Products"
            case .bank: "Group companies"
            case .finance: "Financial sector"
            case .energy: "Energy sector"
            case .health: "Health sector"
            case .coordinator: "Regional"
            }
        }

        var constituencyCode: String {
            switch self {
            case .government: "GOV"
            case .academic: "EDU"
            case .finance: "FIN"
            case .energy: "ENERGY"
            case .health: "HEALTH"
            case .coordinator: "REGION"
            case .national, .commercial, .vendor, .bank: ""
            }
        }

        var teamTypes: [TeamType] {
            switch self {
            case .national: [.national]
            case .government: [.government]
            case .academic: [.academic]
            case .commercial, .bank: [.commercial]
            case .vendor: [.vendor]
            case .finance, .energy, .health: [.sector]
            case .coordinator: [.regionalCoordinator]
            }
        }

        var mailbox: String {
            switch self {
            case .national: "incident"
            case .vendor: "psirt"
            case .coordinator: "coordination"
            case .government, .academic, .commercial, .bank, .finance, .energy, .health: "csirt"
            }
        }

        func describe(host: String, country: String) -> String {
            switch self {
            case .national: "Networks, operators and citizens in \(country) that no more specific team serves."
            case .government: "Ministries, agencies and other public bodies of the central government of \(country)."
            case .academic: "Students, staff and campus networks of \(host)."
            case .commercial: "Customers of the network, hosting and managed security services of \(host)."
            case .vendor: "Security vulnerabilities in the products and online services of \(host)."
            case .bank: "Employees, systems and networks of \(host) and its subsidiaries."
            case .finance: "Banks, insurers and payment providers in \(country)."
            case .energy: "Electricity, gas and water operators in \(country)."
            case .health: "Hospitals, clinics and health insurers in \(country)."
            case .coordinator: "Coordination among the national teams of the countries listed, with \(host) as the contact point."
            }
        }
    }

    private struct Spec: Sendable {
        let kind: Kind
        let shortName: String
        let host: String?
        let countries: [String]
    }

    private struct City: Sendable {
        let name: String
        let area: String
    }

    private struct Land: Sendable {
        let code: String
        let word: String
        let cities: [City]
        let streets: [String]
        let zone: String
        let dial: String
        let languages: [String]
        let extras: [Spec]
    }

    private static func c(_ code: String, _ word: String, _ cities: String, _ streets: String, _ zone: String,
                          _ dial: String, _ languages: String, _ extras: String = "") -> Land {
        func trimmed(_ text: some StringProtocol) -> String { text.trimmingCharacters(in: .whitespaces) }
        let specs = extras.split(separator: ";").compactMap { entry -> Spec? in
            let entry = trimmed(entry)
            guard let letter = entry.first, let kind = Kind(rawValue: letter) else { return nil }
            let countryParts = entry.dropFirst().split(separator: ">", maxSplits: 1)
            let nameParts = countryParts[0].split(separator: "@", maxSplits: 1)
            return Spec(kind: kind, shortName: trimmed(nameParts[0]), host: nameParts.count > 1 ? trimmed(nameParts[1]) : nil,
                        countries: countryParts.count > 1 ? countryParts[1].split(separator: " ").map(String.init) : [])
        }
        return Land(
            code: code, word: word,
            cities: cities.split(separator: "|").map { entry in
                let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                return City(name: String(parts[0]), area: parts.count > 1 ? String(parts[1]) : "")
            },
            streets: streets.split(separator: "|").map(String.init), zone: zone, dial: dial,
            languages: languages.split(separator: " ").map(String.init), extras: specs)
    }

    /// Allocation state shared by all teams, so that no two teams get the same numbers.
    private struct Allocator {
        /// Next free /24 inside 198.18.0.0/15 (0 ..< 512).
        var next24 = 0
        var nextASN = 0

        mutating func ipv4(length: Int) -> IPPrefix? {
            let size = length == 23 ? 2 : 1
            let start = (next24 + size - 1) / size * size
            guard start + size <= 512 else { return nil }
            next24 = start + size
            return IPPrefix(network: .v4(0xC612_0000 + UInt32(start) << 8), length: length)
        }

        mutating func asn() -> ASN {
            defer { nextASN += 1 }
            let documentation = Array(UInt32(64496)...64511) + Array(UInt32(65536)...65551)
            return nextASN < documentation.count
                ? ASN(documentation[nextASN]) : ASN(4_200_000_000 + UInt32(nextASN - documentation.count))
        }
    }

    private static func build() -> [TeamRecord] {
        var records: [TeamRecord] = []
        var allocator = Allocator()
        for land in table {
            let national = land.word.isEmpty
                ? [] : [Spec(kind: .national, shortName: "\(land.word)-CSIRT", host: nil, countries: [])]
            for (position, spec) in (national + land.extras).enumerated() {
                records.append(record(spec, land: land, position: position, index: records.count, allocator: &allocator))
            }
        }
        // The network began in 1990: its oldest member is a founding member.
        if let first = records.indices.filter({ records[$0].memberType != nil }).min(by: { records[$0].memberSince < records[$1].memberSince }) {
            records[first].memberSince = "1990" + records[first].memberSince.dropFirst(4)
            if records[first].establishment > records[first].memberSince { records[first].establishment = "1989" + records[first].establishment.dropFirst(4) }
        }
        return records
    }

    private static func record(_ spec: Spec, land: Land, position: Int, index: Int, allocator: inout Allocator) -> TeamRecord {
        let slug = TeamRecord.slug(from: spec.shortName)
        var rng = SplitMix64(text: slug)
        let kind = spec.kind
        let country = Country.named(land.code)?.name ?? land.code
        let countryInText = (["AE", "DO", "GB", "NL", "PH", "US"].contains(land.code) ? "the " : "") + country
        let words = spec.shortName.split(separator: " ").map(String.init)
        let stem = kind == .national ? land.word : words.dropLast().joined(separator: " ")
        let domain = TeamRecord.slug(from: stem).replacingOccurrences(of: "university", with: "uni") + ".example"

        let host: String
        let officialName: String
        if kind == .national {
            host = rng.pick(["\(land.word) National Cyber Security Centre", "\(land.word) Agency for Digital Security",
                             "\(land.word) Network Information Centre", "Ministry of Digital Affairs of \(land.word)"])
            officialName = "\(land.word) National Computer Security Incident Response Team"
        } else {
            host = spec.host ?? stem
            officialName = "\(stem) \(expansions[words.last ?? ""] ?? words.last ?? "")"
        }

        let city = land.cities[position % land.cities.count]
        let street = land.streets[position % land.streets.count].replacingOccurrences(of: "#", with: String(rng.int(1...40)))
        func phone(_ number: Int) -> String {
            let local = land.dial == "+1" ? "555 01\(number)" : "5555 01\(number)"
            return [land.dial, city.area, local].filter { !$0.isEmpty }.joined(separator: " ")
        }
        let main = rng.int(10...79)
        let phones = [phone(main)] + (rng.chance(30) ? [phone(main + 1)] : [])
        let emergency = rng.chance(85)
            ? "\(phone(rng.int(80...99))) " + rng.pick(["(24/7 duty officer)", "(24/7 duty officer)", "(on-call incident handler, around the clock)"])
            : ""

        let founded = kind == .national ? rng.int(1995...2016) : kind == .coordinator ? rng.int(2004...2016) : rng.int(1990...2021)
        let joined = rng.int((founded + 1)...min(2025, founded + 12))

        var teamTypes = kind.teamTypes
        if kind == .national && rng.chance(30) { teamTypes.append(.government) }
        let memberType: MemberType
        switch (kind == .national || kind == .coordinator) ? 0 : rng.int(0...99) {
        case 0..<84: memberType = .fullMember
        case 84..<93: memberType = .liaison
        default: memberType = .associate
        }

        var fields = TeamField.publicByDefault
        if index > 0 {
            switch rng.int(0...99) {
            case 0..<6: fields.remove(.phoneNumbers)
            case 6..<10: fields.remove(.email)
            case 10..<20: fields.insert(.postalAddress)
            case 20..<24: fields.insert(.emergencyContact)
            default: break
            }
        }

        let website: String
        switch kind {
        case .national, .finance, .energy, .health, .coordinator: website = "https://www.\(domain)"
        case .vendor: website = "https://\(domain)/security"
        case .government, .academic, .commercial, .bank: website = "https://csirt.\(domain)"
        }
        let internalEmails = rng.chance(50) ? ["\(rng.pick(["duty", "members-only", "ir-internal"]))@\(domain)"] : []

        return TeamRecord(
            slug: slug, shortName: spec.shortName, officialName: officialName,
            postalAddress: "\(street), \(city.name), \(country)",
            countryCode: land.code, additionalCountryCodes: spec.countries.filter { $0 != land.code }.sorted(),
            websites: [website], email: "\(kind.mailbox)@\(domain)", internalEmails: internalEmails, host: host,
            establishment: day(founded, &rng), phoneNumbers: phones, emergencyContact: emergency,
            operatingHours: hours(kind, land: land, rng: &rng),
            constituencyName: kind.constituencyName, constituencyCode: kind.constituencyCode,
            constituencyDescription: kind.describe(host: host, country: countryInText),
            constituency: constituency(spec, land: land, slug: slug, domain: domain, index: index, rng: &rng, allocator: &allocator),
            languages: land.languages + (land.languages.contains("en") ? [] : ["en"]),
            teamTypes: teamTypes, memberType: memberType, memberSince: day(joined, &rng), pgpKeys: [],
            publicFields: fields)
    }

    private static func constituency(_ spec: Spec, land: Land, slug: String, domain: String, index: Int,
                                     rng: inout SplitMix64, allocator: inout Allocator) -> Constituency {
        var lengths: [Int]
        switch spec.kind {
        case .national: lengths = [23] + (rng.chance(40) ? [24] : [])
        case .vendor: lengths = []
        case .coordinator: lengths = [24]
        default: lengths = rng.chance(12) ? [] : [rng.chance(20) ? 23 : 24] + (rng.chance(15) ? [24] : [])
        }
        var prefixes = lengths.compactMap { allocator.ipv4(length: $0) }
        if let network = documentationPrefixes[slug] { prefixes.append(IPPrefix(network: .v4(network), length: 24)) }
        prefixes.append(IPPrefix(network: .v6(high: 0x2001_0DB8_0000_0000 | UInt64(index + 1) << 16, low: 0), length: 48))

        let asnCount: Int
        switch spec.kind {
        case .national: asnCount = rng.int(1...2)
        case .vendor: asnCount = rng.int(0...1)
        case .coordinator: asnCount = 1
        default: asnCount = rng.chance(88) ? 1 : 0
        }
        let asns = (0..<asnCount).map { _ in allocator.asn() }

        var domains = [domain]
        var countries = spec.countries
        if spec.kind == .national {
            domains.append(land.code == "GB" ? "uk" : land.code.lowercased())
            countries = [land.code]
        } else if spec.kind == .coordinator {
            countries = ([land.code] + spec.countries).sorted()
        }
        return Constituency(countries: countries, asns: asns.sorted().map(\.description),
                            prefixes: prefixes.sorted().map(\.description), domains: domains.sorted())
    }

    private static func hours(_ kind: Kind, land: Land, rng: inout SplitMix64) -> OperatingHours {
        var hours = OperatingHours(timeZone: land.zone)
        let roundTheClockChance = kind == .national || kind == .commercial ? 40 : kind == .vendor ? 10 : 12
        if rng.chance(roundTheClockChance) {
            for day in OperatingHours.weekdays { hours[keyPath: day.path] = ["00:00-24:00"] }
            hours.note = rng.pick(["", "Duty officer reachable around the clock."])
            return hours
        }
        let sundayFirst = sundayToThursday.contains(land.code)
        let workdays: Set<String> = sundayFirst ? ["sun", "mon", "tue", "wed", "thu"] : ["mon", "tue", "wed", "thu", "fri"]
        let open = rng.pick(["08:00", "08:30", "09:00"])
        let close = rng.pick(["16:30", "17:00", "17:30", "18:00"])
        let intervals = rng.chance(20) ? ["\(open)-12:30", "13:30-\(close)"] : ["\(open)-\(close)"]
        for day in OperatingHours.weekdays where workdays.contains(day.key) { hours[keyPath: day.path] = intervals }
        if !sundayFirst && rng.chance(20) { hours.fri = ["\(open)-15:00"] }
        hours.note = rng.pick(["Closed on public holidays.", "Closed on public holidays; emergencies via the duty phone.",
                               "Outside these hours, call the emergency number.", ""])
        return hours
    }

    /// A date `YYYY-MM-DD` in `year`.
    private static func day(_ year: Int, _ rng: inout SplitMix64) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(rng.int(1...12)))-\(two(rng.int(1...28)))"
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014), seeded from a string with FNV-1a so each team's
/// values stay the same when teams are added or removed elsewhere in the table.
/// A small deterministic generator (SplitMix64), for data that must come out the same each run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    init(text: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// True with the given probability in percent.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }
}
