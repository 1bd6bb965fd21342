// Compares POST /api/v1/referrals over HTTP with pgbench running the same transaction,
// captured from the API's own statements, on the same throwaway cluster at the same
// concurrency. The sides take turns; medians of their rounds are compared, ratio last.

import BenchSupport
import Foundation
import PortalTesting
import Reactor

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "load" {
    exit(LoadGenerator.main(planPath: CommandLine.arguments[2]))
}

/// Runs one side and adds the CPU time each party spent on it. pgbench's backends are
/// counted once they have exited, so the pause lets them go.
func measured(
    _ postmaster: Int32, _ side: () async throws -> SideResult
) async throws -> SideResult {
    let postgres = CPUTime.postgres(postmaster: postmaster)
    let own = CPUTime.process()
    let children = CPUTime.process(.children)

    var result = try await side()
    try await Task.sleep(for: .milliseconds(300))

    result.postgresCPU = CPUTime.postgres(postmaster: postmaster) - postgres
    result.apiCPU = CPUTime.process() - own
    result.clientCPU = CPUTime.process(.children) - children
    return result
}

let settings = BenchSettings.fromEnvironment()
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let world = try await World.create(settings, repository: repository)
do {
    let captured = try await Capture.run(world: world, settings: settings)
    var script = PgbenchScript()
    let text = try script.render(
        known: captured.known.statements, knownValues: captured.known.values,
        new: captured.new.statements, newValues: captured.new.values)
    Report.header(settings, captured: captured, constants: script.constants.count)
    if let path = ProcessInfo.processInfo.environment["BENCH_SCRIPT"] {
        let definitions = script.constants.map { "-- -D \($0.name)=\($0.value)" }
        try Data((text + definitions.joined(separator: "\n") + "\n").utf8).write(
            to: URL(fileURLWithPath: path))
    }

    let loops = EventLoopGroup.coreCount
    let api = try InProcessAPI(world: world, loops: loops)
    let postmaster = world.cluster.postmasterPID ?? 0
    var run = 1
    // Referrals made so far (the two captured ones included), for the final check.
    var made = 2
    var http: [SideResult] = []
    var pgbench: [SideResult] = []
    for round in -1..<settings.rounds {
        let seconds = round < 0 ? settings.warmUpSeconds : settings.roundSeconds
        guard seconds > 0 else { continue }

        let viaHTTP = try await measured(postmaster) {
            try await HTTPRun.run(
                api: api, world: world, settings: settings, run: run, seconds: seconds)
        }
        let viaPgbench = try await measured(postmaster) {
            try await PgbenchRun.run(
                text, constants: script.constants, world: world, settings: settings,
                run: run + 1, seconds: seconds)
        }
        run += 2
        made += viaHTTP.requests + viaPgbench.requests
        Report.round(round, http: viaHTTP, pgbench: viaPgbench)
        if round >= 0 {
            http.append(viaHTTP)
            pgbench.append(viaPgbench)
        }
    }
    await api.stop()

    try await Report.check(world, settings, referrals: made)
    await world.cluster.remove()
    Report.summary(
        settings, loops: loops, http: SideSummary(rounds: http),
        pgbench: SideSummary(rounds: pgbench))
} catch {
    await world.cluster.remove()
    Report.say("benchmark failed: \(error)")
    exit(1)
}
