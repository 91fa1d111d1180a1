extension TeamRecord {
    /// This record with every non-empty value of `update` written over it: how an import from
    /// a format that carries only some fields updates a team without erasing the others.
    public func merging(_ update: TeamRecord) -> TeamRecord {
        var record = self
        func take(_ path: WritableKeyPath<TeamRecord, String>) { if !update[keyPath: path].isEmpty { record[keyPath: path] = update[keyPath: path] } }
        func take(_ path: WritableKeyPath<TeamRecord, [String]>) { if !update[keyPath: path].isEmpty { record[keyPath: path] = update[keyPath: path] } }
        for path in [\TeamRecord.shortName, \.officialName, \.postalAddress, \.countryCode, \.email, \.host, \.establishment,
                     \.emergencyContact, \.constituencyName, \.constituencyCode, \.constituencyDescription, \.memberSince] {
            take(path)
        }
        for path in [\TeamRecord.additionalCountryCodes, \.websites, \.internalEmails, \.phoneNumbers, \.languages] {
            take(path)
        }
        if !update.operatingHours.isEmpty || !update.operatingHours.note.isEmpty { record.operatingHours = update.operatingHours }
        if !update.constituency.isEmpty { record.constituency = update.constituency }
        if !update.teamTypes.isEmpty { record.teamTypes = update.teamTypes }
        if let memberType = update.memberType { record.memberType = memberType }
        if !update.pgpKeys.isEmpty { record.pgpKeys = update.pgpKeys }
        if update.publicFields != TeamField.publicByDefault { record.publicFields = update.publicFields }
        return record
    }
}
