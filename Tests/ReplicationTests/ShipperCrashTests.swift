import Foundation
import PortalTesting
import Testing

/// The shipper killed with SIGKILL while streams are busy, restarted, twice: the archive
/// ends up complete, every checksum right, nothing missing and nothing extra.
@Suite("shipper crash")
struct ShipperCrashTests {
    @Test("kill -9 of the shipper mid-stream, restart: archive complete, no gap, no duplicate")
    func killAndResume() async throws {
        var shipping = ReplicatorSites.Shipping()
        shipping.streams = 3
        try await ReplicatorSites.with(shipping: shipping) { sites in
            var expected: [String: [UInt8]] = [:]
            for number in 1...18 {
                let name = ReplicatorSites.segmentName(number)
                let bytes = ReplicatorSites.walBytes(3 << 20, seed: UInt64(number))
                try sites.addReady(name, bytes)
                expected[name] = bytes
            }
            try await sites.startReceiver()

            // Each kill lands while site B has been offered a file it has not stored yet:
            // its acknowledgement cannot have reached the shipper, which dies mid-file.
            for (round, target) in [(1, 3), (2, 8), (3, 13)] {
                let before = sites.receiver?.standardError.utf8.count ?? 0
                try await sites.startShipper()
                var inFlight: String?
                try await ReplicatorSites.waitFor("a file in flight after \(target) stored") {
                    guard sites.archivedNames().count >= target else { return false }
                    let log = sites.receiver?.standardError ?? ""
                    inFlight = Self.offeredNotStored(String(log.utf8.dropFirst(before))!)
                    return inFlight != nil
                }
                await sites.shipper?.kill()
                #expect(inFlight != nil)
                #expect(sites.archivedNames().count < expected.count, "round \(round) too late")
            }

            try await sites.startShipper()
            try await ReplicatorSites.waitFor("the whole backlog", timeout: .seconds(30)) {
                sites.archivedNames().count == expected.count
            }
            try sites.verifyArchive(expected)
            let left = try FileManager.default.contentsOfDirectory(atPath: sites.archive)
            #expect(left.allSatisfy { !$0.hasSuffix(".tmp") }, "no partial file at site B")
            try await ReplicatorSites.waitFor("an empty backlog") {
                try ReplicatorSites.metric(
                    "replicator_backlog_files", port: sites.shipperMetricsPort) == 0
            }
            // PostgreSQL re-archives after a crash: every push is answered from B at once.
            for name in expected.keys.sorted().prefix(3) {
                #expect(try await sites.push(name).status == 0)
            }
        }
    }

    /// A file the receiver's log shows offered but not stored.
    static func offeredNotStored(_ log: String) -> String? {
        var offered: [String] = []
        var stored: Set<String> = []
        for line in log.split(separator: "\n") {
            guard let range = line.range(of: "\"wal.file\":\"") else { continue }
            let name = String(line[range.upperBound...].prefix(24))
            if line.contains("\"msg\":\"offered\"") { offered.append(name) }
            if line.contains("\"msg\":\"stored\"") { stored.insert(name) }
        }
        return offered.first { !stored.contains($0) }
    }
}
