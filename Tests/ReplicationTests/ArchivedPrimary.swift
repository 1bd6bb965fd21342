import Foundation
import PortalTesting
import Replication
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Both sites of the archive path, for the backup and restore tests: a primary whose
/// `archive_command` is `portal-replicator push`, the shipping daemon beside it, the
/// receiving daemon with its archive, and TLS between them from a private CA. Everything
/// runs as the PostgreSQL account when the tests run as root, as it would in production.
final class ArchivedPrimary: Sendable {
    let folder: String
    let primary: TestCluster
    let siteA: String
    let siteB: String
    let archive: String
    private let daemons: [Process]

    private init(
        folder: String, primary: TestCluster, siteA: String, siteB: String, archive: String,
        daemons: [Process]
    ) {
        self.folder = folder
        self.primary = primary
        self.siteA = siteA
        self.siteB = siteB
        self.archive = archive
        self.daemons = daemons
    }

    /// Builds both sites, runs `body`, and always tears them down.
    static func with<Result>(
        keepBackups: Int = 2, maxAgeDays: Int? = 7,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ArchivedPrimary) async throws -> Result
    ) async throws -> Result {
        let sites = try await Self.create(keepBackups: keepBackups, maxAgeDays: maxAgeDays)
        do {
            let result = try await body(sites)
            await sites.remove()
            return result
        } catch {
            await sites.remove()
            throw error
        }
    }

    private static func create(
        keepBackups: Int, maxAgeDays: Int?
    ) async throws -> ArchivedPrimary {
        let folder = NSTemporaryDirectory() + "archived-primary-" + UUID().uuidString
        let archive = folder + "/archive"
        try FileManager.default.createDirectory(
            atPath: archive, withIntermediateDirectories: true)
        let authority = try CertificateAuthority(folder: folder + "/ca")
        let siteACert = try authority.issue("site-a")
        let siteBCert = try authority.issue("site-b")

        let siteA = folder + "/site-a.json"
        let siteB = folder + "/site-b.json"
        let push = Self.replicator + " push --config \(siteA) %p %f"
        let primary = try await TestCluster.create(
            TestCluster.Options(settings: [
                "archive_mode": "on", "archive_command": "'\(push)'", "archive_timeout": "0",
            ]))
        let port = try Self.freePort()
        try Self.writeJSON(
            [
                "walDirectory": primary.dataDirectory + "/pg_wal",
                "controlSocket": folder + "/replicator.sock",
                "receiver": ["host": "127.0.0.1", "port": port, "serverName": "site-b"],
                "tls": [
                    "certificate": siteACert.certificate, "privateKey": siteACert.privateKey,
                    "authority": authority.certificate,
                ],
                "streams": 4, "lookahead": 16, "compressionLevel": 1,
            ], to: siteA)
        var backup: [String: Any] = [
            "connection":
                "host=127.0.0.1 port=\(primary.port) user=\(TestCluster.superuser) dbname=postgres",
            "keepBackups": keepBackups,
        ]
        backup["maxAgeDays"] = maxAgeDays
        try Self.writeJSON(
            [
                "listen": ["host": "127.0.0.1", "port": port],
                "archiveDirectory": archive,
                "tls": [
                    "certificate": siteBCert.certificate, "privateKey": siteBCert.privateKey,
                    "authority": authority.certificate,
                ],
                "prefetch": 4, "prefetchDirectory": folder + "/spool",
                "backup": backup,
            ], to: siteB)
        try Self.giveToServerAccount(folder)

        var daemons: [Process] = []
        do {
            daemons.append(try Self.launch(["receive", "--config", siteB], log: folder + "/b.log"))
            daemons.append(try Self.launch(["ship", "--config", siteA], log: folder + "/a.log"))
        } catch {
            daemons.forEach { $0.terminate() }
            await primary.remove()
            throw error
        }
        return ArchivedPrimary(
            folder: folder, primary: primary, siteA: siteA, siteB: siteB, archive: archive,
            daemons: daemons)
    }

    func remove() async {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: self.folder)) ?? []
        for entry in entries {
            try? await RestoredCluster.stop(self.folder + "/" + entry)
        }
        for daemon in self.daemons where daemon.isRunning {
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
        }
        await self.primary.remove()
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// Switches to a new WAL segment and waits until the archive at site B holds the one
    /// just finished; returns the primary's LSN after the switch.
    @discardableResult
    func switchAndArchive() async throws -> String {
        let finished = try await self.primary.psql(
            "SELECT pg_walfile_name(pg_switch_wal());")
        let lsn = try await self.primary.psql("SELECT pg_current_wal_lsn();")
        let path = self.archive + "/wal/" + finished
        try await self.primary.waitUntil("\(finished) archived at site B", timeout: .seconds(60)) {
            FileManager.default.fileExists(atPath: path)
        }
        return lsn
    }

    /// Runs `portal-replicator` (as the server account when root) to its end.
    func replicator(_ arguments: [String]) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.asServer[0], Array(Self.asServer.dropFirst()) + [Self.replicator] + arguments,
            timeout: .seconds(120))
    }

    /// Runs `portalctl` (as the server account when root) to its end.
    func portalctl(_ arguments: [String]) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.asServer[0],
            Array(Self.asServer.dropFirst()) + [BuiltProduct.path("portalctl")] + arguments,
            timeout: .seconds(180))
    }

    /// A fresh path inside this fixture's folder, not yet created.
    func path(_ name: String) -> String {
        self.folder + "/" + name + "-" + UUID().uuidString.prefix(8)
    }

    /// The finished backups' manifests in the archive, oldest first.
    func backups() throws -> [BackupManifest] {
        try BackupCatalog(folder: self.archive + "/backups").backups().map(\.manifest)
    }

    static let replicator = BuiltProduct.path("portal-replicator")

    /// The prefix that runs a command as the PostgreSQL account when this process is root.
    static let asServer: [String] =
        getuid() == 0
        ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        : ["/usr/bin/env"]

    private static func launch(_ arguments: [String], log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.asServer[0])
        process.arguments = Array(Self.asServer.dropFirst()) + [Self.replicator] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        return process
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func writeJSON(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Hands the whole folder to the PostgreSQL account when running as root.
    static func giveToServerAccount(_ folder: String) throws {
        guard getuid() == 0, let account = getpwnam("postgres") else { return }
        let (uid, gid) = (account.pointee.pw_uid, account.pointee.pw_gid)
        chown(folder, uid, gid)
        let walker = FileManager.default.enumerator(atPath: folder)
        while let relative = walker?.nextObject() as? String {
            chown(folder + "/" + relative, uid, gid)
        }
    }
}
