import Foundation

extension LocalTopology {
    /// What `up` did.
    public struct UpOutcome: Sendable {
        /// The processes it started, in order; empty when everything ran already.
        public let started: [String]
    }

    /// Starts whatever is not running, in dependency order, and waits until every part is
    /// healthy. Nothing starts when a port a missing part needs is taken. On a running
    /// system it starts nothing.
    public func up(say: @Sendable (String) -> Void) async throws(TopologyError) -> UpOutcome {
        guard try self.checkMissing() else { return UpOutcome(started: []) }
        try self.state.create(owner: self.account)
        let lock = try StateLock(self.state)
        defer { withExtendedLifetime(lock) {} }
        // Another up may have finished while this one waited to look.
        guard try self.checkMissing() else { return UpOutcome(started: []) }
        let missing = self.components.filter { self.running($0) == nil }
        try self.ports.record(in: self.state, account: self.account)
        try self.writeConfiguration(say: say)

        var started: [String] = []
        let names = Set(missing.map(\.name))
        if !self.primary.isInitialized {
            say("creating site A's cluster in \(self.primary.dataFolder)")
            try await self.primary.initialize()
        }
        for component in self.components.prefix(2) where names.contains(component.name) {
            try await self.startProcess(component, say: say)
            started.append(component.name)
        }

        try self.primary.writeSettings(
            SiteSettings.primary(
                port: self.ports.postgresA, state: self.state, programs: self.programs))
        if names.contains(self.primary.processName) {
            say("starting site A's PostgreSQL (primary) on 127.0.0.1:\(self.ports.postgresA)")
            try await self.primary.start(supervisor: self.supervisor)
            started.append(self.primary.processName)
        }
        try await self.makeStandby(say: say)
        if names.contains(self.standby.processName) {
            say("starting site B's PostgreSQL (standby) on 127.0.0.1:\(self.ports.postgresB)")
            try await self.standby.start(supervisor: self.supervisor)
            started.append(self.standby.processName)
        }
        say("waiting for site B to stream synchronously")
        try await self.waitForSynchronousStandby(timeout: .seconds(60))
        try await self.prepareDatabase(say: say)

        for component in self.components.dropFirst(4) where names.contains(component.name) {
            try await self.startProcess(component, say: say)
            started.append(component.name)
        }
        return UpOutcome(started: started)
    }

    /// Whether anything is missing; throws when a port a missing part needs is taken or the
    /// source folder is not the project's checkout, before anything starts.
    private func checkMissing() throws(TopologyError) -> Bool {
        let missing = self.components.filter { self.running($0) == nil }
        guard !missing.isEmpty else { return false }
        for component in missing {
            for port in component.ports where !PortPlan.isFree(port) {
                throw TopologyError(
                    .portTaken,
                    "port \(port) on 127.0.0.1, needed by \(component.name), is in use by "
                        + "another program; choose other ports with PORTAL_BASE_PORT "
                        + "(a new state folder) or stop that program")
            }
        }
        for script in ["/scripts/demo-mail.py", "/scripts/demo-data", "/migrations", "/web"]
        where !FileManager.default.fileExists(atPath: self.source + script) {
            throw TopologyError(
                .invalidArgument, "\(self.source) is not the project's checkout (no \(script))")
        }
        return true
    }

    /// The certificates, the replicator's files and HAProxy's configuration.
    private func writeConfiguration(say: (String) -> Void) throws(TopologyError) {
        let authority = try CertificateAuthority(folder: self.state.certificateFolder)
        var leaves: [String: CertificateAuthority.Leaf] = [:]
        for name in ["site-a", "site-b"] {
            let leaf = CertificateAuthority.Leaf(
                certificate: "\(self.state.certificateFolder)/\(name).pem",
                privateKey: "\(self.state.certificateFolder)/\(name).key")
            if FileManager.default.fileExists(atPath: leaf.certificate) {
                leaves[name] = leaf
            } else {
                say("issuing the \(name) certificate from the private CA")
                leaves[name] = try authority.issue(name)
            }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: authority.folder)) ?? []
        try self.account.own(authority.folder)
        for file in files {
            try self.account.own(authority.folder + "/" + file)
        }

