/// Writes the Prometheus text exposition format, version 0.0.4, into a byte buffer.
///
/// Values are written the way Prometheus parses them: integers without a fraction,
/// `+Inf`, `-Inf` and `NaN` by name. Label values escape backslash, double quote and line
/// feed; help text escapes backslash and line feed.
struct MetricsExposition {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// The `# HELP` and `# TYPE` lines that open a family.
    mutating func header(name: String, help: String, type: String) {
        self.append("# HELP ")
        self.append(name)
        self.bytes.append(UInt8(ascii: " "))
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): self.append("\\\\")
            case 0x0A: self.append("\\n")
            default: self.bytes.append(byte)
            }
        }
        self.append("\n# TYPE ")
        self.append(name)
        self.bytes.append(UInt8(ascii: " "))
        self.append(type)
        self.bytes.append(0x0A)
    }

    /// One sample line: `name{label="value",...} value`. `extra` is one more label (the
    /// histogram's `le`) written after the family's own.
    mutating func sample(
        name: String, suffix: String = "", labelNames: [String], labelValues: [String],
        extra: (name: String, value: String)? = nil, value: Double
    ) {
        self.append(name)
        self.append(suffix)
        if !labelNames.isEmpty || extra != nil {
            self.bytes.append(UInt8(ascii: "{"))
            var first = true
            for (label, value) in zip(labelNames, labelValues) {
                self.label(label, value, first: first)
                first = false
            }
            if let extra {
                self.label(extra.name, extra.value, first: first)
            }
            self.bytes.append(UInt8(ascii: "}"))
        }
        self.bytes.append(UInt8(ascii: " "))
        self.append(Self.format(value))
        self.bytes.append(0x0A)
    }

    /// Formats a sample value or bucket bound: integral values without `.0`, infinities and
    /// NaN by the names Prometheus expects.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }

    private mutating func label(_ name: String, _ value: String, first: Bool) {
        if !first {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.append(name)
        self.append("=\"")
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): self.append("\\\\")
            case UInt8(ascii: "\""): self.append("\\\"")
            case 0x0A: self.append("\\n")
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }
}
