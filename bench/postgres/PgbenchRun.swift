import BenchSupport
import Foundation
import PortalTesting

/// The baseline: pgbench with prepared statements and a custom script, latencies from its
/// per-transaction log.
enum PgbenchRun {
    static let script = """
        \\set n random(1, 1000000000)
        INSERT INTO bench_items (payload) VALUES (:n) RETURNING id \\gset
        SELECT id, payload FROM bench_items WHERE id = :id;

        """

    static func run(on cluster: TestCluster, _ settings: BenchSettings) async throws -> BenchResult {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgbench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: "\(folder)/workload.sql"))

        let arguments = [
            "-n", "-M", "prepared", "-c", "\(settings.clients)", "-j", "2",
            "-t", "\(settings.transactions / settings.clients)", "-f", "\(folder)/workload.sql",
            "-l", "--log-prefix=\(folder)/log",
            "-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", TestCluster.superuser, "postgres",
        ]
        let output = try await ProcessRunner.run(
            cluster.binaries.path("pgbench"), arguments, timeout: settings.timeLimit)
        guard output.succeeded else {
            throw BenchFailure("pgbench failed: \(output.standardError)")
        }

        let latencies = try PgbenchReport.latencies(in: folder)
        guard let tps = PgbenchReport.throughput(output.standardOutput), !latencies.isEmpty else {
            throw BenchFailure("could not read pgbench's report:\n\(output.standardOutput)")
        }
        return BenchResult(
            transactions: latencies.count, seconds: Double(latencies.count) / tps,
            latencies: latencies)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
