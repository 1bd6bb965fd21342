import Foundation
import PortalTesting
import Replication
import Security
import Topology

#if canImport(Glibc)
    import Glibc
#endif

/// Two sites on loopback for the replicator's tests: a private CA with `site-a` and
/// `site-b` certificates, a pg_wal-shaped folder at A (or a real cluster's), an archive
/// folder at B, both configuration files, and the daemons started as real processes.
/// `with` always stops the daemons and removes the folder.
final class ReplicatorSites: @unchecked Sendable {
    let folder: String
    private(set) var walDirectory: String
    let shipping: Shipping
    let receiverPort: Int
    let shipperMetricsPort: Int
    let receiverMetricsPort: Int
    var receiver: BackgroundProcess?
    var shipper: BackgroundProcess?
    private var started = 0

    var siteA: String { self.folder + "/site-a.json" }
    var siteB: String { self.folder + "/site-b.json" }
    var archive: String { self.folder + "/archive/wal" }
    var spool: String { self.folder + "/spool" }
    var controlSocket: String { self.folder + "/replicator.sock" }
    static var executable: String { BuiltProduct.path("portal-replicator") }

    /// Options for the shipper's configuration.
    struct Shipping {
        var streams = 2
        var lookahead = 8
        var backlogAlertSeconds = 60
    }

    init(walDirectory: String? = nil, shipping: Shipping = Shipping()) throws {
        self.folder = NSTemporaryDirectory() + "replicator-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: self.folder + "/pg_wal/archive_status", withIntermediateDirectories: true)
        chmod(self.folder, 0o755)
        self.walDirectory = walDirectory ?? self.folder + "/pg_wal"
        self.shipping = shipping
        self.receiverPort = try LoopbackPort.free()
        self.shipperMetricsPort = try LoopbackPort.free()
        self.receiverMetricsPort = try LoopbackPort.free()

        let authority = try CertificateAuthority(folder: self.folder + "/ca")
        _ = try authority.issue("site-a")
        _ = try authority.issue("site-b")
        try self.writeConfigurations(shipping)
    }

    static func with<Result>(
        walDirectory: String? = nil, shipping: Shipping = Shipping(),
        _ body: (ReplicatorSites) async throws -> Result
    ) async throws -> Result {
        let sites = try ReplicatorSites(walDirectory: walDirectory, shipping: shipping)
        do {
            let result = try await body(sites)
            await sites.close()
            return result
        } catch {
            await sites.close()
            throw error
        }
    }

    /// Points site A at another pg_wal (a real cluster's) and rewrites the configurations.
    func useWalDirectory(_ path: String) throws {
        self.walDirectory = path
        try self.writeConfigurations(self.shipping)
    }

    func writeConfigurations(_ shipping: Shipping) throws {
        let tls = { (name: String) in
            [
                "certificate": "ca/\(name).pem", "privateKey": "ca/\(name).key",
                "authority": "ca/ca.pem",
            ]
        }
        let siteA: [String: Any] = [
            "walDirectory": self.walDirectory,
            "controlSocket": self.controlSocket,
            "receiver": ["host": "127.0.0.1", "port": self.receiverPort, "serverName": "site-b"],
            "tls": tls("site-a"),
            "streams": shipping.streams, "lookahead": shipping.lookahead, "compressionLevel": 1,
            "metrics": ["host": "127.0.0.1", "port": self.shipperMetricsPort],
            "backlogAlertSeconds": shipping.backlogAlertSeconds,
        ]
        let siteB: [String: Any] = [
            "listen": ["host": "127.0.0.1", "port": self.receiverPort],
            "archiveDirectory": self.folder + "/archive",
            "tls": tls("site-b"),
            "prefetch": 4, "prefetchDirectory": self.spool,
            "metrics": ["host": "127.0.0.1", "port": self.receiverMetricsPort],
        ]
        try Self.write(siteA, to: self.siteA)
        try Self.write(siteB, to: self.siteB)
    }

