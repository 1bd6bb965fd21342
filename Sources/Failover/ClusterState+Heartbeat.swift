/// Heartbeats: what each agent is told, and the lease for the primary.
extension ClusterState {
    /// Takes `report`, received at `now`, and answers it. Throws `unknownNode` for a node
    /// the configuration does not list and `refused` for a term ahead of the coordinator's
    /// (its state file is older than the agents': it must not hand out leases). A thrown
    /// report changes nothing.
    public mutating func heartbeat(
        _ report: AgentReport, at now: MonotonicInstant, utc: String
    ) throws(FailoverError) -> CoordinatorReply {
        let node = report.node
        guard self.settings.names.contains(node) else {
            throw FailoverError(.unknownNode, "node \(node) is not in the configuration")
        }
        guard report.term <= self.durable.term else {
            throw FailoverError(
                .refused,
                "\(node) reports term \(report.term) but the coordinator is at term "
                    + "\(self.durable.term); no lease is granted past a term it did not decide")
        }
        self.observations[node] = Observation(report: report, receivedAt: now)
        _ = self.advanceSwitchover(at: now, utc: utc)

        let action: Action
        var lease: CoordinatorReply.LeaseGrant?
        if node == self.durable.primary {
            let granted: Bool
            (action, granted) = self.primaryAction(report, at: now, utc: utc)
            // Only a grant or renewal made by this very heartbeat travels back: the agent
            // counts it from when it sent this request.
            if granted {
                lease = CoordinatorReply.LeaseGrant(
                    holder: node, validForMilliseconds: self.settings.leaseMilliseconds)
            }
        } else {
            action = self.otherAction(report, at: now)
        }
        return CoordinatorReply(
            term: self.durable.term, primary: self.durable.primary, lease: lease, action: action,
            synchronousStandbyNames: self.durable.synchronousStandbyNames)
    }

    /// The primary's action, and whether this heartbeat granted or renewed its lease.
    private mutating func primaryAction(
        _ report: AgentReport, at now: MonotonicInstant, utc: String
    ) -> (Action, Bool) {
        let node = report.node
        if var switchover = self.switchover, switchover.from == node,
            switchover.stage == .demoting
        {
            if report.role == .primary {
                if switchover.demoteSentAt == nil { switchover.demoteSentAt = now }
                switchover.lastPrimaryLSN = report.lsn.current ?? switchover.lastPrimaryLSN
                self.switchover = switchover
                self.changeStartedAt = switchover.demoteSentAt
                return (.demote(reason: "switchover to \(switchover.to)"), false)
            }
            let final = report.lsn.current ?? switchover.lastPrimaryLSN
            switchover.stage = .waitingForReplay(finalLSN: final)
            switchover.stageStartedAt = now
            self.switchover = switchover
            self.lease = nil
            return (.none, false)
        }

        if let switchover = self.switchover, switchover.from == node {
            return (
                report.role == .primary ? .demote(reason: "switchover to \(switchover.to)") : .none,
                false
            )
        }

        switch report.role {
        case .primary:
            if let forced = self.forcedTarget {
                // No renewal: the lease granted before runs out, then the promotion follows.
                return (.fence(reason: "an operator forced \(forced) to become primary"), false)
            }
            if var lease = self.lease, lease.holder == node, lease.term == self.durable.term {
                lease.renew(receivedAt: now)
                self.lease = lease
            } else if self.lease.map({ !$0.isLive(at: now) || $0.holder == node }) ?? true {
                self.lease = Lease(
                    holder: node, term: self.durable.term,
                    lengthMilliseconds: self.settings.leaseMilliseconds, receivedAt: now)
            } else {
                return (.none, false)
            }
            self.completeChange(to: node, at: now)
            return (.none, true)
        case .standby:
            self.lease = nil
            return (.promote(term: self.durable.term), false)
        case .stopped:
            self.lease = nil
            return (.none, false)
        case .fenced:
            self.lease = nil
            guard self.startupOver(at: now), self.forcedTarget == nil, self.switchover == nil
            else { return (.none, false) }
            let verdict = self.electionVerdict(leaseEnded: "\(node) fenced itself", at: now)
            if case .blocked = verdict {
                return (.promote(term: self.durable.term), false)
            }
            return (.none, false)
        }
    }

    private func otherAction(_ report: AgentReport, at now: MonotonicInstant) -> Action {
        let node = report.node
        guard let primary = self.durable.primary,
            let endpoint = self.settings.nodes.first(where: { $0.name == primary })
        else { return .none }
        let serving = self.primaryIsServing(at: now)
        let follow = Action.follow(
            primary: primary, host: endpoint.postgres.host, port: endpoint.postgres.port,
            rewind: !self.cleanlyStopped.contains(node))

        switch report.role {
        case .primary:
            if serving { return follow }
            guard report.postgresRunning else { return .none }
            return .fence(reason: "\(primary) is primary in term \(self.durable.term)")
        case .fenced, .stopped:
            if let switchover = self.switchover, switchover.to == node { return .none }
            return serving ? follow : .none
        case .standby:
            if report.term == self.durable.term { return .none }
            let streaming =
                self.observations[primary]?.report.replication.contains {
                    $0.node == node.rawValue && $0.state == "streaming"
                } ?? false
            if streaming || !serving { return .none }
            return .follow(
                primary: primary, host: endpoint.postgres.host, port: endpoint.postgres.port,
                rewind: false)
        }
    }

    /// Notes that `node` reported as primary; completes a pending change of primary.
    private mutating func completeChange(to node: NodeName, at now: MonotonicInstant) {
        if let switchover = self.switchover, switchover.to == node,
            switchover.stage == .promoting
        {
            self.switchover = nil
        }
        guard let started = self.changeStartedAt else { return }
        self.changeStartedAt = nil
        self.changes.append(
            PrimaryChange(
                term: self.durable.term, primary: node,
                blockedMilliseconds: now.milliseconds(since: started)))
        if self.changes.count > 20 { self.changes.removeFirst() }
    }
}
