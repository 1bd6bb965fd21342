/// Why a metric could not be registered or a labelled child could not be found.
public struct MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for callers that branch on the kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String

        public var description: String { self.name }

        /// The metric or label name does not match the exposition format's grammar.
        public static let invalidName = Code(name: "metrics.invalid_name")
        /// Another metric with this name is already registered.
        public static let duplicateName = Code(name: "metrics.duplicate_name")
        /// A labelled child was asked for with the wrong number of label values.
        public static let labelCountMismatch = Code(name: "metrics.label_count_mismatch")
        /// Histogram buckets must be finite and strictly increasing.
        public static let invalidBuckets = Code(name: "metrics.invalid_buckets")
    }

    public let code: Code
    public let message: String
    /// The metric the error is about.
    public let metric: String

    public init(code: Code, message: String, metric: String) {
        self.code = code
        self.message = message
        self.metric = metric
    }

    public var description: String { "\(self.code): \(self.message) (metric \(self.metric))" }
}
