import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Finds and runs PostgreSQL's client programs (`pg_basebackup`, `pg_ctl`) for backup and
/// restore, with a deadline and with their output kept for the error message.
enum PostgresTools {
    /// What a finished program printed and how it ended.
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The folder holding `program`: `PORTAL_PG_BINDIR`, then PostgreSQL `version`'s folder
    /// under /usr/lib/postgresql when a version is given, then the highest version there,
    /// then `PATH`.
    static func path(_ program: String, version: String? = nil) throws(BackupError) -> String {
        var folders: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PORTAL_PG_BINDIR"] {
            folders.append(configured)
        }
        let root = "/usr/lib/postgresql"
        if let version {
            folders.append("\(root)/\(version)/bin")
        }
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        folders += installed.compactMap(Int.init).sorted(by: >).map { "\(root)/\($0)/bin" }
        folders += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map(String.init)

        for folder in folders {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BackupError(
            .commandFailed,
            "\(program) not found (set PORTAL_PG_BINDIR or install PostgreSQL's programs)")
    }

    /// Runs `executable` with `arguments` and `environment` added to this process's; kills it
    /// and throws `timedOut` after `timeout`. Started with `posix_spawn` and awaited with
    /// `waitpid` rather than through Foundation's `Process`, whose exit notice waits on a
    /// descriptor that a server started by the program (`pg_ctl start`) inherits and keeps
    /// open; output goes to files, never pipes, for the same reason.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: Duration
    ) async throws(BackupError) -> Output {
        let scratch = NSTemporaryDirectory() + "portal-tool-" + UUID().uuidString
        let outPath = scratch + ".out"
        let errPath = scratch + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, flags, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, flags, 0o600)

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // This process's threads may block signals; the program starts with none blocked.
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

        var pid: pid_t = 0
        let started = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard started == 0 else {
            throw BackupError(
                .commandFailed,
                "cannot start \(executable): \(String(cString: strerror(started)))")
        }

        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                throw BackupError(.commandFailed, "lost track of \(executable) (pid \(pid))")
            }
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw BackupError(
                    .timedOut, "\(executable) did not finish within \(timeout); stopped it")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let signal = status & 0x7f
        return Output(
            status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
