import Foundation
import PortalTesting
import Testing
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `portalctl up`, `status` and `down` on a real two-site topology: PostgreSQL primary and
/// synchronous standby under their agents, the coordinator, the replicator, three API
/// nodes, HAProxy and the mail catcher.
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
        #expect(pids.count == 12)

        let down = try await harness.portalctl("down", "--state", harness.state)
        #expect(down.status == 0, "\(down.standardError)")
        #expect(down.standardOutput.contains("stopped 12 process(es)"))
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

        try await Self.checkArchive(harness)

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

    /// A segment switched out on the primary goes through archive_command (push) into site
    /// B's archive, and the standby's restore_command (fetch) hands it back, as the server
    /// account runs them.
    private static func checkArchive(_ harness: TopologyHarness) async throws {
        let segment = try await Self.psql(
            port: harness.base + 1,
            "SELECT pg_walfile_name(pg_current_wal_lsn()) FROM pg_switch_wal()"
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(segment.count == 24, "\(segment)")
        let stored = harness.state + "/site-b/archive/wal/" + segment
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: stored) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(FileManager.default.fileExists(atPath: stored), "\(segment) not archived")

        let settings = try String(
            contentsOfFile: harness.state + "/site-b/postgres/portal_site.conf", encoding: .utf8)
        let line = try #require(
            settings.split(separator: "\n").first { $0.hasPrefix("restore_command = ") })
        let restored = harness.state + "/site-b/restored-segment"
        let command = line.dropFirst("restore_command = '".count).dropLast()
            .replacingOccurrences(of: "%f", with: segment)
            .replacingOccurrences(of: "%p", with: restored)
        let account = try ServerAccount.current()
        let fetch = try await Command.run(
            account.command(["/bin/sh", "-c", command]), environment: Programs.baseEnvironment)
        #expect(fetch.status == 0, "\(command): \(fetch.errors)")
        let original = try Data(contentsOf: URL(fileURLWithPath: stored))
        #expect(try Data(contentsOf: URL(fileURLWithPath: restored)) == original)
        try? FileManager.default.removeItem(atPath: restored)

        let (_, report) = try await harness.status()
        #expect((report.archive?.shippedFilesTotal ?? 0) > 0)
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
