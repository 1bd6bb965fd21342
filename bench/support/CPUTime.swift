import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// CPU time spent, in seconds, read from the kernel: what a side of a benchmark costs
/// whatever else the machine is doing, next to throughput and latency, which a busy machine
/// stretches.
public enum CPUTime {
    /// Whose CPU time `process(_:)` reads.
    public enum Scope: Sendable {
        /// This whole process.
        case process
        /// This process's children that have been waited for (pgbench, a load generator).
        case children
        /// The calling thread only.
        case thread
    }

    /// PostgreSQL's CPU time so far: the postmaster's own, that of its exited children
    /// (pgbench's backends, closed pool connections) and that of its live children (pooled
    /// backends that outlive a round).
    public static func postgres(postmaster pid: Int32) -> Double {
        guard let own = Self.ticks(pid, fields: 11...14) else { return 0 }
        let path = "/proc/\(pid)/task/\(pid)/children"
        let children = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(separator: " ").compactMap { Int32($0) }
        let live = children.compactMap { Self.ticks($0, fields: 11...12) }.reduce(0, +)
        return (own + live) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The CPU time so far of `scope`.
    public static func process(_ scope: Scope = .process) -> Double {
        var usage = rusage()
        switch scope {
        case .process: getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        case .children: getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        // RUSAGE_THREAD is 1 on Linux; Glibc's module does not name it.
        case .thread: getrusage(__rusage_who_t(1), &usage)
        }
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// The sum of `/proc/PID/stat` fields (counted from the one after the command name:
    /// 11...12 are utime and stime, 13...14 cutime and cstime).
    private static func ticks(_ pid: Int32, fields: ClosedRange<Int>) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let values = text[text.index(after: close)...].split(separator: " ")
        guard values.count > fields.upperBound else { return nil }
        return values[fields].compactMap { Double($0) }.reduce(0, +)
    }
}
