/// Reads samples out of a Prometheus text exposition (the replicator's `/metrics`).
enum PrometheusText {
    /// The value of the first sample of `metric` (any labels), or nil.
    static func value(_ metric: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let sample = Self.sample(line), sample.name == metric else { continue }
            return sample.value
        }
        return nil
    }

    /// The value of `label` on the first sample of `metric`, e.g. the file of
    /// `replicator_last_shipped_info{file="..."}`.
    static func label(_ label: String, of metric: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(metric + "{") {
            guard let start = line.range(of: label + "=\"") else { continue }
            let rest = line[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { continue }
            return String(rest[..<end])
        }
        return nil
    }

    private static func sample(_ line: Substring) -> (name: String, value: Double)? {
        let parts = line.split(separator: " ")
        guard parts.count >= 2, let value = Double(parts[1]) else { return nil }
        var name = parts[0]
        if let brace = name.firstIndex(of: "{") {
            name = name[..<brace]
        }
        return (String(name), value)
    }
}
