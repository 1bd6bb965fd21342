import Telemetry

extension SiteAgent {
    /// Takes each death of the postmaster that no stop asked for. A standby is restarted in
    /// any case; a primary only while it holds the lease (crash recovery in place, the
    /// fastest way back for a synchronous pair). After `budget.limit` failed restarts within
    /// its window the agent gives the lease up and reports `stopped`, so the coordinator
    /// fails over.
    func watchDeaths() async {
        for await death in self.supervisor.deaths {
            guard !self.stopping else { return }
            let fields: [(String, Logger.Value)] = [
                ("postgres.pid", .int(Int64(death.pid))),
                ("postgres.exit", .int(Int64(death.code))),
                ("postgres.uptime_seconds", .double(Self.seconds(of: death.uptime))),
            ]
            self.logger.warning("postmaster exited", fields)
            guard self.mode == .supervising, !self.busy else { continue }
            if death.uptime < .seconds(5), self.budget.recordFailure(at: .now) {
                self.giveUp(after: death)
                continue
            }
            guard self.folder.isStandby || self.lease.isHeld(at: .now) || self.isBootstrapping
            else {
                self.mode = .awaitingLease
                self.record("postmaster exited (code \(death.code)); no lease, so not restarted")
                continue
            }
            self.busy = true
            await self.restartInPlace(after: death)
            self.busy = false
        }
    }

    /// Starts the server again at once, until it runs or the budget is spent.
    private func restartInPlace(after death: PostgresSupervisor.Death) async {
        let began = ContinuousClock.now
        while self.mode == .supervising && !self.stopping {
            do {
                try await self.supervisor.restart(timeout: .seconds(20))
                self.slotsEnsured = false
                self.record(
                    "postmaster exited (code \(death.code)); restarted in "
                        + String(format: "%.2f s", Self.seconds(since: began)),
                    [("agent.seconds", .double(Self.seconds(since: began)))])
                return
            } catch {
                self.logger.warning("restart failed", [("error", .string(error.message))])
                guard self.mode == .supervising else { return }
                if self.budget.recordFailure(at: .now) {
                    self.giveUp(after: death)
                    return
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Releases the lease and reports `stopped`: the server will not come back here.
    private func giveUp(after death: PostgresSupervisor.Death) {
        self.lease.release()
        self.mode = .stopped
        self.record(
            "postmaster exited (code \(death.code)); \(self.budget.limit) restarts failed "
                + "within \(self.budget.window), giving up")
    }

    static func seconds(of duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
