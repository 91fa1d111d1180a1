// Sources: ISO 3166-1 alpha-2 codes and English short names from Debian iso-codes (common_name where given);
// regions, sub-regions and intermediate regions from the UN Statistics Division M49 standard.

import Foundation

public struct Country: Sendable, Hashable, Codable {
    public let code: String
    public let name: String
    public let region: Region?
    public let subRegion: String?
    public let intermediateRegion: String?

    public init(code: String, name: String, region: Region?, subRegion: String?, intermediateRegion: String?) {
        self.code = code
        self.name = name
        self.region = region
        self.subRegion = subRegion
        self.intermediateRegion = intermediateRegion
    }
}

public enum Region: String, Sendable, Hashable, Codable, CaseIterable {
    case africa = "Africa", americas = "Americas", asia = "Asia", europe = "Europe", oceania = "Oceania"
}

public struct RegionMenuEntry: Sendable, Hashable {
    public let name: String
    public let depth: Int

    public init(name: String, depth: Int) {
        self.name = name
        self.depth = depth
    }
}

extension Country {
    public static func named(_ code: String) -> Country? {
        byCode[code.trimmingCharacters(in: .whitespaces).uppercased()]
    }

    public static func codes(inRegion name: String) -> Set<String>? {
        byRegionName[normalizedRegionName(name)]
    }

    public static let regionMenu: [RegionMenuEntry] = Region.allCases.flatMap { region -> [RegionMenuEntry] in
        let members = all.filter { $0.region == region }
        var entries = [RegionMenuEntry(name: region.rawValue, depth: 0)]
        for sub in Set(members.compactMap(\.subRegion)).sorted() {
            entries.append(RegionMenuEntry(name: sub, depth: 1))
            let inters = Set(members.filter { $0.subRegion == sub }.compactMap(\.intermediateRegion)).sorted()
            entries += inters.map { RegionMenuEntry(name: $0, depth: 2) }
        }
        return entries
    }

    private static let byCode: [String: Country] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    private static let byRegionName: [String: Set<String>] = {
        var map: [String: Set<String>] = [:]
        for country in all {
            let names = [country.region?.rawValue, country.subRegion, country.intermediateRegion].compactMap { $0 }
            for name in names {
                map[normalizedRegionName(name), default: []].insert(country.code)
            }
        }
        return map
    }()

    private static func normalizedRegionName(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" && !$0.isWhitespace })
    }

    private static func c(
        _ code: String, _ name: String, _ region: Region?, _ subRegion: String?, _ intermediateRegion: String?
    ) -> Country {
        Country(code: code, name: name, region: region, subRegion: subRegion, intermediateRegion: intermediateRegion)
    }

