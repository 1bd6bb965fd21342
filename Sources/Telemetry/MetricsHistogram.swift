import Synchronization

/// Counts observations (request durations, body sizes) into fixed buckets, with their sum.
///
/// An observation is a short scan of the bounds and two atomic updates; the cumulative
/// `_bucket{le=...}` counts, `_sum` and `_count` are worked out at scrape time. `_count` is
/// the sum of the bucket counts, so it always equals the `+Inf` bucket.
public final class Histogram: MetricsChild, @unchecked Sendable {
    /// Upper bounds (inclusive) of the finite buckets, strictly increasing.
    public let bounds: [Double]
    // One counter a finite bucket plus one for `+Inf`; not cumulative. Allocated once and
    // only ever touched atomically, which is what makes the unchecked Sendable sound.
    private let counts: UnsafeMutablePointer<Atomic<UInt64>>
    private let sumBits = Atomic<UInt64>(0)

    /// Bounds in seconds for request latencies, from half a millisecond to ten seconds.
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    init(bounds: [Double]) {
        self.bounds = bounds
        self.counts = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: bounds.count + 1)
        for index in 0...bounds.count {
            (self.counts + index).initialize(to: Atomic<UInt64>(0))
        }
    }

    deinit {
        self.counts.deinitialize(count: self.bounds.count + 1)
        self.counts.deallocate()
    }

    public func observe(_ value: Double) {
        var index = 0
        while index < self.bounds.count, !(value <= self.bounds[index]) {
            index += 1
        }
        self.counts[index].wrappingAdd(1, ordering: .relaxed)

        var old = self.sumBits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + value).bitPattern
            let (exchanged, original) = self.sumBits.weakCompareExchange(
                expected: old, desired: new, ordering: .relaxed)
            if exchanged { return }
            old = original
        }
    }

    /// Observes a duration measured in nanoseconds (``Monotonic`` differences), in seconds.
    public func observe(nanoseconds: UInt64) {
        self.observe(Double(nanoseconds) / 1e9)
    }

    /// Cumulative bucket counts (the last is `+Inf`) and the sum, as a scrape sees them.
    public func snapshot() -> (cumulativeCounts: [UInt64], sum: Double) {
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(self.bounds.count + 1)
        var running: UInt64 = 0
        for index in 0...self.bounds.count {
            running &+= self.counts[index].load(ordering: .relaxed)
            cumulative.append(running)
        }
        return (cumulative, Double(bitPattern: self.sumBits.load(ordering: .relaxed)))
    }

    static var typeName: String { "histogram" }

    func render(
        name: String, labelNames: [String], labelValues: [String], into out: inout MetricsExposition
    ) {
        let (cumulative, sum) = self.snapshot()
        for (index, count) in cumulative.enumerated() {
            let bound = index < self.bounds.count ? self.bounds[index] : .infinity
            out.sample(
                name: name, suffix: "_bucket", labelNames: labelNames, labelValues: labelValues,
                extra: ("le", MetricsExposition.format(bound)), value: Double(count))
        }
        out.sample(
            name: name, suffix: "_sum", labelNames: labelNames, labelValues: labelValues, value: sum
        )
        out.sample(
            name: name, suffix: "_count", labelNames: labelNames, labelValues: labelValues,
            value: Double(cumulative.last ?? 0))
    }
}
