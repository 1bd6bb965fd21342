import Foundation
import PortalTesting
import Testing
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `portalctl up`, `status` and `down` on a real two-site topology: PostgreSQL primary and
/// synchronous standby, the replicator, three API nodes, HAProxy and the mail catcher.
@Suite("portalctl up, status and down", .serialized)
struct PortalctlUpTests {
    /// Up healthy and synchronous, a second up changes nothing, down stops every pid.
    @Test("the whole life of a topology: up, status, up again, down")
    func lifecycle() async throws {
        let harness = try TopologyHarness()
        defer { try? FileManager.default.removeItem(atPath: harness.state) }

        let up = try await harness.portalctl("up", "--state", harness.state)
        guard up.status == 0 else {
            await harness.remove()
            Issue.record("up failed: \(up.standardOutput)\n\(up.standardError)")
            return
        }
        #expect(up.standardOutput.contains("http://127.0.0.1:\(harness.base)/"))
        #expect(up.standardOutput.contains("password: \(LocalTopology.demoPassword)"))

        do {
            try await Self.checkRunning(harness)
        } catch {
            await harness.remove()
            throw error
        }

        let (before, report) = try await harness.status()
        let pids = report.processes.compactMap(\.pid)
        #expect(before == 0)
        #expect(pids.count == 9)

        let down = try await harness.portalctl("down", "--state", harness.state)
        #expect(down.status == 0, "\(down.standardError)")
        #expect(down.standardOutput.contains("stopped 9 process(es)"))
        for pid in pids {
            #expect(TopologyHarness.isGone(pid), "pid \(pid) still runs after down")
        }
        let (after, stopped) = try await harness.status()
        #expect(after == 1)
        #expect(!stopped.healthy)
        #expect(stopped.processes.allSatisfy { $0.pid == nil && !$0.alive })
    }

    /// What holds while the topology runs: status healthy and synchronous, HAProxy serving,
    /// a write through it, a row written on the primary seen on the standby, and a second
    /// up that starts nothing.
    private static func checkRunning(_ harness: TopologyHarness) async throws {
        let (code, report) = try await harness.status()
        #expect(code == 0, "\(report.problems)")
        #expect(report.healthy)
        #expect(report.databases.map(\.role) == ["primary", "standby"])
        #expect(report.replication?.state == "streaming")
        #expect(report.replication?.syncState == "sync")
        #expect(report.processes.allSatisfy { $0.healthy && $0.pid != nil })

        let ready = HTTPProbe.get(port: harness.base, path: "/readyz")
        #expect(ready?.status == 200)
        let credentials =
            #"{"email":"dr.shah@demo.nhs.test","password":"\#(LocalTopology.demoPassword)"}"#
        let signIn = HTTPProbe.post(port: harness.base, path: "/api/v1/sign-in", json: credentials)
        #expect(signIn?.status == 202, "sign-in through HAProxy: \(signIn?.body ?? "no answer")")

        try await Self.psql(
            port: harness.base + 1,
            "CREATE TABLE topology_probe (note text); INSERT INTO topology_probe VALUES ('site A')")
        var seen = ""
        for _ in 0..<50 where seen != "site A" {
            seen = try await Self.psql(
                port: harness.base + 2, "SELECT note FROM topology_probe"
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(seen == "site A", "the standby does not show the primary's row")

        let again = try await harness.portalctl("up", "--state", harness.state)
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("nothing changed"))
        #expect(!again.standardOutput.contains("==> starting"))
        let (_, later) = try await harness.status()
        #expect(later.processes.map(\.pid) == report.processes.map(\.pid))

        try await Self.restartAfterKill(harness, report: later)
    }

    /// kill -9 of an API node and the shipper: status names them, and up starts exactly
    /// those two, leaving every other pid as it was.
    private static func restartAfterKill(
        _ harness: TopologyHarness, report: TopologyStatus
    ) async throws {
        let victims: Set = ["api-a2", "replicator-ship"]
        let pids = Dictionary(uniqueKeysWithValues: report.processes.map { ($0.name, $0.pid) })
        for name in victims {
            let pid = try #require(pids[name] ?? nil)
            #expect(kill(pid, SIGKILL) == 0)
        }
        for _ in 0..<100 where !victims.allSatisfy({ TopologyHarness.isGone(pids[$0]!!) }) {
            try await Task.sleep(for: .milliseconds(50))
        }

        let (broken, brokenReport) = try await harness.status()
        #expect(broken == 1)
        #expect(brokenReport.problems.contains("api-a2 is not running"))
        #expect(brokenReport.problems.contains("replicator-ship is not running"))

        let repair = try await harness.portalctl("up", "--state", harness.state)
        #expect(repair.status == 0, "\(repair.standardOutput)\n\(repair.standardError)")
        let starts = repair.standardOutput.split(separator: "\n").filter {
            $0.hasPrefix("==> starting")
        }
        #expect(starts.count == 2, "\(starts)")
        #expect(starts.contains { $0.hasPrefix("==> starting api-a2 ") })
        #expect(starts.contains { $0.hasPrefix("==> starting replicator-ship ") })

        let (healthy, repaired) = try await harness.status()
        #expect(healthy == 0, "\(repaired.problems)")
        for process in repaired.processes {
            if victims.contains(process.name) {
                #expect(process.pid != nil && process.pid != pids[process.name] ?? nil)
            } else {
                #expect(process.pid == pids[process.name] ?? nil, "\(process.name) restarted")
            }
        }
    }

    @discardableResult
    private static func psql(port: Int, _ sql: String) async throws -> String {
        let binaries = try await PostgresBinaries.locate()
        let output = try await ProcessRunner.run(
            binaries.path("psql"),
            ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", sql])
        return output.standardOutput + output.standardError
    }
}
