/// What the agent runs by, read from its configuration file and checked before anything
/// starts: its node, where it listens, the coordinator, its peers, its PostgreSQL and the
/// lease's timings.
public struct AgentSettings: Sendable {
    /// Another node of the pair: its agent's URL and its PostgreSQL's address.
    public struct Peer: Sendable {
        public let name: String
        public let agent: String
        public let host: String
        public let port: Int
    }

    /// The local PostgreSQL the agent supervises.
    public struct Postgres: Sendable {
        public let bin: String
        public let data: String
        public let port: Int
        public let socket: String
        public let log: String
        public let user: String
        public let replicationUser: String
    }

    public let node: String
    public let listenHost: String
    public let listenPort: Int
    public let coordinator: String
    public let peers: [Peer]
    public let postgres: Postgres
    public let lease: Duration
    public let renew: Duration
    public let fenceMargin: Duration

    /// Checks what can be checked before anything starts: the timings, the data folder and
    /// the server program.
    func validate(folderExists: Bool, serverExists: Bool) throws(AgentError) {
        guard self.renew > .zero, self.fenceMargin > .zero,
            self.renew + self.fenceMargin < self.lease
        else {
            throw AgentError(
                .invalidConfiguration,
                "renewMilliseconds (\(self.renew)) plus fenceMarginMilliseconds "
                    + "(\(self.fenceMargin)) must be positive and below leaseMilliseconds "
                    + "(\(self.lease))")
        }
        guard folderExists else {
            throw AgentError(
                .invalidConfiguration,
                "postgres.data \(self.postgres.data) is not a PostgreSQL data folder "
                    + "(no PG_VERSION)")
        }
        guard serverExists else {
            throw AgentError(
                .invalidConfiguration,
                "postgres.bin \(self.postgres.bin) holds no postgres program")
        }
    }
}
