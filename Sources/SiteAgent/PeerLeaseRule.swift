/// The standby agent's side of the peer lease: when may it vouch for its primary while the
/// coordinator is unreachable, and when must it therefore refuse to be promoted.
///
/// It grants only to the primary it follows, in the term it follows it in, and only after it
/// has itself heard nothing from the coordinator for three renewal intervals: a coordinator
/// that answers the standby decides alone. While a grant is live the standby refuses
/// `promote`, so losing the coordinator changes nothing in a healthy pair, and a partitioned
/// primary, which reaches neither, fences.
public struct PeerLeaseRule: Sendable, Equatable {
    /// The answer to one request.
    public struct Decision: Sendable, Equatable {
        public let granted: Bool
        /// The grant's length, counted from its receipt here; zero when refused.
        public let validFor: Duration
        public let reason: String
    }

    public let renewInterval: Duration
    public let leaseLength: Duration
    /// When the coordinator last answered this agent.
    public private(set) var lastCoordinatorContact: ContinuousClock.Instant?
    /// The primary this agent follows and the term it follows it in, as last told.
    public private(set) var following: (node: String, term: Int64)?
    /// When the last grant ends.
    public private(set) var grantedUntil: ContinuousClock.Instant?

    /// Grants last `leaseLength`; the coordinator counts as gone after 3 x `renewInterval`.
    public init(renewInterval: Duration, leaseLength: Duration) {
        self.renewInterval = renewInterval
        self.leaseLength = leaseLength
    }

    /// Equal when they remember the same contact, primary, term and grant (a tuple is not
    /// Equatable by itself).
    public static func == (left: PeerLeaseRule, right: PeerLeaseRule) -> Bool {
        left.lastCoordinatorContact == right.lastCoordinatorContact
            && left.following?.node == right.following?.node
            && left.following?.term == right.following?.term
            && left.grantedUntil == right.grantedUntil
    }

    /// The coordinator answered at `now`.
    public mutating func heardFromCoordinator(at now: ContinuousClock.Instant) {
        self.lastCoordinatorContact = now
    }

    /// This agent is a standby of `node` in `term`, or (nil) follows nobody.
    public mutating func follow(_ node: String?, term: Int64) {
        self.following = node.map { ($0, term) }
    }

    /// Decides a request from `node` for `term`, received at `now`.
    public mutating func decide(
        node: String, term: Int64, at now: ContinuousClock.Instant
    ) -> Decision {
        guard let following = self.following else {
            return Self.refusal("this node follows no primary")
        }
        guard following.node == node else {
            return Self.refusal("this node follows \(following.node), not \(node)")
        }
        guard following.term == term else {
            return Self.refusal("this node follows \(node) in term \(following.term), not \(term)")
        }
        if let last = self.lastCoordinatorContact, now - last < self.renewInterval * 3 {
            return Self.refusal("the coordinator answers this node; it decides")
        }
        let until = now + self.leaseLength
        self.grantedUntil = max(self.grantedUntil ?? until, until)
        return Decision(
            granted: true, validFor: self.leaseLength,
            reason: "the coordinator is unreachable from here too; \(node) keeps its lease")
    }

    /// True while a grant made here is live: promotion must be refused.
    public func refusesPromotion(at now: ContinuousClock.Instant) -> Bool {
        guard let until = self.grantedUntil else { return false }
        return now < until
    }

    private static func refusal(_ reason: String) -> Decision {
        Decision(granted: false, validFor: .zero, reason: reason)
    }
}
