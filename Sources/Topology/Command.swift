import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a finished command printed and how it ended.
public struct CommandResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public let status: Int32
    public let output: String
    public let errors: String

    public var succeeded: Bool { self.status == 0 }
}

/// Runs the short commands of a bring-up (initdb, pg_ctl, psql, haproxy -c) to completion.
///
/// Built on `posix_spawn` with output into files rather than Foundation's `Process` and
/// pipes: `pg_ctl start` leaves a postmaster behind that would inherit a pipe and keep the
/// read side waiting for ever.
public enum Command {
    /// Runs `command` (an absolute path first) in `directory` with exactly `environment`,
    /// killing its process group after `timeout`.
    public static func run(
        _ command: [String], environment: [String: String], directory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws(TopologyError) -> CommandResult {
        let scratch = NSTemporaryDirectory() + "/portal-topology-\(UUID().uuidString)"
        let outPath = scratch + ".out"
        let errPath = scratch + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }

        var argv = command
        if let directory {
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + command
        }
        let pid = try Spawner.spawn(
            argv, environment: environment, output: outPath, errors: errPath, append: false,
            newSession: false)
        let status = await Self.wait(pid, timeout: timeout)
        let result = CommandResult(
            status: status ?? -1,
            output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        guard status != nil else {
            throw TopologyError(
                .timedOut,
                "\(command.joined(separator: " ")) did not finish within \(timeout): "
                    + result.errors)
        }
        return result
    }

    /// Runs `command` and throws its standard error when it fails.
    @discardableResult
    public static func check(
        _ command: [String], environment: [String: String], directory: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws(TopologyError) -> String {
        let result = try await Self.run(
            command, environment: environment, directory: directory, timeout: timeout)
        guard result.succeeded else {
            let name = URL(fileURLWithPath: command[0]).lastPathComponent
            let detail = (result.errors + result.output).trimmingCharacters(
                in: .whitespacesAndNewlines)
            throw TopologyError(
                .commandFailed, "\(name) exited with \(result.status): \(detail)")
        }
        return result.output
    }

    /// Waits for `pid`, polling without blocking a thread; kills its process group after
    /// `timeout` and returns nil.
    private static func wait(_ pid: pid_t, timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(1)
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
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
}
