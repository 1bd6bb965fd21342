import Failover
import Foundation
import PortalTesting
import Testing
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The failover side of the topology through the built portalctl: up with the coordinator
/// and an agent per site, status with the term and the lease, a switchover to site B and
/// back to health, bad requests refused with nothing changed, an up after the switchover
/// that leaves site B primary, a forced failover back to site A, and site A lost and
/// brought back by up as a standby.
@Suite("portalctl switchover, failover and status with the coordinator", .serialized)
struct PortalctlSwitchoverTests {
    @Test("up, refusals, a switchover, up again, a forced failover, site A lost and back, down")
    func switchover() async throws {
        let harness = try TopologyHarness()
        defer { try? FileManager.default.removeItem(atPath: harness.state) }

        let up = try await harness.portalctl("up", "--state", harness.state, timeout: .seconds(240))
        guard up.status == 0 else {
            await harness.remove()
            Issue.record("up failed: \(up.standardOutput)\n\(up.standardError)")
            return
        }
        do {
            try await Self.run(harness)
        } catch {
            await harness.remove()
            throw error
        }
        let down = try await harness.portalctl("down", "--state", harness.state)
        #expect(down.status == 0, "\(down.standardError)")
        #expect(down.standardOutput.contains("stopped 12 process(es)"), "\(down.standardOutput)")
    }

    private static func run(_ harness: TopologyHarness) async throws {
        let (code, report) = try await harness.status()
        #expect(code == 0, "\(report.problems)")
        let coordinator = try #require(report.coordinator)
        #expect(coordinator.primary?.rawValue == "site_a")
        #expect(coordinator.lease?.holder.rawValue == "site_a")
        #expect((coordinator.lease?.expiresInMilliseconds ?? 0) > 0)
        #expect(coordinator.synchronousStandbyNames == "site_b")
        #expect(coordinator.nodes.first { $0.name.rawValue == "site_b" }?.promotable == true)
        #expect(report.databases.map(\.role) == ["primary", "standby"])
        #expect(report.replication?.syncState == "sync")
        let text = try await harness.portalctl("status", "--state", harness.state)
        let heading = "coordinator: term \(coordinator.term), primary site_a"
        #expect(text.standardOutput.contains(heading))
        #expect(text.standardOutput.contains("lease held by site_a, expires in "))

        try await Self.refuseBadRequests(harness, term: coordinator.term)

        let switchover = try await harness.portalctl(
            "switchover", "--state", harness.state, "--to", "site_b")
        #expect(switchover.status == 0, "\(switchover.standardOutput)\n\(switchover.standardError)")
        let line = switchover.standardOutput
        #expect(line.contains("site_b is primary in term \(coordinator.term.value + 1)"), "\(line)")
        let switched = ContinuousClock.now
        let firstWrite = try await Self.firstSignIn(harness.base)
        print("first write through HAProxy \(firstWrite - switched) after the switchover returned")
        #expect(firstWrite - switched < .seconds(2))
        let blocked = try #require(Self.blockedMilliseconds(in: line), "\(line)")
        print("switchover blocked writes for \(blocked) ms")
        // The goal is under a second (measured by the switchover drill under load); here
        // the time must be reported and plausible.
        #expect((1..<5000).contains(blocked))

        let after = try await Self.waitHealthy(harness)
        #expect(after.databases.map(\.role) == ["standby", "primary"])
        #expect(after.coordinator?.lease?.holder.rawValue == "site_b")
        #expect(after.coordinator?.synchronousStandbyNames == "site_a")
        #expect(after.replication?.standby == "site_a")
        #expect(after.replication?.syncState == "sync")
        let ready = HTTPProbe.get(port: harness.base, path: "/readyz")
        #expect(ready?.status == 200, "HAProxy has no ready API node after the switchover")

        let again = try await harness.portalctl("up", "--state", harness.state)
        #expect(again.status == 0, "\(again.standardOutput)\n\(again.standardError)")
        #expect(again.standardOutput.contains("nothing changed"))
        let (_, kept) = try await harness.status()
        #expect(kept.databases.map(\.role) == ["standby", "primary"])
        #expect(kept.coordinator?.primary?.rawValue == "site_b")

        try await Self.forceBack(harness, from: kept)
        try await Self.loseSiteA(harness)
    }

