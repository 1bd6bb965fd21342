import Postgres
import Reactor
import Telemetry

/// The agent's connection to its own PostgreSQL over the Unix socket, as the superuser:
/// opened when first needed, opened again after the server restarted, every call bounded by
/// a deadline so a hung server cannot stall the agent.
actor LocalDatabase {
    private let configuration: PostgresConfiguration
    private let loop: EventLoop
    private let logger: Logger
    private var connection: PostgresConnection?

    /// Reaches the server listening in `socket` on `port` as `user`.
    init(socket: String, port: Int, user: String, loop: EventLoop, logger: Logger) {
        self.configuration = PostgresConfiguration(
            connectionString: "host=\(socket) port=\(port) dbname=postgres user=\(user)",
            applicationName: "portal-agent", connectTimeout: .seconds(2))
        self.loop = loop
        self.logger = logger
    }

    /// The open connection, opened now when there is none or it was lost.
    private func open() async throws(AgentError) -> PostgresConnection {
        if let connection = self.connection, connection.isUsable {
            return connection
        }
        self.connection = nil
        do {
            let connection = try await PostgresConnection.connect(
                self.configuration, on: self.loop, logger: self.logger)
            self.connection = connection
            return connection
        } catch {
            throw AgentError(.queryFailed, "cannot reach the local server: \(error.message)")
        }
    }

    /// Closes the connection (before a stop, so the server does not wait on it).
    func close() async {
        await self.connection?.close()
        self.connection = nil
    }

    /// Runs `query` within `timeout`.
    func rows(
        _ query: PostgresQuery, timeout: Duration = .seconds(2)
    ) async throws(AgentError) -> PostgresRows {
        let connection = try await self.open()
        return try await withDeadline(timeout, "the local statement", code: .queryFailed) {
            try await connection.query(query)
        }
    }

    /// Runs `script` (several statements, simple protocol: ALTER SYSTEM) within `timeout`.
    func execute(script: String, timeout: Duration = .seconds(5)) async throws(AgentError) {
        let connection = try await self.open()
        try await withDeadline(timeout, "the local script", code: .queryFailed) {
            try await connection.execute(script: script)
        }
    }
}