    static func write(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    // MARK: Daemons

    func startReceiver(environment: [String: String] = [:]) async throws {
        self.started += 1
        let process = try BackgroundProcess.start(
            Self.executable, ["receive", "--config", self.siteB],
            environment: ["PORTAL_LOG_LEVEL": "debug"].merging(environment) { $1 },
            logPrefix: self.folder + "/receiver-\(self.started)")
        self.receiver = process
        try await Self.waitFor("the receiver to listen", process) {
            process.standardError.contains("\"started\"")
        }
    }

    func startShipper(environment: [String: String] = [:]) async throws {
        self.started += 1
        let process = try BackgroundProcess.start(
            Self.executable, ["ship", "--config", self.siteA],
            environment: ["PORTAL_LOG_LEVEL": "debug"].merging(environment) { $1 },
            logPrefix: self.folder + "/shipper-\(self.started)")
        self.shipper = process
        try await Self.waitFor("the shipper to start", process) {
            process.standardError.contains("\"started\"")
        }
    }

    func close() async {
        await self.shipper?.terminate()
        await self.receiver?.terminate()
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    static func waitFor(
        _ what: String, _ process: BackgroundProcess? = nil, timeout: Duration = .seconds(20),
        _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return }
            if let process, !process.isRunning {
                throw SitesError("gave up waiting for \(what): it exited: \(process.standardError)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw SitesError("gave up waiting for \(what) after \(timeout)")
    }

    // MARK: WAL at site A

    /// Writes `bytes` as `name` in pg_wal and marks it ready, as PostgreSQL does.
    func addReady(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: self.walDirectory + "/" + name))
        _ = FileManager.default.createFile(
            atPath: self.walDirectory + "/archive_status/\(name).ready", contents: Data())
    }

    /// Varied bytes that still compress a little, like WAL: a pseudo-random 64 KiB block
    /// for `seed`, repeated with each copy numbered, so every file and block differs.
    static func walBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1
        var block = [UInt8](repeating: 0, count: 65_536)
        for index in stride(from: 0, to: block.count, by: 4) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            block[index] = UInt8(truncatingIfNeeded: state >> 33)
            block[index + 1] = UInt8(truncatingIfNeeded: state >> 41)
            block[index + 2] = UInt8(truncatingIfNeeded: state >> 49)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var copy: UInt64 = 0
        while bytes.count < count {
            withUnsafeBytes(of: copy.littleEndian) { block.replaceSubrange(0..<8, with: $0) }
            bytes.append(contentsOf: block.prefix(count - bytes.count))
            copy += 1
        }
        return bytes
    }

    static func segmentName(_ number: Int, timeline: Int = 1) -> String {
        func hex(_ value: Int) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        return hex(timeline) + hex(number / 256) + hex(number % 256)
    }

    // MARK: Commands and observations

    func push(_ name: String, path: String? = nil) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.executable,
            ["push", "--config", self.siteA, path ?? self.walDirectory + "/" + name, name],
            timeout: .seconds(60))
    }

    func fetch(_ name: String, to path: String) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.executable, ["fetch", "--config", self.siteB, name, path], timeout: .seconds(30))
    }

    /// The archived names at B (without checksum files and temporaries), sorted.
    func archivedNames() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: self.archive)) ?? []
        return entries.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".sha256") }.sorted()
    }

    /// Checks that every archived file matches its stored checksum and `expected`.
    func verifyArchive(_ expected: [String: [UInt8]]) throws {
        let names = self.archivedNames()
        guard names == expected.keys.sorted() else {
            throw SitesError("archive holds \(names), expected \(expected.keys.sorted())")
        }
        let archive = try WALArchive(folder: self.archive)
        for name in names {
            let bytes = try archive.fetch(WALFileName(name)!)
            let stored = try String(
                contentsOfFile: self.archive + "/\(name).sha256", encoding: .utf8)
            guard let bytes,
                try SHA256.hex(bytes) == stored.trimmingCharacters(in: .whitespacesAndNewlines),
                bytes == expected[name]
            else {
                throw SitesError("\(name) at site B does not match what site A had")
            }
        }
    }

    /// One metric's value from a daemon's `/metrics`.
    static func metric(_ name: String, port: Int) throws -> Double? {
        let text = try HTTPGet.text(port: port, path: "/metrics")
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ")[1])
        }
        return nil
    }
}

struct SitesError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
