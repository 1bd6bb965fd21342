import Foundation
import PortalTesting
import Testing

/// The receiver down for a while: the backlog grows and is reported, then drains in order.
@Suite("backlog while site B is down")
struct BacklogTests {
    @Test("backlog grows with site B down, push fails fast, then drains oldest first")
    func receiverDown() async throws {
        var shipping = ReplicatorSites.Shipping()
        shipping.streams = 1
        shipping.backlogAlertSeconds = 1
        try await ReplicatorSites.with(shipping: shipping) { sites in
            try await sites.startShipper()
            var expected: [String: [UInt8]] = [:]
            for number in 1...6 {
                let name = ReplicatorSites.segmentName(number)
                let bytes = ReplicatorSites.walBytes(200_000, seed: UInt64(number))
                try sites.addReady(name, bytes)
                expected[name] = bytes
            }
            let port = sites.shipperMetricsPort
            try await ReplicatorSites.waitFor("the backlog in the metrics") {
                try ReplicatorSites.metric("replicator_backlog_files", port: port) == 6
            }
            #expect(try ReplicatorSites.metric("replicator_backlog_bytes", port: port) == 1_200_000)
            try await ReplicatorSites.waitFor("the lag warning") {
                sites.shipper?.standardError.contains(
                    "\"level\":\"warning\",\"logger\":\"portal-replicator.ship\","
                        + "\"msg\":\"archive backlog is behind\"") == true
            }
            #expect(
                try ReplicatorSites.metric("replicator_backlog_oldest_age_seconds", port: port)!
                    >= 1)

            let start = ContinuousClock.now
            let refused = try await sites.push(ReplicatorSites.segmentName(1))
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("unreachable"))
            #expect(ContinuousClock.now - start < .seconds(10), "push fails fast")

            try await sites.startReceiver()
            try await ReplicatorSites.waitFor("the backlog to drain") {
                try ReplicatorSites.metric("replicator_backlog_files", port: port) == 0
            }
            try sites.verifyArchive(expected)
            let shipperLog = sites.shipper?.standardError ?? ""
            #expect(
                shipperLog.contains("\"level\":\"warning\"")
                    && shipperLog.contains("site B unreachable"))
            #expect(shipperLog.contains("site B reachable again"))
            let stored = (sites.receiver?.standardError ?? "").split(separator: "\n")
                .filter { $0.contains("\"msg\":\"stored\"") }
                .compactMap { line in expected.keys.first { line.contains($0) } }
            #expect(stored == expected.keys.sorted(), "oldest first")
            #expect(try ReplicatorSites.metric("replicator_shipped_files_total", port: port) == 6)
            #expect(
                try ReplicatorSites.metric("replicator_shipped_bytes_total", port: port)
                    == 1_200_000)
            #expect(
                try ReplicatorSites.metric("replicator_wal_generated_bytes_total", port: port)
                    == 1_200_000)
            let text = try HTTPGet.text(port: port, path: "/metrics")
            #expect(
                text.contains("replicator_last_shipped_info{file=\"\(expected.keys.max()!)\"} 1"))
            #expect(text.contains("replicator_wal_generation_bytes_per_second "))
            #expect(text.contains("replicator_shipping_bytes_per_second "))
        }
    }
}
