import PortalTesting
import Postgres
import Reactor
import Telemetry

/// The same workload through the Postgres module as an API node runs it: one event loop per
/// pgbench thread (`-j 2`), a pool on each, and the 16 client tasks spread over the loops,
/// each running INSERT ... RETURNING id then SELECT by that id and checking the row.
enum ModuleRun {
    static func run(on cluster: TestCluster, _ settings: BenchSettings) async throws -> BenchResult {
        let loops = try (0..<settings.loops).map { try EventLoop(name: "bench-\($0)") }
        defer { loops.forEach { $0.shutdown() } }
        var configuration = PostgresPoolConfiguration(
            connection: PostgresConfiguration(
                connectionString: cluster.connectionString(), applicationName: "postgres-bench"))
        configuration.minimumConnections = settings.poolConnections
        configuration.maximumConnections = settings.poolConnections
        let logger = Logger(label: "bench", level: .warning)
        let pools = try loops.map {
            try PostgresPool(configuration: configuration, on: $0, logger: logger)
        }

        _ = try await Self.clients(pools, perClient: 50, settings: settings)

        let start = Monotonic.now()
        let latencies = try await Self.clients(
            pools, perClient: settings.transactions / settings.clients, settings: settings)
        let seconds = Double(Monotonic.now() - start) / 1e9
        for pool in pools { await pool.close() }

        return BenchResult(transactions: latencies.count, seconds: seconds, latencies: latencies)
    }

    /// Runs the clients to completion (or the time limit) and returns every latency in µs.
    private static func clients(
        _ pools: [PostgresPool], perClient: Int, settings: BenchSettings
    ) async throws -> [Double] {
        let deadline = Monotonic.now() + settings.timeLimit.nanoseconds
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<settings.clients {
                let pool = pools[client % pools.count]
                group.addTask(executorPreference: pool.loop) {
                    try await Self.client(client, pool, count: perClient, deadline: deadline)
                }
            }
            return try await group.reduce(into: []) { $0.append(contentsOf: $1) }
        }
    }

    private static func client(
        _ client: Int, _ pool: PostgresPool, count: Int, deadline: Int64
    ) async throws -> [Double] {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var random = SplitMix(seed: UInt64(client) &+ 1)

        for _ in 0..<count {
            let started = Monotonic.now()
            guard started < deadline else { break }

            let payload = Int64.random(in: 1...1_000_000_000, using: &random)
            let inserted = try await pool.query(
                "INSERT INTO bench_items (payload) VALUES (\(payload)) RETURNING id")
            let id = try inserted[0].decode(Int64.self, at: 0)
            let selected = try await pool.query(
                "SELECT id, payload FROM bench_items WHERE id = \(id)")
            guard try selected[0].decode(Int64.self, at: 1) == payload else {
                throw BenchFailure("client \(client) read back a different payload for id \(id)")
            }

            latencies.append(Double(Monotonic.now() - started) / 1000)
        }
        return latencies
    }
}

/// A cheap pseudo-random generator, so that drawing payloads costs no system call (pgbench's
/// own generator costs none either).
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
