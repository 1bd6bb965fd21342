import Foundation
import PortalTesting
import Testing

/// `push` as archive_command against real daemons over mutual TLS on loopback.
@Suite("push through the shipping daemon")
struct PushTests {
    @Test("the same bytes succeed twice; other bytes fail with the likely cause, archive unchanged")
    func idempotency() async throws {
        try await ReplicatorSites.with { sites in
            try await sites.startReceiver()
            try await sites.startShipper()
            let name = ReplicatorSites.segmentName(3)
            let original = ReplicatorSites.walBytes(1 << 20, seed: 3)
            try sites.addReady(name, original)

            let first = try await sites.push(name)
            #expect(first.status == 0, "\(first.standardError)")
            try sites.verifyArchive([name: original])
            let again = try await sites.push(name)
            #expect(again.status == 0, "same name, same bytes: \(again.standardError)")

            // Another primary's file under the same name (a split brain).
            try Data(ReplicatorSites.walBytes(1 << 20, seed: 99))
                .write(to: URL(fileURLWithPath: sites.walDirectory + "/" + name))
            let conflict = try await sites.push(name)
            #expect(conflict.status == 3)
            #expect(conflict.standardError.contains("never overwritten"))
            #expect(conflict.standardError.contains("split brain"))
            try sites.verifyArchive([name: original])

            // And PostgreSQL's retry of the same conflict is refused the same way.
            let retried = try await sites.push(name)
            #expect(retried.status == 3)
            try sites.verifyArchive([name: original])

            // Both daemons stop cleanly on SIGTERM.
            #expect(await sites.shipper?.terminate() == 0)
            #expect(await sites.receiver?.terminate() == 0)
            #expect(!FileManager.default.fileExists(atPath: sites.controlSocket))
        }
    }

    @Test("a history file is archived under its own name, then its timeline's segment")
    func historyAndSegment() async throws {
        try await ReplicatorSites.with { sites in
            try await sites.startReceiver()
            try await sites.startShipper()
            let history = Array("1\t0/3000000\tno recovery target specified\n".utf8)
            let segment = ReplicatorSites.walBytes(300_000, seed: 5)
            let backup = Array("START WAL LOCATION: 0/2000028\n".utf8)
            try sites.addReady("00000002.history", history)
            try sites.addReady(ReplicatorSites.segmentName(4, timeline: 2), segment)
            try sites.addReady("000000010000000000000002.00000028.backup", backup)
            for name in [
                "00000002.history", ReplicatorSites.segmentName(4, timeline: 2),
                "000000010000000000000002.00000028.backup",
            ] {
                let output = try await sites.push(name)
                #expect(output.status == 0, "\(name): \(output.standardError)")
            }
            try sites.verifyArchive([
                "00000002.history": history, ReplicatorSites.segmentName(4, timeline: 2): segment,
                "000000010000000000000002.00000028.backup": backup,
            ])
        }
    }

    @Test("without the daemon push fails and archives nothing; bad names are refused")
    func noDaemonAndBadNames() async throws {
        try await ReplicatorSites.with { sites in
            try await sites.startReceiver()
            let name = ReplicatorSites.segmentName(7)
            try sites.addReady(name, ReplicatorSites.walBytes(4_096, seed: 7))

            let output = try await sites.push(name)
            #expect(output.status == 1)
            #expect(output.standardError.contains("shipping daemon is not running"))
            #expect(sites.archivedNames().isEmpty)

            try await sites.startShipper()
            let second = try await ProcessRunner.run(
                ReplicatorSites.executable, ["ship", "--config", sites.siteA],
                timeout: .seconds(15))
            #expect(second.status == 1, "a second shipper on the same socket refuses to start")
            #expect(second.standardError.contains("another shipping daemon already answers"))
            for bad in ["../../etc/passwd", "00000001000000000000000G", "RECOVERYXLOG", ""] {
                let refused = try await ProcessRunner.run(
                    ReplicatorSites.executable,
                    ["push", "--config", sites.siteA, sites.walDirectory + "/" + name, bad])
                #expect(refused.status == 2, "\(bad)")
                #expect(refused.standardError.contains("not a name PostgreSQL archives"), "\(bad)")
            }
            let elsewhere = try await sites.push(name, path: sites.folder + "/site-a.json")
            #expect(elsewhere.status == 2)
            #expect(elsewhere.standardError.contains("walDirectory"))
            // Only the ready file was shipped (by the daemon's look-ahead), nothing else.
            try await ReplicatorSites.waitFor("the ready file") { sites.archivedNames() == [name] }
        }
    }
}
