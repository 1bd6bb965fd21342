/// The periodic evaluation: elections, failovers, switchover steps and the synchronous set.
extension ClusterState {
    /// Evaluates every rule at `now` and returns the decisions taken, in order. The caller
    /// saves ``durable`` before answering any heartbeat that could act on them.
    public mutating func tick(at now: MonotonicInstant, utc: String) -> [Decision] {
        var decisions: [Decision] = []
        if let decision = self.advanceSwitchover(at: now, utc: utc) { decisions.append(decision) }
        if let decision = self.elect(at: now, utc: utc) {
            // The new primary gets its first lease at its next heartbeat; judge it after.
            return decisions + [decision]
        }
        if let decision = self.failOver(at: now, utc: utc) { decisions.append(decision) }
        if let decision = self.evaluateSynchronousSet(at: now, utc: utc) {
            decisions.append(decision)
        }
        return decisions
    }

    /// Why the primary's lease is over at `now`, or nil while it is live.
    func leaseEnded(at now: MonotonicInstant) -> String? {
        guard let primary = self.durable.primary else { return nil }
        if let lease = self.lease, lease.holder == primary {
            let end = lease.expiresAt.adding(milliseconds: self.settings.expiryMarginMilliseconds)
            // The text stays the same tick after tick, so a blocked failover is logged once.
            return now < end ? nil : "the lease of \(primary) ran out"
        }
        switch self.observations[primary]?.report.role {
        case .stopped?: return "\(primary) released its lease (reported stopped)"
        case .fenced?: return "\(primary) fenced itself"
        case .primary?, .standby?: return "\(primary) holds no lease"
        case nil: return "\(primary) has not been heard since the coordinator started"
        }
    }

    /// The election's verdict over the current observations.
    func electionVerdict(leaseEnded: String?, at now: MonotonicInstant) -> Election.Verdict {
        guard let primary = self.durable.primary else { return .keep(reason: "no primary yet") }
        let candidates = self.settings.names.map { name in
            let report = self.observations[name]?.report
            return Election.Candidate(
                name: name, reachable: self.isReachable(name, at: now), role: report?.role,
                postgresRunning: report?.postgresRunning ?? false,
                promotable: self.durable.isPromotable(name))
        }
        return Election.failover(
            primary: primary, leaseEnded: leaseEnded, startupOver: self.startupOver(at: now),
            candidates: candidates)
    }

    /// The first primary: after the startup wait, the node that reports itself primary
    /// (the most advanced one if, oddly, both do).
    private mutating func elect(at now: MonotonicInstant, utc: String) -> Decision? {
        guard self.durable.primary == nil, self.startupOver(at: now) else { return nil }
        let claims = self.settings.names.compactMap { name -> (NodeName, AgentReport)? in
            guard self.isReachable(name, at: now), let report = self.observations[name]?.report,
                report.role == .primary, report.postgresRunning
            else { return nil }
            return (name, report)
        }
        let best = claims.max { left, right in
            (left.1.timeline ?? 0, left.1.lsn.current ?? LSN(0), right.0.rawValue)
                < (right.1.timeline ?? 0, right.1.lsn.current ?? LSN(0), left.0.rawValue)
        }
        guard let (name, _) = best else { return nil }
        let reason =
            claims.count == 1
            ? "no primary recorded; \(name) runs as primary"
            : "no primary recorded; \(name) is the most advanced of the nodes claiming primary"
        return self.promote(name, kind: .elect, reason: reason, at: now, utc: utc)
    }

    /// Replaces a primary whose lease is over by the promotable standby, or by the node an
    /// operator forced.
    private mutating func failOver(at now: MonotonicInstant, utc: String) -> Decision? {
        guard let primary = self.durable.primary, self.switchover == nil else { return nil }
        let ended = self.leaseEnded(at: now)
        if let forced = self.forcedTarget {
            guard let ended, self.startupOver(at: now) else { return nil }
            self.forcedTarget = nil
            self.failoversTotal += 1
            return self.promote(
                forced, kind: .forcedFailover,
                reason: "operator forced \(forced) to replace \(primary) (\(ended)); "
                    + "acceptDataLoss: writes acknowledged by \(primary) may be lost",
                at: now, utc: utc)
        }
        if self.observations[primary]?.report.role == .standby && self.lease == nil {
            return nil
        }
        let verdict = self.electionVerdict(leaseEnded: ended, at: now)
        switch verdict {
        case .keep:
            self.blockedReason = nil
            return nil
        case .blocked(let reason):
            self.blockedReason = reason
            return nil
        case .promote(let standby, let reason):
            self.failoversTotal += 1
            let silence = self.lease.map {
                " (last renewal \(now.milliseconds(since: $0.renewedAt)) ms ago)"
            }
            return self.promote(
                standby, kind: .failover, reason: reason + (silence ?? ""), at: now, utc: utc)
        }
    }

