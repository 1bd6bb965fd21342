import Foundation
import PortalTesting
import Testing

@testable import Replication

@Suite(.serialized) struct BackupTests {
    @Test("a base backup lands whole in the archive, each file's SHA-256 recorded")
    func backupIsRecorded() async throws {
        try await ArchivedPrimary.with { sites in
            try await sites.primary.psql("CREATE TABLE marker AS SELECT 1 AS id;")
            let output = try await sites.replicator(["backup", "--config", sites.siteB])
            #expect(output.succeeded, "\(output.standardError)")

            let backups = try sites.backups()
            let backup = try #require(backups.first)
            #expect(backups.count == 1)
            #expect(output.standardOutput.contains(backup.label))
            #expect(backup.timeline == 1)
            #expect(backup.startWALFile.hasPrefix("00000001"))
            #expect(backup.startTime <= backup.stopTime)
            #expect(backup.files.contains { $0.path == "PG_VERSION" })
            #expect(backup.files.contains { $0.path == "backup_label" })

            // Every file on disk is in the manifest with its digest, and nothing is hidden
            // half-made beside it.
            let data = sites.archive + "/backups/" + backup.label + "/data"
            for file in backup.files {
                let digest = try FileDigest.sha256(of: data + "/" + file.path)
                #expect(digest.hex == file.sha256 && digest.size == file.size, "\(file.path)")
            }
            let names = try FileManager.default.contentsOfDirectory(
                atPath: sites.archive + "/backups")
            #expect(names == [backup.label])

            // The backup's WAL reached the archive before the backup was called finished.
            #expect(
                FileManager.default.fileExists(
                    atPath: sites.archive + "/wal/" + backup.startWALFile))
        }
    }

    @Test("a standby built from the archive alone replays to the primary's position")
    func standbyFromArchiveAlone() async throws {
        try await ArchivedPrimary.with { sites in
            let output = try await sites.replicator(["backup", "--config", sites.siteB])
            try #require(output.succeeded, "\(output.standardError)")

            try await sites.primary.psql(
                """
                CREATE TABLE readings (id int PRIMARY KEY, note text);
                INSERT INTO readings SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
                """)
            _ = try await sites.switchAndArchive()
            try await sites.primary.psql("UPDATE readings SET note = 'y' WHERE id % 3 = 0;")
            let target = try await sites.switchAndArchive()

            let directory = sites.path("standby")
            let port = try ArchivedPrimary.freePort()
            let restore = try await sites.portalctl([
                "restore", "--standby", directory, "--config", sites.siteB,
                "--port", String(port), "--start", "--timeout", "60",
            ])
            try #require(restore.succeeded, "\(restore.standardError)\n\(restore.standardOutput)")

            // No primary_conninfo: every byte it replays came through restore_command.
            let settings = try String(
                contentsOfFile: directory + "/postgresql.auto.conf", encoding: .utf8)
            #expect(!settings.contains("primary_conninfo"))
            #expect(FileManager.default.fileExists(atPath: directory + "/standby.signal"))

            let what = "the standby replays to \(target)"
            try await sites.primary.waitUntil(what, timeout: .seconds(90)) {
                let replayed = try await RestoredCluster.query(
                    port: port, "SELECT pg_last_wal_replay_lsn() >= '\(target)'::pg_lsn;")
                return replayed == "t"
            }
            let count = try await RestoredCluster.query(
                port: port, "SELECT count(*) FROM readings WHERE note = 'y';")
            #expect(count == "6666")
            try await RestoredCluster.stop(directory)
        }
    }

    @Test("an unknown configuration key or an unreachable primary fails and stores nothing")
    func badBackupInputs() async throws {
        try await ArchivedPrimary.with { sites in
            var config =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: sites.siteB))) as! [String: Any]
            config["archiveDirectry"] = "/tmp/elsewhere"
            let misspelt = sites.path("misspelt") + ".json"
            try JSONSerialization.data(withJSONObject: config).write(
                to: URL(fileURLWithPath: misspelt))
            try ArchivedPrimary.giveToServerAccount(misspelt)

            let unknown = try await sites.replicator(["backup", "--config", misspelt])
            #expect(unknown.status == 2)
            #expect(unknown.standardError.contains("unknown key archiveDirectry"))

            config["archiveDirectry"] = nil
            var backup = config["backup"] as! [String: Any]
            let closed = try ArchivedPrimary.freePort()
            backup["connection"] = "host=127.0.0.1 port=\(closed) user=postgres dbname=postgres"
            config["backup"] = backup
            let unreachable = sites.path("unreachable") + ".json"
            try JSONSerialization.data(withJSONObject: config).write(
                to: URL(fileURLWithPath: unreachable))
            try ArchivedPrimary.giveToServerAccount(unreachable)

            let failed = try await sites.replicator(["backup", "--config", unreachable])
            #expect(failed.status == 1)
            #expect(failed.standardError.contains("pg_basebackup failed"))
            #expect(failed.standardError.contains("connect"))

            let left =
                (try? FileManager.default.contentsOfDirectory(atPath: sites.archive + "/backups"))
                ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }
}
