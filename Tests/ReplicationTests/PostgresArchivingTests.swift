import Foundation
import PortalTesting
import Replication
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL primary whose archive_command is `portal-replicator push`.
@Suite("archiving a real primary")
struct PostgresArchivingTests {
    @Test("PostgreSQL archives through the daemon; site B's files match pg_wal; fetch returns them")
    func realPrimary() async throws {
        try await ReplicatorSites.with { sites in
            // As at a real site B: the archive and fetch's spool belong to PostgreSQL's
            // account, and fetch runs as that account (restore_command).
            let account = try Self.serverAccount()
            for folder in [sites.folder + "/archive", sites.spool, sites.folder + "/standby"] {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
                if let account { chown(folder, account.uid, account.gid) }
            }
            try await sites.startReceiver()
            let command =
                "\(ReplicatorSites.executable) push --config \(sites.siteA) %p %f"
            let options = TestCluster.Options(settings: [
                "archive_mode": "on", "archive_command": "'\(command)'",
            ])
            try await TestCluster.with(options) { cluster in
                let pgWal = cluster.dataDirectory + "/pg_wal"
                try sites.useWalDirectory(pgWal)
                try await sites.startShipper()

                try await cluster.psql("CREATE TABLE shipped (id int, note text);")
                for _ in 1...4 {
                    try await cluster.psql(
                        "INSERT INTO shipped SELECT g, repeat('x', 200) "
                            + "FROM generate_series(1, 2000) g; SELECT pg_switch_wal();")
                }
                try await Self.waitForArchived(cluster, atLeast: 4)

                let archived = sites.archivedNames()
                #expect(archived.count >= 4)
                let archive = try WALArchive(folder: sites.archive)
                var compared = 0
                for name in archived {
                    guard let local = FileManager.default.contents(atPath: pgWal + "/" + name)
                    else { continue }
                    let remote = try archive.fetch(WALFileName(name)!)
                    #expect(remote == [UInt8](local), "\(name)")
                    #expect(
                        FileManager.default.fileExists(
                            atPath: pgWal + "/archive_status/\(name).done"), "\(name) marked done")
                    compared += 1
                }
                #expect(compared >= 4)
                let failed = try await cluster.psql("SELECT failed_count FROM pg_stat_archiver;")
                #expect(failed == "0", "every push PostgreSQL made succeeded")

                // The standby's side: fetch re-verifies and hands the file over.
                let first = archived[0]
                let restored = sites.folder + "/standby/RECOVERYXLOG"
                let fetched = try await Self.fetchAsServer(sites, first, to: restored, account)
                #expect(fetched.status == 0, "\(fetched.standardError)")
                #expect(
                    FileManager.default.contents(atPath: restored).map { [UInt8]($0) }
                        == (try archive.fetch(WALFileName(first)!)))
                // ... and stages the following segments for the next calls.
                let next = archived[1]
                try await ReplicatorSites.waitFor("the next segment staged") {
                    FileManager.default.fileExists(atPath: sites.spool + "/" + next)
                }
                let second = try await Self.fetchAsServer(sites, next, to: restored, account)
                #expect(second.status == 0)
                #expect(
                    FileManager.default.contents(atPath: restored).map { [UInt8]($0) }
                        == (try archive.fetch(WALFileName(next)!)))
            }
        }
    }

    @Test("a standby built from the archive alone, through fetch, reaches the primary's position")
    func standbyFromArchive() async throws {
        try await ReplicatorSites.with { sites in
            let account = try Self.serverAccount()
            for folder in [sites.folder + "/archive", sites.spool] {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
                if let account { chown(folder, account.uid, account.gid) }
            }
            try await sites.startReceiver()
            let push = "\(ReplicatorSites.executable) push --config \(sites.siteA) %p %f"
            let options = TestCluster.Options(settings: [
                "archive_mode": "on", "archive_command": "'\(push)'",
            ])
            try await TestCluster.with(options) { primary in
                try sites.useWalDirectory(primary.dataDirectory + "/pg_wal")
                try await sites.startShipper()
                try await primary.psql("CREATE TABLE restored (id int, note text);")

                let fetch = "\(ReplicatorSites.executable) fetch --config \(sites.siteB) %f %p"
                let standby = try await TestCluster.archiveStandby(
                    of: primary, restoreCommand: fetch)
                do {
                    for _ in 1...3 {
                        try await primary.psql(
                            "INSERT INTO restored SELECT g, repeat('y', 300) "
                                + "FROM generate_series(1, 3000) g;")
                    }
                    let target = try await primary.psql(
                        "SELECT pg_walfile_name(pg_current_wal_lsn()), pg_current_wal_lsn();")
                    try await primary.psql("SELECT pg_switch_wal();")
                    let lsn = String(target.split(separator: "|")[1])

                    try await Self.waitForReplay(standby, to: lsn)
                    #expect(try await standby.psql("SELECT count(*) FROM restored;") == "9000")
                    #expect(try await standby.psql("SELECT pg_is_in_recovery();") == "t")
                    await standby.remove()
                } catch {
                    await standby.remove()
                    throw error
                }
            }
        }
    }

    /// Waits until `standby` has replayed WAL up to `lsn` from the archive.
    static func waitForReplay(_ standby: TestCluster, to lsn: String) async throws {
        let deadline = ContinuousClock.now + .seconds(40)
        while ContinuousClock.now < deadline {
            let reached = try? await standby.psql(
                "SELECT pg_last_wal_replay_lsn() >= '\(lsn)'::pg_lsn;")
            if reached == "t" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SitesError("the standby did not replay to \(lsn): \(standby.logTail())")
    }

    /// PostgreSQL's account when the tests run as root (the server cannot run as root).
    static func serverAccount() throws -> (uid: UInt32, gid: UInt32)? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else { throw SitesError("no postgres account") }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// `fetch` as restore_command runs it: as PostgreSQL's account.
    static func fetchAsServer(
        _ sites: ReplicatorSites, _ name: String, to path: String,
        _ account: (uid: UInt32, gid: UInt32)?
    ) async throws -> CommandOutput {
        let command = [ReplicatorSites.executable, "fetch", "--config", sites.siteB, name, path]
        guard account != nil else {
            return try await ProcessRunner.run(command[0], Array(command.dropFirst()))
        }
        let runuser =
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")
            ? "/usr/sbin/runuser" : "/sbin/runuser"
        return try await ProcessRunner.run(runuser, ["-u", "postgres", "--"] + command)
    }

    static func waitForArchived(_ cluster: TestCluster, atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let row = try await cluster.psql(
                "SELECT archived_count, failed_count FROM pg_stat_archiver;")
            let fields = row.split(separator: "|").compactMap { Int($0) }
            if let archived = fields.first, archived >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SitesError("PostgreSQL did not archive \(count) files: \(cluster.logTail())")
    }
}
