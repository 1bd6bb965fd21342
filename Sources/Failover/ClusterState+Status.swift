/// The coordinator's view as `GET /v1/status` shows it.
extension ClusterState {
    /// The status at `now`.
    public func status(at now: MonotonicInstant) -> CoordinatorStatus {
        let lease = self.lease.flatMap { lease in
            lease.isLive(at: now)
                ? CoordinatorStatus.Lease(
                    holder: lease.holder,
                    expiresInMilliseconds: lease.remainingMilliseconds(at: now))
                : nil
        }
        let primaryReport = self.durable.primary.flatMap { self.observations[$0]?.report }
        let nodes = self.settings.names.map { name in
            let observation = self.observations[name]
            let report = observation?.report
            let row = primaryReport?.replication.first { $0.node == name.rawValue }
            let isPrimary = name == self.durable.primary
            return CoordinatorStatus.Node(
                name: name, role: report?.role, reachable: self.isReachable(name, at: now),
                lastHeartbeatMillisecondsAgo: observation.map {
                    now.milliseconds(since: $0.receivedAt)
                },
                timeline: report?.timeline,
                lsn: report.flatMap { $0.lsn.current ?? $0.lsn.replay ?? $0.lsn.receive },
                lagBytes: isPrimary
                    ? nil : primaryReport.flatMap { SynchronousSet.lag(of: name, in: $0) },
                syncState: isPrimary ? nil : row?.syncState,
                promotable: self.durable.isPromotable(name))
        }
        return CoordinatorStatus(
            term: self.durable.term, primary: self.durable.primary, lease: lease, nodes: nodes,
            synchronousStandbyNames: self.durable.synchronousStandbyNames,
            strict: self.settings.strictSynchronous, decisions: self.durable.decisions)
    }
}
