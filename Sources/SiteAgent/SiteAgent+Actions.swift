import Postgres
import Telemetry

extension SiteAgent {
    /// Starts a primary's folder once the coordinator granted the lease (at the agent's
    /// start, or after a fence the coordinator has since lifted).
    func startAsPrimary() async {
        let began = ContinuousClock.now
        self.mode = .supervising
        do {
            try await self.supervisor.restart(timeout: .seconds(60))
            self.budget.reset()
            self.slotsEnsured = false
            self.peerRule.follow(nil, term: self.memory.term)
            await self.ensureSlots()
            self.record(
                "postgres started as the primary under the lease",
                [("agent.seconds", .double(Self.seconds(since: began)))])
        } catch {
            self.mode = self.budget.recordFailure(at: .now) ? .stopped : .awaitingLease
            self.record("postgres did not start", [("error", .string(error.message))])
        }
    }

    /// Stops PostgreSQL at once (immediate shutdown): writes are refused from that moment.
    /// The agent then reports `fenced` until the coordinator says what to do.
    func fence(reason: String) async {
        let wasRunning = await self.supervisor.isRunning
        self.lease.release()
        guard self.mode != .fenced || wasRunning else { return }
        self.mode = .fenced
        let began = ContinuousClock.now
        await self.database.close()
        await self.supervisor.stop(.immediate)
        self.record(
            "fenced: postgres stopped immediately",
            [
                ("agent.reason", .string(reason)),
                ("agent.seconds", .double(Self.seconds(since: began))),
            ])
    }

    /// Promotes the standby for `term`, unless a peer lease granted here is still live. The
    /// lease is taken first (from the reply's send time), so the fence watchdog never sees a
    /// primary without one; then `pg_promote`, then a slot for each peer. A fenced primary
    /// told to promote starts again as the primary.
    func promote(term: Int64, sentAt: ContinuousClock.Instant) async {
        guard !self.peerRule.refusesPromotion(at: .now) else {
            self.record("promotion refused: a peer lease granted here is still live")
            return
        }
        if !self.folder.isStandby, !self.busy, self.mode == .fenced || self.mode == .awaitingLease {
            // A fenced primary told to carry on (no standby could take over): it takes the
            // lease from this reply and starts again where it stopped.
            self.lease.renew(sentAt: sentAt, validFor: self.settings.lease, by: .coordinator)
            self.remember(term: term, primary: self.settings.node)
            self.perform("start as primary") { agent in await agent.startAsPrimary() }
            return
        }
        guard !self.busy, await self.supervisor.isRunning, self.folder.isStandby else {
            self.logger.debug("promotion ignored: not a running standby")
            return
        }
        self.busy = true
        defer { self.busy = false }
        let began = ContinuousClock.now
        self.lease.renew(sentAt: sentAt, validFor: self.settings.lease, by: .coordinator)
        do {
            guard try await self.database.promote() else {
                self.lease.release()
                self.record("promotion did not finish within 10 s")
                return
            }
        } catch {
            self.lease.release()
            self.record("promotion failed", [("error", .string(error.message))])
            return
        }
        self.remember(term: term, primary: self.settings.node)
        self.peerRule.follow(nil, term: term)
        self.slotsEnsured = false
        await self.ensureSlots()
        // pg_rewind reads the new timeline from pg_control, which only the first checkpoint
        // after promotion writes: without it an old primary would be told "no rewind
        // required" and then fail to follow the new timeline.
        do {
            try await self.database.execute(script: "CHECKPOINT", timeout: .seconds(60))
        } catch {
            self.logger.warning(
                "checkpoint after promotion failed", [("error", .string(error.message))])
        }
        self.record(
            "promoted to primary",
            [("agent.term", .int(term)), ("agent.seconds", .double(Self.seconds(since: began)))])
    }

