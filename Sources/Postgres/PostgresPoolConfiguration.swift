/// How a `PostgresPool` sizes, checks and retries: the connection settings plus the pool's
/// own limits. Defaults suit one pool per event loop on an API node.
public struct PostgresPoolConfiguration: Sendable {
    /// Where and how each connection connects.
    public var connection: PostgresConfiguration
    /// Connections kept open even when idle.
    public var minimumConnections: Int = 1
    /// Connections never exceeded, open and opening together.
    public var maximumConnections: Int = 8
    /// Idle connections above the minimum are closed after this long unused.
    public var idleTimeout: Duration = .seconds(60)
    /// A caller waits at most this long for a connection, then gets `poolExhausted`.
    /// While no server can be reached (a connect failed and no connection is open or
    /// opening), callers are turned away at once with `connectionFailed` quoting the connect
    /// failure, instead of waiting out this timeout.
    public var acquireTimeout: Duration = .seconds(10)
    /// Idle connections are checked with a trivial query this often.
    public var keepAliveInterval: Duration = .seconds(30)
    /// How often the pool looks for idle and unchecked connections.
    public var maintenanceInterval: Duration = .seconds(1)
    /// When every connection has more autocommit queries in flight than this, the pool
    /// opens another (up to the maximum).
    public var pipelineThreshold: Int = 4
    /// The most autocommit queries pipelined on one connection at once.
    public var pipelineDepth: Int = 128
    /// How many times a transaction that failed with a serialization failure (40001) or a
    /// deadlock (40P01) is run again before the error reaches the caller.
    public var transactionRetries: Int = 5
    /// The base pause before a transaction is run again; it grows with each attempt and is
    /// jittered so that the conflicting transactions do not meet again.
    public var transactionRetryBackoff: Duration = .milliseconds(2)
    /// The first pause before reconnecting after a failed connect; it doubles up to
    /// `reconnectBackoffLimit`.
    public var reconnectBackoff: Duration = .milliseconds(50)
    /// The longest pause between connect attempts while no server can be reached. Short,
    /// so that after a failover or a restarted primary the pool is back within about this
    /// long; attempts are one connect at a time, so a server sees ten a second at most.
    public var reconnectBackoffLimit: Duration = .milliseconds(100)
    /// Drop a connection whose server turns out to be read-only (a primary demoted to a
    /// standby), so that the next connection finds the new primary. On by default when the
    /// connection string asks for `target_session_attrs=read-write` (or `primary`).
    public var requiresWritableServer: Bool

    public init(connection: PostgresConfiguration) {
        self.connection = connection
        let attributes = try? connection.connectionParameters()
            .first { $0.keyword == "target_session_attrs" }?.value
        self.requiresWritableServer = attributes == "read-write" || attributes == "primary"
    }

    /// The state machine's limits, or a clear error naming the setting that is wrong.
    func limits() throws(PostgresError) -> PoolStateMachine.Limits {
        try self.connection.validate()
        try Self.check(self.maximumConnections >= 1, "maximumConnections must be at least 1")
        try Self.check(
            (0...self.maximumConnections).contains(self.minimumConnections),
            "minimumConnections must be between 0 and maximumConnections")
        try Self.check(self.pipelineThreshold >= 1, "pipelineThreshold must be at least 1")
        try Self.check(self.pipelineDepth >= 1, "pipelineDepth must be at least 1")
        try Self.check(self.transactionRetries >= 0, "transactionRetries must not be negative")
        for (name, duration) in self.durations {
            try Self.check(duration > .zero, "\(name) must be positive, not \(duration)")
        }

        var limits = PoolStateMachine.Limits()
        limits.minimum = self.minimumConnections
        limits.maximum = self.maximumConnections
        limits.pipelineThreshold = self.pipelineThreshold
        limits.pipelineDepth = self.pipelineDepth
        limits.idleTimeout = self.idleTimeout.nanoseconds
        limits.keepAliveInterval = self.keepAliveInterval.nanoseconds
        limits.acquireTimeout = self.acquireTimeout.nanoseconds
        limits.maintenanceInterval = self.maintenanceInterval.nanoseconds
        limits.reconnectBackoffFirst = self.reconnectBackoff.nanoseconds
        limits.reconnectBackoffLimit = self.reconnectBackoffLimit.nanoseconds
        return limits
    }

    private var durations: [(String, Duration)] {
        [
            ("idleTimeout", self.idleTimeout), ("acquireTimeout", self.acquireTimeout),
            ("keepAliveInterval", self.keepAliveInterval),
            ("maintenanceInterval", self.maintenanceInterval),
            ("transactionRetryBackoff", self.transactionRetryBackoff),
            ("reconnectBackoff", self.reconnectBackoff),
            ("reconnectBackoffLimit", self.reconnectBackoffLimit),
        ]
    }

    private static func check(_ condition: Bool, _ message: String) throws(PostgresError) {
        guard !condition else { return }
        throw PostgresError(code: .invalidConfiguration, message: "pool: \(message)")
    }
}
