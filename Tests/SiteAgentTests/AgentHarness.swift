import Foundation
import PortalTesting

@testable import SiteAgent

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A real synchronous pair handed over to real `portal-agent` processes: `site_a` on the
/// pair's primary, `site_b` on its standby (streaming as `site_b` through the slot
/// `site_b`), both reporting to `coordinator`.
final class AgentHarness: Sendable {
    let pair: TestClusterPair
    let coordinator: String
    let agentPorts: [String: Int]
    let folder: String

    var clusters: [String: TestCluster] {
        ["site_a": self.pair.primary, "site_b": self.pair.standby]
    }

    private init(pair: TestClusterPair, coordinator: String) throws {
        self.pair = pair
        self.coordinator = coordinator
        self.agentPorts = ["site_a": try LoopbackPort.free(), "site_b": try LoopbackPort.free()]
        self.folder = NSTemporaryDirectory() + "/agent-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: self.folder, withIntermediateDirectories: true)
    }

    /// Makes the pair, stops both servers (the agents start them) and names the standby
    /// `site_b`; runs `body`; stops the agents and removes everything.
    static func with(
        coordinator: String, isolation: isolated (any Actor)? = #isolation,
        _ body: (AgentHarness) async throws -> Void
    ) async throws {
        try await TestClusterPair.with { pair in
            let harness = try AgentHarness(pair: pair, coordinator: coordinator)
            defer { try? FileManager.default.removeItem(atPath: harness.folder) }
            try await harness.handOver()
            try await body(harness)
        }
    }

    private func handOver() async throws {
        // No slot `site_b`: the primary's agent makes one for each peer.
        try await self.pair.primary.psql(
            """
            ALTER SYSTEM SET synchronous_standby_names = '';
            SELECT pg_reload_conf();
            """)
        try await self.pair.primary.stop()
        try await self.pair.standby.stop()
        let standby = DataFolder(
            path: self.pair.standby.dataDirectory, user: try ServerUser.resolve("postgres"))
        try standby.configureStandby(
            node: "site_b", host: "127.0.0.1", port: self.pair.primary.port, user: "postgres")
    }

    /// The configuration file of `node`'s agent, written now.
    func configuration(_ node: String, extra: String = "") throws -> String {
        let cluster = self.clusters[node]!
        let peer = node == "site_a" ? "site_b" : "site_a"
        let listen = self.agentPorts[node]!
        let peerAgent = "http://127.0.0.1:\(self.agentPorts[peer]!)"
        let peerPort = self.clusters[peer]!.port
        let text = """
            { "node": "\(node)", "listen": {"host": "127.0.0.1", "port": \(listen)},
              "coordinator": "\(self.coordinator)",
              "peers": [ {"name": "\(peer)", "agent": "\(peerAgent)",
                          "postgres": {"host": "127.0.0.1", "port": \(peerPort)}} ],
              "postgres": {"bin": "\(cluster.binaries.directory)",
                           "data": "\(cluster.dataDirectory)",
                           "port": \(cluster.port), "socket": "\(cluster.socketDirectory)",
                           "log": "\(cluster.logFile)", "user": "postgres",
                           "replicationUser": "postgres"},
              "leaseMilliseconds": 2000, "renewMilliseconds": 100,
              "fenceMarginMilliseconds": 400\(extra) }
            """
        let path = "\(self.folder)/\(node).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `node`'s agent process.
    func startAgent(_ node: String) throws -> BackgroundProcess {
        try BackgroundProcess.start(
            BuiltProduct.path("portal-agent"), ["--config", try self.configuration(node)],
            environment: ["PORTAL_LOG_LEVEL": "info"],
            logPrefix: "\(self.folder)/\(node)-\(UUID().uuidString.prefix(6))")
    }

    /// Runs `sql` on `node`'s server over TCP within `timeout`; true when it succeeded.
    func tryWrite(_ node: String, _ sql: String, timeout: Duration = .seconds(3)) async -> Bool {
        let cluster = self.clusters[node]!
        let output = try? await ProcessRunner.run(
            cluster.binaries.path("psql"),
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(cluster.port)",
                "-U", "postgres", "-d", "postgres", "-c", sql,
            ],
            environment: ["PGCONNECT_TIMEOUT": "2", "PGPASSWORD": "postgres"], timeout: timeout)
        return output?.succeeded ?? false
    }

    /// Polls `tryWrite` until it succeeds; the time it took, or nil after `timeout`.
    func timeUntilWrite(
        _ node: String, _ sql: String, timeout: Duration = .seconds(20)
    ) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if await self.tryWrite(node, sql, timeout: .seconds(2)) {
                return ContinuousClock.now - start
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Waits until `node`'s server shows `count` rows in `referral` (a synchronous commit is
    /// flushed on the standby when acknowledged, and replayed a moment later).
    func waitForRows(_ count: Int, on node: String) async throws {
        let cluster = self.clusters[node]!
        try await cluster.waitUntil("\(count) rows on \(node)", timeout: .seconds(10)) {
            try await cluster.psql("SELECT count(*) FROM referral") == String(count)
        }
    }

    /// The postmaster pid in `node`'s `postmaster.pid`, when that process runs.
    func postmaster(_ node: String) -> Int32? {
        self.clusters[node]!.postmasterPID
    }
}

extension Duration {
    /// Seconds as a number, for the measured timings the tests print.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
