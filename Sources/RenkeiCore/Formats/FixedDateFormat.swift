import Foundation

extension DateFormatter {
    /// A formatter for a machine-read date format (HTTP and mail dates, page timestamps): POSIX
    /// locale and UTC, so no setting of the machine changes the text.
    public static func fixed(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }
}
