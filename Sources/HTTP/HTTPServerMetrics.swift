import Synchronization
import Telemetry

/// The server's Prometheus metrics: requests by route and status, latency by route,
/// requests in flight and open connections.
///
/// Families are registered once; each loop keeps the children it has used (see
/// `LoopServer`), so a request costs atomic adds and no lock.
final class HTTPServerMetrics: Sendable {
    let registry: Metrics
    let requests: MetricFamily<Counter>
    let latency: MetricFamily<Histogram>
    let inFlight: Gauge

    init(registry: Metrics, openConnections: @escaping @Sendable () -> Double) throws(MetricsError) {
        self.registry = registry
        self.requests = try registry.counter(
            "http_requests_total", help: "HTTP requests answered, by route and status.",
            labels: ["route", "status"])
        self.latency = try registry.histogram(
            "http_request_duration_seconds",
            help: "Time from a request's last byte to its response being queued, by route.",
            labels: ["route"], buckets: Histogram.latencyBuckets)
        self.inFlight = try registry.gauge(
            "http_requests_in_flight", help: "Requests being answered now.")
        try registry.gauge(
            "http_open_connections", help: "Client connections open now.", sample: openConnections)
    }
}

/// One loop's handles on the metrics it has used, looked up once per route and status.
struct LoopMetrics {
    private struct Key: Hashable {
        let route: String
        let status: Int
    }

    private var counters: [Key: Counter] = [:]
    private var histograms: [String: Histogram] = [:]

    mutating func record(_ metrics: HTTPServerMetrics, route: String, status: Int, nanoseconds: UInt64) {
        let key = Key(route: route, status: status)
        if let counter = self.counters[key] {
            counter.increment()
        } else if let counter = try? metrics.requests.labels(route, String(status)) {
            self.counters[key] = counter
            counter.increment()
        }

        if let histogram = self.histograms[route] {
            histogram.observe(nanoseconds: nanoseconds)
        } else if let histogram = try? metrics.latency.labels(route) {
            self.histograms[route] = histogram
            histogram.observe(nanoseconds: nanoseconds)
        }
    }
}
