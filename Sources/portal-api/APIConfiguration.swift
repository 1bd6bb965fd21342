import HTTP
import Postgres
import Reactor
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A setting that cannot be used, naming the variable, the value and what is expected.
struct ConfigurationError: Error, CustomStringConvertible {
    let variable: String
    let value: String
    let expected: String

    var description: String {
        "\(self.variable)=\(self.value.debugDescription) is not valid: expected \(self.expected)"
    }
}

/// portal-api's settings, read from `PORTAL_*` environment variables and checked before
/// anything starts, so a typo stops the node with a clear message instead of a surprise.
struct APIConfiguration {
    var http = HTTPServerConfiguration(host: "0.0.0.0", port: 8080)
    var loops = EventLoopGroup.coreCount
    var logLevel = Logger.Level.info
    /// libpq connection string or URL for the writable database; nil leaves `/readyz` at
    /// 503, since a node without a database cannot serve the portals.
    var databaseURL: String?
    /// Connection string for report queries, which may read a standby
    /// (`target_session_attrs=prefer-standby` naming both sites); nil opens no report pool.
    var reportDatabaseURL: String?
    /// The portals' static files; nil serves none.
    var webRoot: String?

    /// Every variable the node reads, with what it means, for the error message.
    static let variables: [(String, String)] = [
        ("PORTAL_HTTP_HOST", "address to listen on (0.0.0.0)"),
        ("PORTAL_HTTP_PORT", "port, 1-65535 (8080)"),
        ("PORTAL_HTTP_LOOPS", "event loops, 1-256 (one per core)"),
        (
            "PORTAL_HTTP_ACCEPT",
            "per-loop (SO_REUSEPORT) or distributed (one acceptor) (distributed)"
        ),
        ("PORTAL_LOG_LEVEL", "trace, debug, info, warning or error (info)"),
        ("PORTAL_ACCESS_LOG_LEVEL", "level of the per-request access log (info)"),
        ("PORTAL_HTTP_MAX_CONNECTIONS", "open connections before 503 (10000)"),
        ("PORTAL_HTTP_MAX_BODY_BYTES", "largest request body (1048576)"),
        ("PORTAL_HTTP_MAX_HEADER_BYTES", "largest header section (16384)"),
        ("PORTAL_HTTP_MAX_HEADER_COUNT", "most header fields (100)"),
        ("PORTAL_HTTP_MAX_REQUEST_LINE_BYTES", "longest request line (8192)"),
        ("PORTAL_HTTP_HEADER_TIMEOUT_MS", "time for a whole request head (10000)"),
        ("PORTAL_HTTP_BODY_TIMEOUT_MS", "time for a whole request body (30000)"),
        ("PORTAL_HTTP_IDLE_TIMEOUT_MS", "idle keep-alive time (60000)"),
        ("PORTAL_HTTP_GZIP_MIN_BYTES", "smallest body gzipped; 0 turns gzip off (1024)"),
        ("PORTAL_SHUTDOWN_GRACE_MS", "time in-flight requests get on shutdown (10000)"),
        ("PORTAL_READINESS_DEADLINE_MS", "time the database has to answer /readyz (1000)"),
        ("PORTAL_DB_URL", "PostgreSQL connection string for the writable database"),
        (
            "PORTAL_DB_REPORT_URL",
            "connection string for report queries, e.g. target_session_attrs=prefer-standby"
        ),
        ("PORTAL_WEB_ROOT", "folder of the portals' static files"),
    ]

