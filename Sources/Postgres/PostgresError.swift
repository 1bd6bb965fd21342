/// A failure reported by the Postgres module: a stable code to branch on, a message for a
/// human, and the context PostgreSQL gave (SQLSTATE, detail, hint, constraint, table,
/// column) together with the host the connection had reached.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Opaque so that new kinds can be added without
    /// breaking callers; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The connection could not be established (refused, authentication, bad host).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection was lost or closed while the request was pending.
        public static let connectionClosed = Code("connectionClosed")
        /// The server rejected the statement; `sqlState` says why.
        public static let server = Code("server")
        /// A value could not be decoded into the Swift type asked for.
        public static let decoding = Code("decoding")
        /// A deadline passed: the connect timeout, or the server's statement timeout.
        public static let timeout = Code("timeout")
        /// The calling task was cancelled and the statement with it.
        public static let cancelled = Code("cancelled")
        /// No connection became free in time (reported by the pool).
        public static let poolExhausted = Code("poolExhausted")
        /// The request uses something this module does not support.
        public static let unsupported = Code("unsupported")
        /// An argument is invalid (a channel name too long, say); `message` says which.
        public static let invalidArgument = Code("invalidArgument")
        /// The configuration is invalid; `message` names the offending part.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// libpq or the server did something the connection did not expect.
        public static let protocolViolation = Code("protocolViolation")

        public var description: String { self.name }
    }

    public var code: Code
    /// Five-character SQLSTATE from the server, when the server produced the error.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    /// The host (and port) of the server the error came from, when connected.
    public var host: String?

    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, host: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.host = host
    }

    public var description: String {
        var text = "PostgresError.\(self.code): \(self.message)"
        if let sqlState = self.sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail = self.detail { text += "; detail: \(detail)" }
        if let hint = self.hint { text += "; hint: \(hint)" }
        if let constraint = self.constraint { text += "; constraint: \(constraint)" }
        if let table = self.table {
            let qualified = self.schema.map { "\($0).\(table)" } ?? table
            text += "; table: \(qualified)"
        }
        if let column = self.column { text += "; column: \(column)" }
        if let host = self.host { text += "; host: \(host)" }
        return text
    }
}

extension PostgresError {
    /// The transaction could not be serialised (40001); retrying it may succeed.
    public var isSerializationFailure: Bool { self.sqlState == "40001" }

    /// The transaction was chosen as a deadlock victim (40P01); retrying it may succeed.
    public var isDeadlock: Bool { self.sqlState == "40P01" }

    /// A write reached a read-only server or transaction (25006), as on a standby.
    public var isReadOnlyTransaction: Bool { self.sqlState == "25006" }

    /// A unique constraint was violated (23505).
    public var isUniqueViolation: Bool { self.sqlState == "23505" }

    /// The connection is gone: lost, closed, never made, or the server is shutting down
    /// or terminated the session (class 08, 57P01 to 57P03).
    public var isConnectionLoss: Bool {
        if self.code == .connectionClosed || self.code == .connectionFailed { return true }
        guard let sqlState = self.sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    static func connectionClosed(_ message: String, host: String?) -> PostgresError {
        PostgresError(code: .connectionClosed, message: message, host: host)
    }

    static func cancelled(host: String?) -> PostgresError {
        PostgresError(
            code: .cancelled, message: "the calling task was cancelled before the statement ran",
            host: host)
    }
}
