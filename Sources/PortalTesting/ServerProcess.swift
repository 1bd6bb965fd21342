import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Signals and waits for a postmaster by the pid it wrote, never by name.
enum ServerProcess {
    /// True when the process no longer runs: gone, or a zombie nobody has reaped yet.
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH {
            return true
        }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else {
            return true
        }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// Sends `signal` and waits up to `timeout` for the process to end, without blocking a
    /// cooperative thread. Returns whether it ended.
    static func signalAndWait(_ pid: Int32, _ signal: Int32, timeout: Duration) async -> Bool {
        kill(pid, signal)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if Self.isGone(pid) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return Self.isGone(pid)
    }

    /// The same, blocking the calling thread: for process exit, where no task can run.
    static func signalAndWaitBlocking(_ pid: Int32, _ signal: Int32, timeout: Duration) -> Bool {
        kill(pid, signal)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if Self.isGone(pid) {
                return true
            }
            usleep(20_000)
        }
        return Self.isGone(pid)
    }

    /// The processes whose parent is `pid` (a postmaster's backends and helpers), read from
    /// `/proc`, so that a crash test can wait for them too.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else {
                return false
            }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// The current directory of a running process, if it can be read.
    static func workingDirectory(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
    }

    /// Reads the postmaster pid from a data directory's `postmaster.pid`.
    static func postmasterPID(dataDirectory: String) -> Int32? {
        Self.lockOwner("\(dataDirectory)/postmaster.pid")
    }

    /// The pid on the first line of a PostgreSQL lock file.
    static func lockOwner(_ path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let first = text.split(separator: "\n").first,
            let pid = Int32(first.trimmingCharacters(in: .whitespaces)), pid > 0
        else {
            return nil
        }
        return pid
    }
}
