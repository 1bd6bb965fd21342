import Postgres
import Reactor
import Synchronization
import Telemetry

/// `/readyz`'s database check: the writable primary answers `SELECT pg_is_in_recovery()`
/// with false. One connection, on one loop, is kept for the check and replaced after any
/// failure, so a check costs one round trip and a lost primary shows at the next check.
///
/// Known shortcoming: this uses its own connection rather than the request pool, so it
/// shows that the database is writable, not that the pool has connections to spare.
final class DatabaseReadiness: Sendable {
    private let configuration: PostgresConfiguration
    private let loop: EventLoop
    private let logger: Logger
    private let connection = Mutex<PostgresConnection?>(nil)

    init(configuration: PostgresConfiguration, loop: EventLoop, logger: Logger) {
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
    }

    /// True when a writable database answered; the server bounds the wait.
    func check() async -> Bool {
        do throws(PostgresError) {
            let connection = try await self.currentConnection()
            let rows = try await connection.query("SELECT pg_is_in_recovery()")
            guard let row = rows.first else { return false }
            return try row.decode(Bool.self, at: 0) == false
        } catch {
            self.logger.debug("readiness check failed", [("error", .string(error.description))])
            let failed = self.connection.withLock { stored in
                defer { stored = nil }
                return stored
            }
            if let failed {
                Task { await failed.close() }
            }
            return false
        }
    }

    private func currentConnection() async throws(PostgresError) -> PostgresConnection {
        if let existing = self.connection.withLock({ $0 }) {
            return existing
        }
        let fresh = try await PostgresConnection.connect(self.configuration, on: self.loop, logger: self.logger)
        self.connection.withLock { $0 = fresh }
        return fresh
    }
}
