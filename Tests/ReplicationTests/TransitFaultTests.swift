import Foundation
import PortalTesting
import Replication
import Testing

/// A byte flipped in transit (the shipper's test-only fault hook) is refused by site B,
/// reported, and sent again correctly.
@Suite("corruption in transit")
struct TransitFaultTests {
    @Test("a flipped byte is refused at site B, reported, and the file sent again intact")
    func flippedByte() async throws {
        try await ReplicatorSites.with { sites in
            let name = ReplicatorSites.segmentName(9)
            let bytes = ReplicatorSites.walBytes(1 << 20, seed: 9)
            try sites.addReady(name, bytes)
            try await sites.startReceiver()
            try await sites.startShipper(environment: [TransitFault.variable: "flip-byte:\(name)"])

            let output = try await sites.push(name)
            #expect(output.status == 0, "\(output.standardError)")
            try sites.verifyArchive([name: bytes])

            let receiverLog = sites.receiver?.standardError ?? ""
            #expect(receiverLog.contains("refused corrupt file"))
            #expect(receiverLog.contains("not the"))
            #expect(sites.shipper?.standardError.contains("refused the file as corrupt") == true)
            let refused = try HTTPGet.text(port: sites.shipperMetricsPort, path: "/metrics")
            #expect(refused.contains("replicator_refused_files_total{reason=\"corrupt\"} 1"))
            let received = try HTTPGet.text(port: sites.receiverMetricsPort, path: "/metrics")
            #expect(received.contains("replicator_refused_files_total{reason=\"corrupt\"} 1"))
            #expect(received.contains("replicator_received_files_total 1"))
        }
    }

    @Test("the fault variable accepts only flip-byte with a WAL name")
    func faultSetting() throws {
        #expect(throws: ReplicatorError.self) {
            try TransitFault(environment: [TransitFault.variable: "flip-byte:../x"])
        }
        #expect(throws: ReplicatorError.self) {
            try TransitFault(environment: [TransitFault.variable: "drop:000000010000000000000001"])
        }
        _ = try TransitFault(environment: [:])
    }
}
