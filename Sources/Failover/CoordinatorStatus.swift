/// What `GET /v1/status` answers: the term, the lease, each node as the coordinator sees
/// it, the synchronous set and the latest decisions.
public struct CoordinatorStatus: Sendable, Equatable, Codable {
    /// The current lease and how long it has left as the coordinator counts.
    public struct Lease: Sendable, Equatable, Codable {
        public var holder: NodeName
        public var expiresInMilliseconds: Int

        /// A value with every field given.
        public init(holder: NodeName, expiresInMilliseconds: Int) {
            self.holder = holder
            self.expiresInMilliseconds = expiresInMilliseconds
        }
    }

    /// One node as last reported, with the coordinator's judgement of it.
    public struct Node: Sendable, Equatable, Codable {
        public var name: NodeName
        /// The role last reported; nil when the node was never heard.
        public var role: NodeRole?
        public var reachable: Bool
        public var lastHeartbeatMillisecondsAgo: Int?
        public var timeline: Int?
        /// The node's latest position (current on a primary, replay on a standby).
        public var lsn: LSN?
        /// How far the standby's flush position is behind the primary, as the primary says.
        public var lagBytes: UInt64?
        public var syncState: String?
        public var promotable: Bool

        /// A value with every field given.
        public init(
            name: NodeName, role: NodeRole?, reachable: Bool, lastHeartbeatMillisecondsAgo: Int?,
            timeline: Int?, lsn: LSN?, lagBytes: UInt64?, syncState: String?, promotable: Bool
        ) {
            self.name = name
            self.role = role
            self.reachable = reachable
            self.lastHeartbeatMillisecondsAgo = lastHeartbeatMillisecondsAgo
            self.timeline = timeline
            self.lsn = lsn
            self.lagBytes = lagBytes
            self.syncState = syncState
            self.promotable = promotable
        }
    }

    public var term: Term
    public var primary: NodeName?
    public var lease: Lease?
    public var nodes: [Node]
    public var synchronousStandbyNames: String
    public var strict: Bool
    /// The last 20 decisions, oldest first.
    public var decisions: [Decision.Record]

    /// A value with every field given.
    public init(
        term: Term, primary: NodeName?, lease: Lease?, nodes: [Node],
        synchronousStandbyNames: String, strict: Bool, decisions: [Decision.Record]
    ) {
        self.term = term
        self.primary = primary
        self.lease = lease
        self.nodes = nodes
        self.synchronousStandbyNames = synchronousStandbyNames
        self.strict = strict
        self.decisions = decisions
    }
}
