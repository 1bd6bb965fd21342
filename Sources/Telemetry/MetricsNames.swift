/// The exposition format's grammar for metric and label names.
enum MetricsNames {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        Self.matches(name, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, and not starting with `__`, which Prometheus reserves.
    static func isValidLabelName(_ name: String) -> Bool {
        Self.matches(name, allowColon: false) && !name.hasPrefix("__")
    }

    static func validate(metric name: String, labels: [String]) throws(MetricsError) {
        guard Self.isValidMetricName(name) else {
            throw MetricsError(
                code: .invalidName, message: "metric name is not [a-zA-Z_:][a-zA-Z0-9_:]*",
                metric: name)
        }
        for label in labels where !Self.isValidLabelName(label) || label == "le" {
            throw MetricsError(
                code: .invalidName, message: "label name '\(label)' is not allowed", metric: name)
        }
        guard Set(labels).count == labels.count else {
            throw MetricsError(code: .invalidName, message: "label names repeat", metric: name)
        }
    }

    private static func matches(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let allowed =
                letter || byte == UInt8(ascii: "_") || (allowColon && byte == UInt8(ascii: ":"))
                || (!first && digit)
            guard allowed else { return false }
            first = false
        }
        return !first
    }
}
