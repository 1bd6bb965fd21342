// Compares the Postgres module's pool with pgbench on the same throwaway cluster and the same
// workload: each transaction is a prepared INSERT ... RETURNING id and a SELECT by that id,
// run by 16 concurrent clients. Prints throughput and latency for both, and the ratio last.

import Foundation
import PortalTesting

let settings = BenchSettings.fromEnvironment()
let cluster = try await TestCluster.create()
do {
    try await cluster.psql(BenchSettings.schema)
    print("workload: \(settings.transactions) transactions of INSERT ... RETURNING id + SELECT by id,")
    print("          \(settings.clients) concurrent clients, one throwaway cluster (port \(cluster.port))")

    let baseline = try await PgbenchRun.run(on: cluster, settings)
    print(baseline.line(label: "pgbench -M prepared -c \(settings.clients) -j 2"))

    let module = try await ModuleRun.run(on: cluster, settings)
    print(module.line(label: "postgres module (pool, max \(settings.poolConnections) conns)"))

    await cluster.remove()
    let ratio = module.throughput / baseline.throughput
    print("postgres module / pgbench throughput ratio: \(String(format: "%.2f", ratio))")
} catch {
    await cluster.remove()
    print("benchmark failed: \(error)")
    exit(1)
}
