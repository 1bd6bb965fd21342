import Foundation
import PortalTesting
import Topology

/// Our side: `portal-replicator receive` as site B and `ship` as site A over mutual TLS on
/// loopback, with `push --config site-a.json %p %f` as the archive command.
final class Walship {
    let folder: String
    let siteA: String
    private var daemons: [pid_t] = []

    static let program = BuiltProduct.path("portal-replicator")

    /// Writes both sites' configuration for shipping the WAL in `walDirectory` to an archive
    /// in `folder`, at zlib `level` over `streams` streams, and starts both daemons.
    init(
        folder: String, walDirectory: String, authority: CertificateAuthority, streams: Int,
        level: Int
    ) throws {
        self.folder = folder
        self.siteA = folder + "/site-a.json"
        let siteB = folder + "/site-b.json"
        try FileManager.default.createDirectory(
            atPath: folder + "/archive", withIntermediateDirectories: true)
        let a = try authority.issue("site-a")
        let b = try authority.issue("site-b")
        let port = try PortPicker.free()
        try Self.write(
            [
                "walDirectory": walDirectory, "controlSocket": folder + "/replicator.sock",
                "receiver": ["host": "127.0.0.1", "port": port, "serverName": "site-b"],
                "tls": [
                    "certificate": a.certificate, "privateKey": a.privateKey,
                    "authority": authority.certificate,
                ],
                "streams": streams, "lookahead": 64, "compressionLevel": level,
            ], to: self.siteA)
        try Self.write(
            [
                "listen": ["host": "127.0.0.1", "port": port],
                "archiveDirectory": folder + "/archive",
                "tls": [
                    "certificate": b.certificate, "privateKey": b.privateKey,
                    "authority": authority.certificate,
                ],
            ], to: siteB)
        Command.giveToServer(folder)
        Command.giveToServer(authority.folder)

        self.daemons.append(
            try Command.spawn([Self.program, "receive", "--config", siteB], log: folder + "/b.log"))
        self.daemons.append(
            try Command.spawn(
                [Self.program, "ship", "--config", self.siteA], log: folder + "/a.log"))
        try self.waitForSocket()
    }

    /// The archive command for one file.
    func push(_ path: String, _ name: String) -> [String] {
        [Self.program, "push", "--config", self.siteA, path, name]
    }

    /// How many segments the archive holds.
    func archived() -> Int {
        let folder = self.folder + "/archive/wal"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.count == 24 }.count
    }

    /// The bytes of the archived segments.
    func storedBytes() -> Int {
        FolderSize.of(self.folder + "/archive/wal") { $0.count == 24 }
    }

    func stop() {
        self.daemons.reversed().forEach(Command.stop)
        self.daemons = []
    }

    private func waitForSocket() throws {
        for _ in 0..<250 {
            if FileManager.default.fileExists(atPath: self.folder + "/replicator.sock") { return }
            usleep(20_000)
        }
        throw BenchFailure("the shipping daemon made no control socket; see \(self.folder)/a.log")
    }

    private static func write(_ object: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: path))
    }
}
