import Foundation

/// An abuse report received by mail. An ARF feedback report (RFC 5965: the `message/feedback-report`
/// part of a `multipart/report; report-type=feedback-report`) is one event. X-ARF sent by mail is a
/// JSON part (`application/json`, or a file name ending `.json`; abusix's X-ARF over SMTP marks
/// its ARF part `Feedback-Type: xarf`), read as an X-ARF file (`XARFReport`). Anything else is no
/// report, and one error says so. Either way the fields go through `AbuseFields.event`, the one
/// rule for every format.
public enum AbuseMailReport {
    /// Errors about the message as a whole stand on its line 1; those of an X-ARF part count the
    /// part's own lines, as a file's would.
    public static func read(_ message: ReceivedEntity, feed: String, file: String, notAfter: Int64 = AbuseTime.plausible.upperBound) -> GenericCSVReport.Result {
        let entities = entities(in: message)
        if let part = entities.first(where: { $0.contentType == "message/feedback-report" }) {
            let text = part.decodedText
            let fields = ReceivedEntity(raw: text)
            if fields.header("Feedback-Type")?.trimmed.lowercased() != "xarf" {
                return feedbackReport(fields, text: text, message: message, feed: feed, file: file, notAfter: notAfter)
            }
        }
        let json = entities.filter(isJSON)
        guard !json.isEmpty else {
            return refused(file, "the message is neither an ARF feedback report (RFC 5965) nor X-ARF in a JSON part")
        }
        var result = GenericCSVReport.Result()
        for part in json {
            do {
                let report = try XARFReport.parse(Array(part.decodedText.utf8), feed: feed, file: file, notAfter: notAfter)
                result.events += report.events
                result.errors += report.errors
            } catch {
                result.errors.append(AbuseLineError(file: file, line: 1, reason: error.reason))
            }
        }
        return result
    }

    /// RFC 5965's feedback types, and RFC 6591's `auth-failure` (mail that failed SPF or DKIM,
    /// so sent in another's name), as abuse types; `not-spam` reports no abuse.
    static let feedbackTypes: [String: AbuseType] = [
        "abuse": .spam, "fraud": .phishing, "virus": .malwareDistribution, "auth-failure": .masquerade, "other": .other,
    ]

    /// The source is `Source-IP` (and RFC 6692's `Source-Port`), the first `Reported-Domain` and
    /// the first `Reported-URI` with a host (a `mailto:` names a mailbox, not a place a team can
    /// find). The time is `Arrival-Date`, else the message's `Date`. The raw text is the feedback
    /// report's fields, not the reported mail.
    private static func feedbackReport(_ fields: ReceivedEntity, text: String, message: ReceivedEntity, feed: String, file: String,
                                       notAfter: Int64) -> GenericCSVReport.Result {
        let kind = (fields.header("Feedback-Type") ?? "").trimmed.lowercased()
        guard kind != "not-spam" else { return refused(file, "a not-spam feedback report says the message was not abuse") }
        guard let type = feedbackTypes[kind] else {
            return refused(file, "Feedback-Type “\(kind.prefix(40))” is not abuse, fraud, virus, auth-failure or other")
        }
        let dated = [("Arrival-Date", fields), ("Date", message)].lazy.compactMap { name, entity in
            entity.header(name).map { (name, $0) }
        }.first
        guard let (dateName, dateText) = dated else { return refused(file, "the report has no Arrival-Date and the message no Date") }
        guard let seconds = MailDate.parse(dateText) else {
            return refused(file, "\(dateName) “\(dateText.prefix(40))” is not an RFC 5322 date and time")
        }
        let uri = fields.headers.first { $0.name.caseInsensitiveCompare("Reported-URI") == .orderedSame && $0.value.contains("://") }?.value
        let raw = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // No database keeps a NUL inside text the same way: the report is refused, not cut.
        guard !raw.utf8.contains(0) else { return refused(file, "the feedback report holds a NUL byte") }
        let abuse = AbuseFields(time: AbuseTime.format(seconds), ip: fields.header("Source-IP") ?? "", port: fields.header("Source-Port") ?? "",
                                type: type.rawValue, fqdn: fields.header("Reported-Domain"), url: uri)
        switch abuse.event(feed: feed, raw: raw, notAfter: notAfter) {
        case .success(let event): return GenericCSVReport.Result(events: [event], errors: [])
        case .failure(let refusal): return refused(file, refusal.reason)
        }
    }

