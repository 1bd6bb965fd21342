import Foundation

/// The benchmark's knobs, from the environment, with the defaults the comparison is made at.
struct BenchSettings: Sendable {
    /// Transactions per side, split evenly between the clients.
    var transactions = 100_000
    var clients = 16
    /// Event loops on the module's side, each with its own pool (pgbench runs `-j 2`).
    var loops = 2
    /// Connections each pool keeps open.
    var poolConnections = 2
    /// The sides take turns this many times, each running its share of the transactions,
    /// so that a change in the machine's load during the run falls on both alike.
    var rounds = 5
    /// Each side stops after this long even if unfinished (and the result says so).
    var timeLimit: Duration = .seconds(180)

    static let schema = """
        CREATE TABLE bench_items (id bigserial PRIMARY KEY, payload int8 NOT NULL);
        """

    static func fromEnvironment() -> BenchSettings {
        var settings = BenchSettings()
        let environment = ProcessInfo.processInfo.environment
        if let value = environment["BENCH_TRANSACTIONS"].flatMap(Int.init), value > 0 {
            settings.transactions = value
        }
        if let value = environment["BENCH_POOL_CONNECTIONS"].flatMap(Int.init), value > 0 {
            settings.poolConnections = value
        }
        if let value = environment["BENCH_LOOPS"].flatMap(Int.init), value > 0 {
            settings.loops = value
        }
        if let value = environment["BENCH_ROUNDS"].flatMap(Int.init), value > 0 {
            settings.rounds = value
        }
        if let value = environment["BENCH_TIME_LIMIT_SECONDS"].flatMap(Int.init), value > 0 {
            settings.timeLimit = .seconds(value)
        }
        let step = settings.clients * settings.rounds
        settings.transactions = max(step, settings.transactions - settings.transactions % step)
        return settings
    }

    /// The settings for one round: its share of the transactions.
    var round: BenchSettings {
        var round = self
        round.transactions = self.transactions / self.rounds
        return round
    }
}

/// What one side achieved.
struct BenchResult {
    var transactions: Int
    var seconds: Double
    /// Per-transaction latencies in microseconds.
    var latencies: [Double]
    /// CPU seconds the server and the client spent on the run.
    var serverCPU = 0.0
    var clientCPU = 0.0

    var throughput: Double { Double(self.transactions) / self.seconds }

    /// This result and `other` taken together, as one longer run.
    func adding(_ other: BenchResult) -> BenchResult {
        var sum = self
        sum.transactions += other.transactions
        sum.seconds += other.seconds
        sum.latencies += other.latencies
        sum.serverCPU += other.serverCPU
        sum.clientCPU += other.clientCPU
        return sum
    }

    static let none = BenchResult(transactions: 0, seconds: 0, latencies: [])

    func percentile(_ fraction: Double) -> Double {
        guard !self.latencies.isEmpty else { return 0 }
        let sorted = self.latencies.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))
        return sorted[index]
    }

    func line(label: String) -> String {
        let padded = label.padding(toLength: 42, withPad: " ", startingAt: 0)
        let perTransaction = 1e6 / Double(max(self.transactions, 1))
        return padded
            + String(
                format: " %7.0f tx/s  p50 %6.3f ms  p99 %6.3f ms  (%d tx in %.2f s;"
                    + " CPU per tx: server %.0f us, client %.0f us)",
                self.throughput, self.percentile(0.50) / 1000, self.percentile(0.99) / 1000,
                self.transactions, self.seconds, self.serverCPU * perTransaction,
                self.clientCPU * perTransaction)
    }
}
