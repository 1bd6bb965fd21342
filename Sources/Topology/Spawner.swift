import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `posix_spawn` call under `Command` and `Supervisor`.
enum Spawner {
    /// Starts `argv` (an absolute path first) with standard input from /dev/null and output
    /// and errors into files, in a process group of its own, or a session of its own when
    /// `newSession` (a daemon that outlives the command starting it). Returns its pid.
    static func spawn(
        _ argv: [String], environment: [String: String], output: String, errors: String,
        append: Bool, newSession: Bool
    ) throws(TopologyError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let writeFlags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, writeFlags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, writeFlags, 0o644)
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
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newSession {
            flags |= 0x80  // POSIX_SPAWN_SETSID, which Glibc's module leaves out
        } else {
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
            throw TopologyError(
                .commandFailed, "cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
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
