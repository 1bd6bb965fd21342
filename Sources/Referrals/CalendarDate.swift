import Foundation

/// A day in the Gregorian calendar with no time or zone: a date of birth, the date of a
/// blood test. Written and read as ISO 8601 `YYYY-MM-DD`.
public struct CalendarDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A real day (29 February only in leap years); nil otherwise.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; nil for anything else or a day that does not exist.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-")
        else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            let slice = bytes[range]
            guard slice.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else {
                return nil
            }
            return slice.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// Today where the provider works (UK time), which is when a referral is made.
    public static func today(
        in zone: TimeZone = TimeZone(identifier: "Europe/London") ?? .gmt, now: Date = Date()
    ) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let year = String(self.year)
        let month = self.month < 10 ? "0\(self.month)" : String(self.month)
        let day = self.day < 10 ? "0\(self.day)" : String(self.day)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + month + "-"
            + day
    }

    public var description: String { self.iso }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var dayNumber: Int {
        let year = self.month <= 2 ? self.year - 1 : self.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (self.month + (self.month > 2 ? -3 : 9)) + 2) / 5 + self.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days from `earlier` to this day (positive when this is later).
    public func days(since earlier: CalendarDate) -> Int {
        self.dayNumber - earlier.dayNumber
    }

    /// Whole years from `birth` to this day: an age.
    public func years(since birth: CalendarDate) -> Int {
        let beforeBirthday = (self.month, self.day) < (birth.month, birth.day)
        return self.year - birth.year - (beforeBirthday ? 1 : 0)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
