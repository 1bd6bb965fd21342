extension LocalTopology {
    /// Stops exactly what `up` recorded: the front (HAProxy, API nodes, mail) first, then
    /// the standby's agent and the primary's (each fast-stops its PostgreSQL), a server
    /// still running without its agent with `pg_ctl stop -m fast`, then the coordinator
    /// and the replicator. Agents go before the coordinator, the standby's first, so that a
    /// stopping pair is never mistaken for a lost primary. Each process is signalled by its
    /// recorded pid once it is confirmed to still run that program. Returns the names and
    /// pids stopped.
    public func down(
        say: @Sendable (String) -> Void
    ) async throws(TopologyError) -> [(name: String, pid: Int32)] {
        let lock = try StateLock(self.state)
        defer { withExtendedLifetime(lock) {} }
        var stopped: [(name: String, pid: Int32)] = []
        var failures: [String] = []

        var primary = self.recordedPrimary()
        for site in self.sites where await site.role() == "primary" {
            primary = site.site
        }
        let front = ["haproxy"] + APINode.all(self.ports).map(\.name).reversed() + ["mail"]
        let agents = [self.site(primary.peer), self.site(primary)]
        for name in front {
            stopped += await self.stopRecorded(name, say: say)
        }
        for site in agents {
            let server = site.postmaster
            stopped += await self.stopRecorded(site.agentName, say: say)
            if let server, !server.isRunning {
                say("\(site.processName) (pid \(server.pid)) stopped with its agent")
                stopped.append((site.processName, server.pid))
            }
        }
        for site in agents {
            defer { self.supervisor.forget(site.processName) }
            guard let record = site.postmaster else { continue }
            say("stopping \(site.processName) (pid \(record.pid), pg_ctl stop -m fast)")
            do {
                try await site.stop()
                stopped.append((site.processName, record.pid))
            } catch {
                failures.append("\(site.processName): \(error.message)")
            }
        }
        for name in ["coordinator", "replicator-ship", "replicator-receive"] {
            stopped += await self.stopRecorded(name, say: say)
        }
        guard failures.isEmpty else {
            throw TopologyError(.commandFailed, failures.joined(separator: "\n"))
        }
        return stopped
    }

    /// Stops the recorded process `name` if it still runs; forgets its record either way.
    private func stopRecorded(
        _ name: String, say: (String) -> Void
    ) async -> [(name: String, pid: Int32)] {
        guard let record = self.supervisor.running(name) else {
            self.supervisor.forget(name)
            return []
        }
        say("stopping \(name) (pid \(record.pid))")
        guard let pid = await self.supervisor.stop(name) else { return [] }
        return [(name, pid)]
    }
}
