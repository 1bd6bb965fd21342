import Foundation
import Migrations
import Postgres
import Reactor
import Telemetry

/// A fresh database on the shared test cluster with the repository's migrations applied,
/// reached as the superuser (through psql) or as any role over loopback TCP (trust). Each
/// test that needs a schema of its own makes one; the API tests copy a migrated template
/// instead, which is faster when many tests need one.
public struct MigratedDatabase: Sendable {
    /// Quiet: only errors of the test support itself.
    public static let logger = Logger(label: "migrated-database", level: .error)

    public let cluster: TestCluster
    public let name: String

    /// Creates the database and applies every migration in the repository.
    public static func migrated() async throws -> MigratedDatabase {
        let cluster = try await TestCluster.shared()
        let name = try await cluster.createDatabase()
        let set = try MigrationSet.load(directory: Self.migrationsFolder)
        _ = try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: name), logger: Self.logger
        ) { try await $0.migrate(set) }
        return MigratedDatabase(cluster: cluster, name: name)
    }

    /// The repository's `migrations/` folder.
    public static var migrationsFolder: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }

    /// Runs SQL as the superuser (row-level security does not apply to it).
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await self.cluster.psql(sql, database: self.name)
    }

    /// Runs `body` with a connection as `user` (no password: loopback trusts), on a loop of
    /// its own.
    public func withConnection<Result>(
        as user: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let loop = try EventLoop(name: "migrated-db")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: self.cluster.connectionString(
                database: self.name, user: user, password: nil),
            applicationName: "migrated-database")
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
}
