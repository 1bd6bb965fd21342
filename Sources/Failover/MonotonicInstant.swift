#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A point on a monotonic clock, in milliseconds. The state machines take it as a value so
/// they can be driven by tests without a clock; only the executables read the real one.
public struct MonotonicInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64

    /// The instant `milliseconds` after the clock's origin.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The current instant of `CLOCK_MONOTONIC`.
    public static func now() -> MonotonicInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(
            milliseconds: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    /// The instant `milliseconds` later.
    public func adding(milliseconds: Int) -> MonotonicInstant {
        MonotonicInstant(milliseconds: self.milliseconds + Int64(milliseconds))
    }

    /// Milliseconds from `earlier` to this instant (negative when `earlier` is later).
    public func milliseconds(since earlier: MonotonicInstant) -> Int {
        Int(self.milliseconds - earlier.milliseconds)
    }

    /// Orders or compares by value.
    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public var description: String { "\(self.milliseconds) ms" }
}