    /// kill -9 of site A's agent and server: the coordinator fails over to site B, and the
    /// next up starts site A's agent, which rejoins as a standby, site B staying primary.
    private static func loseSiteA(_ harness: TopologyHarness) async throws {
        let (_, report) = try await harness.status()
        let pids = Dictionary(uniqueKeysWithValues: report.processes.map { ($0.name, $0.pid) })
        let agent = try #require(pids["agent-a"] ?? nil)
        let server = try #require(pids["postgres-a"] ?? nil)
        #expect(kill(agent, SIGKILL) == 0)
        #expect(kill(server, SIGKILL) == 0)

        var primary: String?
        for _ in 0..<100 where primary != "site_b" {
            try await Task.sleep(for: .milliseconds(200))
            primary = try await harness.status().report.coordinator?.primary?.rawValue
        }
        #expect(primary == "site_b", "no failover to site B within 20 s of losing site A")

        let repair = try await harness.portalctl("up", "--state", harness.state)
        #expect(repair.status == 0, "\(repair.standardOutput)\n\(repair.standardError)")
        #expect(repair.standardOutput.contains("==> starting agent-a "))
        let after = try await Self.waitHealthy(harness)
        #expect(after.databases.map(\.role) == ["standby", "primary"])
        #expect(after.coordinator?.primary?.rawValue == "site_b")
    }

    /// A forced failover back to site A: done in the next term, recorded as forced with
    /// data loss accepted, and site B rewound to follow it.
    private static func forceBack(
        _ harness: TopologyHarness, from before: TopologyStatus
    ) async throws {
        let term = try #require(before.coordinator?.term)
        let forced = try await harness.portalctl(
            "failover", "--state", harness.state, "--to", "site_a", "--force",
            "--accept-data-loss")
        #expect(forced.status == 0, "\(forced.standardOutput)\n\(forced.standardError)")
        #expect(forced.standardOutput.contains("site_a is primary in term \(term.value + 1)"))
        let after = try await Self.waitHealthy(harness)
        #expect(after.databases.map(\.role) == ["primary", "standby"])
        let decisions = after.coordinator?.decisions ?? []
        let decision = decisions.last { $0.decision == "forced-failover" }
        #expect(decision?.reason.contains("acceptDataLoss") == true, "\(decisions)")
    }

    /// An unknown node and a forced failover without both flags are refused before the
    /// coordinator is asked, a switchover to the primary by the coordinator: the term and
    /// the primary stay as they were.
    private static func refuseBadRequests(_ harness: TopologyHarness, term: Term) async throws {
        let unknown = try await harness.portalctl(
            "switchover", "--state", harness.state, "--to", "site_c")
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown node 'site_c'"))

        let unforced = try await harness.portalctl(
            "failover", "--state", harness.state, "--to", "site_b", "--force")
        #expect(unforced.status == 2)
        #expect(unforced.standardError.contains("--accept-data-loss"))
        #expect(unforced.standardError.contains("lost for good"))

        let toPrimary = try await harness.portalctl(
            "switchover", "--state", harness.state, "--to", "site_a")
        #expect(toPrimary.status == 1)
        #expect(toPrimary.standardError.contains("the coordinator refused the switchover"))

        let bare = try await harness.portalctl("failover", "--state", harness.state)
        #expect(bare.status == 2)
        #expect(bare.standardError.contains("--to NODE is required"))

        let (code, report) = try await harness.status()
        #expect(code == 0, "\(report.problems)")
        #expect(report.coordinator?.term == term)
        #expect(report.coordinator?.primary?.rawValue == "site_a")
        let decisions = report.coordinator?.decisions.map(\.decision) ?? []
        #expect(!decisions.contains { $0.contains("failover") }, "\(decisions)")
    }

    /// Polls status until it is healthy (the old primary has rejoined and is synchronous).
    private static func waitHealthy(_ harness: TopologyHarness) async throws -> TopologyStatus {
        var last: TopologyStatus?
        for _ in 0..<60 {
            let (code, report) = try await harness.status()
            if code == 0 { return report }
            last = report
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("not healthy 30 s after the switchover: \(last?.problems ?? [])")
        return try #require(last)
    }

    /// Signs in through HAProxy (a write: the one-time code is stored) every 20 ms until it
    /// is accepted; returns when it was.
    private static func firstSignIn(_ port: Int) async throws -> ContinuousClock.Instant {
        let credentials =
            #"{"email":"dr.shah@demo.nhs.test","password":"\#(LocalTopology.demoPassword)"}"#
        var last = "no answer"
        for _ in 0..<500 {
            let answer = HTTPProbe.post(port: port, path: "/api/v1/sign-in", json: credentials)
            if answer?.status == 202 { return ContinuousClock.now }
            last = answer.map { "\($0.status) \($0.body.prefix(200))" } ?? "no answer"
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no sign-in accepted through HAProxy after the switchover: \(last)")
        return ContinuousClock.now
    }

    /// X from "writes were blocked for X ms".
    private static func blockedMilliseconds(in text: String) -> Int? {
        guard let range = text.range(of: "blocked for ") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
