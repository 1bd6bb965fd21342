// Compares the Postgres module's pool with pgbench on the same throwaway cluster and the same
// workload: each transaction is a prepared INSERT ... RETURNING id and a SELECT by that id,
// run by 16 concurrent clients. Prints throughput and latency for both, and the ratio last.

import BenchSupport
import Foundation
import PortalTesting

/// Runs one side and adds the CPU time the server and the client spent on it. The server's
/// backends are counted once they have exited, so the pause lets them go.
func measured(
    _ postmaster: Int32, children: Bool, _ side: () async throws -> BenchResult
) async throws -> BenchResult {
    let serverBefore = CPUTime.postgres(postmaster: postmaster)
    let clientBefore = CPUTime.process(children ? .children : .process)

    var result = try await side()
    try await Task.sleep(for: .milliseconds(500))

    result.serverCPU = CPUTime.postgres(postmaster: postmaster) - serverBefore
    result.clientCPU = CPUTime.process(children ? .children : .process) - clientBefore
    return result
}

let settings = BenchSettings.fromEnvironment()
let cluster = try await TestCluster.create()
do {
    try await cluster.psql(BenchSettings.schema)
    print(
        "workload: \(settings.transactions) transactions of INSERT ... RETURNING id + SELECT by id,"
    )
    print(
        "          \(settings.clients) concurrent clients, one throwaway cluster (port \(cluster.port))"
    )

    print("          \(settings.rounds) alternating rounds per side, totals below")

    let postmaster = cluster.postmasterPID ?? 0
    var baseline = BenchResult.none
    var module = BenchResult.none
    for _ in 0..<settings.rounds {
        baseline = baseline.adding(
            try await measured(postmaster, children: true) {
                try await PgbenchRun.run(on: cluster, settings.round)
            })
        module = module.adding(
            try await measured(postmaster, children: false) {
                try await ModuleRun.run(on: cluster, settings.round)
            })
    }
    print(baseline.line(label: "pgbench -M prepared -c \(settings.clients) -j 2"))
    let shape = "\(settings.loops) loops x \(settings.poolConnections) conns"
    print(module.line(label: "postgres module (\(shape))"))

    await cluster.remove()
    let ratio = module.throughput / baseline.throughput
    print("postgres module / pgbench throughput ratio: \(String(format: "%.2f", ratio))")
} catch {
    await cluster.remove()
    print("benchmark failed: \(error)")
    exit(1)
}
