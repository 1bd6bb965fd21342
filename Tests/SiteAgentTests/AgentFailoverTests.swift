import Failover
import Foundation
import PortalTesting
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

extension AgentProcessTests {
    @Test func theStandbyIsPromotedAndTheOldPrimaryRejoinsByRewind() async throws {
        try await self.withSynchronousPair { harness, driver, agents in
            #expect(await harness.tryWrite("site_a", "CREATE TABLE referral (id int)"))
            #expect(await harness.tryWrite("site_a", "INSERT INTO referral VALUES (1)"))

            // The agent dies: its PostgreSQL gets the parent-death signal and stops too.
            let oldPostmaster = try #require(harness.postmaster("site_a"))
            await agents["site_a"]!.kill()
            let gone = ContinuousClock.now
            while harness.postmaster("site_a") == oldPostmaster,
                ContinuousClock.now - gone < .seconds(10)
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(harness.postmaster("site_a") == nil)

            let promoteStart = ContinuousClock.now
            driver.update { plan in
                plan.term = 2
                plan.primary = "site_b"
                plan.leaseHolder = "site_b"
                plan.synchronousStandbyNames = ""
                plan.actions["site_b"] = .promote(term: Term(2))
            }
            try await driver.waitFor("site_b", "running as primary in term 2") {
                $0.role == .primary && $0.postgresRunning && $0.term == Term(2)
            }
            let promoted = ContinuousClock.now - promoteStart
            print("measured: promotion reported \(promoted.seconds) s after the promote reply")
            #expect(await harness.tryWrite("site_b", "INSERT INTO referral VALUES (2)"))

            let rejoinStart = ContinuousClock.now
            driver.update { plan in
                plan.actions["site_a"] = .follow(
                    primary: try! NodeName("site_b"), host: "127.0.0.1",
                    port: harness.pair.standby.port, rewind: true)
            }
            let rejoined = try harness.startAgent("site_a")
            defer { Task { await rejoined.terminate() } }
            try await driver.waitFor("site_a", "running as a standby in term 2") {
                $0.role == .standby && $0.postgresRunning && $0.term == Term(2)
            }
            let rewound = ContinuousClock.now - rejoinStart
            print("measured: old primary rewound and following \(rewound.seconds) s after start")
            try await driver.waitFor("site_a", "the follow event") { _ in
                driver.events("site_a").contains { $0.contains("after pg_rewind in") }
            }
            let follow = driver.events("site_a").filter { $0.contains("following") }
            print("measured: the agent says \(follow)")

            driver.update { $0.synchronousStandbyNames = "site_a" }
            try await driver.waitFor("site_b", "site_a streaming synchronously") { report in
                report.replication.contains {
                    $0.node == "site_a" && $0.state == "streaming" && $0.syncState == "sync"
                }
            }
            #expect(await harness.tryWrite("site_b", "INSERT INTO referral VALUES (3)"))
            try await harness.waitForRows(3, on: "site_a")
            await rejoined.terminate()
        }
    }
}
