import Synchronization

/// A value that goes up and down (connections open, queue depth), kept as the bits of a
/// `Double` in one atomic word: `set` is a store, `add` a compare-and-swap loop.
public final class Gauge: MetricsChild {
    private let bits = Atomic<UInt64>(0)

    init() {}

    public func set(_ value: Double) {
        self.bits.store(value.bitPattern, ordering: .relaxed)
    }

    public func add(_ delta: Double) {
        var old = self.bits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + delta).bitPattern
            let (exchanged, original) = self.bits.weakCompareExchange(
                expected: old, desired: new, ordering: .relaxed)
            if exchanged { return }
            old = original
        }
    }

    public func increment() { self.add(1) }

    public func decrement() { self.add(-1) }

    /// The value now.
    public var current: Double { Double(bitPattern: self.bits.load(ordering: .relaxed)) }

    static var typeName: String { "gauge" }

    func render(
        name: String, labelNames: [String], labelValues: [String], into out: inout MetricsExposition
    ) {
        out.sample(
            name: name, labelNames: labelNames, labelValues: labelValues, value: self.current)
    }
}

/// One labelled value reported by a gauge that is sampled at scrape time.
public struct GaugeSample: Sendable, Equatable {
    public var labelValues: [String]
    public var value: Double

    public init(labelValues: [String], value: Double) {
        self.labelValues = labelValues
        self.value = value
    }
}

/// A gauge whose values are read by a closure when the registry is rendered: statistics
/// another component already keeps (a pool's idle and busy connections) without mirroring
/// every change into an atomic.
final class SampledGauge: MetricsCollector {
    let name: String
    let help: String
    let labelNames: [String]
    private let sample: @Sendable () -> [GaugeSample]

    init(
        name: String, help: String, labelNames: [String],
        sample: @escaping @Sendable () -> [GaugeSample]
    ) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.sample = sample
    }

    func render(into out: inout MetricsExposition) {
        out.header(name: self.name, help: self.help, type: "gauge")
        for sample in self.sample() where sample.labelValues.count == self.labelNames.count {
            out.sample(
                name: self.name, labelNames: self.labelNames, labelValues: sample.labelValues,
                value: sample.value)
        }
    }
}
