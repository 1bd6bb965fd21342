/// The heartbeat an agent posts to the coordinator (`POST /v1/heartbeat`) every renewal
/// interval: what its PostgreSQL is and how far it has got. For the primary it also carries
/// what the primary sees of its standbys, which is how the coordinator learns that a
/// standby is synchronous (and so promotable).
public struct AgentReport: Sendable, Equatable, Codable {
    /// WAL positions of the reporting server; each is nil where it does not apply
    /// (`current` on a standby, `receive` and `replay` on a primary) or is unknown.
    public struct Positions: Sendable, Equatable, Codable {
        public var current: LSN?
        public var receive: LSN?
        public var replay: LSN?

        /// A value with every field given.
        public init(current: LSN? = nil, receive: LSN? = nil, replay: LSN? = nil) {
            self.current = current
            self.receive = receive
            self.replay = replay
        }
    }

    /// One row of the primary's `pg_stat_replication`. `node` is the standby's
    /// `application_name`, kept as text because rows of other clients (a base backup, say)
    /// may carry names that are not node names; the coordinator ignores those.
    public struct Replication: Sendable, Equatable, Codable {
        public var node: String
        /// `streaming`, `catchup`, `startup`, ...
        public var state: String
        /// `sync`, `potential`, `async` or `quorum`.
        public var syncState: String
        public var flush: LSN?
        public var replay: LSN?

        /// A value with every field given.
        public init(
            node: String, state: String, syncState: String, flush: LSN?, replay: LSN?
        ) {
            self.node = node
            self.state = state
            self.syncState = syncState
            self.flush = flush
            self.replay = replay
        }
    }

    public var node: NodeName
    /// The term the agent last heard from the coordinator (0 before it ever heard).
    public var term: Term
    public var role: NodeRole
    public var postgresRunning: Bool
    /// The server's timeline, nil when PostgreSQL is not running.
    public var timeline: Int?
    public var lsn: Positions
    /// Primary only; empty otherwise.
    public var replication: [Replication]
    /// The primary's current `synchronous_standby_names`; nil on a standby.
    public var synchronousStandbyNames: String?
    /// Something the operator should see (a restart, a failed promotion), or nil.
    public var event: String?

    /// A value with every field given.
    public init(
        node: NodeName, term: Term, role: NodeRole, postgresRunning: Bool, timeline: Int?,
        lsn: Positions, replication: [Replication] = [], synchronousStandbyNames: String? = nil,
        event: String? = nil
    ) {
        self.node = node
        self.term = term
        self.role = role
        self.postgresRunning = postgresRunning
        self.timeline = timeline
        self.lsn = lsn
        self.replication = replication
        self.synchronousStandbyNames = synchronousStandbyNames
        self.event = event
    }

    private enum CodingKeys: String, CodingKey {
        case node, term, role, postgresRunning, timeline, lsn, replication
        case synchronousStandbyNames, event
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.node = try container.decode(NodeName.self, forKey: .node)
        self.term = try container.decode(Term.self, forKey: .term)
        self.role = try container.decode(NodeRole.self, forKey: .role)
        self.postgresRunning = try container.decode(Bool.self, forKey: .postgresRunning)
        self.timeline = try container.decodeIfPresent(Int.self, forKey: .timeline)
        self.lsn = try container.decodeIfPresent(Positions.self, forKey: .lsn) ?? Positions()
        self.replication =
            try container.decodeIfPresent([Replication].self, forKey: .replication) ?? []
        self.synchronousStandbyNames = try container.decodeIfPresent(
            String.self, forKey: .synchronousStandbyNames)
        self.event = try container.decodeIfPresent(String.self, forKey: .event)
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.node, forKey: .node)
        try container.encode(self.term, forKey: .term)
        try container.encode(self.role, forKey: .role)
        try container.encode(self.postgresRunning, forKey: .postgresRunning)
        try container.encode(self.timeline, forKey: .timeline)
        try container.encode(self.lsn, forKey: .lsn)
        try container.encode(self.replication, forKey: .replication)
        try container.encode(self.synchronousStandbyNames, forKey: .synchronousStandbyNames)
        try container.encode(self.event, forKey: .event)
    }
}
