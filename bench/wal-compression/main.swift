// Chooses the zlib level for shipping WAL between sites, by measurement: a throwaway cluster
// writes real WAL (pgbench's TPC-B-like load), and its finished segments are compressed at
// levels 1, 6 (zlib's default, the baseline) and 9 through the Replication module. Prints
// each level's size after compression and its throughput, then, last, the CPU time of level
// 1 against level 6 (lower is better: the share of level 6's cost that level 1 pays).

import BenchSupport
import Foundation
import PortalTesting
import Replication

let maximumSegments = max(1, Int(ProcessInfo.processInfo.environment["BENCH_SEGMENTS"] ?? "") ?? 8)

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Writes WAL with pgbench, then returns the finished segments (not the one being written).
func generateSegments(_ cluster: TestCluster) async throws -> [[UInt8]] {
    let pgbench = cluster.binaries.path("pgbench")
    let connection = [
        "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", TestCluster.superuser, "postgres",
    ]
    for arguments in [["-i", "-s", "10", "-q"], ["-c", "4", "-j", "2", "-t", "5000"]] {
        let output = try await ProcessRunner.run(
            pgbench, arguments + connection, timeout: .seconds(300))
        guard output.succeeded else { throw BenchFailure(description: output.standardError) }
    }
    _ = try await cluster.psql("SELECT pg_switch_wal();")

    let folder = cluster.dataDirectory + "/pg_wal"
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        .filter { WALFileName($0)?.kind == .segment }.sorted()
    return names.dropLast().suffix(maximumSegments).compactMap { name in
        FileManager.default.contents(atPath: folder + "/" + name).map { [UInt8]($0) }
    }
}

let cluster = try await TestCluster.create()
do {
    let segments = try await generateSegments(cluster)
    guard !segments.isEmpty else { throw BenchFailure(description: "no finished WAL segment") }
    let total = segments.reduce(0) { $0 + $1.count }
    print("\(segments.count) WAL segments of real pgbench WAL, \(total >> 20) MiB in all")

    var seconds: [Int32: Double] = [:]
    for level: Int32 in [1, 6, 9] {
        var compressed = 0
        let before = CPUTime.process(.thread)
        for segment in segments {
            compressed += try SegmentCompression.compress(segment, level: level).count
        }
        let spent = CPUTime.process(.thread) - before
        seconds[level] = spent
        let megabytes = Double(total) / 1_048_576
        print(
            String(
                format: "zlib level %d: %5.1f%% of the original size, %6.1f MiB/s of CPU",
                level, 100 * Double(compressed) / Double(total), megabytes / max(spent, 1e-9)))
    }

    await cluster.remove()
    let ratio = (seconds[1] ?? 0) / max(seconds[6] ?? 1, 1e-9)
    print("lower is better: the share of level 6's CPU time that level 1 needs")
    print("zlib level 1 / level 6 compression CPU ratio: \(String(format: "%.2f", ratio))")
} catch {
    await cluster.remove()
    throw error
}
