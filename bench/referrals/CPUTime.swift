import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// CPU time spent, in seconds, read from the kernel: the load-independent side of the
/// comparison, since on a busy machine throughput also depends on the scheduler's favour.
enum CPUTime {
    /// PostgreSQL's CPU time so far: the postmaster's own, that of its exited children
    /// (pgbench's backends, the pools' closed connections) and that of its live children
    /// (the API's pooled backends, which outlive a round).
    static func postgres(postmaster pid: Int32) -> Double {
        guard let own = Self.ticks(pid, fields: 11...14) else { return 0 }
        let path = "/proc/\(pid)/task/\(pid)/children"
        let children = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(separator: " ").compactMap { Int32($0) }
        let live = children.compactMap { Self.ticks($0, fields: 11...12) }.reduce(0, +)
        return (own + live) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's CPU time so far, or that of its waited-for children.
    static func process(children: Bool = false) -> Double {
        var usage = rusage()
        let who = children ? RUSAGE_CHILDREN : RUSAGE_SELF
        getrusage(__rusage_who_t(who.rawValue), &usage)
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
