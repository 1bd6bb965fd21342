import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Telemetry

/// A fresh database on the shared test cluster with the repository's migrations applied,
/// reached as the superuser (psql) or over loopback TCP as any role (trust).
struct SitesDatabase {
    static let logger = Logger(label: "referrals-tests", level: .error)

    let cluster: TestCluster
    let name: String

    static func migrated() async throws -> SitesDatabase {
        let cluster = try await TestCluster.shared()
        let name = try await cluster.createDatabase()
        let set = try MigrationSet.load(directory: Self.repository + "/migrations")
        _ = try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: name), logger: Self.logger
        ) { try await $0.migrate(set) }
        return SitesDatabase(cluster: cluster, name: name)
    }

    /// The repository's root folder.
    static var repository: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The Code-Point Open sample the repository carries.
    static var codePointSample: String {
        Self.repository + "/deploy/data/codepoint-sample.csv"
    }

    @discardableResult
    func psql(_ sql: String) async throws -> String {
        try await self.cluster.psql(sql, database: self.name)
    }

    /// Runs `body` with a connection as `user`, on a loop of its own.
    func withConnection<Result>(
        as user: String = TestCluster.superuser,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let loop = try EventLoop(name: "referrals-test")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: self.cluster.connectionString(
                database: self.name, user: user, password: nil),
            applicationName: "referrals-tests")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: Self.logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// A file in a fresh temporary folder holding `text`.
    static func temporaryFile(_ text: String, name: String = "postcodes.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("referrals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
