/// `POST /v1/switchover`: a planned change of primary, to `to` or to the only standby.
public struct SwitchoverRequest: Sendable, Equatable, Codable {
    public var to: NodeName?

    /// A value with every field given.
    public init(to: NodeName? = nil) {
        self.to = to
    }
}

/// `POST /v1/failover`: an operator forcing `to` to become primary. Both flags must be
/// true; `acceptDataLoss` records that writes the old primary acknowledged may be gone.
public struct FailoverRequest: Sendable, Equatable, Codable {
    public var to: NodeName
    public var force: Bool
    public var acceptDataLoss: Bool

    /// A value with every field given.
    public init(to: NodeName, force: Bool, acceptDataLoss: Bool) {
        self.to = to
        self.force = force
        self.acceptDataLoss = acceptDataLoss
    }
}

/// The answer once a switchover or forced failover has completed: the new term and
/// primary, and how long writes were blocked (from the demotion or the request to the new
/// primary's first report as primary).
public struct PrimaryChangeReply: Sendable, Equatable, Codable {
    public var term: Term
    public var primary: NodeName
    public var blockedMilliseconds: Int

    /// A value with every field given.
    public init(term: Term, primary: NodeName, blockedMilliseconds: Int) {
        self.term = term
        self.primary = primary
        self.blockedMilliseconds = blockedMilliseconds
    }
}

/// A completed change of primary, for the operator request that waits for it.
public struct PrimaryChange: Sendable, Equatable {
    public var term: Term
    public var primary: NodeName
    public var blockedMilliseconds: Int
}
