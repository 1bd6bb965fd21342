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
