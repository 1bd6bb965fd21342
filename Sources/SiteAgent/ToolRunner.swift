import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a finished program printed (output and errors together) and how it ended.
struct ToolResult: Sendable {
    let status: Int32
    let output: String

    var succeeded: Bool { self.status == 0 }
}

/// Runs the short PostgreSQL programs of the agent (pg_rewind, pg_controldata) to
/// completion as the server account, with a deadline after which their process group is
/// killed. Waits by polling `waitpid` for that pid alone, so the postmaster's watcher
/// thread and these never reap each other's children.
struct ToolRunner: Sendable {
    let bin: String
    let user: ServerUser
    let directory: String

    /// Runs `program` from the PostgreSQL bin folder with `arguments`.
    func run(
        _ program: String, _ arguments: [String], timeout: Duration
    ) async throws(AgentError) -> ToolResult {
        let scratch = NSTemporaryDirectory() + "/portal-agent-\(UUID().uuidString).out"
        defer { unlink(scratch) }
        let argv = self.user.command(["\(self.bin)/\(program)"] + arguments)
        let pid = try ProcessSpawn.spawn(
            argv, environment: ProcessSpawn.environment, output: scratch, truncate: true,
            directory: self.directory)

        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(1)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                throw AgentError(.commandFailed, "lost track of \(program): errno \(errno)")
            }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw AgentError(.timedOut, "\(program) did not finish within \(timeout)")
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        let output = (try? String(contentsOfFile: scratch, encoding: .utf8)) ?? ""
        return ToolResult(status: ProcessSpawn.exitCode(status), output: output)
    }

    /// Runs `program` and throws its output when it fails.
    @discardableResult
    func check(
        _ program: String, _ arguments: [String], timeout: Duration
    ) async throws(AgentError) -> String {
        let result = try await self.run(program, arguments, timeout: timeout)
        guard result.succeeded else {
            throw AgentError(
                .commandFailed, "\(program) exited with \(result.status): \(result.output)")
        }
        return result.output
    }
}
