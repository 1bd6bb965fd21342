/// Who may become primary after the primary's lease ran out: a pure judgement over what the
/// coordinator has observed, with the reason for the verdict.
public enum Election {
    /// A node as the election sees it.
    public struct Candidate: Sendable, Equatable {
        public var name: NodeName
        public var reachable: Bool
        public var role: NodeRole?
        public var postgresRunning: Bool
        public var promotable: Bool

        /// A value with every field given.
        public init(
            name: NodeName, reachable: Bool, role: NodeRole?, postgresRunning: Bool,
            promotable: Bool
        ) {
            self.name = name
            self.reachable = reachable
            self.role = role
            self.postgresRunning = postgresRunning
            self.promotable = promotable
        }
    }

    /// The outcome of an evaluation.
    public enum Verdict: Sendable, Equatable {
        /// Nothing to decide: the primary holds its lease.
        case keep(reason: String)
        /// A failover is due but no standby may take over yet.
        case blocked(reason: String)
        /// Promote this standby.
        case promote(NodeName, reason: String)

        /// The reason, whatever the verdict.
        public var reason: String {
            switch self {
            case .keep(let reason), .blocked(let reason), .promote(_, let reason): reason
            }
        }
    }

    /// Judges whether `primary` must be replaced and by whom.
    /// - Parameters:
    ///   - leaseEnded: why the primary's lease is over, or nil while it is live.
    ///   - startupOver: false during the coordinator's first lease after a start.
    public static func failover(
        primary: NodeName, leaseEnded: String?, startupOver: Bool, candidates: [Candidate]
    ) -> Verdict {
        guard let leaseEnded else { return .keep(reason: "\(primary) holds the lease") }
        guard startupOver else {
            return .blocked(reason: "waiting one lease length after the coordinator started")
        }
        var refusals: [String] = []
        for candidate in candidates where candidate.name != primary {
            let name = candidate.name
            if !candidate.promotable {
                refusals.append("\(name) is not promotable (not confirmed synchronous)")
            } else if !candidate.reachable {
                refusals.append("\(name) is unreachable")
            } else if candidate.role != .standby || !candidate.postgresRunning {
                refusals.append("\(name) is not a running standby")
            } else {
                return .promote(
                    name, reason: "\(leaseEnded); \(name) is promotable, reachable and running")
            }
        }
        let why = refusals.isEmpty ? "no other node" : refusals.joined(separator: "; ")
        return .blocked(reason: "\(leaseEnded) but no standby may take over: \(why)")
    }
}
