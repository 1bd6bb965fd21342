import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where the PostgreSQL server programs live, and how to run them as a user the server
/// accepts: PostgreSQL refuses to run as root, so as root they go through `runuser`.
public struct PostgresBinaries: Sendable {
    /// The folder holding `initdb`, `pg_ctl`, `postgres`, `psql` and `pg_basebackup`.
    public let directory: String
    /// The account the server programs run as; nil when the current user can run them.
    public let serverUser: String?

    /// Finds the binaries: `PORTAL_PG_BINDIR`, then `pg_config --bindir`, then the highest
    /// version under `/usr/lib/postgresql/*/bin`.
    public static func locate() async throws -> PostgresBinaries {
        let serverUser = getuid() == 0 ? "postgres" : nil
        for candidate in await Self.candidates() where Self.hasServer(candidate) {
            return PostgresBinaries(directory: candidate, serverUser: serverUser)
        }
        throw TestClusterError(
            .binariesNotFound,
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; install postgresql "
                + "or set PORTAL_PG_BINDIR"
        )
    }

    /// The full path of one program.
    public func path(_ program: String) -> String {
        "\(self.directory)/\(program)"
    }

    /// Runs a server program (initdb, pg_ctl, pg_basebackup) as the server user.
    func runAsServer(
        _ program: String, _ arguments: [String], directory: String,
        timeout: Duration = .seconds(30)
    ) async throws -> CommandOutput {
        guard let user = self.serverUser else {
            return try await ProcessRunner.run(
                self.path(program), arguments, directory: directory, timeout: timeout)
        }
        return try await ProcessRunner.run(
            Self.runuserPath, ["-u", user, "--", self.path(program)] + arguments,
            directory: directory, timeout: timeout)
    }

    private static var runuserPath: String {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")
            ? "/usr/sbin/runuser" : "/sbin/runuser"
    }

    private static func candidates() async -> [String] {
        var found: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PORTAL_PG_BINDIR"] {
            found.append(configured)
        }
        if let output = try? await ProcessRunner.run(
            "/usr/bin/env", ["pg_config", "--bindir"], timeout: .seconds(10)), output.succeeded
        {
            found.append(output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        found.append(contentsOf: Self.installedVersions())
        return found
    }

    /// `/usr/lib/postgresql/<major>/bin`, highest major version first.
    private static func installedVersions() -> [String] {
        let root = "/usr/lib/postgresql"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return entries.compactMap { Int($0) }.sorted(by: >).map { "\(root)/\($0)/bin" }
    }

    private static func hasServer(_ directory: String) -> Bool {
        ["initdb", "pg_ctl", "postgres", "psql"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
        }
    }
}
