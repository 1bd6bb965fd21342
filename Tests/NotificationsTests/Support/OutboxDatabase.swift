import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Telemetry

/// A fresh database on the shared test cluster with the repository's migrations applied and
/// one tenant, reached by the tests as portal_app through a pool (the API's role) and as
/// the superuser through psql (to look at rows the application role may not read).
struct OutboxDatabase {
    static let logger = Logger(label: "outbox-tests", level: .error)

    let cluster: TestCluster
    let name: String
    let tenant = UUID()

    static func create() async throws -> OutboxDatabase {
        let cluster = try await TestCluster.shared()
        let name = try await cluster.createDatabase()
        let set = try MigrationSet.load(directory: Self.migrationsFolder)
        _ = try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: name), logger: Self.logger
        ) { try await $0.migrate(set) }

        let database = OutboxDatabase(cluster: cluster, name: name)
        try await database.psql(
            "INSERT INTO portal.tenants (id, name, slug) VALUES ('\(database.tenantText)', 'Provider', 'provider');"
        )
        return database
    }

    var tenantText: String { self.tenant.uuidString.lowercased() }

    static var migrationsFolder: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations").path
    }

    @discardableResult
    func psql(_ sql: String) async throws -> String {
        try await self.cluster.psql(sql, database: self.name)
    }

    /// Runs `body` with a pool of portal_app connections on a loop of its own.
    func withPool<Result>(_ body: (PostgresPool) async throws -> Result) async throws -> Result {
        let loop = try EventLoop(name: "outbox-tests")
        defer { loop.shutdown() }

        var configuration = PostgresPoolConfiguration(
            connection: PostgresConfiguration(
                connectionString: self.cluster.connectionString(
                    database: self.name, user: "portal_app", password: nil)))
        configuration.maximumConnections = 2
        let pool = try PostgresPool(configuration: configuration, on: loop, logger: Self.logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}
