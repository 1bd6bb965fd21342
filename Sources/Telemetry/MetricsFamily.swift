import Synchronization

/// What a registry renders: one metric family, header and samples.
protocol MetricsCollector: AnyObject, Sendable {
    var name: String { get }
    func render(into out: inout MetricsExposition)
}

/// One child of a family: a counter, gauge or histogram with a fixed set of label values.
protocol MetricsChild: AnyObject, Sendable {
    static var typeName: String { get }
    func render(
        name: String, labelNames: [String], labelValues: [String], into out: inout MetricsExposition
    )
}

/// A metric with labels (`http_requests_total{method,route,status}`): one child a distinct
/// set of label values, created on first use.
///
/// Finding a child takes a lock and a dictionary lookup, so callers look each child up once
/// (per route, per status) and keep it; updates to a kept child are lock-free.
public final class MetricFamily<Child: AnyObject & Sendable>: MetricsCollector {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let make: @Sendable () -> Child
    private let children = Mutex(Children())

    private struct Children: ~Copyable {
        var index: [[String]: Int] = [:]
        var ordered: [(labelValues: [String], child: Child)] = []
    }

    init(name: String, help: String, labelNames: [String], make: @escaping @Sendable () -> Child) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.make = make
    }

    /// The child for these label values, in the order the family's label names were given.
    public func labels(_ values: String...) throws(MetricsError) -> Child {
        try self.labels(values)
    }

    /// The child for these label values, in the order the family's label names were given.
    public func labels(_ values: [String]) throws(MetricsError) -> Child {
        guard values.count == self.labelNames.count else {
            throw MetricsError(
                code: .labelCountMismatch,
                message: "expected \(self.labelNames.count) label values, got \(values.count)",
                metric: self.name)
        }

        return self.children.withLock { children in
            if let position = children.index[values] {
                return children.ordered[position].child
            }
            let child = self.make()
            children.index[values] = children.ordered.count
            children.ordered.append((values, child))
            return child
        }
    }

    func render(into out: inout MetricsExposition) {
        guard let type = Child.self as? any MetricsChild.Type else { return }

        let snapshot = self.children.withLock { $0.ordered }
        out.header(name: self.name, help: self.help, type: type.typeName)
        for (labelValues, child) in snapshot {
            guard let child = child as? any MetricsChild else { continue }
            child.render(
                name: self.name, labelNames: self.labelNames, labelValues: labelValues, into: &out)
        }
    }
}
