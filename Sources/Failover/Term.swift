/// The coordinator's epoch: it increases by one at every promotion, and every message
/// carries it so a node from an older term can be told apart and sent to follow.
public struct Term: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let value: UInt64

    /// The term `value`.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// The term after this one.
    public var next: Term { Term(self.value + 1) }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.value)
    }

    /// Orders or compares by value.
    public static func < (lhs: Term, rhs: Term) -> Bool { lhs.value < rhs.value }

    public var description: String { String(self.value) }
}
