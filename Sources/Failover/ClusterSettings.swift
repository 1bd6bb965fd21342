/// The parts of the coordinator's configuration its state machines need.
public struct ClusterSettings: Sendable, Equatable {
    public var nodes: [NodeEndpoint]
    public var leaseMilliseconds: Int
    public var renewMilliseconds: Int
    public var degradeGraceMilliseconds: Int
    public var strictSynchronous: Bool
    public var catchUpBytes: UInt64

    /// The settings of `configuration`.
    public init(_ configuration: CoordinatorConfiguration) {
        self.nodes = configuration.nodes
        self.leaseMilliseconds = configuration.leaseMilliseconds
        self.renewMilliseconds = configuration.renewMilliseconds
        self.degradeGraceMilliseconds = configuration.degradeGraceMilliseconds
        self.strictSynchronous = configuration.strictSynchronous
        self.catchUpBytes = configuration.catchUpBytes
    }

    /// The node names, in configuration order.
    public var names: [NodeName] { self.nodes.map(\.name) }

    /// How long after its last heartbeat a node still counts as reachable.
    public var reachableMilliseconds: Int { self.leaseMilliseconds }

    /// How long past its end the coordinator waits before treating a lease as over, so an
    /// agent's fence always comes first.
    public var expiryMarginMilliseconds: Int { self.renewMilliseconds }

    /// How long each step of a switchover may take before it is given up.
    public var switchoverStepMilliseconds: Int { self.leaseMilliseconds * 2 }
}

/// A switchover in progress: the primary is being demoted, then the target promoted.
public struct Switchover: Sendable, Equatable {
    /// Where it stands.
    public enum Stage: Sendable, Equatable {
        /// The primary has been told to demote.
        case demoting
        /// The primary stopped at `finalLSN`; waiting for the target to have it all.
        case waitingForReplay(finalLSN: LSN?)
        /// The target was told to promote in the new term.
        case promoting
    }

    public var from: NodeName
    public var to: NodeName
    public var stage: Stage
    public var startedAt: MonotonicInstant
    /// When the current stage began.
    public var stageStartedAt: MonotonicInstant
    /// When the demotion was first sent (writes stop from here).
    public var demoteSentAt: MonotonicInstant?
}

/// A completed change of primary, for the operator request that waits for it.
public struct PrimaryChange: Sendable, Equatable {
    public var term: Term
    public var primary: NodeName
    public var blockedMilliseconds: Int
}
