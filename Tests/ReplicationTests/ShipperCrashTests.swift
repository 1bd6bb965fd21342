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

            for (round, target) in [(1, 4), (2, 10)] {
                try await sites.startShipper()
                try await ReplicatorSites.waitFor("\(target) files at site B") {
                    sites.archivedNames().count >= target
                }
                await sites.shipper?.kill()
                #expect(sites.archivedNames().count < expected.count, "round \(round) too late")
            }

            try await sites.startShipper()
            try await ReplicatorSites.waitFor("the whole backlog", timeout: .seconds(30)) {
                sites.archivedNames().count == expected.count
            }
            try sites.verifyArchive(expected)
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
}
