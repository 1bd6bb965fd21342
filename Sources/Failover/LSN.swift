/// A PostgreSQL WAL position (log sequence number), written `X/Y` in hexadecimal like
/// `pg_current_wal_lsn()` prints it; ordered, and encoded in JSON as that text.
public struct LSN: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 64-bit byte position in the WAL stream.
    public let value: UInt64

    /// The position `value`.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses `X/Y` (each 1 to 8 hex digits); throws `invalidValue` naming the text.
    public init(parsing text: String) throws(FailoverError) {
        guard let value = Self.parse(text) else {
            throw FailoverError(
                .invalidValue, "LSN '\(text)' is not of the form X/Y with hexadecimal X and Y")
        }
        self.value = value
    }

    private static func parse(_ text: String) -> UInt64? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(\.isHexDigit) }),
            let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        return high << 32 | low
    }

    /// Bytes from `other` up to this position; 0 when `other` is ahead.
    public func bytes(after other: LSN) -> UInt64 {
        self.value >= other.value ? self.value - other.value : 0
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "LSN '\(text)' is not of the form X/Y")
        }
        self.value = value
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }

    /// Orders or compares by value.
    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }

    public var description: String {
        String(self.value >> 32, radix: 16, uppercase: true) + "/"
            + String(self.value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }
}
