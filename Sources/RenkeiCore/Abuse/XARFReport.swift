import Foundation

/// X-ARF, the eXtended Abuse Reporting Format, in both of its JSON layouts, read into
/// `AbuseFields` so that `AbuseFields.event` decides what an event is, as for every format:
/// - abusix's X-ARF (schema versions 1 to 3; github.com/abusix/xarf,
///   `schemas/3/xarf_shared.schema.json`): a `Report` object with `ReportClass`, `ReportType`,
///   `Date`, `SourceIp`, `SourcePort`, `SourceUrl` and `ASN`;
/// - XARF v4 (github.com/xarf/xarf-spec, `schemas/v4/xarf-core.json`): flat, with `xarf_version`,
///   `category`, `type`, `timestamp`, `source_identifier` (an address or a host name),
///   `source_port`, and by category `url`, `infringing_url`, `domain` and `asn`.
/// A file holds one report, pretty-printed over many lines or not, or many: one a line, one after
/// another, or in a JSON array. A report's raw text is its JSON as written.
enum XARFReport {
    /// A report's JSON, evidence samples included, is at most this long: a longer one is a wrong
    /// file, not a report to buffer.
    static let longestReport = 16 << 20

    /// A whole file at once (a mail's JSON part, tests); `AbuseReportReader` reads one block at a time.
    static func parse(_ bytes: [UInt8], feed: String, file: String, notAfter: Int64 = AbuseTime.plausible.upperBound) throws(GenericCSVReport.FileError) -> GenericCSVReport.Result {
        var reader = AbuseReportReader(format: .xarf, feed: feed, file: file)
        reader.notAfter = notAfter
        let events = try reader.read(bytes, final: true)
        return GenericCSVReport.Result(events: events, errors: reader.errors)
    }

    /// One report found in a file: its fields, or why it is none, and the line it starts on.
    struct Report {
        var line: Int
        var raw: String
        var fields: Result<AbuseFields, AbuseFields.Refusal>

        init(line: Int, refused reason: String) {
            self.line = line
            raw = ""
            fields = .failure(AbuseFields.Refusal(reason: reason))
        }

        init(line: Int, json: [UInt8]) {
            self.line = line
            raw = String(decoding: json, as: UTF8.self)
            do { fields = XARFReport.fields(of: try JSONValue.parse(Data(json))) } catch {
                fields = .failure(AbuseFields.Refusal(reason: "not JSON: \(error.message)"))
            }
        }
    }

    /// Finds where each top-level JSON object of a file begins and ends, block by block, holding
    /// only the report not yet ended: braces and brackets are counted outside strings, and the
    /// object is parsed when its count is back to zero. A line holding no object is refused and
    /// passed over; a line break inside a string ends a broken report there, so the reports on
    /// the lines after it are still read.
    struct Reader: Sendable {
        /// The report begun but not ended, from its opening brace.
        private var buffer: [UInt8] = []
        private var depth = 0
        private var inString = false
        private var escaped = false
        /// Whether the rest of a line that holds no report is being passed over.
        private var skipping = false
        private var line = 1
        /// The line the report in `buffer` starts on.
        private var reportLine = 1

