/// The primary's agent asks its standby's agent (`POST /v1/peer-lease`) to extend its
/// lease while the coordinator is unreachable.
public struct PeerLeaseRequest: Sendable, Equatable, Codable {
    public var node: NodeName
    public var term: Term

    /// A value with every field given.
    public init(node: NodeName, term: Term) {
        self.node = node
        self.term = term
    }
}

/// The standby agent's answer: granted only if it follows that primary in that term and
/// has itself not heard from the coordinator for three renewal intervals.
public struct PeerLeaseReply: Sendable, Equatable, Codable {
    public var granted: Bool
    public var validForMilliseconds: Int
    /// Why it was granted or refused, for the log.
    public var reason: String

    /// A value with every field given.
    public init(granted: Bool, validForMilliseconds: Int, reason: String) {
        self.granted = granted
        self.validForMilliseconds = validForMilliseconds
        self.reason = reason
    }
}
