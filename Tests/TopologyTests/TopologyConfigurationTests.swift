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

    @Test("the primary archives through push and waits for site B; the standby restores by fetch")
    func siteSettings() throws {
        let state = try StateFolder("/srv/portal/.state")
        let primary = Dictionary(
            uniqueKeysWithValues: SiteSettings.primary(
                port: 30_001, state: state, programs: Self.programs))
        #expect(
            primary["archive_command"]
                == "'/opt/portal/bin/portal-replicator push --config "
                + "/srv/portal/.state/replicator/site-a.json %p %f'")
        #expect(primary["archive_mode"] == "on")
        #expect(primary["synchronous_commit"] == "on")
        #expect(primary["synchronous_standby_names"] == "'site_b'")

        let standby = Dictionary(
            uniqueKeysWithValues: SiteSettings.standby(
                port: 30_002, primaryPort: 30_001, state: state, programs: Self.programs))
        #expect(
            standby["restore_command"]
                == "'/opt/portal/bin/portal-replicator fetch --config "
                + "/srv/portal/.state/replicator/site-b.json %f %p'")
        #expect(standby["primary_slot_name"] == "'site_b'")
        #expect(standby["primary_conninfo"]?.contains("application_name=site_b") == true)
        #expect(standby["primary_conninfo"]?.contains("port=30001") == true)
        #expect(SiteSettings.quoted("it's") == "'it''s'")
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
