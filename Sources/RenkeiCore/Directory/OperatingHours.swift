import Foundation

/// When a team answers, per weekday in its own IANA time zone. Each day holds intervals written
/// `HH:MM-HH:MM` (several a day for a lunch break; `00:00-24:00` for round the clock).
public struct OperatingHours: Sendable, Hashable, Codable {
    public var timeZone: String
    public var mon: [String], tue: [String], wed: [String], thu: [String], fri: [String], sat: [String], sun: [String]
    /// Free text shown beside the schedule, e.g. public holidays.
    public var note: String

    public init(timeZone: String = "UTC", mon: [String] = [], tue: [String] = [], wed: [String] = [],
                thu: [String] = [], fri: [String] = [], sat: [String] = [], sun: [String] = [], note: String = "") {
        self.timeZone = timeZone
        self.mon = mon; self.tue = tue; self.wed = wed; self.thu = thu; self.fri = fri; self.sat = sat; self.sun = sun
        self.note = note
    }

    public static var weekdays: [(key: String, name: String, path: WritableKeyPath<OperatingHours, [String]>)] {
        [("mon", "Monday", \.mon), ("tue", "Tuesday", \.tue), ("wed", "Wednesday", \.wed), ("thu", "Thursday", \.thu),
         ("fri", "Friday", \.fri), ("sat", "Saturday", \.sat), ("sun", "Sunday", \.sun)]
    }

    /// Office hours Monday to Friday, the common case.
    public static func weekdays(_ interval: String, timeZone: String) -> OperatingHours {
        OperatingHours(timeZone: timeZone, mon: [interval], tue: [interval], wed: [interval], thu: [interval], fri: [interval])
    }

    public var isEmpty: Bool { Self.weekdays.allSatisfy { self[keyPath: $0.path].isEmpty } }

    /// Minutes since midnight for an interval `HH:MM-HH:MM`; nil when malformed or empty.
    public static func parseInterval(_ text: String) -> ClosedRange<Int>? {
        let ends = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard ends.count == 2, let open = minutes(ends[0]), let close = minutes(ends[1]), open < close else { return nil }
        return open...close
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }

    /// Whether the team is inside its operating hours at `date`, judged in its own time zone.
    public func isOpen(at date: Date) -> Bool {
        guard let zone = TimeZone(identifier: timeZone) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        // Calendar counts Sunday as 1; our table starts on Monday.
        let day = Self.weekdays[(weekday + 5) % 7]
        let now = hour * 60 + minute
        return self[keyPath: day.path].contains { Self.parseInterval($0).map { $0.lowerBound <= now && now < $0.upperBound } ?? false }
    }

    /// Open or closed at a moment; see `openState(at:)`.
    public enum OpenState: String, Sendable, Hashable { case open, closed }

    /// Whether the team is open at `date`, or nil when that cannot be said: no schedule (or
    /// none the reader may see), or a time zone that is not an IANA name.
    public func openState(at date: Date) -> OpenState? {
        guard !isEmpty, TimeZone(identifier: timeZone) != nil else { return nil }
        return isOpen(at: date) ? .open : .closed
    }

    /// A one-line description in words, e.g. "Mon–Fri 09:00-17:00 (Europe/Berlin)".
    public var summary: String {
        guard !isEmpty else { return note }
        var groups: [(first: String, last: String, hours: [String])] = []
        for day in Self.weekdays {
            let hours = self[keyPath: day.path]
            if let last = groups.last, last.hours == hours {
                groups[groups.count - 1].last = day.name
            } else {
                groups.append((day.name, day.name, hours))
            }
        }
        let text = groups.filter { !$0.hours.isEmpty }.map { group in
            let days = group.first == group.last ? String(group.first.prefix(3)) : "\(group.first.prefix(3))–\(group.last.prefix(3))"
            return "\(days) \(group.hours.joined(separator: ", "))"
        }.joined(separator: "; ")
        return "\(text) (\(timeZone))" + (note.isEmpty ? "" : ". \(note)")
    }
}
