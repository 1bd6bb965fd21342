import Failover

/// The coordinator's Prometheus exposition, every name prefixed `coordinator_`, rendered
/// from a snapshot of its state at each scrape.
struct CoordinatorMetrics: Sendable {
    /// The text exposition of `state` at `now`.
    func render(_ state: ClusterState, at now: MonotonicInstant) -> [UInt8] {
        let status = state.status(at: now)
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            text += "# HELP coordinator_\(name) \(help)\n# TYPE coordinator_\(name) \(type)\n"
            for (labels, value) in samples {
                let number = value == value.rounded() ? String(Int64(value)) : String(value)
                text += "coordinator_\(name)\(labels) \(number)\n"
            }
        }
        func node(_ name: NodeName) -> String { "{node=\"\(name.rawValue)\"}" }

        family("term", "gauge", "The current term.", [("", Double(status.term.value))])
        family(
            "lease_remaining_seconds", "gauge",
            "Seconds left on the primary's lease as the coordinator counts (0 when none).",
            [("", Double(status.lease?.expiresInMilliseconds ?? 0) / 1000)])
        family(
            "primary", "gauge", "1 for the node the coordinator records as primary.",
            status.nodes.map { (node($0.name), $0.name == status.primary ? 1 : 0) })
        family(
            "node_promotable", "gauge", "1 when the node may be promoted without data loss.",
            status.nodes.map { (node($0.name), $0.promotable ? 1 : 0) })
        family(
            "node_reachable", "gauge", "1 when the node's agent was heard within a lease.",
            status.nodes.map { (node($0.name), $0.reachable ? 1 : 0) })
        family(
            "node_lag_bytes", "gauge", "How far the standby's flush is behind the primary.",
            status.nodes.compactMap { entry in entry.lagBytes.map { (node(entry.name), Double($0)) }
            })
        family(
            "synchronous", "gauge", "1 while the primary is told to wait for a standby.",
            [("", status.synchronousStandbyNames.isEmpty ? 0 : 1)])
        family(
            "failovers_total", "counter", "Failovers (automatic and forced) since start.",
            [("", Double(state.failoversTotal))])
        family(
            "degradations_total", "counter",
            "Times a standby left the synchronous set since start.",
            [("", Double(state.degradationsTotal))])
        return Array(text.utf8)
    }
}
