import Foundation
import PortalTesting

/// Talks to a cluster that `portalctl restore --start` started: psql over TCP loopback and
/// `pg_ctl stop`, as the PostgreSQL account when the tests run as root.
enum RestoredCluster {
    static func query(port: Int, _ sql: String) async throws -> String {
        let binaries = try await PostgresBinaries.locate()
        let output = try await ProcessRunner.run(
            binaries.path("psql"),
            [
                "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
                "-d", "postgres", "-c", sql,
            ],
            environment: ["PGCONNECT_TIMEOUT": "5"])
        guard output.succeeded else {
            throw CocoaError(.fileReadUnknown, userInfo: ["psql": output.standardError])
        }
        return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func stop(_ directory: String) async throws {
        guard FileManager.default.fileExists(atPath: directory + "/postmaster.pid") else { return }
        let binaries = try await PostgresBinaries.locate()
        _ = try await ProcessRunner.run(
            ArchivedPrimary.asServer[0],
            Array(ArchivedPrimary.asServer.dropFirst())
                + [binaries.path("pg_ctl"), "stop", "-D", directory, "-m", "immediate", "-w"],
            timeout: .seconds(40))
    }
}
