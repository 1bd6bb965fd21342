import Failover
import Foundation

extension LocalTopology {
    /// What `up` did.
    public struct UpOutcome: Sendable {
        /// The processes it started, in order; empty when everything ran already.
        public let started: [String]
    }

    /// Starts whatever is not running, in dependency order, and waits until every part is
    /// healthy. Nothing starts when a port a missing part needs is taken. On a running
    /// system it starts nothing. Roles are the coordinator's: after a failover, `up` starts
    /// the agents and lets them bring each server up in the role the coordinator recorded.
    public func up(say: @Sendable (String) -> Void) async throws(TopologyError) -> UpOutcome {
        guard try self.checkMissing() else { return UpOutcome(started: []) }
        try self.state.create(owner: self.account)
        let lock = try StateLock(self.state)
        defer { withExtendedLifetime(lock) {} }
        // Another up may have finished while this one waited to look.
        guard try self.checkMissing() else { return UpOutcome(started: []) }
        let missing = Set(self.components.filter { self.running($0) == nil }.map(\.name))
        try self.ports.record(in: self.state, account: self.account)
        try self.writeConfiguration(say: say)

        var started: [String] = []
        let leader = self.site(self.recordedPrimary())
        let follower = self.site(leader.site.peer)
        if !leader.isInitialized && !follower.isInitialized {
            say("creating \(leader.site.rawValue)'s cluster in \(leader.dataFolder)")
            try await leader.initialize()
        }
        // The shipper watches site A's pg_wal, which exists from here on.
        for name in ["replicator-receive", "replicator-ship"] where missing.contains(name) {
            try await self.startProcess(name, say: say)
            started.append(name)
        }
        if missing.contains("coordinator") {
            try self.recordFirstPrimary(leader, follower: follower, say: say)
            try await self.startProcess("coordinator", say: say)
            started.append("coordinator")
        }
        let first = leader.isInitialized ? leader : follower
        let second = leader.isInitialized ? follower : leader
        started += try await self.startSite(first, missing: missing, say: say)
        if !second.isInitialized {
            try await self.makeStandby(second, from: first, say: say)
        }
        started += try await self.startSite(second, missing: missing, say: say)

        say("waiting for the standby to stream synchronously")
        let primary = try await self.waitForSynchronousStandby(timeout: .seconds(60))
        try await self.prepareDatabase(on: primary, say: say)

        let front = ["mail"] + APINode.all(self.ports).map(\.name) + ["haproxy"]
        for name in front where missing.contains(name) {
            try await self.startProcess(name, say: say)
            started.append(name)
        }
        return UpOutcome(started: started)
    }

    /// Writes `site`'s settings and starts its agent when it is not running, the agent
    /// starting the server; waits until the server answers. A server left running without
    /// its agent (the agent was killed) is stopped first, so that the new agent starts and
    /// supervises it itself.
    private func startSite(
        _ site: PostgresSite, missing: Set<String>, say: (String) -> Void
    ) async throws(TopologyError) -> [String] {
        try site.includeSettings()
        try site.writeSettings(
            SiteSettings.site(
                site.site, ports: self.ports, state: self.state, programs: self.programs))
        var started: [String] = []
        if missing.contains(site.agentName) {
            if let orphan = site.postmaster {
                say(
                    "stopping \(site.processName) (pid \(orphan.pid)), which runs without "
                        + "its agent")
                try await site.stop()
            }
            try await self.startProcess(site.agentName, say: say)
            started.append(site.agentName)
        }
        guard let component = self.component(site.processName),
            let agent = self.supervisor.running(site.agentName)
        else {
            throw TopologyError(.commandFailed, "\(site.agentName) is not running")
        }
        if missing.contains(site.processName) {
            say(
                "waiting for \(site.agentName) to start \(site.processName) on "
                    + "127.0.0.1:\(site.port)")
            started.append(site.processName)
        }
        do {
            try await self.waitHealthy(component, record: agent, timeout: .seconds(90))
        } catch {
            let log = self.state.logFile(site.agentName)
            throw TopologyError(
                error.code,
                "\(site.agentName) did not bring up \(site.processName): \(error.message)\n"
                    + "the end of \(log):\n" + Supervisor.tail(log))
        }
        return started
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

    /// The certificates, the replicator's files, HAProxy's configuration and the
    /// coordinator's and agents' files.
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
        try self.account.write(
            FailoverConfiguration.render(
                FailoverConfiguration.coordinator(state: self.state, ports: self.ports)),
            to: self.state.coordinatorConfiguration)
        for site in Site.allCases {
            try self.account.write(
                FailoverConfiguration.render(
                    FailoverConfiguration.agent(
                        site, state: self.state, ports: self.ports, programs: self.programs)),
                to: self.state.agentConfiguration(site))
        }
    }

