import Foundation

extension TeamRecord {
    /// Checks every field and returns the record in normal form (upper-case country codes,
    /// canonical prefixes, `AS` numbers, lower-case domains, duplicates removed), or every
    /// problem found.
    public func validated(now: Date = Date()) throws(ValidationFailure) -> TeamRecord {
        var errors: [FieldError] = []
        var record = self
        func fail(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

        record.shortName = shortName.trimmingCharacters(in: .whitespacesAndNewlines)
        record.officialName = officialName.trimmingCharacters(in: .whitespacesAndNewlines)
        if record.shortName.isEmpty { fail("shortName", "A short team name is required.") }
        if record.shortName.count > 64 { fail("shortName", "Keep the short name under 64 characters.") }
        if record.officialName.isEmpty { fail("officialName", "The official team name is required.") }

        record.slug = slug.isEmpty ? Self.slug(from: record.shortName) : slug
        if !Self.isValidSlug(record.slug) {
            fail("slug", "Use 2 to 64 lower-case letters, digits and single hyphens.")
        }

        record.countryCode = countryCode.trimmingCharacters(in: .whitespaces).uppercased()
        if record.countryCode.isEmpty {
            fail("countryCode", "The team's country is required.")
        } else if Country.named(record.countryCode) == nil {
            fail("countryCode", "“\(countryCode)” is not an ISO 3166-1 alpha-2 country code.")
        }
        record.additionalCountryCodes = Self.countryList(additionalCountryCodes, field: "additionalCountryCodes", errors: &errors)
            .filter { $0 != record.countryCode }

        record.websites = Self.cleaned(websites)
        for (index, site) in record.websites.enumerated() where !Self.isWebURL(site) {
            fail("websites[\(index)]", "“\(site)” is not an http or https address.")
        }
        record.email = email.trimmingCharacters(in: .whitespaces)
        if record.email.isEmpty {
            fail("email", "A contact e-mail address is required.")
        } else if !Self.isEmail(record.email) {
            fail("email", "“\(record.email)” is not an e-mail address.")
        }
        record.internalEmails = Self.cleaned(internalEmails)
        for (index, address) in record.internalEmails.enumerated() where !Self.isEmail(address) {
            fail("internalEmails[\(index)]", "“\(address)” is not an e-mail address.")
        }
        record.phoneNumbers = Self.cleaned(phoneNumbers)
        for (index, number) in record.phoneNumbers.enumerated() where !Self.isPhoneNumber(number) {
            fail("phoneNumbers[\(index)]", "“\(number)” is not a phone number (digits, spaces, + ( ) - . only, at least 5 digits).")
        }
        record.emergencyContact = emergencyContact.trimmingCharacters(in: .whitespacesAndNewlines)
        if record.emergencyContact.count > 300 { fail("emergencyContact", "Keep the emergency contact under 300 characters.") }

        record.establishment = establishment.trimmingCharacters(in: .whitespaces)
        if let problem = Self.dateProblem(record.establishment, now: now) { fail("establishment", problem) }
        record.memberSince = memberSince.trimmingCharacters(in: .whitespaces)
        if let problem = Self.dateProblem(record.memberSince, now: now) { fail("memberSince", problem) }

        record.operatingHours = operatingHours.validated(errors: &errors)
        record.constituency = constituency.validated(errors: &errors)

        record.languages = Self.cleaned(languages).map { $0.lowercased() }
        for (index, language) in record.languages.enumerated()
        where !((2...3).contains(language.count) && language.allSatisfy { $0.isASCII && $0.isLetter }) {
            fail("languages[\(index)]", "“\(language)” is not an ISO 639 language code (two or three letters, e.g. en, fra).")
        }
        record.teamTypes = Self.unique(teamTypes)
        record.pgpKeys = pgpKeys.map { key in
            var key = key
            key.fingerprint = PGPKey.normalizedFingerprint(key.fingerprint)
            return key
        }
        for (index, key) in record.pgpKeys.enumerated()
        where !([32, 40, 64].contains(key.fingerprint.count) && key.fingerprint.allSatisfy(\.isHexDigit)) {
            fail("pgpKeys[\(index)].fingerprint", "A fingerprint is 40 hexadecimal digits (v4 key).")
        }

        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return record
    }

    public static func slug(from name: String) -> String {
        var slug = ""
        for character in name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(64))
    }

