import Foundation
import PortalTesting
import Testing

@testable import Replication

@Suite struct RetentionPlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func backup(_ label: String, daysAgo: Double, start: String) -> BackupManifest {
        let stop = self.now.addingTimeInterval(-daysAgo * 86_400)
        return BackupManifest(
            label: label, startWALFile: start, startLSN: "0/0", stopLSN: "0/0", timeline: 1,
            startTime: stop.addingTimeInterval(-60), stopTime: stop, serverVersion: "15",
            files: [])
    }

    @Test("the newest N are kept, and any younger than the age limit, whatever N says")
    func countOrAge() {
        let backups = [
            self.backup("a", daysAgo: 30, start: "000000010000000000000002"),
            self.backup("b", daysAgo: 10, start: "000000010000000000000005"),
            self.backup("c", daysAgo: 3, start: "000000010000000000000009"),
            self.backup("d", daysAgo: 1, start: "00000002000000000000000C"),
        ]
        let byCount = RetentionPlan(
            backups: backups.shuffled(), walFiles: [], keepBackups: 1, maxAgeDays: 0, now: self.now)
        #expect(byCount.backupsKept == ["d"])
        #expect(byCount.backupsToRemove == ["a", "b", "c"])

        let byAge = RetentionPlan(
            backups: backups, walFiles: [], keepBackups: 1, maxAgeDays: 7, now: self.now)
        #expect(byAge.backupsKept == ["c", "d"])

        let both = RetentionPlan(
            backups: backups, walFiles: [], keepBackups: 3, maxAgeDays: 2, now: self.now)
        #expect(both.backupsKept == ["b", "c", "d"])
        #expect(both.backupsToRemove == ["a"])
    }

    @Test("the newest backup is kept even when it is older than the age limit")
    func newestAlwaysKept() {
        let old = [self.backup("only", daysAgo: 400, start: "000000010000000000000002")]
        let plan = RetentionPlan(
            backups: old, walFiles: [], keepBackups: 0, maxAgeDays: 1, now: self.now)
        #expect(plan.backupsKept == ["only"])
        #expect(plan.backupsToRemove.isEmpty)
    }

    @Test("WAL before the oldest kept start goes on every timeline; history files stay")
    func walCut() {
        let backups = [
            self.backup("a", daysAgo: 30, start: "000000010000000000000002"),
            self.backup("b", daysAgo: 2, start: "000000010000000000000005"),
        ]
        let wal = [
            "00000001.history", "00000002.history", "000000010000000000000001",
            "000000010000000000000002", "000000010000000000000002.00000028.backup",
            "000000010000000000000004", "000000010000000000000004.partial",
            "000000020000000000000003", "000000010000000000000005",
            "000000010000000000000005.00000060.backup", "000000020000000000000006",
            "000000010000000100000000", "not-wal.tmp",
        ]
        let plan = RetentionPlan(
            backups: backups, walFiles: wal.shuffled(), keepBackups: 1, maxAgeDays: 0,
            now: self.now)
        #expect(plan.backupsToRemove == ["a"])
        #expect(
            plan.walToRemove == [
                "000000010000000000000001", "000000010000000000000002",
                "000000010000000000000002.00000028.backup", "000000010000000000000004",
                "000000010000000000000004.partial", "000000020000000000000003",
            ])
    }

    @Test("an archive without backups loses no WAL")
    func noBackupsNoCut() {
        let plan = RetentionPlan(
            backups: [], walFiles: ["000000010000000000000001"], keepBackups: 2, maxAgeDays: 7,
            now: self.now)
        #expect(plan.walToRemove.isEmpty && plan.backupsToRemove.isEmpty)
    }
}

@Suite(.serialized) struct RetentionTests {
    @Test("retain removes the backups past the count and the WAL before the oldest kept")
    func retainOnRealBackups() async throws {
        try await ArchivedPrimary.with(keepBackups: 2, maxAgeDays: nil) { sites in
            for round in 1...3 {
                try await sites.primary.psql(
                    "CREATE TABLE round_\(round) AS SELECT generate_series(1, 1000) AS id;")
                try await sites.switchAndArchive()
                let output = try await sites.replicator(["backup", "--config", sites.siteB])
                try #require(output.succeeded, "\(output.standardError)")
            }
            try await sites.switchAndArchive()
            let before = try sites.backups()
            try #require(before.count == 3)
            let wal = sites.archive + "/wal"
            let archived = try FileManager.default.contentsOfDirectory(atPath: wal)

            let output = try await sites.replicator(["retain", "--config", sites.siteB])
            #expect(output.succeeded, "\(output.standardError)")
            #expect(output.standardOutput.contains("removed backup \(before[0].label)"))

            let after = try sites.backups()
            #expect(after.map(\.label) == before.dropFirst().map(\.label))
            let cut = RetentionPlan.position(before[1].startWALFile)
            let left = try FileManager.default.contentsOfDirectory(atPath: wal)
            for name in archived {
                guard let file = WALFileName(name.replacingOccurrences(of: ".sha256", with: ""))
                else { continue }
                let shouldStay = file.kind == .history || RetentionPlan.position(file.name) >= cut
                #expect(left.contains(name) == shouldStay, "\(name)")
            }
            #expect(left.contains(before[1].startWALFile))
            #expect(archived.contains(where: { RetentionPlan.position($0) < cut }))

            // Nothing more to remove the second time.
            let again = try await sites.replicator(["retain", "--config", sites.siteB])
            #expect(again.standardOutput.contains("removed 0 backups and 0 WAL files"))
        }
    }

    @Test("retain refuses an archive with no retention rule configured, removing nothing")
    func noRuleNoRemoval() throws {
        let folder = NSTemporaryDirectory() + "retention-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: folder + "/archive/wal", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let segment = folder + "/archive/wal/000000010000000000000001"
        try Data("x".utf8).write(to: URL(fileURLWithPath: segment))
        let text = """
            {"listen": {"host": "127.0.0.1", "port": 7433}, "archiveDirectory": "archive",
             "tls": {"certificate": "b.pem", "privateKey": "b.key", "authority": "ca.pem"},
             "backup": {"connection": "host=127.0.0.1"}}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/site-b.json"))

        let configuration = try BackupConfiguration.load(path: folder + "/site-b.json")
        #expect(configuration.archiveDirectory == folder + "/archive")
        #expect {
            try Retention(configuration: configuration).apply()
        } throws: { error in
            (error as? BackupError)?.message.contains("no retention is configured") == true
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder + "/archive/wal")
                == ["000000010000000000000001"])
    }
}

@Suite struct RecoveryTimeTests {
    @Test("ISO 8601 times need a zone; PostgreSQL gets them with every fractional digit")
    func spelling() {
        #expect(Timestamp.parse("2026-12-04T16:30:00Z") != nil)
        #expect(Timestamp.parse("2026-12-04T17:30:00.123456+01:00") != nil)
        #expect(Timestamp.parse("2026-12-04T16:30:00") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(
            Restore.postgresTime("2026-12-04T16:30:00.123456Z") == "2026-12-04 16:30:00.123456+00")
        #expect(
            Restore.postgresTime("2026-12-04T17:30:00.5+01:00") == "2026-12-04 17:30:00.5+01:00")
    }
}
