import Failover
import Foundation
import PortalTesting
import Testing

@testable import Topology

/// The files `up` writes and the values it reads, checked without starting a topology.
@Suite("The topology's configuration")
struct TopologyConfigurationTests {
    static let programs = Programs(
        executables: "/opt/portal/bin", postgres: "/usr/lib/postgresql/15/bin",
        haproxy: "/usr/sbin/haproxy", python: "/usr/bin/python3")

    @Test("HAProxy checks /readyz, retries failed connections only, and accepts the file")
    func haproxy() async throws {
        let ports = try PortPlan(base: 30_000)
        let text = HAProxyConfiguration.render(ports: ports, nodes: APINode.all(ports))
        #expect(text.contains("option httpchk GET /readyz"))
        #expect(text.contains("option redispatch"))
        let retries = text.split(separator: "\n").filter { $0.contains("retry-on") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(retries == ["retry-on conn-failure"])
        for port in [30_003, 30_004, 30_005] {
            #expect(text.contains("127.0.0.1:\(port) check"))
        }
        #expect(text.contains("bind 127.0.0.1:30000"))

        let file = NSTemporaryDirectory() + "/haproxy-\(UUID().uuidString).cfg"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let check = try await ProcessRunner.run("/usr/sbin/haproxy", ["-c", "-q", "-f", file])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test("site A archives through push, site B restores by fetch, each follows the other")
    func siteSettings() throws {
        let state = try StateFolder("/srv/portal/.state")
        let ports = try PortPlan(base: 30_000)
        let siteA = Dictionary(
            uniqueKeysWithValues: SiteSettings.site(
                .a, ports: ports, state: state, programs: Self.programs))
        #expect(
            siteA["archive_command"]
                == "'/opt/portal/bin/portal-replicator push --config "
                + "/srv/portal/.state/replicator/site-a.json %p %f'")
        #expect(siteA["archive_mode"] == "on")
        #expect(siteA["synchronous_commit"] == "on")
        #expect(siteA["port"] == "30001")
        #expect(siteA["wal_keep_size"] == "'1GB'")
        #expect(siteA["recovery_init_sync_method"] == "syncfs")
        #expect(siteA["wal_log_hints"] == "on")
        #expect(siteA["primary_conninfo"]?.contains("port=30002") == true)
        #expect(siteA["primary_conninfo"]?.contains("application_name=site_a") == true)
        #expect(siteA["primary_slot_name"] == "'site_a'")

        let siteB = Dictionary(
            uniqueKeysWithValues: SiteSettings.site(
                .b, ports: ports, state: state, programs: Self.programs))
        #expect(
            siteB["restore_command"]
                == "'/opt/portal/bin/portal-replicator fetch --config "
                + "/srv/portal/.state/replicator/site-b.json %f %p'")
        #expect(siteB["primary_slot_name"] == "'site_b'")
        #expect(siteB["primary_conninfo"]?.contains("application_name=site_b") == true)
        #expect(siteB["primary_conninfo"]?.contains("port=30001") == true)
        // The coordinator names the synchronous standby through the primary's agent.
        #expect(siteA["synchronous_standby_names"] == nil)
        #expect(siteB["synchronous_standby_names"] == nil)
        #expect(SiteSettings.quoted("it's") == "'it''s'")
    }

    @Test("the coordinator's and agents' files follow the port plan and parse as they expect")
    func failoverFiles() throws {
        let state = try StateFolder("/srv/portal/.state")
        let ports = try PortPlan(base: 30_000)
        let coordinatorText = try FailoverConfiguration.render(
            FailoverConfiguration.coordinator(state: state, ports: ports))
        let coordinator = try CoordinatorConfiguration.parse(
            Data(coordinatorText.utf8), source: "coordinator.json")
        #expect(coordinator.stateFile == "/srv/portal/.state/coordinator/state.json")
        #expect(coordinator.listen == ListenAddress(host: "127.0.0.1", port: 30_010))
        #expect(coordinator.nodes.map(\.name.rawValue) == ["site_a", "site_b"])
        #expect(
            coordinator.nodes.map(\.agent) == ["http://127.0.0.1:30011", "http://127.0.0.1:30012"])
        #expect(coordinator.nodes.map(\.postgres.port) == [30_001, 30_002])
        #expect(coordinator.leaseMilliseconds == 2000)
        #expect(!coordinator.strictSynchronous)
        #expect(coordinatorText.contains(#""stateFile" : "/srv/portal/.state/coordinator/"#))

