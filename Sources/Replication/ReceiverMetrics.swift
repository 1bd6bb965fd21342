import Telemetry

/// What the receiver counts, for `GET /metrics` at site B.
struct ReceiverMetrics: Sendable {
    let storedFiles: Counter
    let storedBytes: Counter
    let alreadyArchived: Counter
    let refusedCorrupt: Counter
    let refusedConflict: Counter
    let connections: Gauge

    init(_ metrics: Metrics) throws(ReplicatorError) {
        do {
            self.storedFiles = try metrics.counter(
                "replicator_received_files_total", help: "Files stored durably in the archive.")
            self.storedBytes = try metrics.counter(
                "replicator_received_bytes_total", help: "Raw bytes of the files stored.")
            self.alreadyArchived = try metrics.counter(
                "replicator_already_archived_total",
                help: "Offers answered from the archive: same name, same checksum.")
            let refused = try metrics.counter(
                "replicator_refused_files_total", help: "Files refused, by reason.",
                labels: ["reason"])
            self.refusedCorrupt = try refused.labels(["corrupt"])
            self.refusedConflict = try refused.labels(["conflict"])
            self.connections = try metrics.gauge(
                "replicator_receiver_connections", help: "Shipping connections open now.")
        } catch {
            throw ReplicatorError(.configuration, "metrics: \(error)")
        }
    }
}
