import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Starts a restored data directory with `pg_ctl` and waits until recovery has reached its
/// target: PostgreSQL removes `recovery.signal` when it promotes at the target, and stops
/// with an error when the archive ends before the target.
public struct RestoredServer: Sendable {
    public let directory: String
    /// The PostgreSQL major version that wrote the backup, to pick matching programs.
    public let serverVersion: String

    public init(directory: String, serverVersion: String) {
        self.directory = directory
        self.serverVersion = serverVersion
    }

    /// The server's log file.
    public var logFile: String { self.directory + "/restore.log" }

    /// Refuses to go on as root, which PostgreSQL refuses too; checked before anything is
    /// copied so that a refused start changes nothing.
    public static func checkUser() throws(BackupError) {
        guard getuid() != 0 else {
            throw BackupError(
                .invalidArgument,
                "PostgreSQL does not run as root; run the restore with --start as the "
                    + "account that runs PostgreSQL")
        }
    }

    /// Starts the server; with `waitForTarget`, waits up to `timeout` until it has left
    /// recovery at the target.
    public func start(waitForTarget: Bool, timeout: Duration) async throws(BackupError) {
        let pgctl = try PostgresTools.path("pg_ctl", version: self.serverVersion)
        let seconds = max(1, timeout.components.seconds)
        let output = try await PostgresTools.run(
            pgctl,
            ["start", "-D", self.directory, "-l", self.logFile, "-w", "-t", "\(seconds)", "-s"],
            timeout: timeout + .seconds(20))
        guard output.status == 0 else {
            throw BackupError(
                .commandFailed,
                "pg_ctl could not start \(self.directory): \(output.standardError)\n"
                    + self.logTail())
        }
        guard waitForTarget else { return }

        let signal = self.directory + "/recovery.signal"
        let deadline = ContinuousClock.now + timeout
        while FileManager.default.fileExists(atPath: signal) {
            let status = try await PostgresTools.run(
                pgctl, ["status", "-D", self.directory], timeout: .seconds(30))
            guard status.status == 0 else {
                throw BackupError(
                    .commandFailed,
                    "the restored server stopped before reaching its target:\n"
                        + self.logTail())
            }
            guard ContinuousClock.now < deadline else {
                throw BackupError(
                    .timedOut,
                    "recovery did not reach its target within \(timeout); the server still "
                        + "runs:\n" + self.logTail())
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The last lines of the server's log.
    public func logTail(lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: self.logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
