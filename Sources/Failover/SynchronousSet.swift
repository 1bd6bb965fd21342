import Foundation

/// Keeps the primary's `synchronous_standby_names` and the standby's promotability in step
/// with what the primary reports of its standby.
///
/// The rules: a standby that is unreachable, not streaming, or more than `catchUpBytes`
/// behind for `graceMilliseconds` is degraded (not promotable, then out of the set), unless
/// strict; a standby streaming within `catchUpBytes` is put back; it becomes promotable
/// only once the primary runs with it in its names and reports it `sync`.
public struct SynchronousSet: Sendable, Equatable {
    /// A change the coordinator must make durable before telling the primary.
    public enum Change: Sendable, Equatable {
        /// Mark the standby not promotable and set the names to "".
        case degrade(reason: String)
        /// Set the names to the standby.
        case readd(reason: String)
        /// Mark the standby promotable.
        case promotable(reason: String)
        /// Mark the standby not promotable (the primary does not wait for it).
        case unpromotable(reason: String)
    }

    /// What the coordinator knows when it evaluates the set.
    public struct Observation: Sendable {
        public var standby: NodeName
        public var standbyReachable: Bool
        /// The primary's latest heartbeat.
        public var primary: AgentReport
        /// True when the names the coordinator wants include the standby.
        public var inSet: Bool
        public var promotable: Bool

        /// A value with every field given.
        public init(
            standby: NodeName, standbyReachable: Bool, primary: AgentReport, inSet: Bool,
            promotable: Bool
        ) {
            self.standby = standby
            self.standbyReachable = standbyReachable
            self.primary = primary
            self.inSet = inSet
            self.promotable = promotable
        }
    }

    public let strict: Bool
    public let graceMilliseconds: Int
    public let catchUpBytes: UInt64
    /// Since when the standby has been unhealthy; nil while healthy.
    public private(set) var unhealthySince: MonotonicInstant?

    /// A set with these rules and no history.
    public init(strict: Bool, graceMilliseconds: Int, catchUpBytes: UInt64) {
        self.strict = strict
        self.graceMilliseconds = graceMilliseconds
        self.catchUpBytes = catchUpBytes
        self.unhealthySince = nil
    }

    /// Forgets the standby's health history (after a change of primary).
    public mutating func reset() {
        self.unhealthySince = nil
    }

    /// The standby's lag in bytes behind the primary's current position, if known.
    public static func lag(of standby: NodeName, in primary: AgentReport) -> UInt64? {
        guard let row = primary.replication.first(where: { $0.node == standby.rawValue }),
            let flush = row.flush, let current = primary.lsn.current
        else { return nil }
        return current.bytes(after: flush)
    }

    /// The node names in a `synchronous_standby_names` value (`a`, `"a", b`,
    /// `FIRST 1 (a, b)`, `ANY 1 (a)`).
    public static func names(in text: String) -> Set<String> {
        var body = Substring(text)
        if let open = body.firstIndex(of: "("), let close = body.lastIndex(of: ")"), open < close {
            body = body[body.index(after: open)..<close]
        }
        let names = body.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: .init(charactersIn: "\""))
        }
        return Set(names.filter { !$0.isEmpty })
    }

    /// What to change now, if anything; each change carries its reason.
    public mutating func evaluate(
        _ observation: Observation, at now: MonotonicInstant
    ) -> Change? {
        let standby = observation.standby
        let row = observation.primary.replication.first { $0.node == standby.rawValue }
        let lag = Self.lag(of: standby, in: observation.primary)
        let problem: String? =
            if !observation.standbyReachable {
                "standby \(standby) is unreachable"
            } else if row == nil {
                "the primary reports no replication connection from \(standby)"
            } else if row?.state != "streaming" {
                "standby \(standby) is \(row?.state ?? "unknown"), not streaming"
            } else if let lag, lag > self.catchUpBytes {
                "standby \(standby) is \(lag) bytes behind (more than \(self.catchUpBytes))"
            } else if lag == nil {
                "the primary reports no flush position for \(standby)"
            } else {
                nil
            }
        if problem == nil {
            self.unhealthySince = nil
        } else if self.unhealthySince == nil {
            self.unhealthySince = now
        }

        // Names the agent could not read (its server just died, or is still starting) are
        // unknown, not empty: only names read from the server show it running without the
        // standby. Taking "not reported" as "left out" marked the standby unpromotable just
        // when the postmaster and its agent were lost together, and no failover followed.
        let applied = observation.primary.synchronousStandbyNames.map {
            Self.names(in: $0).contains(standby.rawValue)
        }
        if observation.promotable && (!observation.inSet || applied == false) {
            let running = observation.primary.synchronousStandbyNames ?? "(not reported)"
            return .unpromotable(
                reason: "the primary runs with synchronous_standby_names '\(running)', "
                    + "so it does not wait for \(standby)")
        }

        guard observation.inSet else {
            if self.strict {
                return .readd(reason: "strict mode keeps \(standby) in the synchronous set")
            }
            guard problem == nil, let lag else { return nil }
            return .readd(
                reason:
                    "standby \(standby) streams \(lag) bytes behind, within \(self.catchUpBytes)")
        }

        if !self.strict, let problem, let since = self.unhealthySince,
            now.milliseconds(since: since) >= self.graceMilliseconds
        {
            return .degrade(
                reason: "\(problem) for \(now.milliseconds(since: since)) ms "
                    + "(grace \(self.graceMilliseconds) ms); writes go on without it")
        }
        if !observation.promotable, applied == true, problem == nil, row?.syncState == "sync" {
            let names = observation.primary.synchronousStandbyNames ?? ""
            return .promotable(
                reason: "the primary reports \(standby) as sync with "
                    + "synchronous_standby_names '\(names)'")
        }
        return nil
    }
}
