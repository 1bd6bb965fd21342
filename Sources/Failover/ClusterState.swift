/// The coordinator's whole view of the cluster and its rules, as a value: heartbeats,
/// ticks and operator requests go in, replies and ``Decision``s come out. It reads no
/// clock and does no I/O; the caller saves ``durable`` before acting on a decision.
public struct ClusterState: Sendable {
    /// The last heartbeat from a node and when it arrived.
    public struct Observation: Sendable, Equatable {
        public var report: AgentReport
        public var receivedAt: MonotonicInstant
    }

    public let settings: ClusterSettings
    public internal(set) var durable: DurableState
    /// When the coordinator started; no election before one lease has passed.
    public let startedAt: MonotonicInstant
    public internal(set) var lease: Lease?
    public internal(set) var observations: [NodeName: Observation] = [:]
    public internal(set) var synchronousSet: SynchronousSet
    public internal(set) var switchover: Switchover?
    /// A node an operator forced to become primary once the lease is over.
    public internal(set) var forcedTarget: NodeName?
    /// Nodes that stopped cleanly in a switchover and can follow without pg_rewind.
    public internal(set) var cleanlyStopped: Set<NodeName> = []
    /// Completed changes of primary, newest last (bounded).
    public internal(set) var changes: [PrimaryChange] = []
    /// When the current change of primary began (for blocked time).
    var changeStartedAt: MonotonicInstant?
    public internal(set) var failoversTotal = 0
    public internal(set) var degradationsTotal = 0
    /// How many decisions were taken since start, so a caller can tell which of the
    /// durable history's records are new.
    public internal(set) var decisionCount = 0
    /// The latest reason no failover could be made, so it is logged once, not every tick.
    public internal(set) var blockedReason: String?

    /// The state of a coordinator started at `now` with `durable` loaded from its file.
    public init(settings: ClusterSettings, durable: DurableState, startedAt now: MonotonicInstant) {
        self.settings = settings
        self.durable = durable
        self.startedAt = now
        self.synchronousSet = SynchronousSet(
            strict: settings.strictSynchronous,
            graceMilliseconds: settings.degradeGraceMilliseconds,
            catchUpBytes: settings.catchUpBytes)
    }

    /// True once the coordinator has waited one lease length after starting.
    public func startupOver(at now: MonotonicInstant) -> Bool {
        now.milliseconds(since: self.startedAt) >= self.settings.leaseMilliseconds
    }

    /// True when `node` sent a heartbeat within the reachability window.
    public func isReachable(_ node: NodeName, at now: MonotonicInstant) -> Bool {
        guard let observation = self.observations[node] else { return false }
        return now.milliseconds(since: observation.receivedAt) < self.settings.reachableMilliseconds
    }

    /// The other node of the pair.
    public func peer(of node: NodeName) -> NodeName? {
        self.settings.names.first { $0 != node }
    }

    /// True when the recorded primary has reported itself running as primary and holds a
    /// live lease: others may follow it.
    public func primaryIsServing(at now: MonotonicInstant) -> Bool {
        guard let primary = self.durable.primary,
            let report = self.observations[primary]?.report,
            let lease = self.lease, lease.holder == primary, lease.isLive(at: now)
        else { return false }
        return report.role == .primary && report.postgresRunning
    }

    /// Applies `decision`: records it in the durable history and returns it.
    @discardableResult
    mutating func record(_ decision: Decision, at utc: String) -> Decision {
        self.durable.remember(decision.record(at: utc))
        self.decisionCount += 1
        return decision
    }

    /// Makes `node` primary in the next term: the durable part of every promotion.
    mutating func promote(
        _ node: NodeName, kind: Decision.Kind, reason: String, at now: MonotonicInstant,
        utc: String
    ) -> Decision {
        self.durable.term = self.durable.term.next
        self.durable.primary = node
        self.durable.promotable = []
        // Strict mode names the other node at once, so writes wait for it from the start;
        // otherwise writes go on alone until the standby has caught up and is re-added.
        let strictNames = self.settings.strictSynchronous ? self.peer(of: node)?.rawValue : nil
        self.durable.synchronousStandbyNames = strictNames ?? ""
        self.lease = nil
        // Only the primary a switchover stops cleanly may follow without pg_rewind, and
        // only right after that switchover; the caller adds it back.
        self.cleanlyStopped = []
        self.synchronousSet.reset()
        self.blockedReason = nil
        if self.changeStartedAt == nil { self.changeStartedAt = now }
        return self.record(Decision(kind, term: self.durable.term, reason: reason), at: utc)
    }
}
