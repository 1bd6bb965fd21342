import Postgres
import Reactor
import Telemetry

extension Migrator {
    /// Connects to `databaseURL` (a libpq URL or conninfo) on an event loop of its own, runs
    /// `body` with a migrator, then closes the connection and stops the loop.
    public static func withConnection<Result: Sendable>(
        databaseURL: String,
        logger: Logger,
        lockTimeout: Duration = .seconds(600),
        _ body: @Sendable (Migrator) async throws -> Result
    ) async throws -> Result {
        let loop: EventLoop
        do {
            loop = try EventLoop(name: "migrate")
        } catch {
            throw MigrationError(.database, "cannot start an event loop: \(error)")
        }
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: databaseURL, applicationName: "portalctl migrate")
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration, on: loop, logger: logger)
        } catch {
            throw MigrationError(.database, "cannot connect: \(Self.describe(error))")
        }

        let migrator = Migrator(connection: connection, logger: logger, lockTimeout: lockTimeout)
        do {
            let result = try await body(migrator)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}
