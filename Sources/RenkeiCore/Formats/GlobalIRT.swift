import Foundation

/// FIRST's Global IRT v1 team format (github.com/FIRSTdotorg/global-irt, `api.md`), with
/// Renkei's own properties under the `-renkei-` prefix as the specification asks for
/// repository-specific data, so that an export can be imported again without loss.
public enum GlobalIRT {
    public static let version = "1.0"
    public static let sourceName = "Renkei"

    /// The standard properties in the order `api.md` lists them.
    public static let standardProperties = [
        "short-team-name", "official-team-name", "postal-address", "country-code", "additional-country-code",
        "website", "email", "host", "establishment", "phone-numbers", "enckeys", "operating-hours",
        "constituency", "constituency-code", "constituency-description", "source-name",
    ]
    public static let renkeiProperties = [
        "-renkei-slug", "-renkei-member-type", "-renkei-member-since", "-renkei-team-types", "-renkei-languages",
        "-renkei-operating-hours", "-renkei-emergency-contact", "-renkei-internal-emails", "-renkei-constituency",
        "-renkei-pgp-keys", "-renkei-public-fields",
    ]
    public static let allProperties = standardProperties + renkeiProperties + ["last-modified"]

    /// One team as a Global IRT object; empty values are left out, as `api.md` requires.
    public static func object(for record: TeamRecord, lastModified: Date?) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = []
        func put(_ key: String, _ text: String) { if !text.isEmpty { pairs.append((key, .string(text))) } }
        func put(_ key: String, _ list: [String]) { if !list.isEmpty { pairs.append((key, .array(list.map(JSONValue.string)))) } }
        put("short-team-name", record.shortName)
        put("official-team-name", record.officialName)
        put("postal-address", record.postalAddress)
        put("country-code", record.countryCode)
        put("additional-country-code", record.additionalCountryCodes)
        put("website", record.websites)
        put("email", record.email)
        put("host", record.host)
        put("establishment", record.establishment)
        put("phone-numbers", record.phoneNumbers)
        put("enckeys", record.pgpKeys.map { "0x" + $0.fingerprint })
        put("operating-hours", record.operatingHours.summary)
        put("constituency", record.constituencyName)
        put("constituency-code", record.constituencyCode)
        put("constituency-description", record.constituencyDescription)
        put("source-name", sourceName)
        put("-renkei-slug", record.slug)
        put("-renkei-member-type", record.memberType?.rawValue ?? "")
        put("-renkei-member-since", record.memberSince)
        put("-renkei-team-types", record.teamTypes.map(\.rawValue))
        put("-renkei-languages", record.languages)
        if !record.operatingHours.isEmpty || !record.operatingHours.note.isEmpty {
            pairs.append(("-renkei-operating-hours", hoursObject(record.operatingHours)))
        }
        put("-renkei-emergency-contact", record.emergencyContact)
        put("-renkei-internal-emails", record.internalEmails)
        if !record.constituency.isEmpty {
            var parts: [(key: String, value: JSONValue)] = []
            for (key, list) in [("countries", record.constituency.countries), ("asns", record.constituency.asns),
                                ("prefixes", record.constituency.prefixes), ("domains", record.constituency.domains)]
            where !list.isEmpty {
                parts.append((key, .array(list.map(JSONValue.string))))
            }
            pairs.append(("-renkei-constituency", .object(parts)))
        }
        put("-renkei-pgp-keys", record.pgpKeys.map(\.armored))
        put("-renkei-public-fields", TeamField.allCases.filter(record.publicFields.contains).map(\.rawValue))
        if let lastModified { put("last-modified", iso8601(lastModified)) }
        return .object(pairs)
    }

    /// The weekly schedule in the `mon_1_open`/`mon_1_close` layout of the Global IRT example
    /// (`examples/singleTeam.json`), plus the time zone and note.
    static func hoursObject(_ hours: OperatingHours) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("time-zone", .string(hours.timeZone))]
        for day in OperatingHours.weekdays {
            for (index, interval) in hours[keyPath: day.path].enumerated() {
                let ends = interval.split(separator: "-").map(String.init)
                guard ends.count == 2 else { continue }
                pairs.append(("\(day.key)_\(index + 1)_open", .string(ends[0])))
                pairs.append(("\(day.key)_\(index + 1)_close", .string(ends[1])))
            }
        }
        if !hours.note.isEmpty { pairs.append(("note", .string(hours.note))) }
        return .object(pairs)
    }

    public struct ImportedTeam: Sendable {
        public var record: TeamRecord
        /// Armored keys to inspect with GnuPG before the record is stored.
        public var armoredKeys: [String]
        /// Fingerprints named in `enckeys`, which the imported keys must match.
        public var declaredFingerprints: [String]
    }

    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// Reads a Global IRT document: an array of teams, or an envelope with a `data` array.
    public static func parseDocument(_ data: Data) throws(FormatError) -> [ImportedTeam] {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch { throw FormatError(message: error.description) }
        let list: [JSONValue]
        switch document {
        case .array(let items): list = items
        case .object where document["data"] != nil:
            guard case .array(let items)? = document["data"] else { throw FormatError(message: "“data” is not an array") }
            list = items
        case .object: list = [document]
        default: throw FormatError(message: "expected an array of teams or an envelope with “data”")
        }
        var teams: [ImportedTeam] = []
        for (index, item) in list.enumerated() {
            guard case .object = item else { throw FormatError(message: "team \(index + 1) is not a JSON object") }
            teams.append(team(from: item))
        }
        return teams
    }

    /// Maps one object to a record; validation is the caller's (`TeamRecord.validated()`).
    public static func team(from object: JSONValue) -> ImportedTeam {
        func text(_ key: String) -> String { object[key]?.stringValue ?? object[key]?.stringList?.first ?? "" }
        func list(_ key: String) -> [String] { object[key]?.stringList ?? [] }
        var record = TeamRecord()
        record.shortName = text("short-team-name")
        record.officialName = text("official-team-name")
        record.postalAddress = text("postal-address")
        // The repository's example writes country-code as a one-element list.
        record.countryCode = text("country-code")
        record.additionalCountryCodes = list("additional-country-code")
        record.websites = list("website")
        record.email = text("email")
        record.host = text("host")
        record.establishment = String(text("establishment").prefix(10))
        record.phoneNumbers = list("phone-numbers")
        record.constituencyName = text("constituency")
        record.constituencyCode = text("constituency-code")
        record.constituencyDescription = text("constituency-description")
        record.slug = text("-renkei-slug")
        record.memberType = MemberType(rawValue: text("-renkei-member-type")) ?? MemberType(rawValue: text("-first-member-type"))
        record.memberSince = text("-renkei-member-since")
        record.teamTypes = list("-renkei-team-types").compactMap(TeamType.init(rawValue:))
        record.languages = list("-renkei-languages") + list("languages")
        record.emergencyContact = text("-renkei-emergency-contact")
        record.internalEmails = list("-renkei-internal-emails")
        if let hours = object["-renkei-operating-hours"] ?? (object["operating-hours"].flatMap { if case .object = $0 { $0 } else { nil } }) {
            record.operatingHours = operatingHours(from: hours)
        } else {
            record.operatingHours = OperatingHours(note: text("operating-hours"))
        }
        if let scope = object["-renkei-constituency"] {
            record.constituency = Constituency(
                countries: scope["countries"]?.stringList ?? [], asns: scope["asns"]?.stringList ?? [],
                prefixes: scope["prefixes"]?.stringList ?? [], domains: scope["domains"]?.stringList ?? [])
        }
        if let fields = object["-renkei-public-fields"]?.stringList {
            record.publicFields = Set(fields.compactMap(TeamField.init(rawValue:)))
        }
        return ImportedTeam(record: record, armoredKeys: list("-renkei-pgp-keys"),
                            declaredFingerprints: list("enckeys").map(PGPKey.normalizedFingerprint))
    }

    static func operatingHours(from object: JSONValue) -> OperatingHours {
        var hours = OperatingHours(timeZone: object["time-zone"]?.stringValue ?? "UTC", note: object["note"]?.stringValue ?? "")
        for day in OperatingHours.weekdays {
            var slot = 1
            while let open = object["\(day.key)_\(slot)_open"]?.stringValue, let close = object["\(day.key)_\(slot)_close"]?.stringValue {
                // The example marks closed days as 00:00-00:00.
                if open != close { hours[keyPath: day.path].append("\(open)-\(close)") }
                slot += 1
            }
        }
        return hours
    }

    public static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
