/// A route pattern split into segments: `/api/v1/referrals/:id` or `/assets/*path`.
struct RouterPattern: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        /// Matches exactly these (still percent-encoded) bytes.
        case literal(String)
        /// Matches one non-empty segment, decoded into the named parameter.
        case parameter(String)
        /// Matches whatever is left of the path, possibly nothing; only last.
        case wildcard(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) throws(RouterError) {
        self.text = text
        guard text.hasPrefix("/") else {
            throw RouterError(code: .invalidPattern, message: "must start with '/'", pattern: text)
        }

        var segments: [Segment] = []
        let parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if text == "/" { break }
            guard !part.isEmpty else {
                throw RouterError(
                    code: .invalidPattern, message: "has an empty segment", pattern: text)
            }

            if let marker = part.first, marker == ":" || marker == "*" {
                let name = String(part.dropFirst())
                guard name.isEmpty ? marker == "*" : Self.isIdentifier(name) else {
                    throw RouterError(
                        code: .invalidPattern, message: "parameter name '\(name)' is not a word",
                        pattern: text)
                }
                guard marker == ":" || index == parts.count - 1 else {
                    throw RouterError(
                        code: .invalidPattern, message: "a wildcard must be the last segment",
                        pattern: text)
                }
                segments.append(marker == ":" ? .parameter(name) : .wildcard(name))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
    }

    private static func isIdentifier(_ name: String) -> Bool {
        name.utf8.allSatisfy { byte in
            (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
    }
}
