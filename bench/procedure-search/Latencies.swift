/// Request latencies in microseconds, and the figures printed from them.
struct Latencies {
    private(set) var samples: [Double] = []

    mutating func add(_ microseconds: Double) {
        self.samples.append(microseconds)
    }

    var count: Int { self.samples.count }

    /// The `fraction` quantile (nearest rank), in milliseconds.
    func milliseconds(at fraction: Double) -> Double {
        guard !self.samples.isEmpty else { return .nan }
        let sorted = self.samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)] / 1000
    }

    var meanMilliseconds: Double {
        self.samples.reduce(0, +) / Double(max(self.samples.count, 1)) / 1000
    }

    func line(_ label: String) -> String {
        func format(_ value: Double) -> String { String(format: "%6.2f", value) }
        return "\(label): \(self.count) requests, p50 \(format(self.milliseconds(at: 0.5))) ms, "
            + "p95 \(format(self.milliseconds(at: 0.95))) ms, "
            + "p99 \(format(self.milliseconds(at: 0.99))) ms, "
            + "max \(format(self.milliseconds(at: 1))) ms, mean \(format(self.meanMilliseconds)) ms"
    }
}
