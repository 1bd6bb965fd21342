import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a finished command printed and how it ended.
public struct CommandOutput: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public let status: Int32
    public let standardOutput: String
    public let standardError: String

    public var succeeded: Bool { self.status == 0 }
}

/// Runs a command with a deadline.
///
/// Built on `posix_spawn` rather than Foundation's `Process`, whose exit notification waits
/// for a descriptor that a daemon started by the command (a postmaster under `pg_ctl start`)
/// inherits and keeps open. Output goes to files, never pipes, for the same reason, and the
/// child gets no descriptors of this process beyond standard input, output and error.
public enum ProcessRunner {
    /// Runs `executable` (an absolute path) with `arguments`, in `directory` if given, with
    /// `environment` added to this process's. Throws `timedOut` after killing the command's
    /// process group when it runs past `timeout`.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) async throws -> CommandOutput {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("portal-cmd-\(UUID().uuidString)").path
        let outPath = scratch + ".out"
        let errPath = scratch + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }

        var command = [executable] + arguments
        if let directory {
            command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + command
        }
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }

        let pid = try Spawn.start(command, environment: merged, output: outPath, error: errPath)
        let status = await Spawn.wait(pid, timeout: timeout)

        let output = CommandOutput(
            status: status ?? -1,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
        guard status != nil else {
            let line = ([executable] + arguments).joined(separator: " ")
            throw TestClusterError(
                .timedOut, "\(line) did not finish within \(timeout)",
                context: output.standardError)
        }
        return output
    }
}
