import Failover
import Foundation
import PortalTesting
import Testing

extension AgentProcessTests {
    /// The real `portal-coordinator` at a free port, its state in `folder`.
    func startCoordinator(
        port: Int, harness: AgentHarness
    ) throws -> BackgroundProcess {
        let nodes = ["site_a", "site_b"].map { node in
            """
            {"name": "\(node)", "agent": "http://127.0.0.1:\(harness.agentPorts[node]!)",
             "postgres": {"host": "127.0.0.1", "port": \(harness.clusters[node]!.port)}}
            """
        }
        let text = """
            { "listen": {"host": "127.0.0.1", "port": \(port)},
              "stateFile": "\(harness.folder)/coordinator-state.json",
              "nodes": [\(nodes.joined(separator: ", "))],
              "leaseMilliseconds": 2000, "renewMilliseconds": 100,
              "degradeGraceMilliseconds": 5000, "strictSynchronous": false,
              "catchUpBytes": 16777216 }
            """
        let path = "\(harness.folder)/coordinator.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try BackgroundProcess.start(
            BuiltProduct.path("portal-coordinator"), ["--config", path],
            logPrefix: "\(harness.folder)/coordinator")
    }

    /// Waits until `node`'s server reports `standby` streaming synchronously to it.
    func waitForSynchronous(
        _ harness: AgentHarness, primary node: String, standby: String,
        timeout: Duration = .seconds(60)
    ) async throws {
        let cluster = harness.clusters[node]!
        try await cluster.waitUntil("\(standby) streaming synchronously", timeout: timeout) {
            try await cluster.psql(
                """
                SELECT state || ':' || sync_state FROM pg_stat_replication
                WHERE application_name = '\(standby)'
                """) == "streaming:sync"
        }
    }

    /// Waits until the coordinator's status says `node` is promotable.
    func waitForPromotable(
        _ node: String, coordinator port: Int, timeout: Duration = .seconds(60)
    ) async throws {
        let client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let status = try? client.get(
                "/v1/status", as: CoordinatorStatus.self, timeout: .seconds(1))
            let nodes = status?.nodes ?? []
            if nodes.contains(where: { $0.name.rawValue == node && $0.promotable }) {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DriverError("the coordinator never marked \(node) promotable within \(timeout)")
    }

    /// Starts the real coordinator and both agents, waits until `site_a` is the elected
    /// primary with `site_b` synchronous and promotable, then runs `body` with the
    /// processes by name (`coordinator`, `site_a`, `site_b`).
    func withCoordinatedPair(
        _ body: (AgentHarness, Int, inout [String: BackgroundProcess]) async throws -> Void
    ) async throws {
        let port = try LoopbackPort.free()
        try await AgentHarness.with(coordinator: "http://127.0.0.1:\(port)") { harness in
            var agents = [
                "coordinator": try self.startCoordinator(port: port, harness: harness),
                "site_a": try harness.startAgent("site_a"),
                "site_b": try harness.startAgent("site_b"),
            ]
            do {
                try await self.waitForSynchronous(harness, primary: "site_a", standby: "site_b")
                try await self.waitForPromotable("site_b", coordinator: port)
                try await body(harness, port, &agents)
            } catch {
                for (name, process) in agents {
                    print("\(name) log:\n\(process.standardError.suffix(3000))")
                }
                for process in agents.values { await process.terminate() }
                throw error
            }
            for process in agents.values { await process.terminate() }
        }
    }

    @Test func withTheRealCoordinatorTheStandbyTakesOverAndTheOldPrimaryRejoins() async throws {
        try await self.withCoordinatedPair { harness, port, agents in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            #expect(await harness.tryWrite("site_a", "INSERT INTO referral VALUES (1)"))

            await agents["site_a"]!.kill()
            let lost = try #require(
                await harness.timeUntilWrite("site_b", "INSERT INTO referral VALUES (2)"),
                "site_b never took writes")
            print("measured: site_b took writes \(lost.seconds) s after site_a's agent died")
            #expect(lost < .seconds(8))
            #expect(harness.postmaster("site_a") == nil)

            let rejoinStart = ContinuousClock.now
            agents["site_a"] = try harness.startAgent("site_a")
            try await self.waitForSynchronous(harness, primary: "site_b", standby: "site_a")
            let rejoined = ContinuousClock.now - rejoinStart
            print("measured: site_a rewound and synchronous again \(rejoined.seconds) s")
            try await self.waitForPromotable("site_a", coordinator: port)
            #expect(await harness.tryWrite("site_b", "INSERT INTO referral VALUES (3)"))
            try await harness.waitForRows(3, on: "site_a")
        }
    }

    @Test func aSwitchoverDemotesThePrimaryAndItFollowsWithoutRewind() async throws {
        try await self.withCoordinatedPair { harness, port, _ in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            #expect(await harness.tryWrite("site_a", "INSERT INTO referral VALUES (1)"))

            let client = FailoverHTTPClient(endpoint: HTTPEndpoint(host: "127.0.0.1", port: port))
            let reply = try client.post(
                "/v1/switchover", SwitchoverRequest(to: try NodeName("site_b")),
                as: PrimaryChangeReply.self, timeout: .seconds(30))
            print("measured: switchover blocked writes \(reply.blockedMilliseconds) ms")
            #expect(reply.primary.rawValue == "site_b")
            #expect(reply.blockedMilliseconds < 3000)
            #expect(await harness.tryWrite("site_b", "INSERT INTO referral VALUES (2)"))

            try await self.waitForSynchronous(harness, primary: "site_b", standby: "site_a")
            #expect(await harness.tryWrite("site_b", "INSERT INTO referral VALUES (3)"))
            try await harness.waitForRows(3, on: "site_a")
        }
    }

    @Test func losingTheCoordinatorChangesNothingAndARestartedOneResumes() async throws {
        try await self.withCoordinatedPair { harness, port, processes in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            await processes["coordinator"]!.kill()

            // Writes go on, each within a second, for more than two lease lengths.
            let start = ContinuousClock.now
            var written = 0
            while ContinuousClock.now - start < .seconds(5) {
                written += 1
                let sql = "INSERT INTO referral VALUES (\(written))"
                #expect(await harness.tryWrite("site_a", sql, timeout: .seconds(1)))
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(processes["site_b"]!.standardError.contains("peer lease granted"))

            processes["coordinator"] = try self.startCoordinator(port: port, harness: harness)
            try await self.waitForPromotable("site_b", coordinator: port)
            #expect(await harness.tryWrite("site_a", "INSERT INTO referral VALUES (0)"))
            #expect(!processes["site_a"]!.standardError.contains("fenced"))
            try await harness.waitForRows(written + 1, on: "site_b")
        }
    }
}
