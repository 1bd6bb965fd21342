import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A throwaway PostgreSQL cluster in its own temporary folder, on its own loopback port,
/// created for tests and removed after them.
///
/// Use `TestCluster.with { cluster in ... }` when a test needs a server of its own (to stop,
/// kill or reconfigure it), or `TestCluster.shared()` plus `createDatabase()` when a fresh
/// database is isolation enough. The superuser is `postgres` (password `postgres`); the
/// server runs as the `postgres` account when the tests run as root.
public final class TestCluster: Sendable {
    /// The superuser every test cluster has.
    public static let superuser = "postgres"
    /// The superuser's password, needed only when TCP authentication is not `trust`.
    public static let superuserPassword = "postgres"

    /// The loopback TCP port the server listens on (address 127.0.0.1).
    public let port: Int
    /// The server programs this cluster runs with.
    public let binaries: PostgresBinaries
    /// How TCP connections from loopback authenticate (`trust`, `scram-sha-256`).
    public let hostAuthentication: String
    let folder: ClusterFolder

    init(folder: ClusterFolder, port: Int, binaries: PostgresBinaries, hostAuthentication: String) {
        self.folder = folder
        self.port = port
        self.binaries = binaries
        self.hostAuthentication = hostAuthentication
    }

    /// The cluster's data directory.
    public var dataDirectory: String { self.folder.dataDirectory }
    /// The folder holding the server's unix socket.
    public var socketDirectory: String { self.folder.socketDirectory }
    /// The server's log file.
    public var logFile: String { self.folder.logFile }

    /// The last lines of the server log, for failure messages.
    public func logTail(lines: Int = 30) -> String {
        self.folder.logTail(lines: lines)
    }

    /// A libpq conninfo string reaching this cluster over TCP loopback.
    public func connectionString(
        database: String = "postgres",
        user: String = TestCluster.superuser,
        password: String? = TestCluster.superuserPassword
    ) -> String {
        var parts = ["host=127.0.0.1", "port=\(self.port)", "dbname=\(database)", "user=\(user)"]
        if let password {
            parts.append("password=\(password)")
        }
        parts.append("connect_timeout=10")
        return parts.joined(separator: " ")
    }

    /// The process id of the running postmaster, read from `postmaster.pid`; nil when stopped.
    public var postmasterPID: Int32? {
        guard let pid = ServerProcess.postmasterPID(dataDirectory: self.dataDirectory) else {
            return nil
        }
        return ServerProcess.isGone(pid) ? nil : pid
    }

    /// Runs SQL through `psql` as the superuser over the unix socket and returns what it
    /// printed: rows one a line, columns separated by `|`, no headers. Statements run one by
    /// one (so `CREATE DATABASE` and `ALTER SYSTEM` work); the first error stops it and throws.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let script = "\(self.folder.root)/query-\(UUID().uuidString).sql"
        try Data(sql.utf8).write(to: URL(fileURLWithPath: script))
        defer { try? FileManager.default.removeItem(atPath: script) }

        let arguments = [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", self.socketDirectory, "-p", "\(self.port)",
            "-U", TestCluster.superuser, "-d", database, "-f", script,
        ]
        let output = try await ProcessRunner.run(
            self.binaries.path("psql"), arguments, environment: ["PGCONNECT_TIMEOUT": "10"])
        guard output.succeeded else {
            throw TestClusterError(
                .commandFailed, "psql failed on database \(database) (port \(self.port))",
                context: output.standardError)
        }

        var text = output.standardOutput
        while text.hasSuffix("\n") {
            text.removeLast()
        }
        return text
    }

    /// Creates an empty database with a fresh unique name and returns the name, so each test
    /// on a shared cluster works in a database of its own.
    public func createDatabase() async throws -> String {
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        let name = "test_\(suffix.lowercased())"
        try await self.psql("CREATE DATABASE \(name);")
        return name
    }
}
