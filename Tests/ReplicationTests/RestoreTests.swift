import Foundation
import PortalTesting
import Testing

@testable import Replication

@Suite(.serialized) struct RestoreTests {
    @Test("a restore to a moment has exactly the rows committed before it")
    func pointInTime() async throws {
        try await ArchivedPrimary.with { sites in
            let backup = try await sites.replicator(["backup", "--config", sites.siteB])
            try #require(backup.succeeded, "\(backup.standardError)")

            try await sites.primary.psql(
                """
                CREATE TABLE visits (id int PRIMARY KEY);
                INSERT INTO visits SELECT generate_series(1, 100);
                INSERT INTO visits SELECT generate_series(101, 137);
                """)
            let moment = try await sites.primary.psql(
                """
                SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
                """)
            try await sites.primary.psql(
                """
                INSERT INTO visits SELECT generate_series(138, 200);
                DELETE FROM visits WHERE id <= 10;
                """)
            try await sites.switchAndArchive()

            let directory = sites.path("restored")
            let port = try ArchivedPrimary.freePort()
            let restore = try await sites.portalctl([
                "restore", "--to", moment, directory, "--config", sites.siteB,
                "--port", String(port), "--start",
            ])
            try #require(restore.succeeded, "\(restore.standardError)\n\(restore.standardOutput)")
            #expect(restore.standardOutput.contains("promoted"))

            let rows = try await RestoredCluster.query(
                port: port, "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM visits;")
            #expect(rows == "137 1 137")
            let recovering = try await RestoredCluster.query(
                port: port, "SELECT pg_is_in_recovery();")
            #expect(recovering == "f")
            try await RestoredCluster.stop(directory)
        }
    }

    @Test("bad restore requests are refused clearly and change nothing")
    func badRequests() async throws {
        try await ArchivedPrimary.with { sites in
            let backup = try await sites.replicator(["backup", "--config", sites.siteB])
            try #require(backup.succeeded, "\(backup.standardError)")
            let directory = sites.path("refused")

            let unparseable = try await sites.portalctl([
                "restore", "--to", "yesterday at noon", directory, "--config", sites.siteB,
            ])
            #expect(unparseable.status == 2)
            #expect(unparseable.standardError.contains("not an ISO 8601 time"))

            let zoneless = try await sites.portalctl([
                "restore", "--to", "2026-12-04T16:30:00", directory, "--config", sites.siteB,
            ])
            #expect(zoneless.status == 2)

            let early = try await sites.portalctl([
                "restore", "--to", "2001-01-01T00:00:00Z", directory, "--config", sites.siteB,
            ])
            #expect(early.status == 1)
            #expect(early.standardError.contains("before every backup finished"))
            #expect(!FileManager.default.fileExists(atPath: directory))

            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: false)
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))
            try ArchivedPrimary.giveToServerAccount(directory)
            let occupied = try await sites.portalctl([
                "restore", "--to", Timestamp.format(Date()), directory, "--config", sites.siteB,
            ])
            #expect(occupied.status == 1)
            #expect(occupied.standardError.contains("is not empty"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["notes.txt"])

            let misspelt = sites.path("misspelt") + ".json"
            try Data(#"{"archiveDirectory": "/tmp", "listen": {}, "retain": 3}"#.utf8).write(
                to: URL(fileURLWithPath: misspelt))
            let unknown = try await sites.portalctl([
                "restore", "--standby", sites.path("other"), "--config", misspelt,
            ])
            #expect(unknown.status == 1)
            #expect(unknown.standardError.contains("unknown key retain"))

            // A byte flipped in the stored backup is caught, and the half-made folder goes.
            let stored = try #require(try sites.backups().last)
            let victim = sites.archive + "/backups/" + stored.label + "/data/PG_VERSION"
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: victim)))
            bytes[0] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: victim))
            let damaged = sites.path("damaged")
            let corrupt = try await sites.portalctl([
                "restore", "--to", Timestamp.format(Date()), damaged, "--config", sites.siteB,
            ])
            #expect(corrupt.status == 1)
            let reason = "PG_VERSION in backup \(stored.label) has SHA-256"
            #expect(corrupt.standardError.contains(reason))
            #expect(!FileManager.default.fileExists(atPath: damaged))
        }
    }
}
