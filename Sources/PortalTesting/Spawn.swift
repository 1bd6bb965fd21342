import ChildProcess

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `posix_spawn` and `waitpid` calls under `ProcessRunner`.
enum Spawn {
    /// Starts `command` in a new process group with standard input from /dev/null and
    /// output and error into the given files; returns its pid.
    static func start(
        _ command: [String], environment: [String: String], output: String, error: String
    ) throws -> pid_t {
        do throws(ChildProcess.SpawnError) {
            return try ChildProcess.spawn(
                command, environment: environment, output: output, errors: error, append: false,
                grouping: .group)
        } catch {
            throw TestClusterError(.commandFailed, error.description)
        }
    }

    /// Waits for `pid` to exit, polling without blocking a thread; after `timeout` kills its
    /// process group and returns nil.
    static func wait(_ pid: pid_t, timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(1)
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                return Self.exitCode(status)
            }
            if reaped < 0 && errno != EINTR {
                return -1
            }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return nil
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
    }

    private static func exitCode(_ status: Int32) -> Int32 {
        ChildProcess.exitCode(status)
    }
}
