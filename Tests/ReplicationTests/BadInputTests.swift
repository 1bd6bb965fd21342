import Foundation
import PortalTesting
import Testing
import Topology

@testable import Replication

#if canImport(Glibc)
    import Glibc
#endif

/// Bad configuration, bad names, foreign certificates and oversized frames: each refused
/// with a clear message, and nothing stored.
@Suite("bad input")
struct BadInputTests {
    @Test("unknown keys, missing keys and wrong types are refused, naming the key")
    func configurations() async throws {
        try await ReplicatorSites.with { sites in
            let cases: [(String, (inout [String: Any]) -> Void, String)] = [
                ("ship", { $0["stream"] = 2 }, "unknown key stream"),
                ("ship", { $0["walDirectory"] = nil }, "missing required key walDirectory"),
                (
                    "ship", { $0["receiver"] = ["host": "127.0.0.1"] },
                    "missing required key receiver.port"
                ),
                ("ship", { $0["streams"] = "four" }, "streams must be a whole number"),
                (
                    "ship",
                    {
                        $0["tls"] = [
                            "certificate": "a", "privateKey": "b", "authority": "c", "x": 1,
                        ]
                    },
                    "unknown key tls.x"
                ),
                (
                    "receive", { $0["listen"] = ["host": "127.0.0.1", "port": 1, "tls": true] },
                    "unknown key listen.tls"
                ),
                (
                    "receive", { $0["archiveDirectory"] = nil },
                    "missing required key archiveDirectory"
                ),
                ("receive", { $0["prefetch"] = true }, "prefetch must be a whole number"),
            ]
            for (command, change, message) in cases {
                let source = command == "ship" ? sites.siteA : sites.siteB
                var object =
                    try JSONSerialization.jsonObject(
                        with: Data(contentsOf: URL(fileURLWithPath: source))) as! [String: Any]
                change(&object)
                let file = sites.folder + "/bad.json"
                try ReplicatorSites.write(object, to: file)
                let output = try await ProcessRunner.run(
                    ReplicatorSites.executable, [command, "--config", file], timeout: .seconds(10))
                #expect(output.status == 2, "\(message)")
                #expect(output.standardError.contains(message), "\(output.standardError)")
            }
            let unknown = try await ProcessRunner.run(
                ReplicatorSites.executable, ["ship", "--config", sites.siteA, "--verbose"])
            #expect(unknown.status == 2)
        }
    }

