extension AuditEntry {
    /// The details as a JSON object, keys sorted. PostgreSQL stores it as `jsonb`, whose own
    /// text form is what the chain hashes.
    var detailsJSON: String {
        var text = "{"
        for (index, key) in self.details.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            Self.appendJSONString(key, to: &text)
            text += ":"
            switch self.details[key] ?? .null {
            case .string(let value): Self.appendJSONString(value, to: &text)
            case .int(let value): text += String(value)
            case .bool(let value): text += value ? "true" : "false"
            case .null: text += "null"
            }
        }
        return text + "}"
    }

    private static func appendJSONString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{0}": text += "\\ufffd"  // jsonb cannot hold NUL; keep the position visible
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
