import PortalTesting
import Postgres
import Reactor
import Telemetry

/// Connections to a fresh database on the shared throwaway cluster, one event loop each.
enum TestDatabase {
    static let logger = Logger(label: "postgres-tests", level: .error)

    /// The configuration of a new, empty database on the shared cluster.
    static func configuration(statementTimeout: Duration? = nil) async throws -> PostgresConfiguration {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        return PostgresConfiguration(
            connectionString: cluster.connectionString(database: database),
            applicationName: "postgres-tests", statementTimeout: statementTimeout)
    }

    /// Runs `body` with a connection to a new database, then closes it and its loop.
    static func withConnection<Result>(
        statementTimeout: Duration? = nil,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let configuration = try await Self.configuration(statementTimeout: statementTimeout)
        let loop = try EventLoop(name: "pg-test")
        defer { loop.shutdown() }

        let connection = try await PostgresConnection.connect(configuration, on: loop, logger: Self.logger)
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