    /// `standby`'s data folder, by a base backup of `primary` through a physical slot
    /// named after the standby, marked to start as a standby.
    private func makeStandby(
        _ standby: PostgresSite, from primary: PostgresSite, say: (String) -> Void
    ) async throws(TopologyError) {
        let slot = standby.site.applicationName
        // The primary's agent keeps a slot per peer too; whoever comes first makes it.
        _ = try await primary.query(
            "DO $$ BEGIN PERFORM pg_create_physical_replication_slot('\(slot)'); "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        say("making \(standby.site.rawValue)'s standby with pg_basebackup through the slot \(slot)")
        try await standby.asServer(
            "pg_basebackup", "-D", standby.dataFolder, "-X", "stream", "-c", "fast",
            "-S", slot, "-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres",
            timeout: .seconds(300))
        try self.account.write("", to: standby.dataFolder + "/standby.signal", mode: 0o600)
    }

    /// A new topology's first decision, written to the coordinator's state file before the
    /// coordinator first starts: the site `up` has just created as a primary (and from which
    /// the other will be copied) is the primary of term 1. The coordinator would otherwise
    /// wait for a running primary to elect, while the agent of a primary's folder waits for
    /// the lease before it starts the server. Nothing is written once the coordinator has
    /// recorded a primary, or once the other site exists.
    private func recordFirstPrimary(
        _ leader: PostgresSite, follower: PostgresSite, say: (String) -> Void
    ) throws(TopologyError) {
        let store = StateStore(path: self.state.coordinatorStateFile)
        let names = try Site.allCases.map { site throws(TopologyError) in
            try FailoverConfiguration.name(site)
        }
        var durable: DurableState
        do {
            durable = try store.load(nodes: names)
        } catch {
            throw TopologyError(.storage, error.message)
        }
        guard durable.primary == nil, leader.isInitialized, !leader.isStandby,
            !follower.isInitialized
        else { return }

        let node = try FailoverConfiguration.name(leader.site)
        durable.term = durable.term.next
        durable.primary = node
        let reason = "portalctl up created \(node)'s cluster as the first primary"
        let at = ISO8601DateFormatter().string(from: Date())
        durable.remember(
            Decision(.elect, term: durable.term, reason: reason).record(at: at))
        say("recording \(node) as the first primary (term \(durable.term)) for the coordinator")
        do {
            try store.save(durable)
        } catch {
            throw TopologyError(.storage, error.message)
        }
        try self.account.own(self.state.coordinatorStateFile)
    }

    /// The site the coordinator recorded as primary: from its status when it answers, else
    /// from its state file, else site A (a new topology).
    func recordedPrimary() -> Site {
        if let primary = self.coordinatorStatus()?.primary,
            let site = Site(node: primary.rawValue)
        {
            return site
        }
        guard let data = FileManager.default.contents(atPath: self.state.coordinatorStateFile),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let primary = object["primary"] as? String, let site = Site(node: primary)
        else {
            return .a
        }
        return site
    }

    /// Waits until one server is primary and reports the other streaming with
    /// `sync_state = sync` (the coordinator has named it through the primary's agent);
    /// returns the primary.
    @discardableResult
    func waitForSynchronousStandby(timeout: Duration) async throws(TopologyError) -> PostgresSite {
        let deadline = ContinuousClock.now + timeout
        var last = "no primary answers"
        while ContinuousClock.now < deadline {
            for site in self.sites where await site.role() == "primary" {
                let standby = site.site.peer.applicationName
                let rows = try? await site.query(
                    "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = "
                        + "'\(standby)'")
                guard let row = rows?.first else {
                    last = "\(site.site.rawValue) is primary, \(standby) is not connected"
                    continue
                }
                last =
                    "\(site.site.rawValue) is primary, \(standby): state \(row[0]), "
                    + "sync_state \(row[1])"
                if row == ["streaming", "sync"] {
                    return site
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw TopologyError(
            .timedOut,
            "no synchronous standby after \(timeout) (\(last)); see "
                + self.state.logFile("coordinator") + " and the agents' logs")
    }

    /// The `portal` database, the migrations (every time: a no-op when up to date) and the
    /// demo tenant (once).
    private func prepareDatabase(
        on primary: PostgresSite, say: (String) -> Void
    ) async throws(TopologyError) {
        let exists = try await primary.query(
            "SELECT 1 FROM pg_database WHERE datname = 'portal'")
        if exists.isEmpty {
            say("creating the portal database")
            _ = try await primary.query("CREATE DATABASE portal")
        }
        let url = "postgresql://postgres@127.0.0.1:\(primary.port)/portal"
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

    /// Starts the resident process `name` and waits until its check passes.
    private func startProcess(_ name: String, say: (String) -> Void) async throws(TopologyError) {
        guard let component = self.component(name), let command = component.command else {
            return
        }
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
