/// One decision of the coordinator: what it decided, in which term, and why. Every
/// decision is logged at info and written to the state file before it is acted on.
public struct Decision: Sendable, Equatable {
    /// The kinds of decision.
    public enum Kind: String, Sendable, Codable {
        /// The first primary chosen after a start with no recorded primary.
        case elect
        /// The primary's lease ran out and the synchronous standby was promoted.
        case failover
        /// An operator forced a standby to become primary, accepting data loss.
        case forcedFailover = "forced-failover"
        /// A planned switchover began: the primary was told to demote.
        case switchoverStarted = "switchover-started"
        /// The switchover target was promoted.
        case switchover
        /// A switchover was given up (the target did not catch up in time).
        case switchoverAbandoned = "switchover-abandoned"
        /// A standby left the synchronous set and is no longer promotable.
        case degrade
        /// A caught-up standby was put back in the synchronous set.
        case readd
        /// A standby reported synchronous by the primary became promotable.
        case promotable
    }

    /// The persisted and reported form of a decision.
    public struct Record: Sendable, Equatable, Codable {
        /// When, as an ISO 8601 UTC time.
        public var at: String
        public var term: Term
        public var decision: String
        public var reason: String

        /// A value with every field given.
        public init(at: String, term: Term, decision: String, reason: String) {
            self.at = at
            self.term = term
            self.decision = decision
            self.reason = reason
        }
    }

    public var kind: Kind
    /// The term the decision leads to.
    public var term: Term
    public var reason: String

    /// A value with every field given.
    public init(_ kind: Kind, term: Term, reason: String) {
        self.kind = kind
        self.term = term
        self.reason = reason
    }

    /// The record of this decision taken at `at`.
    public func record(at: String) -> Record {
        Record(at: at, term: self.term, decision: self.kind.rawValue, reason: self.reason)
    }
}
