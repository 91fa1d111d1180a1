import Foundation

/// The fields of one report line as written, before they are checked: every format (CSV,
/// JSON lines, X-ARF) reads its own layout into this, and one rule decides what an event is.
public struct AbuseFields: Sendable {
    public var time: String
    public var ip: String
    public var port: String
    public var type: String
    public var fqdn: String?
    public var url: String?
    public var asn: String?

    public init(time: String, ip: String, port: String, type: String, fqdn: String? = nil, url: String? = nil, asn: String? = nil) {
        self.time = time
        self.ip = ip
        self.port = port
        self.type = type
        self.fqdn = fqdn
        self.url = url
        self.asn = asn
    }

    public struct Refusal: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The event, or why the line is not one. An event names at least an address, a host name
    /// or a URL (what a team can find in its network); an IPv4-mapped IPv6 address is its IPv4.
    /// Its time is no later than `notAfter`: an ingest allows a day ahead of its clock, so an
    /// event dated years ahead cannot outlive its feed's retention.
    public func event(feed: String, raw: String, notAfter: Int64 = AbuseTime.plausible.upperBound) -> Result<AbuseEvent, Refusal> {
        func refuse(_ reason: String) -> Result<AbuseEvent, Refusal> { .failure(Refusal(reason: reason)) }
        guard let observed = AbuseTime.parse(time) else { return refuse("time “\(time.prefix(40))” is not an ISO 8601 date and time") }
        guard AbuseTime.plausible.contains(observed) else { return refuse("time “\(time.prefix(40))” is before 1990 or after 2099") }
        guard observed <= notAfter else { return refuse("time “\(time.prefix(40))” is more than a day ahead of now") }
        guard let kind = AbuseType(rawValue: type.trimmed.lowercased()) else {
            return refuse("type “\(type.prefix(40))” is not a classification type (for example scanner, infected-system, phishing, open-service)")
        }
        let ipText = ip.trimmed
        let address = ipText.isEmpty ? nil : IPAddress(ipText)
        guard ipText.isEmpty || address != nil else { return refuse("ip “\(ipText.prefix(45))” is not an IPv4 or IPv6 address") }
        let portText = port.trimmed
        let portNumber = portText.isEmpty ? nil : UInt16(portText)
        guard portText.isEmpty || portNumber != nil else { return refuse("port “\(portText.prefix(10))” is not a number from 0 to 65535") }
        let asnText = (asn ?? "").trimmed.uppercased()
        let asNumber = asnText.isEmpty ? nil : UInt32(asnText.hasPrefix("AS") ? String(asnText.dropFirst(2)) : asnText)
        guard asnText.isEmpty || asNumber != nil else { return refuse("asn “\(asnText.prefix(14))” is not an AS number") }
        let name = fqdn.map { $0.trimmed.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let link = url.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        guard address != nil || name != nil || link != nil else { return refuse("the line names no ip, fqdn or url") }
        return .success(AbuseEvent(observedAt: observed, sourceIP: address?.unmapped, sourcePort: portNumber, asn: asNumber, fqdn: name, url: link,
                                   type: kind, feed: feed, raw: raw))
    }
}

/// JSON lines: one object per line, with the `generic-csv` names (`time`, `ip`, `port`, `type`,
/// `fqdn`, `url`, `asn`) or IntelMQ's harmonised ones (`time.source`, else `time.observation`;
/// `source.ip`, `source.port`, `classification.type`, `source.fqdn`, `source.url`,
/// `source.asn`), so an IntelMQ file output can be fed in as it is.
public enum JSONLinesReport {
    public static func parse(_ bytes: [UInt8], feed: String, file: String) throws(GenericCSVReport.FileError) -> GenericCSVReport.Result {
        var reader = AbuseReportReader(format: .jsonl, feed: feed, file: file)
        let events = try reader.read(bytes, final: true)
        return GenericCSVReport.Result(events: events, errors: reader.errors)
    }
}
