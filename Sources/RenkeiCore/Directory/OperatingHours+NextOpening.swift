import Foundation

extension OperatingHours {
    /// When a closed team opens next: the first start of an interval after `date`, judged in the
    /// team's own time zone, looking at most a week ahead. Nil while the team is open, without
    /// a schedule, or with a time zone that is not an IANA name.
    public func nextOpening(after date: Date) -> Date? {
        guard !isEmpty, let zone = TimeZone(identifier: timeZone), !isOpen(at: date) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: date)
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today) else { continue }
            // Calendar counts Sunday as 1; the table starts on Monday.
            let weekday = Self.weekdays[(calendar.component(.weekday, from: day) + 5) % 7]
            let starts = self[keyPath: weekday.path].compactMap(Self.parseInterval).map(\.lowerBound).sorted()
            for minutes in starts {
                if let start = calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day), start > date {
                    return start
                }
            }
        }
        return nil
    }

    /// A moment as a reader reads it in one zone, named as given: "Mon 7 Jan, 09:00 Europe/Berlin".
    public static func describe(_ date: Date, in zone: TimeZone, named name: String) -> String {
        let formatter = DateFormatter.fixed("EEE d MMM, HH:mm")
        formatter.timeZone = zone
        return formatter.string(from: date) + " " + name
    }

    /// The next opening in the team's zone, in UTC, and in the reader's zone when they said
    /// which it is; each zone once.
    public static func describeOpening(_ date: Date, teamZone: String, readerZone: String?) -> [String] {
        var seen = Set<String>()
        return [teamZone, "UTC", readerZone].compactMap { name -> String? in
            guard let name, let zone = TimeZone(identifier: name), seen.insert(zone.identifier).inserted else { return nil }
            return describe(date, in: zone, named: name)
        }
    }
}
