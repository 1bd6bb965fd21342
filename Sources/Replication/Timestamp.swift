import Foundation

/// ISO 8601 times as the backups and `portalctl restore --to` write them: a date, a time
/// and a zone, with or without fractional seconds. A time without a zone is refused, since
/// it would mean a different instant on each machine.
public enum Timestamp {
    /// `text` as an instant, or nil when it is not ISO 8601 with a zone
    /// (`2026-12-04T16:30:00Z`, `2026-12-04T17:30:00.250+01:00`).
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: trimmed) {
                return date
            }
        }
        return nil
    }

    /// `date` in UTC with milliseconds (`2026-12-04T16:30:00.125Z`).
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// `date` as PostgreSQL reads a `timestamptz` setting (`2026-12-04 16:30:00.125+00`).
    static func postgres(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS'+00'"
        return formatter.string(from: date)
    }
}
