/// A snapshot of a pool's connections and callers, for `/metrics` and readiness checks.
public struct PoolStatistics: Sendable, Equatable {
    /// Connections open to the server, whatever they are doing.
    public var open = 0
    /// Open connections with nothing to do.
    public var idle = 0
    /// Connections held by a transaction or `withConnection`.
    public var leased = 0
    /// Connections being opened.
    public var connecting = 0
    /// Callers waiting for a connection.
    public var waiting = 0
    /// Autocommit queries sent and not yet answered.
    public var queriesInFlight = 0

    public init() {}
}
