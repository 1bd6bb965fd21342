import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Starting programs as children with `posix_spawn`, the way every part that runs
/// PostgreSQL's tools or the portal's daemons needs them: standard input from /dev/null,
/// output into files (never pipes a daemon could hold open), no descriptor of the parent
/// inherited, no signal blocked or ignored, and a process group or session of its own so a
/// signal meant for the parent's terminal never reaches them.
public enum ChildProcess {
    /// Where the child stands among processes.
    public enum Grouping: Sendable {
        /// A process group of its own: a command the caller waits for.
        case group
        /// A session of its own: a daemon that outlives whoever started it.
        case session
    }

    /// Why a program could not be started.
    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        public let program: String
        public let reason: String

        public var description: String { "cannot start \(self.program): \(self.reason)" }
    }

    /// Starts `argv` (an absolute path first) with output to `output` and errors to
    /// `errors` (the same file when nil), appended or truncated; returns its pid.
    public static func spawn(
        _ argv: [String], environment: [String: String], output: String,
        errors: String? = nil, append: Bool, grouping: Grouping
    ) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let writeFlags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, writeFlags, 0o640)
        if let errors, errors != output {
            posix_spawn_file_actions_addopen(&actions, 2, errors, writeFlags, 0o640)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        for fd in Self.inheritableDescriptors() {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        switch grouping {
        case .session:
            flags |= 0x80  // POSIX_SPAWN_SETSID, which Glibc's module leaves out
        case .group:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, variables)
        guard result == 0 else {
            throw SpawnError(program: argv[0], reason: String(cString: strerror(result)))
        }
        return pid
    }

    /// The exit code of a `waitpid` status, or 128 + the signal that ended the process.
    public static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Open descriptors above standard error that would survive `exec`, so the child can
    /// close them.
    private static func inheritableDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }.filter { fd in
            guard fd > 2 else { return false }
            let flags = fcntl(fd, F_GETFD)
            return flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }
}
