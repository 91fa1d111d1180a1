import Foundation
import RenkeiCore
import Vapor

/// The team edit form as posted: one string per control. Lists are one entry per line or
/// separated by commas, as the control's hint says.
struct TeamForm: Content {
    var slug: String?
    var shortName: String?
    var officialName: String?
    var postalAddress: String?
    var countryCode: String?
    var additionalCountryCodes: String?
    var websites: String?
    var email: String?
    var internalEmails: String?
    var host: String?
    var establishment: String?
    var phoneNumbers: String?
    var emergencyContact: String?
    var operatingHours_timeZone: String?
    var operatingHours_mon: String?
    var operatingHours_tue: String?
    var operatingHours_wed: String?
    var operatingHours_thu: String?
    var operatingHours_fri: String?
    var operatingHours_sat: String?
    var operatingHours_sun: String?
    var operatingHours_note: String?
    var constituencyName: String?
    var constituencyCode: String?
    var constituencyDescription: String?
    var constituency_countries: String?
    var constituency_asns: String?
    var constituency_prefixes: String?
    var constituency_domains: String?
    var languages: String?
    var teamTypes: [String]?
    var memberType: String?
    var memberSince: String?
    var publicFields: [String]?
    var removeKeys: [String]?
    var newKey: String?
    var newKeyFingerprint: String?

    init(_ record: TeamRecord) {
        slug = record.slug
        shortName = record.shortName
        officialName = record.officialName
        postalAddress = record.postalAddress
        countryCode = record.countryCode
        additionalCountryCodes = record.additionalCountryCodes.joined(separator: ", ")
        websites = record.websites.joined(separator: "\n")
        email = record.email
        internalEmails = record.internalEmails.joined(separator: "\n")
        host = record.host
        establishment = record.establishment
        phoneNumbers = record.phoneNumbers.joined(separator: "\n")
        emergencyContact = record.emergencyContact
        let hours = record.operatingHours
        operatingHours_timeZone = hours.timeZone
        operatingHours_mon = hours.mon.joined(separator: ", ")
        operatingHours_tue = hours.tue.joined(separator: ", ")
        operatingHours_wed = hours.wed.joined(separator: ", ")
        operatingHours_thu = hours.thu.joined(separator: ", ")
        operatingHours_fri = hours.fri.joined(separator: ", ")
        operatingHours_sat = hours.sat.joined(separator: ", ")
        operatingHours_sun = hours.sun.joined(separator: ", ")
        operatingHours_note = hours.note
        constituencyName = record.constituencyName
        constituencyCode = record.constituencyCode
        constituencyDescription = record.constituencyDescription
        constituency_countries = record.constituency.countries.joined(separator: ", ")
        constituency_asns = record.constituency.asns.joined(separator: ", ")
        constituency_prefixes = record.constituency.prefixes.joined(separator: "\n")
        constituency_domains = record.constituency.domains.joined(separator: "\n")
        languages = record.languages.joined(separator: ", ")
        teamTypes = record.teamTypes.map(\.rawValue)
        memberType = record.memberType?.rawValue ?? ""
        memberSince = record.memberSince
        publicFields = TeamField.allCases.filter(record.publicFields.contains).map(\.rawValue)
    }

