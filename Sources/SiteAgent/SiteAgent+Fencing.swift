import Telemetry

extension SiteAgent {
    /// Watches the lease of a running primary: once it is within the fence margin of its
    /// end unrenewed, asks each peer's agent for a peer lease and, when none grants, fences
    /// at once. Checks every 10 ms, so the fence lands well inside the margin.
    func watchdogLoop() async {
        while !Task.isCancelled && !self.stopping {
            try? await Task.sleep(for: .milliseconds(10))
            guard self.mode == .supervising, !self.folder.isStandby, !self.isBootstrapping,
                await self.supervisor.isRunning, self.lease.isWithinFenceMargin(at: .now)
            else {
                continue
            }
            if await self.askPeers() {
                continue
            }
            guard self.mode == .supervising, self.lease.isWithinFenceMargin(at: .now) else {
                continue
            }
            let left = Int(Self.seconds(of: self.lease.remaining(at: .now)) * 1000)
            await self.fence(reason: "lease unrenewed with \(left) ms left; no peer granted one")
        }
    }

    /// Asks the peers, each within half the fence margin, for a lease in the current term.
    /// True when one granted it.
    func askPeers() async -> Bool {
        let deadline = self.settings.fenceMargin / 2
        for peer in self.settings.peers {
            let sentAt = ContinuousClock.now
            do {
                let grant = try await self.transport.peerLease(
                    from: peer, node: self.settings.node, term: self.memory.term,
                    deadline: deadline)
                guard let validFor = grant.validFor else {
                    self.logger.debug(
                        "peer refused a lease",
                        [
                            ("peer.name", .string(peer.name)),
                            ("agent.reason", .string(grant.reason)),
                        ])
                    continue
                }
                self.lease.renew(sentAt: sentAt, validFor: validFor, by: .peer)
                self.logger.info(
                    "peer lease granted: the coordinator is unreachable",
                    [("peer.name", .string(peer.name)), ("agent.reason", .string(grant.reason))])
                return true
            } catch {
                self.logger.debug(
                    "peer lease request failed",
                    [("peer.name", .string(peer.name)), ("error", .string(error.message))])
            }
        }
        return false
    }

    /// The standby's answer to a primary asking for a peer lease.
    func decidePeerLease(node: String, term: Int64) async -> PeerLeaseRule.Decision {
        guard self.mode == .supervising, self.folder.isStandby, await self.supervisor.isRunning
        else {
            return PeerLeaseRule.Decision(
                granted: false, validFor: .zero, reason: "this node is not a running standby")
        }
        let decision = self.peerRule.decide(node: node, term: term, at: .now)
        if decision.granted {
            self.logger.info(
                "peer lease granted", [("peer.name", .string(node)), ("agent.term", .int(term))])
        }
        return decision
    }
}
