import Failover
import Foundation
import PortalTesting
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Real `portal-agent` processes beside a real synchronous pair, one test at a time (each
/// runs two servers and two agents on a machine of few cores).
@Suite(.serialized) struct AgentProcessTests {
    /// Starts the driver and both agents, waits until `site_a` is the primary with `site_b`
    /// streaming synchronously, then runs `body`; stops the agents afterwards.
    func withSynchronousPair(
        _ body: (AgentHarness, CoordinatorDriver, [String: BackgroundProcess]) async throws -> Void
    ) async throws {
        let driver = try CoordinatorDriver()
        driver.update { $0.synchronousStandbyNames = "site_b" }
        try driver.start()
        try await AgentHarness.with(coordinator: driver.url) { harness in
            var agents: [String: BackgroundProcess] = [:]
            do {
                agents["site_b"] = try harness.startAgent("site_b")
                agents["site_a"] = try harness.startAgent("site_a")
                try await driver.waitFor("site_a", "synchronous streaming to site_b") { report in
                    report.role == .primary && report.postgresRunning
                        && report.replication.contains {
                            $0.node == "site_b" && $0.state == "streaming" && $0.syncState == "sync"
                        }
                }
                try await body(harness, driver, agents)
            } catch {
                for (node, agent) in agents {
                    print("\(node) agent log:\n\(agent.standardError.suffix(4000))")
                }
                for agent in agents.values { await agent.terminate() }
                await driver.stop()
                throw error
            }
            for agent in agents.values { await agent.terminate() }
            await driver.stop()
        }
    }

    @Test func aKilledPostmasterIsRestartedInPlaceAndTakesWritesAgain() async throws {
        try await self.withSynchronousPair { harness, driver, agents in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            let killed = try #require(harness.postmaster("site_a"))

            kill(killed, SIGKILL)
            let took = await harness.timeUntilWrite("site_a", "INSERT INTO referral VALUES (1)")
            let restart = try #require(took, "no write succeeded after the kill")
            print("measured: write accepted \(restart.seconds) s after kill -9 of the postmaster")
            #expect(restart < .seconds(3))

            #expect(harness.postmaster("site_a") != killed)
            try await driver.waitFor("site_a", "the restart event") { _ in
                driver.events("site_a").contains { $0.contains("restarted in") }
            }

            // SIGTERM: a fast stop of the server, then exit 0.
            let status = await agents["site_a"]!.terminate()
            #expect(status == 0, "\(agents["site_a"]!.standardError.suffix(3000))")
            #expect(harness.postmaster("site_a") == nil)
        }
    }

    @Test func aPrimaryThatCannotRenewFencesBeforeItsLeaseEnds() async throws {
        let driver = try CoordinatorDriver()
        try driver.start()
        try await AgentHarness.with(coordinator: driver.url) { harness in
            let agent = try harness.startAgent("site_a")
            defer { Task { await agent.terminate() } }
            try await driver.waitFor("site_a", "running as primary") {
                $0.role == .primary && $0.postgresRunning
            }
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))

            await driver.stop()
            let stopped = ContinuousClock.now
            var refusedAfter: Duration?
            while ContinuousClock.now - stopped < .seconds(5) {
                let accepted = await harness.tryWrite(
                    "site_a", "INSERT INTO referral VALUES (1)", timeout: .milliseconds(500))
                if !accepted {
                    refusedAfter = ContinuousClock.now - stopped
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let fenced = try #require(refusedAfter, "writes were still accepted 5 s later")
            print("measured: writes refused \(fenced.seconds) s after the coordinator went away")
            #expect(fenced < .milliseconds(2000))
            #expect(fenced > .milliseconds(1000))
            // The refusal is seen as soon as the backends go; the postmaster and the log
            // line follow a moment later.
            let settle = ContinuousClock.now + .seconds(3)
            while harness.postmaster("site_a") != nil || !agent.standardError.contains("fenced"),
                ContinuousClock.now < settle
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(harness.postmaster("site_a") == nil)
            #expect(agent.standardError.contains("fenced"))
            await agent.terminate()
        }
    }

    @Test func aPeerLeaseKeepsAHealthyPrimaryWhenTheCoordinatorIsGone() async throws {
        try await self.withSynchronousPair { harness, driver, agents in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            await driver.stop()
            try await Task.sleep(for: .seconds(5))

            #expect(await harness.tryWrite("site_a", "INSERT INTO referral VALUES (1)"))
            #expect(agents["site_b"]!.standardError.contains("peer lease granted"))
            #expect(!agents["site_a"]!.standardError.contains("fenced"))
        }
    }

    @Test func aPrimaryThatCannotBeRestartedIsReportedStopped() async throws {
        let driver = try CoordinatorDriver()
        try driver.start()
        try await AgentHarness.with(coordinator: driver.url) { harness in
            let agent = try harness.startAgent("site_a")
            defer { Task { await agent.terminate() } }
            try await driver.waitFor("site_a", "running as primary") {
                $0.role == .primary && $0.postgresRunning
            }
            // A setting the server refuses: every restart after the crash fails.
            let auto = harness.pair.primary.dataDirectory + "/postgresql.auto.conf"
            let text = try String(contentsOfFile: auto, encoding: .utf8)
            try (text + "shared_buffers = 'plenty'\n").write(
                toFile: auto, atomically: false, encoding: .utf8)

            kill(try #require(harness.postmaster("site_a")), SIGKILL)
            let report = try await driver.waitFor("site_a", "stopped", timeout: .seconds(15)) {
                $0.role == .stopped && !$0.postgresRunning
            }
            #expect(report.role == .stopped)
            #expect(driver.events("site_a").contains { $0.contains("giving up") })
            #expect(harness.postmaster("site_a") == nil)
            await agent.terminate()
            await driver.stop()
        }
    }
}