    /// The record the form describes, starting from `base` for what the form does not carry
    /// (membership fields and the slug for users who cannot change them, the stored keys).
    func record(base: TeamRecord, actor: Actor?) -> TeamRecord {
        var record = base
        func lines(_ text: String?) -> [String] { (text ?? "").split(whereSeparator: \.isNewline).map(String.init) }
        func items(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        func intervals(_ text: String?) -> [String] { (text ?? "").split(separator: ",").map(String.init) }
        if DirectoryPolicy.canChangeMembership(actor: actor) {
            record.slug = slug ?? base.slug
            record.memberType = memberType.flatMap(MemberType.init(rawValue:))
            record.memberSince = memberSince ?? ""
        }
        record.shortName = shortName ?? ""
        record.officialName = officialName ?? ""
        record.postalAddress = postalAddress ?? ""
        record.countryCode = countryCode ?? ""
        record.additionalCountryCodes = items(additionalCountryCodes)
        record.websites = lines(websites)
        record.email = email ?? ""
        record.internalEmails = lines(internalEmails)
        record.host = host ?? ""
        record.establishment = establishment ?? ""
        record.phoneNumbers = lines(phoneNumbers)
        record.emergencyContact = emergencyContact ?? ""
        record.operatingHours = OperatingHours(
            timeZone: operatingHours_timeZone ?? "", mon: intervals(operatingHours_mon), tue: intervals(operatingHours_tue),
            wed: intervals(operatingHours_wed), thu: intervals(operatingHours_thu), fri: intervals(operatingHours_fri),
            sat: intervals(operatingHours_sat), sun: intervals(operatingHours_sun), note: operatingHours_note ?? "")
        record.constituencyName = constituencyName ?? ""
        record.constituencyCode = constituencyCode ?? ""
        record.constituencyDescription = constituencyDescription ?? ""
        record.constituency = Constituency(countries: items(constituency_countries), asns: items(constituency_asns),
                                           prefixes: items(constituency_prefixes), domains: items(constituency_domains))
        record.languages = items(languages)
        record.teamTypes = (teamTypes ?? []).compactMap(TeamType.init(rawValue:))
        record.publicFields = Set((publicFields ?? []).compactMap(TeamField.init(rawValue:)))
        let removed = Set((removeKeys ?? []).map(PGPKey.normalizedFingerprint))
        record.pgpKeys = base.pgpKeys.filter { !removed.contains($0.fingerprint) }
        if let armored = newKey?.trimmingCharacters(in: .whitespacesAndNewlines), !armored.isEmpty {
            record.pgpKeys.append(PGPKey(fingerprint: newKeyFingerprint ?? "", armored: armored))
        }
        return record
    }
}

/// The edit page: the form's values, errors keyed by control name, and the choices.
struct TeamFormPage: Encodable {
    struct Choice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    var chrome: Chrome
    var isNew: Bool
    var action: String
    var cancel: String
    var values: TeamForm
    var errors: [String: String]
    var canChangeMembership: Bool
    var countries: [Choice]
    var teamTypes: [Choice]
    var memberTypes: [Choice]
    var publicFields: [Choice]
    var keys: [TeamView.Key]?

    init(chrome: Chrome, isNew: Bool, slug: String, values: TeamForm, errors: [FieldError], actor: Actor?, keys: [PGPKey]) {
        self.isNew = isNew
        action = isNew ? SiteURL.teamNew.path : SiteURL.teamEdit(.value(slug)).path
        cancel = isNew ? SiteURL.teams.path : SiteURL.team(.value(slug)).path
        self.values = values
        let formErrors = FormErrors(errors, control: { $0.control.hasPrefix("pgpKeys") ? "pgpKeys" : $0.control.replacingOccurrences(of: ".", with: "_") },
                                    anchor: { $0 == "pgpKeys" ? "newKey" : $0 })
        self.chrome = chrome.with(formErrors, headline: "Nothing was saved: \(errors.count.counted("problem", "problems")) to correct")
        self.errors = formErrors.byControl
        canChangeMembership = DirectoryPolicy.canChangeMembership(actor: actor)
        countries = Country.all.map { Choice(value: $0.code, label: "\($0.name) (\($0.code))", selected: $0.code == values.countryCode?.uppercased()) }
        let types = Set(values.teamTypes ?? [])
        teamTypes = TeamType.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: types.contains($0.rawValue)) }
        memberTypes = [Choice(value: "", label: "Not a member", selected: (values.memberType ?? "").isEmpty)]
            + MemberType.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == values.memberType) }
        let shown = Set(values.publicFields ?? [])
        publicFields = TeamField.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: shown.contains($0.rawValue)) }
        self.keys = TeamView(TeamRecord(pgpKeys: keys)).keys
    }
}