    @Test("fetch: bad names exit 2, missing exits 1 at once, a damaged file exits 2")
    func fetchRefusals() async throws {
        try await ReplicatorSites.with { sites in
            let target = sites.folder + "/restored"
            for bad in ["../wal/x", "00000001000000000000000g", "000000010000000000000001.sha256"] {
                let output = try await sites.fetch(bad, to: target)
                #expect(output.status == 2, "\(bad)")
                #expect(output.standardError.contains("not a name PostgreSQL archives"))
            }
            let start = ContinuousClock.now
            let missing = try await sites.fetch(ReplicatorSites.segmentName(5), to: target)
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("missing"))
            #expect(ContinuousClock.now - start < .seconds(2))

            let archive = try WALArchive(folder: sites.archive)
            let name = WALFileName(ReplicatorSites.segmentName(6))!
            _ = try archive.store(name, contents: ReplicatorSites.walBytes(10_000, seed: 6))
            var damaged = ReplicatorSites.walBytes(10_000, seed: 6)
            damaged[5_000] ^= 0x40
            // A well-formed stream of other bytes: only the checksum can tell.
            try Data(SegmentCompression.compress(damaged)).write(
                to: URL(fileURLWithPath: sites.archive + "/" + name.name))
            let corrupt = try await sites.fetch(name.name, to: target)
            #expect(corrupt.status == 2)
            #expect(corrupt.standardError.contains("no longer matches its checksum"))
            #expect(!FileManager.default.fileExists(atPath: target), "nothing handed over")
        }
    }

    @Test("a certificate from another CA is refused by the receiver and by the shipper")
    func foreignCertificates() async throws {
        try await ReplicatorSites.with { sites in
            let stranger = try CertificateAuthority(folder: sites.folder + "/other-ca")
            let foreignA = try stranger.issue("site-a")
            let foreignB = try stranger.issue("site-b")
            let name = ReplicatorSites.segmentName(2)
            try sites.addReady(name, ReplicatorSites.walBytes(50_000, seed: 2))

            // A shipper with a stranger's certificate: the receiver refuses it.
            var siteA = try Self.object(sites.siteA)
            siteA["tls"] = [
                "certificate": foreignA.certificate, "privateKey": foreignA.privateKey,
                "authority": sites.folder + "/ca/ca.pem",
            ]
            try ReplicatorSites.write(siteA, to: sites.siteA)
            try await sites.startReceiver()
            try await sites.startShipper()
            let refused = try await sites.push(name)
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("unreachable"))
            #expect(sites.receiver?.standardError.contains("connection refused") == true)
            #expect(sites.archivedNames().isEmpty)
            await sites.shipper?.terminate()
            await sites.receiver?.terminate()

            // A receiver with a stranger's certificate: the shipper refuses it.
            try sites.writeConfigurations(sites.shipping)
            var siteB = try Self.object(sites.siteB)
            siteB["tls"] = [
                "certificate": foreignB.certificate, "privateKey": foreignB.privateKey,
                "authority": sites.folder + "/ca/ca.pem",
            ]
            try ReplicatorSites.write(siteB, to: sites.siteB)
            try await sites.startReceiver()
            try await sites.startShipper()
            let unverified = try await sites.push(name)
            #expect(unverified.status == 1)
            #expect(
                unverified.standardError.contains("certificate verify failed")
                    || unverified.standardError.contains("certificate verification failed"))
            #expect(sites.archivedNames().isEmpty)
        }
    }

    @Test("oversized frames, absurd sizes and bad names on the wire are refused")
    func oversizedFrames() async throws {
        // The receiver hangs up on an oversized frame: a write error here, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try await ReplicatorSites.with { sites in
            try await sites.startReceiver()
            let files = TLSFiles(
                certificate: sites.folder + "/ca/site-a.pem",
                privateKey: sites.folder + "/ca/site-a.key", authority: sites.folder + "/ca/ca.pem")
            let context = try files.clientContext()
            let endpoint = Endpoint(host: "127.0.0.1", port: sites.receiverPort)
            let deadline = ContinuousClock.now + .seconds(10)
            let checksum = String(repeating: "a", count: 64)

            func refusal(_ steps: (FrameChannel) throws -> Void) throws -> String {
                let channel = try FrameChannel.connect(
                    to: endpoint, serverName: "site-b", context: context, timeout: .seconds(5))
                defer { channel.close() }
                try steps(channel)
                let (kind, message) = try channel.receive(
                    limit: { _ in WireProtocol.controlLimit }, until: deadline)
                #expect(kind == .failure)
                return String(decoding: message, as: UTF8.self)
            }

            let control = try refusal { channel in
                try channel.send(.offer, [UInt8](repeating: 0x41, count: 5_000), until: deadline)
            }
            #expect(control.contains("over its limit"))

            let body = try refusal { channel in
                let offer = WireProtocol.Offer(
                    name: WALFileName(ReplicatorSites.segmentName(1))!, size: 100,
                    checksum: checksum)
                try channel.send(.offer, offer.payload, until: deadline)
                let (kind, _) = try channel.receive(limit: { _ in 4_096 }, until: deadline)
                #expect(kind == .send)
                try channel.send(.body, [UInt8](repeating: 0, count: 10_000), until: deadline)
            }
            #expect(body.contains("over its limit"))

            let absurd = try refusal { channel in
                let text = "\(ReplicatorSites.segmentName(1)) 99999999999 \(checksum)"
                try channel.send(.offer, Array(text.utf8), until: deadline)
            }
            #expect(absurd.contains("is not a WAL file size"))

            let path = try refusal { channel in
                try channel.send(
                    .offer, Array("../../etc/passwd 10 \(checksum)".utf8), until: deadline)
            }
            #expect(path.contains("is not a WAL file name"))
            #expect(sites.archivedNames().isEmpty)
        }
    }

    static func object(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            as! [String: Any]
    }
}
