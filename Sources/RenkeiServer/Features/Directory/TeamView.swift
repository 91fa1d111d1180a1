import Foundation
import RenkeiCore

/// A team record prepared for a template: every value a string or a list of strings, dates in
/// UTC, and nothing the reader may not see (built from `TeamRecord.visible(to:)`).
struct TeamView: Encodable {
    struct Key: Encodable {
        /// Hexadecimal without spaces, the value a form uses to name the key.
        var id: String
        var fingerprint: String
        var userIDs: [String]
        var algorithm: String
        var created: String?
        var expires: String?
        var isExpired: Bool
        /// Expires within `KeyHealth.warningPeriod`: restricted mail to it stops soon.
        var expiresSoon: Bool
        var armored: String
    }

    struct Phone: Encodable {
        var number: String
        var href: String?
    }

    struct Day: Encodable {
        var name: String
        var hours: String
    }

    var slug: String
    var url: String
    var shortName: String
    var officialName: String
    var postalAddress: String?
    var countryCode: String
    var countryName: String
    var region: String?
    var additionalCountries: [String]?
    var websites: [String]?
    var email: String?
    var internalEmails: [String]?
    var host: String?
    var establishment: String?
    var phoneNumbers: [String]?
    /// Each number with its `tel:` link (nil when it is not a number to dial).
    var phones: [Phone]?
    var emergencyContact: String?
    var emergencyHref: String?
    var timeZone: String?
    var days: [Day]?
    var hoursNote: String?
    var hoursSummary: String?
    var openNow: Bool
    var constituencyName: String?
    var constituencyCode: String?
    var constituencyDescription: String?
    var constituencyCountries: [String]?
    var asns: [String]?
    var prefixes: [String]?
    var domains: [String]?
    var languages: [String]?
    var teamTypes: [String]?
    var memberType: String?
    var memberSince: String?
    var keys: [Key]?

    init(_ record: TeamRecord, now: Date = Date()) {
        slug = record.slug
        url = SiteURL.team(.value(record.slug)).path
        shortName = record.shortName
        officialName = record.officialName
        postalAddress = record.postalAddress.nonEmpty
        countryCode = record.countryCode
        let country = Country.named(record.countryCode)
        countryName = country?.name ?? record.countryCode
        region = ([country?.region?.rawValue, country?.subRegion, country?.intermediateRegion].compactMap { $0 }.joined(separator: " › ")).nonEmpty
        additionalCountries = (record.additionalCountryCodes.map { Country.named($0)?.name ?? $0 }).nonEmpty
        websites = record.websites.nonEmpty
        email = record.email.nonEmpty
        internalEmails = record.internalEmails.nonEmpty
        host = record.host.nonEmpty
        establishment = record.establishment.nonEmpty
        phoneNumbers = record.phoneNumbers.nonEmpty
        phones = record.phoneNumbers.map { Phone(number: $0, href: VCard.telURI($0)) }.nonEmpty
        emergencyContact = record.emergencyContact.nonEmpty
        emergencyHref = VCard.telURI(record.emergencyContact)
        let hours = record.operatingHours
        timeZone = hours.timeZone.nonEmpty
        days = hours.isEmpty ? nil : OperatingHours.weekdays.map { day in
            let intervals = hours[keyPath: day.path]
            return Day(name: day.name, hours: intervals.isEmpty ? "closed" : intervals.joined(separator: ", "))
        }
        hoursNote = hours.note.nonEmpty
        hoursSummary = hours.summary.nonEmpty
        openNow = hours.isOpen(at: now)
        constituencyName = record.constituencyName.nonEmpty
        constituencyCode = record.constituencyCode.nonEmpty
        constituencyDescription = record.constituencyDescription.nonEmpty
        constituencyCountries = (record.constituency.countries.map { Country.named($0).map { "\($0.name) (\($0.code))" } ?? $0 }).nonEmpty
        asns = record.constituency.asns.nonEmpty
        prefixes = record.constituency.prefixes.nonEmpty
        domains = record.constituency.domains.nonEmpty
        languages = record.languages.nonEmpty
        teamTypes = (record.teamTypes.map(\.label)).nonEmpty
        memberType = record.memberType?.rawValue
        memberSince = record.memberSince.nonEmpty
        keys = record.pgpKeys.nonEmpty?.map { key in
            Key(id: key.fingerprint, fingerprint: key.groupedFingerprint, userIDs: key.userIDs, algorithm: key.algorithm,
                created: key.created.map(Self.day), expires: key.expires.map(Self.day),
                isExpired: key.isExpired(at: now),
                expiresSoon: KeyHealth(expires: key.expires, hasKey: true, at: now).isExpiringSoon, armored: key.armored)
        }
    }

    static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }

    static func minute(_ date: Date) -> String {
        DateFormatter.fixed("yyyy-MM-dd HH:mm 'UTC'").string(from: date)
    }
}

extension Collection {
    /// nil when empty: Leaf treats an empty string or list as true, nil as false.
    var nonEmpty: Self? { isEmpty ? nil : self }
}