        mutating func read(_ block: [UInt8], final: Bool, file: String) throws(GenericCSVReport.FileError) -> [Report] {
            var reports: [Report] = []
            var start = 0
            func tooLong() -> GenericCSVReport.FileError {
                GenericCSVReport.FileError(file: file, reason: "the report starting on line \(reportLine) is longer than \(XARFReport.longestReport) bytes")
            }
            for index in block.indices {
                let byte = block[index]
                if byte == UInt8(ascii: "\n") { line += 1 }
                if depth == 0 {
                    if skipping {
                        skipping = byte != UInt8(ascii: "\n")
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "{"):
                        (depth, start, reportLine) = (1, index, line)
                    // Between reports: white space, an array's brackets and commas, and a byte
                    // order mark (as some editors write it).
                    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
                         UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), 0xEF, 0xBB, 0xBF:
                        continue
                    default:
                        reports.append(Report(line: line, refused: "not an X-ARF report: the line holds no JSON object"))
                        skipping = true
                    }
                } else if inString {
                    if byte == UInt8(ascii: "\n") {
                        reports.append(Report(line: reportLine, refused: "not JSON: a line break inside a string"))
                        (buffer, depth, inString, escaped) = ([], 0, false, false)
                    } else if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        guard depth == 0 else { break }
                        guard buffer.count + (index - start) < XARFReport.longestReport else { throw tooLong() }
                        buffer.append(contentsOf: block[start...index])
                        reports.append(Report(line: reportLine, json: buffer))
                        buffer = []
                    default: break
                    }
                }
            }
            if depth > 0 {
                guard buffer.count + (block.count - start) <= XARFReport.longestReport else { throw tooLong() }
                buffer.append(contentsOf: block[start...])
            }
            if final {
                if depth > 0 { reports.append(Report(line: reportLine, refused: "the report starting on this line does not end before the file does")) }
                self = Reader()
            }
            return reports
        }
    }

    /// The fields of one report, in whichever layout it is written.
    static func fields(of report: JSONValue) -> Result<AbuseFields, AbuseFields.Refusal> {
        guard case .object = report else { return refuse("not an X-ARF report: not a JSON object") }
        if let details = report["Report"], case .object = details { return abusixFields(of: details) }
        guard report["xarf_version"] != nil else {
            return refuse("not an X-ARF report: it has neither a Report object (X-ARF 1 to 3) nor an xarf_version (XARF 4)")
        }
        return version4Fields(of: report)
    }

    private static func abusixFields(of details: JSONValue) -> Result<AbuseFields, AbuseFields.Refusal> {
        func text(_ name: String) -> String? { details[name]?.stringValue }
        let (reportClass, reportType) = (text("ReportClass") ?? "", text("ReportType") ?? "")
        guard let type = abuseType(class: reportClass, type: reportType) else { return refuse(unknown(reportType, in: reportClass)) }
        let url = text("SourceUrl") ?? text("Url")
        return .success(AbuseFields(time: text("Date") ?? "", ip: text("SourceIp") ?? "", port: text("SourcePort") ?? "", type: type.rawValue,
                                    fqdn: url.flatMap(host), url: url, asn: text("ASN")))
    }

    /// `source_identifier` is the address, or else the host name, the report is about.
    private static func version4Fields(of report: JSONValue) -> Result<AbuseFields, AbuseFields.Refusal> {
        func text(_ name: String) -> String? { report[name]?.stringValue }
        let (category, reportType) = (text("category") ?? "", text("type") ?? "")
        guard let type = abuseType(class: category, type: reportType) else { return refuse(unknown(reportType, in: category)) }
        let source = (text("source_identifier") ?? "").trimmed
        let isAddress = IPAddress(source) != nil
        let url = text("url") ?? text("infringing_url")
        let name = isAddress ? nil : DomainName(parsing: source)?.name
        return .success(AbuseFields(time: text("timestamp") ?? "", ip: isAddress ? source : "", port: text("source_port") ?? "", type: type.rawValue,
                                    fqdn: name ?? text("domain") ?? url.flatMap(host), url: url, asn: text("asn")))
    }

    private static func refuse(_ reason: String) -> Result<AbuseFields, AbuseFields.Refusal> { .failure(AbuseFields.Refusal(reason: reason)) }

    private static func unknown(_ type: String, in reportClass: String) -> String {
        "X-ARF type “\(type.prefix(40))” (class “\(reportClass.prefix(40))”) is not one Renkei reads (for example PortScan, Spam, login_attack, phishing)"
    }

    /// A URL's host when it is a name: an address is no fqdn.
    private static func host(_ url: String) -> String? {
        URLComponents(string: url.trimmed)?.host.flatMap(DomainName.init(parsing:))?.name
    }

    /// The abuse type of an X-ARF report's class (category) and type.
    static func abuseType(class reportClass: String, type: String) -> AbuseType? {
        typesInClass[key(reportClass) + " " + key(type)] ?? types[key(type)]
    }

    /// A type's name without case, hyphens, underscores or spaces: abusix writes `LoginAttack`,
    /// XARF v4 `login_attack`, xarf-spec's v3 schema `Login-Attack`.
    private static func key(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != " " })
    }

    /// X-ARF's types as Renkei's: abusix's `ReportType`s (schemas 1 to 3 and `development`) and
    /// XARF v4's `type`s (`schemas/v4/types`), by the nearest type of the taxonomy.
    static let types: [String: AbuseType] = [
        // abusix X-ARF.
        "spam": .spam, "trap": .spam, "spamvertised": .spam,
        "loginattack": .bruteForce, "portscan": .scanner, "webcrawler": .scanner,
        "dos": .ddos, "exploit": .exploit, "webhack": .exploit,
        "phishing": .phishing, "malware": .malwareDistribution, "botnet": .infectedSystem, "bot": .infectedSystem,
        "copyright": .copyright, "trademark": .masquerade,
        "childabuse": .violence, "childsexualabusematerial": .violence, "violence": .violence, "harassment": .harmfulSpeech,
        "potentiallycompromisedaccount": .unprivilegedAccountCompromise, "identitytheft": .unprivilegedAccountCompromise,
        "openservice": .openService, "vulnerability": .vulnerableSystem,
        // XARF v4: messaging, connection, content, copyright, vulnerability, infrastructure, reputation.
        "bulkmessaging": .spam,
        "ddos": .ddos, "ddosamplification": .ddosAmplifier, "authfailure": .bruteForce, "infectedhost": .infectedSystem,
        "reconnaissance": .scanner, "scraping": .scanner, "sqlinjection": .exploit, "vulnerabilityscan": .scanner, "vulnscanning": .scanner,
        "fraud": .masquerade, "csam": .violence, "csem": .violence, "exposeddata": .dataLeak, "brandinfringement": .masquerade,
        "remotecompromise": .applicationCompromise, "suspiciousregistration": .other,
        "cyberlocker": .copyright, "linksite": .copyright, "p2p": .copyright, "ugcplatform": .copyright, "usenet": .copyright,
        "cve": .vulnerableSystem, "misconfiguration": .vulnerableSystem, "open": .openService,
        "compromisedserver": .systemCompromise,
        "blocklist": .blacklist, "threatintelligence": .undetermined,
    ]

    /// Where the class changes what a type means: abusix's `Activity` `Malware` is a machine
    /// asking for a malware domain (an RPZ rewrite), not one serving malware.
    static let typesInClass: [String: AbuseType] = [
        "activity malware": .infectedSystem,
    ]
}
