#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `Date` header's value (IMF-fixdate, RFC 9110 §5.6.7), formatted at most once a
/// second: each loop keeps one and every response in that second reuses the bytes.
struct HTTPDate {
    private(set) var bytes: [UInt8] = []
    private var second: Int = -1

    /// The current date, reformatted only when the wall-clock second has changed.
    mutating func current() -> [UInt8] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let second = Int(now.tv_sec)
        if second != self.second {
            self.second = second
            self.bytes = Self.format(epochSeconds: second)
        }
        return self.bytes
    }

    static func format(epochSeconds: Int) -> [UInt8] {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)

        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

        let text =
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        return Array(text.utf8)
    }
}