    public static func isValidSlug(_ slug: String) -> Bool {
        (2...64).contains(slug.count) && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
            && slug.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func cleaned(_ values: [String]) -> [String] {
        unique(values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty })
    }

    static func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }

    static func countryList(_ codes: [String], field: String, errors: inout [FieldError]) -> [String] {
        let normalised = cleaned(codes).map { $0.uppercased() }
        for (index, code) in normalised.enumerated() where Country.named(code) == nil {
            errors.append(FieldError(field: "\(field)[\(index)]", message: "“\(code)” is not an ISO 3166-1 alpha-2 country code."))
        }
        return unique(normalised)
    }

    public static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[0].allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>(),;:\\\"[]".contains($0) }),
              let domain = DomainName(parsing: String(parts[1])) else { return false }
        return domain.name.contains(".")
    }

    static func isWebURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return false }
        return true
    }

    static func isPhoneNumber(_ text: String) -> Bool {
        text.allSatisfy { $0.isASCIIDigit || " +()-./".contains($0) } && text.filter(\.isASCIIDigit).count >= 5
    }

    /// ISO 8601 calendar date that exists and is not in the future; empty is fine.
    static func dateProblem(_ text: String, now: Date) -> String? {
        guard !text.isEmpty else { return nil }
        guard let date = parseDay(text) else { return "“\(text)” is not a date in the form YYYY-MM-DD." }
        return date > now ? "The date \(text) lies in the future." : nil
    }

    public static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}

extension OperatingHours {
    func validated(errors: inout [FieldError]) -> OperatingHours {
        var hours = self
        hours.timeZone = timeZone.trimmingCharacters(in: .whitespaces)
        if TimeZone(identifier: hours.timeZone) == nil || hours.timeZone.isEmpty {
            errors.append(FieldError(field: "operatingHours.timeZone", message: "“\(timeZone)” is not an IANA time zone (e.g. Europe/Berlin)."))
        }
        hours.note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        for day in Self.weekdays {
            let intervals = TeamRecord.cleaned(self[keyPath: day.path]).map { $0.replacingOccurrences(of: " ", with: "") }
            hours[keyPath: day.path] = intervals
            var ranges: [ClosedRange<Int>] = []
            for (index, interval) in intervals.enumerated() {
                guard let range = Self.parseInterval(interval) else {
                    errors.append(FieldError(field: "operatingHours.\(day.key)[\(index)]", message: "“\(interval)” is not an interval HH:MM-HH:MM with the end after the start."))
                    continue
                }
                if ranges.contains(where: { $0.lowerBound < range.upperBound && range.lowerBound < $0.upperBound }) {
                    errors.append(FieldError(field: "operatingHours.\(day.key)[\(index)]", message: "“\(interval)” overlaps another interval on \(day.name)."))
                }
                ranges.append(range)
            }
        }
        return hours
    }
}

extension Constituency {
    func validated(errors: inout [FieldError]) -> Constituency {
        var result = Constituency()
        result.countries = TeamRecord.countryList(countries, field: "constituency.countries", errors: &errors)
        var asns: [ASN] = []
        for (index, text) in TeamRecord.cleaned(self.asns).enumerated() {
            if let asn = ASN(parsing: text) { asns.append(asn) } else {
                errors.append(FieldError(field: "constituency.asns[\(index)]", message: "“\(text)” is not an AS number (AS64500 or 64500)."))
            }
        }
        result.asns = TeamRecord.unique(asns).sorted().map(\.description)
        var prefixes: [IPPrefix] = []
        for (index, text) in TeamRecord.cleaned(self.prefixes).enumerated() {
            do { prefixes.append(try IPPrefix(parsing: text)) } catch {
                errors.append(FieldError(field: "constituency.prefixes[\(index)]", message: error.description))
            }
        }
        result.prefixes = TeamRecord.unique(prefixes).sorted().map(\.description)
        var domains: [DomainName] = []
        for (index, text) in TeamRecord.cleaned(self.domains).enumerated() {
            if let domain = DomainName(parsing: text) { domains.append(domain) } else {
                errors.append(FieldError(field: "constituency.domains[\(index)]", message: "“\(text)” is not a domain name (letters, digits and hyphens; IDNs in xn-- form)."))
            }
        }
        result.domains = TeamRecord.unique(domains).sorted().map(\.name)
        return result
    }
}