    private static func refused(_ file: String, _ reason: String) -> GenericCSVReport.Result {
        GenericCSVReport.Result(events: [], errors: [AbuseLineError(file: file, line: 1, reason: reason)])
    }

    /// Parts nested deeper than this are not looked into: no report nests so deep, and a message
    /// nested thousands of times must cost no more than a few readings of it.
    static let deepestPart = 8

    /// The message and its parts, level by level; a `message/rfc822` part (the reported mail) is
    /// not looked into.
    private static func entities(in message: ReceivedEntity) -> [ReceivedEntity] {
        var found: [ReceivedEntity] = []
        var level = [message]
        for _ in 0...deepestPart where !level.isEmpty {
            found += level
            level = level.flatMap(\.parts)
        }
        return found
    }

    private static func isJSON(_ part: ReceivedEntity) -> Bool {
        guard !part.contentType.hasPrefix("multipart/"), !part.contentType.hasPrefix("message/") else { return false }
        return part.contentType == "application/json" || [part.parameter("name"), fileName(part)].contains { $0?.lowercased().hasSuffix(".json") == true }
    }

    /// `Content-Disposition: attachment; filename="xarf.json"`.
    private static func fileName(_ part: ReceivedEntity) -> String? {
        for piece in (part.header("Content-Disposition") ?? "").split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "filename" else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}

/// Dates as mail writes them (RFC 5322 section 3.3: `Thu, 8 Mar 2005 14:00:00 EDT`), with the
/// obsolete forms of section 4.3 that a reader must still take: no day of the week, two- and
/// three-digit years, the zone names UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST and PDT, and the
/// military letters (taken as -0000, as 4.3 says); comments and extra spaces are passed over,
/// and `UTC`, which mailers write though the RFC does not name it, is read too.
enum MailDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let days: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// Hours from UTC.
    static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    ]

    /// Seconds since 1970 (UTC), or nil when the text is no date.
    static func parse(_ text: String) -> Int64? {
        var words: [String] = []
        var word = ""
        var comment = 0
        for character in text {
            switch character {
            case "(": comment += 1
            case ")": comment = max(0, comment - 1)
            case _ where comment > 0: continue
            case " ", "\t", "\r", "\n", "\r\n", ",":
                if !word.isEmpty { words.append(word.lowercased()) }
                word = ""
            default: word.append(character)
            }
        }
        if !word.isEmpty { words.append(word.lowercased()) }
        if let first = words.first, days.contains(first) { words.removeFirst() }
        guard words.count == 5, let month = months.firstIndex(of: words[1]),
              let day = number(words[0], digits: 1...2), let year = year(words[2]), let offset = offset(words[4]) else { return nil }
        let clock = words[3].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), let hour = number(clock[0], digits: 2...2), let minute = number(clock[1], digits: 2...2),
              let second = clock.count == 3 ? number(clock[2], digits: 2...2) : 0 else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let iso = "\(year)-\(two(month + 1))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))\(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
        return AbuseTime.parse(iso)
    }

    private static func number(_ text: some StringProtocol, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.count), text.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(text)
    }

    /// Four digits as they are; two are 1950 to 2049 and three are years after 1900 (section 4.3).
    private static func year(_ text: String) -> Int? {
        guard let value = number(text, digits: 2...4) else { return nil }
        return switch text.count {
        case 2: value < 50 ? 2000 + value : 1900 + value
        case 3: 1900 + value
        default: value
        }
    }

    /// Minutes from UTC: `+hhmm`, `-hhmm`, a zone name or a military letter.
    private static func offset(_ zone: String) -> Int? {
        if let hours = zones[zone] { return hours * 60 }
        if zone.count == 1, let letter = zone.unicodeScalars.first, ("a"..."z").contains(letter), letter != "j" { return 0 }
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let hours = number(zone.dropFirst().prefix(2), digits: 2...2),
              let minutes = number(zone.suffix(2), digits: 2...2), minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }
}
