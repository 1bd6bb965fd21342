import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A process the topology started, as recorded in `pids/NAME.json`: its pid, the program
/// it runs and the kernel's start time of that pid. A recorded pid is only trusted (shown
/// alive, signalled) while the process with that pid still runs that program and started
/// at that time, so a pid reused by an unrelated process is never touched.
public struct ProcessRecord: Codable, Sendable, Equatable {
    public let name: String
    public let pid: Int32
    /// The executable's absolute path, as it appears in `/proc/PID/cmdline`.
    public let program: String
    /// Field 22 of `/proc/PID/stat`: clock ticks after boot when the process started.
    public let startTicks: UInt64

    /// A record of the running process `pid`; nil when it is gone already.
    public static func of(_ pid: Int32, name: String, program: String) -> ProcessRecord? {
        guard let ticks = Self.startTicks(of: pid) else { return nil }
        return ProcessRecord(name: name, pid: pid, program: program, startTicks: ticks)
    }

    /// True when the recorded process still runs: same pid, same start time, the program
    /// among its arguments, and not a zombie. An empty command line (read while the process
    /// is in the middle of `exec`) goes by the start time alone.
    public var isRunning: Bool {
        var status: Int32 = 0
        _ = waitpid(self.pid, &status, WNOHANG)  // reaps our own child that has ended
        guard Self.startTicks(of: self.pid) == self.startTicks, !Self.isZombie(self.pid),
            let data = FileManager.default.contents(atPath: "/proc/\(self.pid)/cmdline")
        else {
            return false
        }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.isEmpty || arguments.contains(self.program)
    }

    static func startTicks(of pid: Int32) -> UInt64? {
        guard let fields = Self.statFields(pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let state = Self.statFields(pid)?.first else { return true }
        return state == "Z" || state == "X"
    }

    /// The fields of `/proc/PID/stat` after the command name (the state first).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else {
            return nil
        }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
