// p50/p95 latency of procedure search over HTTP: a throwaway cluster, the migrations, a
// tenant with a 5,000-procedure catalogue (the 51 real ones and generated variants), the
// API served in this process on loopback, and one keep-alive client sending searches one
// at a time with an API token. The goal is a p95 under 10 ms; the last line is the ratio.
// The CPU time per request, API and PostgreSQL, is printed too: on a machine busy with
// other work the latency stretches, the CPU time does not.

import BenchSupport
import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Referrals
import Security
import Telemetry
import Tenancy

let settings = SearchBenchSettings.fromEnvironment()
let goalMilliseconds = 10.0
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `body` on a thread of its own (the client's socket calls block).
func onThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

func nowMicroseconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1000
}

let cluster = try await TestCluster.create()
do {
    let database = try await cluster.createDatabase()
    let superuser = cluster.connectionString(database: database)
    let logger = Logger(label: "procedure-search-bench", level: .warning)
    let migrations = try MigrationSet.load(
        directory: repository.appendingPathComponent("migrations").path)
    _ = try await Migrator.withConnection(databaseURL: superuser, logger: logger) {
        try await $0.migrate(migrations)
    }

    let seed = try BenchSeed.make()
    try await cluster.psql(seed.sql, database: database)
    let csv = try CatalogueVariants.csv(
        realFile: repository.appendingPathComponent("data/procedure-catalogue.csv").path,
        rows: settings.catalogueRows)
    let file = try ProcedureCatalogueFile(csv: csv)
    let loop = try EventLoop(name: "bench-import")
    let importer = try await PostgresConnection.connect(
        PostgresConfiguration(connectionString: superuser, applicationName: "bench-import"),
        on: loop, logger: logger)
    let summary = try await ProcedureImporter.load(
        file, tenant: seed.tenant, connection: importer)
    await importer.close()
    loop.shutdown()
    try await cluster.psql("ANALYZE portal.procedures;", database: database)
    print("catalogue: \(summary.added) procedures (51 real, the rest generated variants)")

    let node = try await BenchAPINode.start(
        connectionString: cluster.connectionString(
            database: database, user: "portal_app", password: nil))
    let port = node.server.port
    let queries = SearchBenchSettings.queries
    let headers = ["Authorization": "Bearer \(seed.token)", "Accept": "application/json"]

    // The API over HTTP: warm up, check an answer, then measure.
    let postmaster = cluster.postmasterPID ?? 0
    let serverBefore = CPUTime.postgres(postmaster: postmaster)
    let deadline = ContinuousClock.now + settings.timeLimit
    typealias Outcome = (Latencies, [String: Latencies], Bool, Double)
    let outcome: Result<Outcome, any Error> = await onThread {
        do {
            let client = try LoopbackClient(
                port: port, host: "alliance.portal.test", headers: headers)
            for n in 0..<settings.warmUp {
                let answer = try client.get("/api/v1/procedures?\(queries[n % queries.count])")
                guard answer.status == 200 else {
                    let text = String(decoding: answer.body, as: UTF8.self)
                    throw LoopbackClient.ClientError(description: "\(answer.status): \(text)")
                }
            }
            let check = try client.get("/api/v1/procedures?q=mri+kne")
            guard String(decoding: check.body, as: UTF8.self).contains("\"241641004\"") else {
                throw LoopbackClient.ClientError(description: "mri kne did not find the knee MRI")
            }

            var all = Latencies()
            var byQuery: [String: Latencies] = [:]
            var finished = true
            let processBefore = CPUTime.process()
            let clientBefore = CPUTime.process(.thread)
            for n in 0..<settings.requests {
                if n % 100 == 0, ContinuousClock.now > deadline {
                    finished = false
                    break
                }
                let query = queries[n % queries.count]
                let start = nowMicroseconds()
                let answer = try client.get("/api/v1/procedures?\(query)")
                let elapsed = nowMicroseconds() - start
                guard answer.status == 200 else {
                    throw LoopbackClient.ClientError(description: "status \(answer.status)")
                }
                all.add(elapsed)
                byQuery[query, default: Latencies()].add(elapsed)
            }
            let clientCPU = CPUTime.process(.thread) - clientBefore
            let api = CPUTime.process() - processBefore - clientCPU
            return .success((all, byQuery, finished, api))
        } catch {
            return .failure(error)
        }
    }
    let (http, byQuery, finished, apiCPU) = try outcome.get()

    // Backends are counted once they have exited: close the pools, then give them a moment.
    await node.stop()
    try await Task.sleep(for: .milliseconds(500))
    let requestsSent = Double(settings.warmUp + 1 + http.count)
    let serverCPU = (CPUTime.postgres(postmaster: postmaster) - serverBefore) / requestsSent
    await cluster.remove()

    print("queries: \(queries.count) kinds in turn, one keep-alive connection, API token")
    for query in queries {
        if let latencies = byQuery[query] {
            print(latencies.line("  \(query.padding(toLength: 30, withPad: " ", startingAt: 0))"))
        }
    }
    let perRequest = apiCPU / Double(max(http.count, 1))
    print(
        String(
            format: "CPU per request: API %.0f us, PostgreSQL %.0f us (its backends over all "
                + "%.0f requests sent), together %.2f ms",
            perRequest * 1e6, serverCPU * 1e6, requestsSent, (perRequest + serverCPU) * 1e3))
    print(http.line("GET /api/v1/procedures over HTTP"))
    if !finished {
        print("stopped at the time limit after \(http.count) of \(settings.requests) requests")
    }
    let ratio = http.milliseconds(at: 0.95) / goalMilliseconds
    print("lower is better; under 1.00 meets the goal of a p95 under 10 ms")
    print("procedure search p95 / 10 ms goal: \(String(format: "%.2f", ratio))")
} catch {
    await cluster.remove()
    print("benchmark failed: \(error)")
    exit(1)
}
