import Postgres
import Reactor
import Telemetry

/// The operator's connection for the provisioning commands: `--database-url` or
/// `$PORTAL_DB_URL`, a superuser or a member of portal_owner.
enum OperatorDatabase {
    /// The URL the options or the environment give, or a usage error.
    static func url(_ parsed: ParsedArguments, _ environment: [String: String]) throws -> String {
        guard let url = parsed.options["database-url"] ?? environment["PORTAL_DB_URL"], !url.isEmpty
        else {
            throw UsageError("no database: pass --database-url or set PORTAL_DB_URL")
        }
        return url
    }

    /// Runs `body` with a connection of its own on a loop of its own, closed afterwards.
    static func withConnection<Value: Sendable>(
        url: String, purpose: String, environment: [String: String],
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let level = environment["PORTAL_LOG_LEVEL"].flatMap(Logger.Level.init(name:)) ?? .warning
        let logger = Logger(label: "portalctl", level: level)
        let loop = try EventLoop(name: "operator")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: url, applicationName: "portalctl \(purpose)")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: logger)
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }
}
