import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Programs the benchmark runs: one-shot commands awaited with a blocking `waitpid` (so no
/// polling delay is added to what is timed), and daemons kept by pid and stopped by it.
/// As root, everything runs as the PostgreSQL account, as archive_command does.
enum Command {
    /// The prefix that runs a program as the PostgreSQL account when this process is root.
    static let asServer: [String] =
        getuid() == 0
        ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        : []

    /// Runs `argv` to its end, output into `log` (appended); returns its exit status.
    @discardableResult
    static func run(_ argv: [String], log: String = "/dev/null") throws -> Int32 {
        let pid = try self.spawn(argv, log: log)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw BenchFailure("waitpid \(argv[0]): errno \(errno)") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Starts `argv` in the background with its output in `log`; returns its pid.
    static func spawn(_ argv: [String], log: String) throws -> pid_t {
        let command = Self.asServer + argv
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // A thread of this process may block signals; the child starts with none blocked
        // (pgbench -T ends on SIGALRM) and SIGPIPE at its default.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw BenchFailure("cannot start \(command[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Stops a daemon started by `spawn`: SIGTERM, then SIGKILL after five seconds.
    static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<250 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    /// Hands `path` and everything under it to the PostgreSQL account when root.
    static func giveToServer(_ path: String) {
        guard getuid() == 0, let account = getpwnam("postgres") else { return }
        let (uid, gid) = (account.pointee.pw_uid, account.pointee.pw_gid)
        chown(path, uid, gid)
        let walker = FileManager.default.enumerator(atPath: path)
        while let relative = walker?.nextObject() as? String {
            chown(path + "/" + relative, uid, gid)
        }
    }
}
