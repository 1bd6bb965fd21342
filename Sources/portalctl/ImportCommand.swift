import Postgres
import Reactor
import Telemetry

/// `portalctl import KIND ...`: loads reference and tenant data from files. Each kind is
/// one entry of `kinds`, with its own usage and options.
enum ImportCommand {
    /// One kind of data `import` loads.
    struct Kind: Sendable {
        let name: String
        let summary: String
        let usage: String
        let options: Set<String>
        let run: @Sendable (ParsedArguments, [String: String]) async throws -> Int32
    }

    /// Every kind, in the order the usage lists them.
    static let kinds: [Kind] = [
        PostcodesImport.kind
    ]

    static let subcommand = Subcommand(
        name: "import",
        summary: "load data from files: " + ImportCommand.kinds.map(\.name).joined(separator: ", "),
        usage: ImportCommand.kinds.map(\.usage).joined(separator: "\n\n"),
        run: { arguments, environment in
            try await ImportCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        guard let name = arguments.first else {
            throw UsageError("missing what to import")
        }
        guard let kind = Self.kinds.first(where: { $0.name == name }) else {
            throw UsageError("cannot import '\(name)'")
        }
        let parsed = try ParsedArguments(
            Array(arguments.dropFirst()), knownOptions: kind.options.union(["database-url"]))
        return try await kind.run(parsed, environment)
    }

    /// The database URL from `--database-url` or PORTAL_DB_URL.
    static func databaseURL(
        _ parsed: ParsedArguments, _ environment: [String: String]
    ) throws -> String {
        guard let url = parsed.options["database-url"] ?? environment["PORTAL_DB_URL"], !url.isEmpty
        else {
            throw UsageError("no database: pass --database-url or set PORTAL_DB_URL")
        }
        return url
    }

    /// Runs `body` with a connection of its own, on a loop of its own.
    static func withConnection<Value>(
        url: String, environment: [String: String], application: String,
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let level = environment["PORTAL_LOG_LEVEL"].flatMap(Logger.Level.init(name:)) ?? .warning
        let logger = Logger(label: "portalctl", level: level)
        let loop = try EventLoop(name: "import")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: url, applicationName: application)
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
