import CPostgres

/// How to reach PostgreSQL: a libpq connection string or `postgresql://` URL, plus the
/// settings the product adds on top of it.
///
/// Several hosts (`host=pgA,pgB port=5432,5432 target_session_attrs=read-write`) are passed
/// through to libpq, which tries them in turn; the connection reports the one it reached.
public struct PostgresConfiguration: Sendable {
    /// A conninfo string (`host=... dbname=...`) or a URL (`postgresql://user@host/db`).
    public var connectionString: String
    /// Shown in `pg_stat_activity`; overrides one given in the connection string.
    public var applicationName: String?
    /// The server cancels any statement that runs longer than this (`statement_timeout`).
    public var statementTimeout: Duration?
    /// How long establishing the connection (every host included) may take.
    public var connectTimeout: Duration

    public init(
        connectionString: String, applicationName: String? = nil,
        statementTimeout: Duration? = nil, connectTimeout: Duration = .seconds(10)
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
    }

    /// Checks the configuration without connecting.
    public func validate() throws(PostgresError) {
        _ = try self.connectionParameters()
    }

    /// The keyword/value pairs handed to `PQconnectStartParams`, with the connection
    /// string parsed by libpq itself so that every form it accepts is accepted here.
    func connectionParameters() throws(PostgresError) -> [(keyword: String, value: String)] {
        guard !self.connectionString.utf8.contains(0) else {
            throw Self.invalid("the connection string contains a NUL character")
        }
        guard self.connectTimeout > .zero else {
            throw Self.invalid("connectTimeout must be positive, not \(self.connectTimeout)")
        }
        if let timeout = self.statementTimeout {
            guard timeout >= .zero, timeout.milliseconds <= Int64(Int32.max) else {
                throw Self.invalid("statementTimeout must be between 0 and \(Int32.max) ms")
            }
        }
        if let name = self.applicationName, name.utf8.contains(0) {
            throw Self.invalid("applicationName contains a NUL character")
        }

        var parameters = try Self.parse(self.connectionString)
        try Self.checkValues(parameters)
        if let name = self.applicationName {
            parameters.removeAll { $0.keyword == "application_name" }
            parameters.append(("application_name", name))
        }
        if let timeout = self.statementTimeout {
            let setting = "-c statement_timeout=\(timeout.milliseconds)"
            if let index = parameters.firstIndex(where: { $0.keyword == "options" }) {
                parameters[index].value += " " + setting
            } else {
                parameters.append(("options", setting))
            }
        }
        return parameters
    }

    /// The hosts named in the configuration (`pgA:5432,pgB:5432`), for error messages
    /// before a host is reached.
    var hostsDescription: String {
        guard let parameters = try? Self.parse(self.connectionString) else { return "?" }
        let host =
            parameters.first { $0.keyword == "host" }?.value
            ?? parameters.first { $0.keyword == "hostaddr" }?.value ?? "default host"
        let hosts = host.split(separator: ",", omittingEmptySubsequences: false)
        let ports = (parameters.first { $0.keyword == "port" }?.value ?? "default port")
            .split(separator: ",", omittingEmptySubsequences: false)

        return hosts.enumerated().map { index, host in
            let port = ports.count == hosts.count ? ports[index] : ports[0]
            return port.isEmpty ? String(host) : "\(host):\(port)"
        }.joined(separator: ",")
    }

    private static func parse(
        _ connectionString: String
    ) throws(PostgresError) -> [(keyword: String, value: String)] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            var reason = "libpq could not parse it"
            if let errorMessage {
                reason = PostgresError.trimmed(String(cString: errorMessage))
                PQfreemem(errorMessage)
            }
            throw Self.invalid("invalid connection string: \(reason)")
        }
        defer { PQconninfoFree(options) }

        var parameters: [(keyword: String, value: String)] = []
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                parameters.append((String(cString: keyword), String(cString: value)))
            }
            cursor += 1
        }
        return parameters
    }

    /// Settings whose values libpq checks only when connecting, checked here so that a
    /// typo is reported as a configuration error rather than a failed connection.
    private static let enumerated: [String: Set<String>] = [
        "sslmode": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
        "target_session_attrs": [
            "any", "read-write", "read-only", "primary", "standby", "prefer-standby",
        ],
        "gssencmode": ["disable", "prefer", "require"],
    ]

    private static func checkValues(
        _ parameters: [(keyword: String, value: String)]
    ) throws(PostgresError) {
        for (keyword, value) in parameters {
            if let allowed = Self.enumerated[keyword], !allowed.contains(value) {
                let choices = allowed.sorted().joined(separator: ", ")
                throw Self.invalid("\(keyword) must be one of \(choices), not \"\(value)\"")
            }
            if keyword == "port" {
                let ports = value.split(separator: ",", omittingEmptySubsequences: false)
                guard ports.allSatisfy({ $0.isEmpty || UInt16($0) != nil }) else {
                    throw Self.invalid(
                        "port must be a number from 1 to 65535 or a list of them, not \"\(value)\"")
                }
            }
        }
    }

    private static func invalid(_ message: String) -> PostgresError {
        PostgresError(code: .invalidConfiguration, message: message)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
