import Foundation

/// What one side achieved in one round, and the CPU time each party spent on it.
struct SideResult {
    var requests: Int
    var seconds: Double
    /// Per-request latencies in microseconds.
    var latencies: [Double]
    /// CPU seconds of the load generator (the HTTP client, or pgbench).
    var clientCPU = 0.0
    /// CPU seconds of the benchmark's own process: the in-process API node on the HTTP
    /// side (the orchestration idles meanwhile).
    var apiCPU = 0.0
    var postgresCPU = 0.0

    var throughput: Double { Double(self.requests) / self.seconds }
}

/// The rounds of one side, summarised: the median round's throughput, latency percentiles
/// over every request of every round, and CPU per request over all rounds.
struct SideSummary {
    let rounds: [SideResult]

    var throughput: Double {
        let sorted = self.rounds.map(\.throughput).sorted()
        return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
    }

    func percentile(_ fraction: Double) -> Double {
        let sorted = self.rounds.flatMap(\.latencies).sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    /// CPU microseconds per request of one party.
    func cpu(_ party: KeyPath<SideResult, Double>) -> Double {
        let requests = self.rounds.map(\.requests).reduce(0, +)
        return self.rounds.map { $0[keyPath: party] }.reduce(0, +) * 1e6 / Double(max(requests, 1))
    }

    func line(_ label: String, api: Bool) -> String {
        let rounds = self.rounds.map { String(format: "%.0f", $0.throughput) }
        return label.padding(toLength: 30, withPad: " ", startingAt: 0)
            + String(
                format: " %6.0f req/s  p50 %6.2f ms  p99 %6.2f ms  CPU/req: client %4.0f us,",
                self.throughput, self.percentile(0.50) / 1000, self.percentile(0.99) / 1000,
                self.cpu(\.clientCPU))
            + (api ? String(format: " API %5.0f us,", self.cpu(\.apiCPU)) : "")
            + String(format: " postgres %5.0f us", self.cpu(\.postgresCPU))
            + "  (rounds: \(rounds.joined(separator: " ")))"
    }
}