    public static let all: [Country] = [
        c("AD", "Andorra", .europe, "Southern Europe", nil),
        c("AE", "United Arab Emirates", .asia, "Western Asia", nil),
        c("AF", "Afghanistan", .asia, "Southern Asia", nil),
        c("AG", "Antigua and Barbuda", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("AI", "Anguilla", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("AL", "Albania", .europe, "Southern Europe", nil),
        c("AM", "Armenia", .asia, "Western Asia", nil),
        c("AO", "Angola", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("AQ", "Antarctica", nil, nil, nil),
        c("AR", "Argentina", .americas, "Latin America and the Caribbean", "South America"),
        c("AS", "American Samoa", .oceania, "Polynesia", nil),
        c("AT", "Austria", .europe, "Western Europe", nil),
        c("AU", "Australia", .oceania, "Australia and New Zealand", nil),
        c("AW", "Aruba", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("AX", "Åland Islands", .europe, "Northern Europe", nil),
        c("AZ", "Azerbaijan", .asia, "Western Asia", nil),
        c("BA", "Bosnia and Herzegovina", .europe, "Southern Europe", nil),
        c("BB", "Barbados", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("BD", "Bangladesh", .asia, "Southern Asia", nil),
        c("BE", "Belgium", .europe, "Western Europe", nil),
        c("BF", "Burkina Faso", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("BG", "Bulgaria", .europe, "Eastern Europe", nil),
        c("BH", "Bahrain", .asia, "Western Asia", nil),
        c("BI", "Burundi", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("BJ", "Benin", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("BL", "Saint Barthélemy", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("BM", "Bermuda", .americas, "Northern America", nil),
        c("BN", "Brunei Darussalam", .asia, "South-eastern Asia", nil),
        c("BO", "Bolivia", .americas, "Latin America and the Caribbean", "South America"),
        c("BQ", "Bonaire, Sint Eustatius and Saba", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("BR", "Brazil", .americas, "Latin America and the Caribbean", "South America"),
        c("BS", "Bahamas", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("BT", "Bhutan", .asia, "Southern Asia", nil),
        c("BV", "Bouvet Island", .americas, "Latin America and the Caribbean", "South America"),
        c("BW", "Botswana", .africa, "Sub-Saharan Africa", "Southern Africa"),
        c("BY", "Belarus", .europe, "Eastern Europe", nil),
        c("BZ", "Belize", .americas, "Latin America and the Caribbean", "Central America"),
        c("CA", "Canada", .americas, "Northern America", nil),
        c("CC", "Cocos (Keeling) Islands", .oceania, "Australia and New Zealand", nil),
        c("CD", "Congo, The Democratic Republic of the", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("CF", "Central African Republic", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("CG", "Congo", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("CH", "Switzerland", .europe, "Western Europe", nil),
        c("CI", "Côte d'Ivoire", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("CK", "Cook Islands", .oceania, "Polynesia", nil),
        c("CL", "Chile", .americas, "Latin America and the Caribbean", "South America"),
        c("CM", "Cameroon", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("CN", "China", .asia, "Eastern Asia", nil),
        c("CO", "Colombia", .americas, "Latin America and the Caribbean", "South America"),
        c("CR", "Costa Rica", .americas, "Latin America and the Caribbean", "Central America"),
        c("CU", "Cuba", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("CV", "Cabo Verde", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("CW", "Curaçao", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("CX", "Christmas Island", .oceania, "Australia and New Zealand", nil),
        c("CY", "Cyprus", .asia, "Western Asia", nil),
        c("CZ", "Czechia", .europe, "Eastern Europe", nil),
        c("DE", "Germany", .europe, "Western Europe", nil),
        c("DJ", "Djibouti", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("DK", "Denmark", .europe, "Northern Europe", nil),
        c("DM", "Dominica", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("DO", "Dominican Republic", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("DZ", "Algeria", .africa, "Northern Africa", nil),
        c("EC", "Ecuador", .americas, "Latin America and the Caribbean", "South America"),
        c("EE", "Estonia", .europe, "Northern Europe", nil),
        c("EG", "Egypt", .africa, "Northern Africa", nil),
        c("EH", "Western Sahara", .africa, "Northern Africa", nil),
        c("ER", "Eritrea", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("ES", "Spain", .europe, "Southern Europe", nil),
        c("ET", "Ethiopia", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("FI", "Finland", .europe, "Northern Europe", nil),
        c("FJ", "Fiji", .oceania, "Melanesia", nil),
        c("FK", "Falkland Islands (Malvinas)", .americas, "Latin America and the Caribbean", "South America"),
        c("FM", "Micronesia, Federated States of", .oceania, "Micronesia", nil),
        c("FO", "Faroe Islands", .europe, "Northern Europe", nil),
        c("FR", "France", .europe, "Western Europe", nil),
        c("GA", "Gabon", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("GB", "United Kingdom", .europe, "Northern Europe", nil),
        c("GD", "Grenada", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("GE", "Georgia", .asia, "Western Asia", nil),
        c("GF", "French Guiana", .americas, "Latin America and the Caribbean", "South America"),
        c("GG", "Guernsey", .europe, "Northern Europe", "Channel Islands"),
        c("GH", "Ghana", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("GI", "Gibraltar", .europe, "Southern Europe", nil),
        c("GL", "Greenland", .americas, "Northern America", nil),
        c("GM", "Gambia", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("GN", "Guinea", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("GP", "Guadeloupe", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("GQ", "Equatorial Guinea", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("GR", "Greece", .europe, "Southern Europe", nil),
        c("GS", "South Georgia and the South Sandwich Islands", .americas, "Latin America and the Caribbean", "South America"),
        c("GT", "Guatemala", .americas, "Latin America and the Caribbean", "Central America"),
        c("GU", "Guam", .oceania, "Micronesia", nil),
        c("GW", "Guinea-Bissau", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("GY", "Guyana", .americas, "Latin America and the Caribbean", "South America"),
        c("HK", "Hong Kong", .asia, "Eastern Asia", nil),
        c("HM", "Heard Island and McDonald Islands", .oceania, "Australia and New Zealand", nil),
        c("HN", "Honduras", .americas, "Latin America and the Caribbean", "Central America"),
        c("HR", "Croatia", .europe, "Southern Europe", nil),
        c("HT", "Haiti", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("HU", "Hungary", .europe, "Eastern Europe", nil),
        c("ID", "Indonesia", .asia, "South-eastern Asia", nil),
        c("IE", "Ireland", .europe, "Northern Europe", nil),
        c("IL", "Israel", .asia, "Western Asia", nil),
        c("IM", "Isle of Man", .europe, "Northern Europe", nil),
        c("IN", "India", .asia, "Southern Asia", nil),
        c("IO", "British Indian Ocean Territory", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("IQ", "Iraq", .asia, "Western Asia", nil),
        c("IR", "Iran", .asia, "Southern Asia", nil),
        c("IS", "Iceland", .europe, "Northern Europe", nil),
        c("IT", "Italy", .europe, "Southern Europe", nil),
        c("JE", "Jersey", .europe, "Northern Europe", "Channel Islands"),
        c("JM", "Jamaica", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("JO", "Jordan", .asia, "Western Asia", nil),
        c("JP", "Japan", .asia, "Eastern Asia", nil),
        c("KE", "Kenya", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("KG", "Kyrgyzstan", .asia, "Central Asia", nil),
        c("KH", "Cambodia", .asia, "South-eastern Asia", nil),
        c("KI", "Kiribati", .oceania, "Micronesia", nil),
        c("KM", "Comoros", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("KN", "Saint Kitts and Nevis", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("KP", "North Korea", .asia, "Eastern Asia", nil),
        c("KR", "South Korea", .asia, "Eastern Asia", nil),
        c("KW", "Kuwait", .asia, "Western Asia", nil),
        c("KY", "Cayman Islands", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("KZ", "Kazakhstan", .asia, "Central Asia", nil),
        c("LA", "Laos", .asia, "South-eastern Asia", nil),
        c("LB", "Lebanon", .asia, "Western Asia", nil),
        c("LC", "Saint Lucia", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("LI", "Liechtenstein", .europe, "Western Europe", nil),
        c("LK", "Sri Lanka", .asia, "Southern Asia", nil),
        c("LR", "Liberia", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("LS", "Lesotho", .africa, "Sub-Saharan Africa", "Southern Africa"),
        c("LT", "Lithuania", .europe, "Northern Europe", nil),
        c("LU", "Luxembourg", .europe, "Western Europe", nil),
        c("LV", "Latvia", .europe, "Northern Europe", nil),
        c("LY", "Libya", .africa, "Northern Africa", nil),
        c("MA", "Morocco", .africa, "Northern Africa", nil),
        c("MC", "Monaco", .europe, "Western Europe", nil),
        c("MD", "Moldova", .europe, "Eastern Europe", nil),
        c("ME", "Montenegro", .europe, "Southern Europe", nil),
        c("MF", "Saint Martin (French part)", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("MG", "Madagascar", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("MH", "Marshall Islands", .oceania, "Micronesia", nil),
        c("MK", "North Macedonia", .europe, "Southern Europe", nil),
        c("ML", "Mali", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("MM", "Myanmar", .asia, "South-eastern Asia", nil),
        c("MN", "Mongolia", .asia, "Eastern Asia", nil),
        c("MO", "Macao", .asia, "Eastern Asia", nil),
        c("MP", "Northern Mariana Islands", .oceania, "Micronesia", nil),
        c("MQ", "Martinique", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("MR", "Mauritania", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("MS", "Montserrat", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("MT", "Malta", .europe, "Southern Europe", nil),
        c("MU", "Mauritius", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("MV", "Maldives", .asia, "Southern Asia", nil),
        c("MW", "Malawi", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("MX", "Mexico", .americas, "Latin America and the Caribbean", "Central America"),
        c("MY", "Malaysia", .asia, "South-eastern Asia", nil),
        c("MZ", "Mozambique", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("NA", "Namibia", .africa, "Sub-Saharan Africa", "Southern Africa"),
        c("NC", "New Caledonia", .oceania, "Melanesia", nil),
        c("NE", "Niger", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("NF", "Norfolk Island", .oceania, "Australia and New Zealand", nil),
        c("NG", "Nigeria", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("NI", "Nicaragua", .americas, "Latin America and the Caribbean", "Central America"),
        c("NL", "Netherlands", .europe, "Western Europe", nil),
        c("NO", "Norway", .europe, "Northern Europe", nil),
        c("NP", "Nepal", .asia, "Southern Asia", nil),
        c("NR", "Nauru", .oceania, "Micronesia", nil),
        c("NU", "Niue", .oceania, "Polynesia", nil),
        c("NZ", "New Zealand", .oceania, "Australia and New Zealand", nil),
        c("OM", "Oman", .asia, "Western Asia", nil),
        c("PA", "Panama", .americas, "Latin America and the Caribbean", "Central America"),
        c("PE", "Peru", .americas, "Latin America and the Caribbean", "South America"),
        c("PF", "French Polynesia", .oceania, "Polynesia", nil),
        c("PG", "Papua New Guinea", .oceania, "Melanesia", nil),
        c("PH", "Philippines", .asia, "South-eastern Asia", nil),
        c("PK", "Pakistan", .asia, "Southern Asia", nil),
        c("PL", "Poland", .europe, "Eastern Europe", nil),
        c("PM", "Saint Pierre and Miquelon", .americas, "Northern America", nil),
        c("PN", "Pitcairn", .oceania, "Polynesia", nil),
        c("PR", "Puerto Rico", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("PS", "Palestine, State of", .asia, "Western Asia", nil),
        c("PT", "Portugal", .europe, "Southern Europe", nil),
        c("PW", "Palau", .oceania, "Micronesia", nil),
        c("PY", "Paraguay", .americas, "Latin America and the Caribbean", "South America"),
        c("QA", "Qatar", .asia, "Western Asia", nil),
        c("RE", "Réunion", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("RO", "Romania", .europe, "Eastern Europe", nil),
        c("RS", "Serbia", .europe, "Southern Europe", nil),
        c("RU", "Russian Federation", .europe, "Eastern Europe", nil),
        c("RW", "Rwanda", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("SA", "Saudi Arabia", .asia, "Western Asia", nil),
        c("SB", "Solomon Islands", .oceania, "Melanesia", nil),
        c("SC", "Seychelles", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("SD", "Sudan", .africa, "Northern Africa", nil),
        c("SE", "Sweden", .europe, "Northern Europe", nil),
        c("SG", "Singapore", .asia, "South-eastern Asia", nil),
        c("SH", "Saint Helena, Ascension and Tristan da Cunha", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("SI", "Slovenia", .europe, "Southern Europe", nil),
        c("SJ", "Svalbard and Jan Mayen", .europe, "Northern Europe", nil),
        c("SK", "Slovakia", .europe, "Eastern Europe", nil),
        c("SL", "Sierra Leone", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("SM", "San Marino", .europe, "Southern Europe", nil),
        c("SN", "Senegal", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("SO", "Somalia", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("SR", "Suriname", .americas, "Latin America and the Caribbean", "South America"),
        c("SS", "South Sudan", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("ST", "Sao Tome and Principe", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("SV", "El Salvador", .americas, "Latin America and the Caribbean", "Central America"),
        c("SX", "Sint Maarten (Dutch part)", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("SY", "Syria", .asia, "Western Asia", nil),
        c("SZ", "Eswatini", .africa, "Sub-Saharan Africa", "Southern Africa"),
        c("TC", "Turks and Caicos Islands", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("TD", "Chad", .africa, "Sub-Saharan Africa", "Middle Africa"),
        c("TF", "French Southern Territories", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("TG", "Togo", .africa, "Sub-Saharan Africa", "Western Africa"),
        c("TH", "Thailand", .asia, "South-eastern Asia", nil),
        c("TJ", "Tajikistan", .asia, "Central Asia", nil),
        c("TK", "Tokelau", .oceania, "Polynesia", nil),
        c("TL", "Timor-Leste", .asia, "South-eastern Asia", nil),
        c("TM", "Turkmenistan", .asia, "Central Asia", nil),
        c("TN", "Tunisia", .africa, "Northern Africa", nil),
        c("TO", "Tonga", .oceania, "Polynesia", nil),
        c("TR", "Türkiye", .asia, "Western Asia", nil),
        c("TT", "Trinidad and Tobago", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("TV", "Tuvalu", .oceania, "Polynesia", nil),
        c("TW", "Taiwan", .asia, "Eastern Asia", nil),
        c("TZ", "Tanzania", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("UA", "Ukraine", .europe, "Eastern Europe", nil),
        c("UG", "Uganda", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("UM", "United States Minor Outlying Islands", .oceania, "Micronesia", nil),
        c("US", "United States", .americas, "Northern America", nil),
        c("UY", "Uruguay", .americas, "Latin America and the Caribbean", "South America"),
        c("UZ", "Uzbekistan", .asia, "Central Asia", nil),
        c("VA", "Holy See (Vatican City State)", .europe, "Southern Europe", nil),
        c("VC", "Saint Vincent and the Grenadines", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("VE", "Venezuela", .americas, "Latin America and the Caribbean", "South America"),
        c("VG", "Virgin Islands, British", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("VI", "Virgin Islands, U.S.", .americas, "Latin America and the Caribbean", "Caribbean"),
        c("VN", "Vietnam", .asia, "South-eastern Asia", nil),
        c("VU", "Vanuatu", .oceania, "Melanesia", nil),
        c("WF", "Wallis and Futuna", .oceania, "Polynesia", nil),
        c("WS", "Samoa", .oceania, "Polynesia", nil),
        c("YE", "Yemen", .asia, "Western Asia", nil),
        c("YT", "Mayotte", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("ZA", "South Africa", .africa, "Sub-Saharan Africa", "Southern Africa"),
        c("ZM", "Zambia", .africa, "Sub-Saharan Africa", "Eastern Africa"),
        c("ZW", "Zimbabwe", .africa, "Sub-Saharan Africa", "Eastern Africa"),
    ]
}
