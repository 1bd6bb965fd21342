import Foundation
import PortalTesting

/// How far the archive trails a primary under a steady pgbench write load, with
/// `archive_command = portal-replicator push`: every ~200 ms, the segment being written
/// (`pg_walfile_name(pg_current_wal_lsn())`) against `pg_stat_archiver.last_archived_wal`.
/// "Behind" counts finished segments not yet archived (0 when the archive holds everything
/// but the segment being written).
struct ArchiveLag {
    let samples: [Int]
    let segmentsWritten: Int
    let seconds: Int
    let failedArchives: Int

    var maximum: Int { self.samples.max() ?? 0 }
    var median: Double {
        let sorted = self.samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1
            ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// pgbench's transaction under load: a referral-sized insert burst, about 0.2 MiB of
    /// WAL each, so that a few dozen transactions a second write segments steadily.
    static let script = """
        INSERT INTO bench_load (note) SELECT md5(random()::text) || repeat('-', 120)
        FROM generate_series(1, 1000);

        """

    /// Runs pgbench with `script` at `rate` transactions a second for `seconds` while
    /// sampling; `folder` holds the script and pgbench's log.
    static func measure(
        _ cluster: TestCluster, seconds: Int, clients: Int, rate: Int, folder: String
    ) async throws -> ArchiveLag {
        let script = folder + "/load.sql"
        let log = folder + "/pgbench.log"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        Command.giveToServer(script)
        try await cluster.psql("CREATE TABLE bench_load (id bigserial PRIMARY KEY, note text);")
        let pgbench = cluster.binaries.path("pgbench")
        let connection = [
            "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", TestCluster.superuser, "postgres",
        ]
        try await Self.catchUp(cluster)
        let first = try await Self.position(cluster)

        let load = try Command.spawn(
            [
                pgbench, "-n", "-f", script, "-c", "\(clients)", "-j", "\(min(clients, 2))",
                "-T", "\(seconds)", "-R", "\(rate)",
            ] + connection, log: log)
        var samples: [Int] = []
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let next = ContinuousClock.now + .milliseconds(200)
            let (current, archived) = try await Self.position(cluster)
            samples.append(max(0, current - archived - 1))
            try await Task.sleep(until: next)
        }
        var status: Int32 = 0
        waitpid(load, &status, 0)
        let last = try await Self.position(cluster)
        let failed = try await cluster.psql("SELECT failed_count FROM pg_stat_archiver;")
        return ArchiveLag(
            samples: samples, segmentsWritten: last.current - first.current, seconds: seconds,
            failedArchives: Int(failed) ?? -1)
    }

    /// Waits until the archive holds every finished segment (after pgbench's set-up).
    private static func catchUp(_ cluster: TestCluster) async throws {
        try await cluster.psql("SELECT pg_switch_wal();")
        try await cluster.waitUntil("the archive catching up", timeout: .seconds(120)) {
            let (current, archived) = try await Self.position(cluster)
            return current - archived <= 1
        }
    }

    /// The segment numbers being written and last archived (16 MiB segments: 256 a log).
    private static func position(
        _ cluster: TestCluster
    ) async throws -> (current: Int, archived: Int) {
        let row = try await cluster.psql(
            """
            SELECT pg_walfile_name(pg_current_wal_lsn()) || '|' || coalesce(last_archived_wal, '')
            FROM pg_stat_archiver;
            """)
        let parts = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw BenchFailure("unexpected pg_stat_archiver row \(row)") }
        return (Self.number(parts[0]), parts[1].count == 24 ? Self.number(parts[1]) : 0)
    }

    private static func number(_ name: String) -> Int {
        let log = Int(name.dropFirst(8).prefix(8), radix: 16) ?? 0
        let segment = Int(name.dropFirst(16).prefix(8), radix: 16) ?? 0
        return log * 256 + segment
    }
}
