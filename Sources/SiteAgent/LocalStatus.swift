/// What the local PostgreSQL says of itself, read in one statement for each heartbeat.
public struct LocalStatus: Sendable, Equatable {
    /// One row of `pg_stat_replication` on a primary: a standby it sends WAL to.
    public struct Replica: Sendable, Equatable {
        /// The standby's `application_name`, which is its node name.
        public let name: String
        public let state: String
        public let syncState: String
        public let flush: String?
        public let replay: String?
    }

    public let inRecovery: Bool
    public let timeline: Int64
    /// The primary's flushed WAL position (LSN text `X/Y`); nil on a standby.
    public let current: String?
    /// The standby's received and replayed positions; nil on a primary.
    public let receive: String?
    public let replay: String?
    public let synchronousStandbyNames: String
    /// Empty on a standby.
    public let replicas: [Replica]
}
