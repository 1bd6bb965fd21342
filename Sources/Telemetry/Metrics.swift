import Synchronization

/// The process's Prometheus metrics: counters, gauges and histograms, rendered in the text
/// exposition format (0.0.4) for `GET /metrics`.
///
/// Registration takes a lock and checks names; the returned metric is then updated with
/// atomics only, from any thread. Families render in registration order, children in the
/// order they were first used, so a scrape is stable from one call to the next.
public final class Metrics: Sendable {
    /// The `Content-Type` of ``render()``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let collectors = Mutex<[any MetricsCollector]>([])

    public init() {}

    /// A counter without labels.
    public func counter(_ name: String, help: String) throws(MetricsError) -> Counter {
        try self.counter(name, help: help, labels: []).labels([])
    }

    /// A family of counters, one for each distinct set of label values.
    public func counter(
        _ name: String, help: String, labels: [String]
    ) throws(MetricsError) -> MetricFamily<Counter> {
        let family = MetricFamily(name: name, help: help, labelNames: labels) { Counter() }
        try self.register(family, labels: labels)
        return family
    }

    /// A gauge without labels, set or adjusted by the caller.
    public func gauge(_ name: String, help: String) throws(MetricsError) -> Gauge {
        try self.gauge(name, help: help, labels: []).labels([])
    }

    /// A family of gauges, one for each distinct set of label values.
    public func gauge(
        _ name: String, help: String, labels: [String]
    ) throws(MetricsError) -> MetricFamily<Gauge> {
        let family = MetricFamily(name: name, help: help, labelNames: labels) { Gauge() }
        try self.register(family, labels: labels)
        return family
    }

    /// A gauge read by `sample` at every scrape, for values another component already keeps.
    public func gauge(
        _ name: String, help: String, sample: @escaping @Sendable () -> Double
    ) throws(MetricsError) {
        try self.gauge(name, help: help, labels: []) {
            [GaugeSample(labelValues: [], value: sample())]
        }
    }

    /// A labelled gauge read by `sample` at every scrape. Samples whose label values do not
    /// match `labels` in number are left out of the output.
    public func gauge(
        _ name: String, help: String, labels: [String],
        sample: @escaping @Sendable () -> [GaugeSample]
    ) throws(MetricsError) {
        let gauge = SampledGauge(name: name, help: help, labelNames: labels, sample: sample)
        try self.register(gauge, labels: labels)
    }

    /// A histogram without labels over the given finite, increasing bucket bounds.
    public func histogram(
        _ name: String, help: String, buckets: [Double]
    ) throws(MetricsError) -> Histogram {
        try self.histogram(name, help: help, labels: [], buckets: buckets).labels([])
    }

    /// A family of histograms sharing the same bucket bounds.
    public func histogram(
        _ name: String, help: String, labels: [String], buckets: [Double]
    ) throws(MetricsError) -> MetricFamily<Histogram> {
        let increasing = zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }
        guard !buckets.isEmpty, increasing, buckets.allSatisfy(\.isFinite) else {
            throw MetricsError(
                code: .invalidBuckets, message: "buckets must be finite and strictly increasing",
                metric: name)
        }

        let family = MetricFamily(name: name, help: help, labelNames: labels) {
            Histogram(bounds: buckets)
        }
        try self.register(family, labels: labels)
        return family
    }

    /// Every registered family in the text exposition format.
    public func render() -> [UInt8] {
        let collectors = self.collectors.withLock { $0 }
        var out = MetricsExposition(capacity: 256 * collectors.count)
        for collector in collectors {
            collector.render(into: &out)
        }
        return out.bytes
    }

    private func register(
        _ collector: any MetricsCollector, labels: [String]
    ) throws(MetricsError) {
        try MetricsNames.validate(metric: collector.name, labels: labels)

        let added = self.collectors.withLock { collectors in
            guard !collectors.contains(where: { $0.name == collector.name }) else { return false }
            collectors.append(collector)
            return true
        }
        guard added else {
            throw MetricsError(
                code: .duplicateName, message: "a metric with this name is already registered",
                metric: collector.name)
        }
    }
}