        try self.account.write(
            ReplicatorConfiguration.shipper(
                state: self.state, ports: self.ports, leaf: leaves["site-a"]!,
                authority: authority.certificate),
            to: self.state.shipperConfiguration)
        try self.account.write(
            ReplicatorConfiguration.receiver(
                state: self.state, ports: self.ports, leaf: leaves["site-b"]!,
                authority: authority.certificate),
            to: self.state.receiverConfiguration)
        try self.account.write(
            HAProxyConfiguration.render(ports: self.ports, nodes: APINode.all(self.ports)),
            to: self.state.haproxyConfiguration)
    }

    /// Site B's data folder, by a base backup of site A through a physical slot, when it
    /// does not exist yet; its settings written at every start.
    private func makeStandby(say: (String) -> Void) async throws(TopologyError) {
        let slot = Site.b.applicationName
        _ = try await self.primary.query(
            "SELECT pg_create_physical_replication_slot('\(slot)') WHERE NOT EXISTS "
                + "(SELECT 1 FROM pg_replication_slots WHERE slot_name = '\(slot)')")
        if !self.standby.isInitialized {
            say("making site B's standby with pg_basebackup through the slot \(slot)")
            try await self.standby.asServer(
                "pg_basebackup", "-D", self.standby.dataFolder, "-X", "stream", "-c", "fast",
                "-S", slot, "-h", "127.0.0.1", "-p", String(self.ports.postgresA), "-U", "postgres",
                timeout: .seconds(300))
            try self.account.write("", to: self.standby.dataFolder + "/standby.signal", mode: 0o600)
        }
        try self.standby.includeSettings()
        try self.standby.writeSettings(
            SiteSettings.standby(
                port: self.ports.postgresB, primaryPort: self.ports.postgresA, state: self.state,
                programs: self.programs))
    }

    /// Waits until site A reports site B streaming with `sync_state = sync`.
    func waitForSynchronousStandby(timeout: Duration) async throws(TopologyError) {
        let deadline = ContinuousClock.now + timeout
        let sql =
            "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = "
            + "'\(Site.b.applicationName)'"
        var last = "no connection from site B"
        while ContinuousClock.now < deadline {
            let rows = try await self.primary.query(sql)
            if let row = rows.first {
                last = "state \(row[0]), sync_state \(row[1])"
                if row == ["streaming", "sync"] {
                    return
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw TopologyError(
            .timedOut,
            "site B is not a synchronous standby after \(timeout) (\(last)); see "
                + self.state.logFile(self.standby.processName))
    }

    /// The `portal` database, the migrations (every time: a no-op when up to date) and the
    /// demo tenant (once).
    private func prepareDatabase(say: (String) -> Void) async throws(TopologyError) {
        let exists = try await self.primary.query(
            "SELECT 1 FROM pg_database WHERE datname = 'portal'")
        if exists.isEmpty {
            say("creating the portal database")
            _ = try await self.primary.query("CREATE DATABASE portal")
        }
        let url = "postgresql://postgres@127.0.0.1:\(self.ports.postgresA)/portal"
        say("applying migrations")
        try await Command.check(
            [
                self.programs.portalctl, "migrate", "--database-url", url,
                "--dir", self.source + "/migrations",
            ],
            environment: Programs.baseEnvironment, timeout: .seconds(120))
        guard !FileManager.default.fileExists(atPath: self.state.demoLoadedMarker) else { return }
        say("loading the demo tenant, sites, procedures and users")
        try await Command.check(
            [self.source + "/scripts/demo-data", self.programs.portalctl],
            environment: Programs.baseEnvironment.merging([
                "PORTAL_DB_URL": url, "DEMO_PASSWORD": Self.demoPassword,
            ]) { $1 },
            directory: self.source, timeout: .seconds(300))
        try self.account.write("demo tenant loaded\n", to: self.state.demoLoadedMarker)
    }

    /// Starts one resident process and waits until its check passes.
    private func startProcess(
        _ component: Component, say: (String) -> Void
    ) async throws(TopologyError) {
        guard let command = component.command else { return }
        var environment = Programs.baseEnvironment
        if let node = APINode.all(self.ports).first(where: { $0.name == component.name }) {
            environment = node.environment(ports: self.ports, webRoot: self.source + "/web")
        }
        if component.name == "haproxy" {
            try await Command.check(
                [self.programs.haproxy, "-c", "-q", "-f", self.state.haproxyConfiguration],
                environment: environment)
        }
        say("starting \(component.name) (log: \(self.state.logFile(component.name)))")
        let record = try self.supervisor.start(component.name, command, environment: environment)
        try await self.waitHealthy(component, record: record, timeout: .seconds(60))
    }

    /// Polls `component`'s check until it passes, failing early when its process ends.
    func waitHealthy(
        _ component: Component, record: ProcessRecord, timeout: Duration
    ) async throws(TopologyError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard record.isRunning else {
                let log = self.state.logFile(component.name)
                throw TopologyError(
                    .commandFailed,
                    "\(component.name) (pid \(record.pid)) exited; the end of \(log):\n"
                        + Supervisor.tail(log))
            }
            if await self.passes(component.check) {
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw TopologyError(
            .timedOut,
            "\(component.name) is running but not healthy after \(timeout); see "
                + self.state.logFile(component.name))
    }

    /// The demo users' password (printed at the end of `up`; demonstration only).
    public static let demoPassword = "demo-password-2026"
}
