/// The name of a database node (`site_a`): 1 to 63 characters of `[a-z0-9_]`, so it can
/// be used unquoted as a PostgreSQL `application_name`, replication slot name and
/// `synchronous_standby_names` entry.
public struct NodeName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `text`; throws `invalidValue` naming the offending text otherwise.
    public init(_ text: String) throws(FailoverError) {
        guard Self.isValid(text) else {
            throw FailoverError(
                .invalidValue,
                "node name '\(text)' must be 1 to 63 characters of a-z, 0-9 and _")
        }
        self.rawValue = text
    }

    /// True when `text` is a well-formed node name.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard Self.isValid(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "node name '\(text)' must be 1 to 63 characters of a-z, 0-9 and _"
            )
        }
        self.rawValue = text
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    /// Orders or compares by value.
    public static func < (lhs: NodeName, rhs: NodeName) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { self.rawValue }
}
