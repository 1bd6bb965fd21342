/// Requests from an operator: a planned switchover and a forced failover.
extension ClusterState {
    /// Starts a switchover to `target` (or the other node). Throws `refused` naming the
    /// reason when it cannot be done safely now; a refusal changes nothing.
    public mutating func beginSwitchover(
        to target: NodeName?, at now: MonotonicInstant, utc: String
    ) throws(FailoverError) -> Decision {
        guard let primary = self.durable.primary else {
            throw FailoverError(.refused, "no primary has been elected yet")
        }
        let to = target ?? self.peer(of: primary)
        guard let to, self.settings.names.contains(to) else {
            throw FailoverError(
                .unknownNode, "node \(target.map(\.rawValue) ?? "?") is not in the configuration")
        }
        guard to != primary else {
            throw FailoverError(.refused, "\(to) is already the primary")
        }
        guard self.switchover == nil, self.forcedTarget == nil else {
            throw FailoverError(.refused, "a change of primary is already under way")
        }
        guard self.primaryIsServing(at: now) else {
            throw FailoverError(.refused, "the primary \(primary) is not serving with a live lease")
        }
        guard self.durable.isPromotable(to) else {
            throw FailoverError(
                .refused, "standby \(to) is not promotable (not confirmed synchronous)")
        }
        guard self.isReachable(to, at: now), self.observations[to]?.report.role == .standby else {
            throw FailoverError(.refused, "standby \(to) is not reachable as a running standby")
        }
        self.switchover = Switchover(
            from: primary, to: to, stage: .demoting, startedAt: now, stageStartedAt: now,
            demoteSentAt: nil)
        return self.record(
            Decision(
                .switchoverStarted, term: self.durable.term,
                reason: "operator asked to switch from \(primary) to \(to); \(to) is promotable"),
            at: utc)
    }

    /// Makes `target` primary once the current lease is over, whatever its position: the
    /// operator accepts that writes the old primary acknowledged may be lost. The old
    /// primary gets no more renewals (and is told to fence), so no second lease is ever
    /// granted while the first is live.
    public mutating func forceFailover(
        _ request: FailoverRequest, at now: MonotonicInstant, utc: String
    ) throws(FailoverError) -> Decision {
        guard request.force, request.acceptDataLoss else {
            throw FailoverError(
                .refused, "a forced failover needs both force and acceptDataLoss set to true")
        }
        guard self.settings.names.contains(request.to) else {
            throw FailoverError(.unknownNode, "node \(request.to) is not in the configuration")
        }
        guard request.to != self.durable.primary else {
            throw FailoverError(.refused, "\(request.to) is already the primary")
        }
        guard self.switchover == nil, self.forcedTarget == nil else {
            throw FailoverError(.refused, "a change of primary is already under way")
        }
        let report = self.observations[request.to]?.report
        guard self.isReachable(request.to, at: now), report?.role == .standby,
            report?.postgresRunning == true
        else {
            throw FailoverError(
                .refused, "\(request.to) is not reachable as a running standby; nothing to promote")
        }
        self.forcedTarget = request.to
        self.changeStartedAt = now
        let position = report?.lsn.replay.map { " at \($0)" } ?? ""
        return self.record(
            Decision(
                .forcedFailover, term: self.durable.term,
                reason: "operator forced a failover to \(request.to)\(position) accepting data "
                    + "loss; promotion follows when the current lease is over"),
            at: utc)
    }

    /// The completed change of primary in `term` or later, if any.
    public func change(since term: Term) -> PrimaryChange? {
        self.changes.last { $0.term > term }
    }
}
