/// One abuse report or sensor observation in Renkei's schema, whatever format it came in.
public struct AbuseEvent: Sendable, Hashable {
    /// When the source saw it, in seconds since 1970 (UTC).
    public var observedAt: Int64
    public var sourceIP: IPAddress?
    public var sourcePort: UInt16?
    public var asn: UInt32?
    public var fqdn: String?
    public var url: String?
    public var type: AbuseType
    public var feed: String
    /// The line as it came, for the team that acts on it.
    public var raw: String

    public init(observedAt: Int64, sourceIP: IPAddress?, sourcePort: UInt16?, asn: UInt32? = nil, fqdn: String? = nil, url: String? = nil,
                type: AbuseType, feed: String, raw: String) {
        self.observedAt = observedAt
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.asn = asn
        self.fqdn = fqdn
        self.url = url
        self.type = type
        self.feed = feed
        self.raw = raw
    }

    public var taxonomy: AbuseTaxonomy { type.taxonomy }
}

/// Why a line of a report was not taken, where it stands.
public struct AbuseLineError: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// The deduplication rule: within `window` seconds, events of one feed with the same type,
/// source address and port count once (with a counter), as abuse desks count them. The host
/// name and URL are part of the source too: two phishing URLs, with or without the address of
/// their shared host, are two events (and may belong to two teams).
public struct AbuseDedupKey: Sendable, Hashable {
    public static let window: Int64 = 24 * 3600

    public var feed: String
    public var type: AbuseType
    public var ip: IPAddress?
    public var port: UInt16?
    public var fqdn: String?
    public var url: String?

    public init(feed: String, type: AbuseType, ip: IPAddress?, port: UInt16?, fqdn: String? = nil, url: String? = nil) {
        (self.feed, self.type, self.ip, self.port, self.fqdn, self.url) = (feed, type, ip, port, fqdn, url)
    }

    public init(_ event: AbuseEvent) {
        self.init(feed: event.feed, type: event.type, ip: event.sourceIP, port: event.sourcePort, fqdn: event.fqdn, url: event.url)
    }

    /// A 64-bit FNV-1a hash of the key, the column the store looks repeats up by; equal keys
    /// hash equally, and the few unequal keys that collide are told apart by their fields.
    /// Hashed: the feed and the type (UTF-8, each ended by a zero byte), the address (4 or 6,
    /// then its bytes, big-endian; 0 for none), the port (1 and two bytes, big-endian; 0 for none),
    /// the host name and the URL (UTF-8, each ended by a zero byte).
    public var digest: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        func mix<Word: FixedWidthInteger>(bigEndian value: Word) {
            for shift in stride(from: Word.bitWidth - 8, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        for byte in feed.utf8 { mix(byte) }
        mix(0)
        for byte in type.rawValue.utf8 { mix(byte) }
        mix(0)
        switch ip {
        case .v4(let value): mix(4); mix(bigEndian: value)
        case .v6(let high, let low): mix(6); mix(bigEndian: high); mix(bigEndian: low)
        case nil: mix(0)
        }
        if let port { mix(1); mix(bigEndian: port) } else { mix(0) }
        for byte in (fqdn ?? "").utf8 { mix(byte) }
        mix(0)
        for byte in (url ?? "").utf8 { mix(byte) }
        mix(0)
        return Int64(bitPattern: hash)
    }

    /// Whether an event observed at `time` repeats one first counted at `first`: inside the
    /// window opened by the first, in either direction (reports do not come in time order).
    public static func repeats(_ time: Int64, first: Int64) -> Bool {
        time >= first ? time - first < window : first - time < window
    }
}
