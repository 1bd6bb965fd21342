import HTTP
import Postgres
import Reactor
import Telemetry

/// One connection pool per event loop, so that a handler's queries run on its own loop's
/// connections without changing thread; plus the readiness check and the pool gauges.
final class DatabasePools: Sendable {
    let pools: [PostgresPool]
    private let logger: Logger

    init(
        connection: PostgresConfiguration, group: EventLoopGroup, logger: Logger
    ) throws(PostgresError) {
        var pools: [PostgresPool] = []
        for loop in group.loops {
            var configuration = PostgresPoolConfiguration(connection: connection)
            configuration.minimumConnections = 1
            pools.append(try PostgresPool(configuration: configuration, on: loop, logger: logger))
        }
        self.pools = pools
        self.logger = logger
    }

    /// The pool on the caller's loop, or the first one when called off every loop.
    func pool(for loop: EventLoop? = nil) -> PostgresPool {
        self.pools.first { $0.loop === loop || $0.loop.inEventLoop } ?? self.pools[0]
    }

    /// `/readyz`: the database this node writes to answers, and is not a standby
    /// (`pg_is_in_recovery()` is false). A connection to a server found in recovery is
    /// dropped, and an unreachable server fails at once, so readiness follows a failover
    /// as soon as the pool reaches the new primary. The server bounds the wait.
    func isWritable() async -> Bool {
        do throws(PostgresError) {
            return try await self.pool().isWritable()
        } catch {
            self.logger.debug("readiness check failed", [("error", .string(error.description))])
            return false
        }
    }

    /// Publishes each pool's use as gauges labelled `prefix` + its index, refreshed every
    /// `interval` on the pool's loop.
    func publishStatistics(
        to families: PoolGauges, named prefix: String, every interval: Duration = .seconds(1)
    ) throws(MetricsError) {
        for (index, pool) in self.pools.enumerated() {
            let name = prefix + String(index)
            let gauges = try (
                open: families.connections.labels(name, "open"),
                idle: families.connections.labels(name, "idle"),
                leased: families.connections.labels(name, "leased"),
                connecting: families.connections.labels(name, "connecting"),
                waiting: families.waiting.labels(name), inFlight: families.inFlight.labels(name)
            )
            Task(executorPreference: pool.loop) {
                while !Task.isCancelled {
                    let statistics = await pool.statistics
                    gauges.open.set(Double(statistics.open))
                    gauges.idle.set(Double(statistics.idle))
                    gauges.leased.set(Double(statistics.leased))
                    gauges.connecting.set(Double(statistics.connecting))
                    gauges.waiting.set(Double(statistics.waiting))
                    gauges.inFlight.set(Double(statistics.queriesInFlight))
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    func close() async {
        for pool in self.pools {
            await pool.close()
        }
    }
}

/// The gauge families every pool of a node reports into, registered once.
struct PoolGauges {
    let connections: MetricFamily<Gauge>
    let waiting: MetricFamily<Gauge>
    let inFlight: MetricFamily<Gauge>

    init(metrics: Metrics) throws(MetricsError) {
        self.connections = try metrics.gauge(
            "db_pool_connections", help: "Database connections by pool and state.",
            labels: ["pool", "state"])
        self.waiting = try metrics.gauge(
            "db_pool_waiting", help: "Callers waiting for a database connection.", labels: ["pool"])
        self.inFlight = try metrics.gauge(
            "db_pool_queries_in_flight", help: "Database queries in flight.", labels: ["pool"])
    }
}
