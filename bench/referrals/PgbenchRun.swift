import BenchSupport
import Foundation
import PortalTesting

/// The baseline: pgbench running the captured transaction as portal_app (so row-level
/// security costs the same), prepared statements, as many clients as HTTP connections,
/// latencies from its per-transaction log.
enum PgbenchRun {
    static func run(
        _ script: String, constants: [(name: String, value: String)], world: World,
        settings: BenchSettings, run: Int, seconds: Int
    ) async throws -> SideResult {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("referrals-pgbench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(script.utf8).write(to: URL(fileURLWithPath: "\(folder)/referral.sql"))

        var definitions = [
            ("seq", "0"), ("first", "\(settings.firstSerial(run: run))"),
            ("per_client", "\(BenchSettings.perClientLimit)"),
            ("patients", "\(settings.patients)"), ("known_percent", "\(settings.knownPercent)"),
        ]
        definitions += constants.map { ($0.name, $0.value) }
        let arguments =
            [
                "-n", "-M", "prepared", "-c", "\(settings.clients)", "-j", "\(settings.threads)",
                "-T", "\(seconds)", "-f", "\(folder)/referral.sql",
                "-l", "--log-prefix=\(folder)/log",
            ] + definitions.flatMap { ["-D", "\($0.0)=\($0.1)"] }
            + [
                "-h", "127.0.0.1", "-p", "\(world.cluster.port)", "-U", "portal_app",
                world.database,
            ]
        let output = try await ProcessRunner.run(
            world.cluster.binaries.path("pgbench"), arguments, timeout: .seconds(seconds + 60))
        guard output.succeeded, !output.standardError.contains("aborted") else {
            throw BenchFailure(
                "pgbench failed:\n\(output.standardError.suffix(3000))\n\(output.standardOutput)")
        }

        let latencies = try PgbenchReport.latencies(in: folder)
        guard let tps = PgbenchReport.throughput(output.standardOutput), !latencies.isEmpty else {
            throw BenchFailure("could not read pgbench's report:\n\(output.standardOutput)")
        }
        return SideResult(
            requests: latencies.count, seconds: Double(latencies.count) / tps,
            latencies: latencies)
    }
}
