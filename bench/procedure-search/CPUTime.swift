import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// CPU time spent, in seconds, read from the kernel: what a request costs whatever else
/// the machine is doing, next to its latency, which a busy machine stretches.
enum CPUTime {
    /// The server's CPU time so far: the postmaster's own plus that of its exited backends.
    static func server(postmaster pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }

        // Fields after the command name start at field 3; utime..cstime are fields 14-17.
        let fields = text[text.index(after: close)...].split(separator: " ")
        let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The CPU time so far of this process, or of the calling thread only.
    static func process(threadOnly: Bool = false) -> Double {
        var usage = rusage()
        // RUSAGE_THREAD is 1 on Linux; Glibc's module does not name it.
        getrusage(__rusage_who_t(threadOnly ? 1 : RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}
