import Telemetry

extension SiteAgent {
    /// Reports every renewal interval and applies each reply; bounded by cancellation
    /// (shutdown), each round by the request's deadline.
    func heartbeatLoop() async {
        let deadline = min(self.settings.lease - self.settings.fenceMargin, self.settings.renew * 3)
        while !Task.isCancelled && !self.stopping {
            let facts = await self.gatherFacts()
            let sentAt = ContinuousClock.now
            do {
                let instruction = try await self.transport.heartbeat(facts, deadline: deadline)
                self.peerRule.heardFromCoordinator(at: .now)
                if !self.coordinatorAnswers {
                    self.coordinatorAnswers = true
                    self.logger.info("the coordinator answers")
                }
                await self.apply(instruction, sentAt: sentAt)
            } catch {
                if self.coordinatorAnswers {
                    self.coordinatorAnswers = false
                    self.logger.warning(
                        "the coordinator does not answer", [("error", .string(error.message))])
                }
                self.logger.debug("heartbeat failed", [("error", .string(error.message))])
            }
            let next = sentAt + self.settings.renew
            if next > .now {
                try? await Task.sleep(until: next, clock: .continuous)
            }
        }
    }

    /// What this heartbeat reports: the server's own view when it answers, else what the
    /// agent knows (the folder's kind, fenced or stopped).
    func gatherFacts() async -> AgentFacts {
        let running = await self.supervisor.isRunning
        var facts = AgentFacts(
            node: self.settings.node, term: self.memory.term,
            role: self.folder.isStandby ? .standby : .primary, postgresRunning: running,
            timeline: nil, current: nil, receive: nil, replay: nil, replicas: [],
            synchronousStandbyNames: nil, event: nil)
        switch self.mode {
        case .fenced: facts.role = .fenced
        case .stopped:
            facts.role = .stopped
            facts.current = self.finalLSN
        case .awaitingLease, .supervising: break
        }

        if running, !self.busy, let status = try? await self.database.status() {
            self.status = status
            facts.role = status.inRecovery ? .standby : .primary
            facts.timeline = status.timeline
            if status.inRecovery {
                facts.receive = status.receive
                facts.replay = status.replay
            } else {
                facts.current = status.current
                facts.replicas = status.replicas
                facts.synchronousStandbyNames = status.synchronousStandbyNames
                await self.ensureSlots()
            }
        }
        if !self.events.isEmpty {
            facts.event = self.events.joined(separator: "; ")
            self.events.removeAll()
        }
        return facts
    }

    /// Applies a reply to a report sent at `sentAt`: the lease first (so a long action
    /// cannot delay it), then the term, the synchronous names and the action.
    func apply(_ instruction: Instruction, sentAt: ContinuousClock.Instant) async {
        if let validFor = instruction.lease {
            self.lease.renew(sentAt: sentAt, validFor: validFor, by: .coordinator)
            if instruction.action == .none {
                self.remember(term: instruction.term, primary: self.settings.node)
            }
        }
        if self.folder.isStandby, self.mode == .supervising, instruction.action == .none,
            let primary = instruction.primary, primary != self.settings.node
        {
            self.remember(term: instruction.term, primary: primary)
            self.peerRule.follow(primary, term: instruction.term)
        }
        if let names = instruction.synchronousStandbyNames, instruction.lease != nil {
            await self.applySynchronousNames(names)
        }

        switch instruction.action {
        case .none:
            if instruction.lease != nil, self.mode == .awaitingLease || self.mode == .fenced,
                !self.folder.isStandby
            {
                self.perform("start as primary") { agent in await agent.startAsPrimary() }
            }
        case .fence(let reason):
            await self.fence(reason: "the coordinator fenced this node: \(reason)")
        case .promote(let term):
            await self.promote(term: term, sentAt: sentAt)
        case .follow(let primary, let host, let port, let rewind):
            self.perform("follow \(primary)") { agent in
                await agent.follow(
                    primary: primary, host: host, port: port, rewind: rewind,
                    term: instruction.term)
            }
        case .demote(let reason):
            await self.demote(reason: reason)
        }
    }

    /// Sets `synchronous_standby_names` on a running primary when it differs.
    func applySynchronousNames(_ names: String) async {
        guard await self.supervisor.isRunning, !self.busy, let status = self.status,
            !status.inRecovery, status.synchronousStandbyNames != names
        else {
            return
        }
        do {
            try await self.database.setSynchronousStandbyNames(names)
            self.record(
                "synchronous_standby_names set", [("postgres.synchronous_names", .string(names))])
        } catch {
            self.logger.warning(
                "cannot set synchronous_standby_names", [("error", .string(error.message))])
        }
    }

    /// Runs `work` as the one action in progress; a reply asking for another while it runs
    /// is ignored (the coordinator repeats what it still wants).
    func perform(_ name: String, _ work: @escaping @Sendable (SiteAgent) async -> Void) {
        guard !self.busy else {
            self.logger.debug(
                "action ignored while another runs", [("agent.action", .string(name))])
            return
        }
        self.busy = true
        Task {
            await work(self)
            self.busy = false
        }
    }
}
