/// How soon the referrer needs the scan, as the NHS priority types name it.
public enum Urgency: String, Sendable, Codable, CaseIterable {
    case routine
    case urgent
    /// Suspected cancer: the two-week-wait pathway.
    case twoWeekWait = "two_week_wait"
}