    static func fromEnvironment(
        _ environment: [String: String]
    ) throws(ConfigurationError) -> APIConfiguration {
        var settings = Settings(environment)
        var configuration = APIConfiguration()
        configuration.http.readinessDeadline = .seconds(1)

        configuration.http.host = settings.string("PORTAL_HTTP_HOST") ?? "0.0.0.0"
        configuration.http.port = try settings.integer("PORTAL_HTTP_PORT", 1...65535) ?? 8080
        configuration.loops =
            try settings.integer("PORTAL_HTTP_LOOPS", 1...256) ?? EventLoopGroup.coreCount
        configuration.http.accepting = try settings.accepting("PORTAL_HTTP_ACCEPT") ?? .distributed
        configuration.logLevel = try settings.level("PORTAL_LOG_LEVEL") ?? .info
        configuration.http.accessLogLevel = try settings.level("PORTAL_ACCESS_LOG_LEVEL") ?? .info

        let http = configuration.http
        configuration.http.maxConnections =
            try settings.integer("PORTAL_HTTP_MAX_CONNECTIONS", 1...1_000_000)
            ?? http.maxConnections
        configuration.http.limits.bodyBytes =
            try settings.integer("PORTAL_HTTP_MAX_BODY_BYTES", 0...(1 << 30))
            ?? http.limits.bodyBytes
        configuration.http.limits.headerBytes =
            try settings.integer("PORTAL_HTTP_MAX_HEADER_BYTES", 256...(1 << 20))
            ?? http.limits.headerBytes
        configuration.http.limits.headerCount =
            try settings.integer("PORTAL_HTTP_MAX_HEADER_COUNT", 1...10_000)
            ?? http.limits.headerCount
        configuration.http.limits.requestLineBytes =
            try settings.integer("PORTAL_HTTP_MAX_REQUEST_LINE_BYTES", 64...(1 << 20))
            ?? http.limits.requestLineBytes

        let timeouts = http.timeouts
        configuration.http.timeouts.header =
            try settings.milliseconds("PORTAL_HTTP_HEADER_TIMEOUT_MS") ?? timeouts.header
        configuration.http.timeouts.body =
            try settings.milliseconds("PORTAL_HTTP_BODY_TIMEOUT_MS") ?? timeouts.body
        configuration.http.timeouts.idle =
            try settings.milliseconds("PORTAL_HTTP_IDLE_TIMEOUT_MS") ?? timeouts.idle
        configuration.http.shutdownGrace =
            try settings.milliseconds("PORTAL_SHUTDOWN_GRACE_MS") ?? http.shutdownGrace
        configuration.http.readinessDeadline =
            try settings.milliseconds("PORTAL_READINESS_DEADLINE_MS") ?? .seconds(1)

        if let minimum = try settings.integer("PORTAL_HTTP_GZIP_MIN_BYTES", 0...(1 << 30)) {
            configuration.http.compression = minimum == 0 ? nil : GzipPolicy(minimumSize: minimum)
        }

        configuration.databaseURL = try settings.connectionString("PORTAL_DB_URL")
        configuration.reportDatabaseURL = try settings.connectionString("PORTAL_DB_REPORT_URL")
        configuration.webRoot = try settings.folder("PORTAL_WEB_ROOT")
        try settings.refuseUnknown()
        return configuration
    }
}

/// The environment, read variable by variable with typed checks.
private struct Settings {
    let environment: [String: String]
    var read: Set<String> = []

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    mutating func string(_ name: String) -> String? {
        self.read.insert(name)
        guard let value = self.environment[name], !value.isEmpty else { return nil }
        return value
    }

    mutating func integer(
        _ name: String, _ range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int? {
        guard let text = self.string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name, value: text,
                expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A libpq connection string or URL, parsed by libpq now so that a typo in a multi-host
    /// string stops the node at start-up rather than at its first query.
    mutating func connectionString(_ name: String) throws(ConfigurationError) -> String? {
        guard let text = self.string(name) else { return nil }
        do {
            try PostgresConfiguration(connectionString: text).validate()
        } catch {
            throw ConfigurationError(
                variable: name, value: text,
                expected: "a libpq connection string or URL (\(error.message))")
        }
        return text
    }

    mutating func milliseconds(_ name: String) throws(ConfigurationError) -> Duration? {
        guard let value = try self.integer(name, 1...86_400_000) else { return nil }
        return .milliseconds(value)
    }

    mutating func level(_ name: String) throws(ConfigurationError) -> Logger.Level? {
        guard let text = self.string(name) else { return nil }
        guard let level = Logger.Level(name: text) else {
            throw ConfigurationError(
                variable: name, value: text, expected: "trace, debug, info, warning or error")
        }
        return level
    }

    mutating func accepting(
        _ name: String
    ) throws(ConfigurationError) -> HTTPServerConfiguration.Accepting? {
        switch self.string(name) {
        case nil: return nil
        case "per-loop": return .perLoop
        case "distributed": return .distributed
        case let other?:
            throw ConfigurationError(
                variable: name, value: other, expected: "per-loop or distributed")
        }
    }

    mutating func folder(_ name: String) throws(ConfigurationError) -> String? {
        guard let path = self.string(name) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
            access(path, R_OK | X_OK) == 0
        else {
            throw ConfigurationError(variable: name, value: path, expected: "a readable folder")
        }
        return path
    }

    /// A `PORTAL_HTTP_*` variable nobody reads is most likely a typo.
    func refuseUnknown() throws(ConfigurationError) {
        let known = Set(APIConfiguration.variables.map(\.0))
        for (name, value) in self.environment
        where name.hasPrefix("PORTAL_HTTP_") && !known.contains(name) {
            throw ConfigurationError(
                variable: name, value: value,
                expected: "one of the settings listed below (misspelt?)")
        }
    }
}
