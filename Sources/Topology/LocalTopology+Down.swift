extension LocalTopology {
    /// Stops exactly what `up` recorded, in reverse start order: each process by its
    /// recorded pid once it is confirmed to still run that program, PostgreSQL by
    /// `pg_ctl stop -m fast`. Returns the names and pids stopped.
    public func down(
        say: @Sendable (String) -> Void
    ) async throws(TopologyError) -> [(name: String, pid: Int32)] {
        let lock = try StateLock(self.state)
        defer { withExtendedLifetime(lock) {} }
        var stopped: [(name: String, pid: Int32)] = []
        var failures: [String] = []
        for component in self.components.reversed() {
            switch component.name {
            case self.primary.processName, self.standby.processName:
                let site = component.name == self.primary.processName ? self.primary : self.standby
                defer { self.supervisor.forget(component.name) }
                guard let record = site.postmaster else { continue }
                say("stopping \(component.name) (pid \(record.pid), pg_ctl stop -m fast)")
                do {
                    try await site.stop()
                    stopped.append((component.name, record.pid))
                } catch {
                    failures.append("\(component.name): \(error.message)")
                }
            default:
                guard let record = self.supervisor.running(component.name) else {
                    self.supervisor.forget(component.name)
                    continue
                }
                say("stopping \(component.name) (pid \(record.pid))")
                if let pid = await self.supervisor.stop(component.name) {
                    stopped.append((component.name, pid))
                }
            }
        }
        guard failures.isEmpty else {
            throw TopologyError(.commandFailed, failures.joined(separator: "\n"))
        }
        return stopped
    }
}
