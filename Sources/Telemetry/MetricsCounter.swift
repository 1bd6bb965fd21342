import Synchronization

/// A count that only goes up (requests served, bytes written), one atomic add an update.
///
/// Get it once from ``Metrics/counter(_:help:)`` or a labelled family and keep it: the
/// lookup takes a lock, the increment does not.
public final class Counter: MetricsChild {
    private let value = Atomic<UInt64>(0)

    init() {}

    public func increment() {
        self.value.wrappingAdd(1, ordering: .relaxed)
    }

    public func increment(by amount: UInt64) {
        self.value.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The count now.
    public var current: UInt64 { self.value.load(ordering: .relaxed) }

    static var typeName: String { "counter" }

    func render(
        name: String, labelNames: [String], labelValues: [String], into out: inout MetricsExposition
    ) {
        out.sample(
            name: name, labelNames: labelNames, labelValues: labelValues,
            value: Double(self.current))
    }
}
