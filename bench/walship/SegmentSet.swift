import Foundation
import PortalTesting
import Replication

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The WAL both tools ship: finished 16 MiB segments that pgbench made on a throwaway
/// cluster, kept in `source/` beside the cluster's `pg_control` and `PG_VERSION` (which
/// pgBackRest reads to check the segments belong to its stanza).
struct SegmentSet {
    let source: String
    let names: [String]

    /// Loads the cluster with pgbench until at least `count` segments are finished (its
    /// initial load, its TPC-B-like run, then bursts of inserts, which write WAL fastest),
    /// then copies the last `count` of them out.
    static func generate(
        _ cluster: TestCluster, count: Int, into folder: String
    ) async throws -> SegmentSet {
        let pgbench = cluster.binaries.path("pgbench")
        let connection = [
            "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", TestCluster.superuser, "postgres",
        ]
        try await Self.pgbench(pgbench, ["-i", "-s", "\(max(1, count / 3))", "-q"] + connection)
        try await Self.pgbench(pgbench, ["-c", "4", "-j", "2", "-T", "10"] + connection)
        let script = folder + "/load.sql"
        try ArchiveLag.script.write(toFile: script, atomically: true, encoding: .utf8)
        try await cluster.psql("CREATE TABLE bench_load (id bigserial PRIMARY KEY, note text);")
        for _ in 0..<60 {
            let finished = try await Self.finishedSegments(cluster)
            if finished.count >= count { break }
            try await Self.pgbench(
                pgbench, ["-n", "-f", script, "-c", "4", "-j", "2", "-T", "5"] + connection)
        }
        let names = Array(try await Self.finishedSegments(cluster).suffix(count))
        guard names.count == count else {
            throw BenchFailure("pgbench made only \(names.count) of \(count) segments")
        }

        let source = folder + "/source"
        try FileManager.default.createDirectory(
            atPath: source + "/pg_wal", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: source + "/global", withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(
                atPath: cluster.dataDirectory + "/pg_wal/" + name,
                toPath: source + "/pg_wal/" + name)
        }
        try FileManager.default.copyItem(
            atPath: cluster.dataDirectory + "/global/pg_control",
            toPath: source + "/global/pg_control")
        try FileManager.default.copyItem(
            atPath: cluster.dataDirectory + "/PG_VERSION", toPath: source + "/PG_VERSION")
        return SegmentSet(source: source, names: names)
    }

    /// A fresh data-folder look-alike for one run: `pg_wal/` with the segments hard-linked
    /// from the source and an `archive_status/NAME.ready` for each, as PostgreSQL leaves
    /// them for the archiver.
    func stage(_ folder: String) throws -> String {
        let status = folder + "/pg_wal/archive_status"
        try FileManager.default.createDirectory(
            atPath: status, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: folder + "/global", withIntermediateDirectories: true)
        for file in ["global/pg_control", "PG_VERSION"] {
            try FileManager.default.copyItem(
                atPath: self.source + "/" + file, toPath: folder + "/" + file)
        }
        for name in self.names {
            guard link(self.source + "/pg_wal/" + name, folder + "/pg_wal/" + name) == 0 else {
                throw BenchFailure("cannot link \(name) into \(folder): errno \(errno)")
            }
            let ready = status + "/" + name + ".ready"
            _ = FileManager.default.createFile(atPath: ready, contents: nil)
        }
        Command.giveToServer(folder)
        return folder + "/pg_wal"
    }

    var totalBytes: Int { self.names.count * 16 << 20 }

    /// Segment names before the one being written, oldest first.
    private static func finishedSegments(_ cluster: TestCluster) async throws -> [String] {
        let current = try await cluster.psql("SELECT pg_walfile_name(pg_current_wal_lsn());")
        let names = try FileManager.default.contentsOfDirectory(
            atPath: cluster.dataDirectory + "/pg_wal")
        return names.filter { WALFileName($0)?.kind == .segment && $0 < current }.sorted()
    }

    private static func pgbench(_ program: String, _ arguments: [String]) async throws {
        let output = try await ProcessRunner.run(program, arguments, timeout: .seconds(300))
        guard output.succeeded else { throw BenchFailure("pgbench: \(output.standardError)") }
    }
}