        let agentText = try FailoverConfiguration.render(
            FailoverConfiguration.agent(.b, state: state, ports: ports, programs: Self.programs))
        let agent = try AgentConfiguration.parse(Data(agentText.utf8), source: "agent-b.json")
        #expect(agent.node.rawValue == "site_b")
        #expect(agent.listen.port == 30_012)
        #expect(agent.coordinator == "http://127.0.0.1:30010")
        #expect(agent.peers.map(\.name.rawValue) == ["site_a"])
        #expect(agent.peers.first?.agent == "http://127.0.0.1:30011")
        #expect(agent.peers.first?.postgres.port == 30_001)
        #expect(agent.postgres.bin == "/usr/lib/postgresql/15/bin")
        #expect(agent.postgres.data == "/srv/portal/.state/site-b/postgres")
        #expect(agent.postgres.port == 30_002)
        #expect(agent.postgres.socket == "/srv/portal/.state/site-b/socket")
        #expect(agent.postgres.log == "/srv/portal/.state/logs/postgres-b.log")
        #expect(agent.fenceMarginMilliseconds < agent.leaseMilliseconds)
    }

    @Test("status finds what is wrong in the coordinator's view")
    func coordinatorProblems() throws {
        let healthy = """
            {"term": 3, "primary": "site_b",
             "lease": {"holder": "site_b", "expiresInMilliseconds": 1870},
             "nodes": [
               {"name": "site_a", "role": "standby", "reachable": true,
                "lastHeartbeatMillisecondsAgo": 40, "timeline": 3, "lsn": "0/3000060",
                "lagBytes": 0, "syncState": "sync", "promotable": true},
               {"name": "site_b", "role": "primary", "reachable": true, "promotable": false}],
             "synchronousStandbyNames": "site_a", "strict": false,
             "decisions": [{"at": "2026-12-04T17:00:00Z", "term": 3, "decision": "switchover",
                            "reason": "asked by an operator"}]}
            """
        let status = try JSONDecoder().decode(CoordinatorStatus.self, from: Data(healthy.utf8))
        #expect(LocalTopology.problems(of: status).isEmpty)

        let degraded = """
            {"term": 4, "primary": "site_b", "lease": null,
             "nodes": [{"name": "site_a", "reachable": false, "promotable": false},
                       {"name": "site_b", "role": "primary", "reachable": true,
                        "promotable": false}],
             "synchronousStandbyNames": "", "strict": false, "decisions": []}
            """
        let view = try JSONDecoder().decode(CoordinatorStatus.self, from: Data(degraded.utf8))
        #expect(
            LocalTopology.problems(of: view) == [
                "the lease is held by nobody, not the primary site_b",
                "the coordinator cannot reach site_a",
                "the coordinator would not promote site_a (not promotable)",
            ])
        #expect(
            LocalTopology.problems(of: nil) == ["the coordinator does not answer GET /v1/status"])
    }

    @Test("API nodes name both sites, their own first, read-write and prefer-standby")
    func connectionStrings() throws {
        let ports = try PortPlan(base: 30_000)
        let nodes = APINode.all(ports)
        #expect(nodes.map(\.site) == [.a, .a, .b])
        let siteB = nodes[2].environment(ports: ports, webRoot: "/srv/portal/web")
        #expect(siteB["PORTAL_DB_URL"]?.contains("port=30002,30001") == true)
        #expect(siteB["PORTAL_DB_URL"]?.hasSuffix("target_session_attrs=read-write") == true)
        #expect(
            siteB["PORTAL_DB_REPORT_URL"]?.hasSuffix("target_session_attrs=prefer-standby") == true)
        let siteA = nodes[0].environment(ports: ports, webRoot: "/srv/portal/web")
        let hosts = "host=127.0.0.1,127.0.0.1 port=30001,30002"
        #expect(siteA["PORTAL_DB_URL"]?.contains(hosts) == true)
        #expect(siteA["PORTAL_DB_URL"]?.contains("tcp_user_timeout=2000") == true)
        #expect(siteA["PORTAL_DB_URL"]?.contains("keepalives_idle=2") == true)
    }

    @Test("the shipper's backlog is read from Prometheus text")
    func prometheus() {
        let text = """
            # HELP replicator_backlog_files Ready files not yet shipped.
            # TYPE replicator_backlog_files gauge
            replicator_backlog_files 3
            replicator_backlog_bytes 50331648
            replicator_last_shipped_info{file="000000010000000000000007"} 1
            """
        #expect(PrometheusText.value("replicator_backlog_files", in: text) == 3)
        #expect(PrometheusText.value("replicator_backlog_bytes", in: text) == 50_331_648)
        #expect(PrometheusText.value("replicator_backlog_oldest_age_seconds", in: text) == nil)
        #expect(
            PrometheusText.label("file", of: "replicator_last_shipped_info", in: text)
                == "000000010000000000000007")
    }

    @Test("base ports and state folders out of range are refused")
    func badValues() throws {
        #expect(throws: TopologyError.self) { try PortPlan(base: 80) }
        #expect(throws: TopologyError.self) { try PortPlan(base: 65_530) }
        #expect(throws: TopologyError.self) {
            try PortPlan.fromEnvironment(["PORTAL_BASE_PORT": "fifty"])
        }
        #expect(try PortPlan.fromEnvironment([:]).base == PortPlan.defaultBase)
        #expect(throws: TopologyError.self) { try StateFolder("") }
        #expect(throws: TopologyError.self) {
            try StateFolder("/tmp/" + String(repeating: "long", count: 30))
        }
    }

    @Test("up refuses to run while another up or down holds the state folder")
    func lockedStateFolder() async throws {
        let harness = try TopologyHarness()
        let state = try StateFolder(harness.state)
        try state.create(owner: try ServerAccount.current())
        defer { try? FileManager.default.removeItem(atPath: harness.state) }
        let lock = try StateLock(state)

        let output = try await harness.portalctl("up", "--state", harness.state)
        #expect(output.status == 1)
        #expect(output.standardError.contains("another portalctl up or down (pid \(getpid()))"))
        #expect(!FileManager.default.fileExists(atPath: harness.state + "/ports.json"))
        withExtendedLifetime(lock) {}
    }
}
