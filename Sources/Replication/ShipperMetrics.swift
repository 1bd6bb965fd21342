import Foundation
import Synchronization
import Telemetry

/// What the shipper reports at `GET /metrics` (names per the replicator's contract): the
/// backlog, what was shipped, how fast WAL is generated against how fast it is shipped,
/// and the last file shipped.
final class ShipperMetrics: Sendable {
    let backlogFiles: Gauge
    let backlogBytes: Gauge
    let backlogOldestAge: Gauge
    let shippedFiles: Counter
    let shippedBytes: Counter
    let shippedCompressedBytes: Counter
    let acknowledgedFiles: Counter
    let acknowledgedBytes: Counter
    let generatedBytes: Counter
    let generatedFiles: Counter
    let refusedCorrupt: Counter
    let refusedConflict: Counter
    let connectFailures: Counter
    let connections: Gauge
    private let last = Mutex<(file: String, at: Double)>(("", 0))
    private typealias Sample = (at: ContinuousClock.Instant, generated: UInt64, shipped: UInt64)
    private let window = Mutex<[Sample]>([])

    /// Over how long the two rates are averaged.
    static let rateWindow = Duration.seconds(60)

    init(_ metrics: Metrics) throws(MetricsError) {
        self.backlogFiles = try metrics.gauge(
            "replicator_backlog_files", help: "Ready WAL files site B has not acknowledged.")
        self.backlogBytes = try metrics.gauge(
            "replicator_backlog_bytes", help: "Bytes of the ready files not yet acknowledged.")
        self.backlogOldestAge = try metrics.gauge(
            "replicator_backlog_oldest_age_seconds",
            help: "How long the oldest unacknowledged file has been ready (0 when none).")
        self.shippedFiles = try metrics.counter(
            "replicator_shipped_files_total", help: "Files sent and stored durably at site B.")
        self.shippedBytes = try metrics.counter(
            "replicator_shipped_bytes_total", help: "Raw bytes of the files sent and stored.")
        self.shippedCompressedBytes = try metrics.counter(
            "replicator_shipped_compressed_bytes_total", help: "zlib bytes sent for them.")
        self.acknowledgedFiles = try metrics.counter(
            "replicator_acknowledged_files_total",
            help: "Files site B acknowledged, sent now or found already archived.")
        self.acknowledgedBytes = try metrics.counter(
            "replicator_acknowledged_bytes_total", help: "Raw bytes of the files acknowledged.")
        self.generatedBytes = try metrics.counter(
            "replicator_wal_generated_bytes_total",
            help: "Bytes of WAL files seen becoming ready (PostgreSQL's WAL generation).")
        self.generatedFiles = try metrics.counter(
            "replicator_wal_generated_files_total", help: "WAL files seen becoming ready.")
        let refused = try metrics.counter(
            "replicator_refused_files_total", help: "Files site B refused, by reason.",
            labels: ["reason"])
        self.refusedCorrupt = try refused.labels(["corrupt"])
        self.refusedConflict = try refused.labels(["conflict"])
        self.connectFailures = try metrics.counter(
            "replicator_connect_failures_total", help: "Failed connections to site B.")
        self.connections = try metrics.gauge(
            "replicator_connections", help: "Streams connected to site B now.")

        try metrics.gauge(
            "replicator_last_shipped_info", help: "The last file site B acknowledged.",
            labels: ["file"]
        ) {
            let file = self.last.withLock { $0.file }
            return file.isEmpty ? [] : [GaugeSample(labelValues: [file], value: 1)]
        }
        try metrics.gauge(
            "replicator_last_shipped_timestamp_seconds",
            help: "When the last file was acknowledged (Unix time)."
        ) { self.last.withLock { $0.at } }
        try metrics.gauge(
            "replicator_wal_generation_bytes_per_second",
            help: "WAL generated per second over the last minute."
        ) { self.rate { $0.generated } }
        try metrics.gauge(
            "replicator_shipping_bytes_per_second",
            help: "WAL acknowledged by site B per second over the last minute."
        ) { self.rate { $0.shipped } }
    }

    func acknowledged(_ name: WALFileName, bytes: Int) {
        self.acknowledgedFiles.increment()
        self.acknowledgedBytes.increment(by: UInt64(bytes))
        self.last.withLock { $0 = (name.name, Date().timeIntervalSince1970) }
    }

    /// Takes a sample of both totals for the rates; called by each scan.
    func sampleRates() {
        let now = ContinuousClock.now
        let sample = (now, self.generatedBytes.current, self.acknowledgedBytes.current)
        self.window.withLock { samples in
            samples.append(sample)
            samples.removeAll { now - $0.at > Self.rateWindow }
        }
    }

    private func rate(_ value: (Sample) -> UInt64) -> Double {
        self.window.withLock { samples in
            guard let first = samples.first, let last = samples.last, last.at > first.at else {
                return 0
            }
            let seconds =
                Double((last.at - first.at).components.seconds)
                + Double((last.at - first.at).components.attoseconds) / 1e18
            return Double(value(last) &- value(first)) / seconds
        }
    }
}