    /// Makes this node a standby of `primary`: stop (immediately when it was a primary, so
    /// it accepts no more writes), `pg_rewind` when asked, standby settings, start.
    func follow(primary: String, host: String, port: Int, rewind: Bool, term: Int64) async {
        let began = ContinuousClock.now
        let wasPrimary = !self.folder.isStandby
        self.lease.release()
        self.mode = .supervising
        await self.database.close()
        await self.supervisor.stop(wasPrimary ? .immediate : .fast)
        do {
            if rewind {
                try await self.checkpoint(host: host, port: port)
            }
            let said = try await self.rejoin.follow(host: host, port: port, rewind: rewind)
            let rewound = ContinuousClock.now
            self.remember(term: term, primary: primary)
            self.peerRule.follow(primary, term: term)
            self.finalLSN = nil
            try await self.supervisor.restart(timeout: .seconds(60))
            self.budget.reset()
            let rewindSeconds = Self.seconds(from: began, to: rewound)
            let total = Self.seconds(since: began)
            self.record(
                "following \(primary)"
                    + (rewind ? String(format: " after pg_rewind in %.2f s", rewindSeconds) : "")
                    + String(format: ", standby running %.2f s after the order", total),
                [
                    ("agent.rewind", .bool(rewind)),
                    ("agent.rewind_seconds", .double(rewindSeconds)),
                    ("agent.seconds", .double(total)),
                    ("agent.pg_rewind", .string(Self.lastLine(said))),
                ])
        } catch {
            self.mode = .stopped
            self.record("cannot follow \(primary)", [("error", .string(error.message))])
        }
    }

    /// Switchover: a fast stop (every session ends, everything is flushed), then the final
    /// WAL position from `pg_controldata`, reported with `stopped` so the coordinator can see
    /// the standby replay all of it before promoting it.
    func demote(reason: String) async {
        let running = await self.supervisor.isRunning
        guard self.mode != .stopped || running else { return }
        let began = ContinuousClock.now
        self.lease.release()
        self.mode = .stopped
        await self.database.close()
        await self.supervisor.stop(.fast)
        do {
            let control = try await self.rejoin.controlData()
            self.finalLSN = control.checkpoint
            self.record(
                "demoted: postgres stopped",
                [
                    ("agent.reason", .string(reason)),
                    ("postgres.final_lsn", .string(control.checkpoint)),
                    ("agent.seconds", .double(Self.seconds(since: began))),
                ])
        } catch {
            self.record("demoted, final position unknown", [("error", .string(error.message))])
        }
    }

    /// Asks the primary at `host`:`port` for a checkpoint, so its pg_control names the
    /// timeline it promoted to (pg_rewind decides from pg_control whether to rewind).
    func checkpoint(host: String, port: Int) async throws(AgentError) {
        let configuration = PostgresConfiguration(
            connectionString: "host=\(host) port=\(port) dbname=postgres "
                + "user=\(self.settings.postgres.replicationUser)",
            applicationName: "portal-agent", connectTimeout: .seconds(3))
        do {
            let connection = try await PostgresConnection.connect(
                configuration, on: self.group.loops[0], logger: self.logger)
            defer { Task { await connection.close() } }
            try await connection.execute(script: "CHECKPOINT")
        } catch {
            throw AgentError(
                .queryFailed, "cannot checkpoint the primary at \(host):\(port): \(error.message)")
        }
    }

    /// Creates a physical slot named after each peer, once per start as a primary (the
    /// first status read as a primary calls it), so a peer following this node finds its
    /// slot however this node became primary.
    func ensureSlots() async {
        guard !self.slotsEnsured else { return }
        do {
            for peer in self.settings.peers {
                try await self.database.ensureSlot(peer.name)
            }
            self.slotsEnsured = true
        } catch {
            self.logger.warning(
                "cannot create the peers' slots", [("error", .string(error.message))])
        }
    }

    static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map(String.init) ?? ""
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        Self.seconds(from: start, to: .now)
    }

    static func seconds(
        from start: ContinuousClock.Instant, to end: ContinuousClock.Instant
    )
        -> Double
    {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