    /// Moves a switchover on when its condition holds; run at each tick and at each
    /// heartbeat, so the target learns of its promotion in the reply to the very report
    /// that showed it caught up.
    mutating func advanceSwitchover(at now: MonotonicInstant, utc: String) -> Decision? {
        guard var switchover = self.switchover else { return nil }
        let waited = now.milliseconds(since: switchover.stageStartedAt)
        switch switchover.stage {
        case .demoting, .promoting:
            guard waited > self.settings.switchoverStepMilliseconds else { return nil }
            self.switchover = nil
            self.changeStartedAt = nil
            return self.record(
                Decision(
                    .switchoverAbandoned, term: self.durable.term,
                    reason: "switchover to \(switchover.to) made no progress for \(waited) ms"),
                at: utc)
        case .waitingForReplay(let final):
            let report = self.observations[switchover.to]?.report
            let reached = [report?.lsn.receive, report?.lsn.replay].compactMap { $0 }.max()
            let caughtUp = final.map { final in reached.map { $0 >= final } ?? false } ?? true
            if caughtUp, report?.role == .standby, self.isReachable(switchover.to, at: now),
                self.durable.isPromotable(switchover.to)
            {
                switchover.stage = .promoting
                switchover.stageStartedAt = now
                self.switchover = switchover
                let at = reached.map { " at \($0)" } ?? ""
                let decision = self.promote(
                    switchover.to, kind: .switchover,
                    reason:
                        "\(switchover.from) stopped at \(final.map { "\($0)" } ?? "an unknown LSN")"
                        + "; \(switchover.to) has it all\(at)",
                    at: now, utc: utc)
                self.cleanlyStopped.insert(switchover.from)
                return decision
            }
            guard waited > self.settings.switchoverStepMilliseconds else { return nil }
            self.switchover = nil
            return self.record(
                Decision(
                    .switchoverAbandoned, term: self.durable.term,
                    reason: "\(switchover.to) did not reach \(switchover.from)'s final LSN in "
                        + "\(waited) ms; the failover rules take over"),
                at: utc)
        }
    }

    private mutating func evaluateSynchronousSet(
        at now: MonotonicInstant, utc: String
    ) -> Decision? {
        guard let primary = self.durable.primary, self.switchover == nil,
            self.primaryIsServing(at: now), let standby = self.peer(of: primary),
            let report = self.observations[primary]?.report
        else { return nil }
        let observation = SynchronousSet.Observation(
            standby: standby, standbyReachable: self.isReachable(standby, at: now),
            primary: report,
            inSet: SynchronousSet.names(in: self.durable.synchronousStandbyNames)
                .contains(standby.rawValue),
            promotable: self.durable.isPromotable(standby))
        guard let change = self.synchronousSet.evaluate(observation, at: now) else { return nil }
        let term = self.durable.term
        switch change {
        case .degrade(let reason):
            self.durable.setPromotable(standby, false)
            self.durable.synchronousStandbyNames = ""
            self.degradationsTotal += 1
            return self.record(Decision(.degrade, term: term, reason: reason), at: utc)
        case .readd(let reason):
            self.durable.synchronousStandbyNames = standby.rawValue
            return self.record(Decision(.readd, term: term, reason: reason), at: utc)
        case .promotable(let reason):
            self.durable.setPromotable(standby, true)
            return self.record(Decision(.promotable, term: term, reason: reason), at: utc)
        case .unpromotable(let reason):
            self.durable.setPromotable(standby, false)
            return self.record(Decision(.degrade, term: term, reason: reason), at: utc)
        }
    }
}
