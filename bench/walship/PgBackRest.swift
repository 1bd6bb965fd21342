import Foundation
import PortalTesting
import Topology

/// The baseline: pgBackRest's `archive-push` in asynchronous mode (`archive-async=y`,
/// `process-max` parallel processes), its repository behind its own TLS server on loopback
/// (`pgbackrest server`, `repo1-host-type=tls`) with certificates from the same private CA.
///
/// pgBackRest checks the server's certificate against the host name by DNS name only, so
/// the server's certificate is issued for `localhost` and the client connects to that
/// name (which resolves to 127.0.0.1 here).
final class PgBackRest {
    let folder: String
    let clientConfig: String
    /// Whether the repository is reached through pgBackRest's TLS server.
    let overTLS: Bool
    private var server: pid_t?

    static let program = "/usr/bin/pgbackrest"
    static let stanza = "bench"

    /// Configures a repository in `folder`, starts its TLS server (unless `overTLS` is
    /// false: then the repository is a local folder), and creates the stanza from `cluster`
    /// (which must be the cluster that wrote the WAL); `pgPath` is the data folder
    /// look-alike archive-push reads. `compression` nil leaves pgBackRest's default.
    init(
        folder: String, cluster: TestCluster, pgPath: String, authority: CertificateAuthority,
        processes: Int, compression: (type: String, level: Int)?, overTLS: Bool = true
    ) throws {
        self.folder = folder
        self.overTLS = overTLS
        for sub in ["repo", "log", "lock", "spool"] {
            try FileManager.default.createDirectory(
                atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        let server = try authority.issue("localhost")
        let client = try authority.issue("site-a")
        let port = try PortPicker.free()

        let serverConfig = folder + "/server.conf"
        try """
        [global]
        log-path=\(folder)/log
        lock-path=\(folder)/lock
        tls-server-address=127.0.0.1
        tls-server-port=\(port)
        tls-server-cert-file=\(server.certificate)
        tls-server-key-file=\(server.privateKey)
        tls-server-ca-file=\(authority.certificate)
        tls-server-auth=site-a=\(Self.stanza)

        """.write(toFile: serverConfig, atomically: true, encoding: .utf8)

        var compressionLines = ""
        if let compression {
            compressionLines =
                "compress-type=\(compression.type)\ncompress-level=\(compression.level)\n"
        }
        let remote = """
            repo1-host=localhost
            repo1-host-type=tls
            repo1-host-port=\(port)
            repo1-host-ca-file=\(authority.certificate)
            repo1-host-cert-file=\(client.certificate)
            repo1-host-key-file=\(client.privateKey)

            """
        let common = """
            [global]
            repo1-path=\(folder)/repo
            \(overTLS ? remote : "")log-path=\(folder)/log
            lock-path=\(folder)/lock
            spool-path=\(folder)/spool
            archive-async=y
            process-max=\(processes)
            \(compressionLines)
            """
        self.clientConfig = folder + "/push.conf"
        try (common + "[\(Self.stanza)]\npg1-path=\(pgPath)\n")
            .write(toFile: self.clientConfig, atomically: true, encoding: .utf8)
        let stanzaConfig = folder + "/stanza.conf"
        try
            (common
            + "[\(Self.stanza)]\npg1-path=\(cluster.dataDirectory)\npg1-port=\(cluster.port)\n"
            + "pg1-socket-path=\(cluster.socketDirectory)\npg1-user=\(TestCluster.superuser)\n")
            .write(toFile: stanzaConfig, atomically: true, encoding: .utf8)
        Command.giveToServer(folder)
        Command.giveToServer(authority.folder)

        if overTLS {
            self.server = try Command.spawn(
                [Self.program, "server", "--config=\(serverConfig)"], log: folder + "/server.out")
        }
        var created: Int32 = -1
        for _ in 0..<50 where created != 0 {
            usleep(100_000)
            created = try Command.run(
                [
                    Self.program, "--config=\(stanzaConfig)", "--stanza=\(Self.stanza)",
                    "stanza-create",
                ],
                log: folder + "/stanza.out")
        }
        guard created == 0 else {
            self.stop()
            throw BenchFailure("pgbackrest stanza-create failed; see \(folder)/stanza.out")
        }
    }

    /// The archive command for one file.
    func push(_ path: String, _ name: String) -> [String] {
        [
            Self.program, "--config=\(self.clientConfig)", "--stanza=\(Self.stanza)",
            "archive-push", path,
        ]
    }

    /// How many segments the repository holds.
    func archived() -> Int {
        let root = self.folder + "/repo/archive/\(Self.stanza)"
        let walker = FileManager.default.enumerator(atPath: root)
        var count = 0
        while let path = walker?.nextObject() as? String {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let segment = name.count > 24 && name.prefix(24).allSatisfy(\.isHexDigit)
            if segment, !name.contains(".backup") {
                count += 1
            }
        }
        return count
    }

    /// The bytes of the archived segments in the repository.
    func storedBytes() -> Int {
        FolderSize.of(self.folder + "/repo/archive/\(Self.stanza)") {
            $0.count > 24 && $0.prefix(24).allSatisfy(\.isHexDigit) && !$0.contains(".backup")
        }
    }

    func stop() {
        if let server = self.server {
            Command.stop(server)
            self.server = nil
        }
    }
}
