/// The name of a file PostgreSQL archives, by kind. Only these shapes are accepted, so a
/// name can never reach outside the archive folder.
///
/// - segment: 24 upper-case hex digits (timeline, log, segment), `000000010000000000000003`
/// - history: a timeline's 8 hex digits and `.history`, `00000002.history`
/// - backup: a segment name, 8 hex digits of the start offset and `.backup`
/// - partial: a segment name and `.partial`, the last segment of an old timeline kept by a
///   promoted standby
public struct WALFileName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case segment, history, backup, partial
    }

    public let name: String
    public let kind: Kind

    /// Parses `name`; nil for anything PostgreSQL does not archive.
    public init?(_ name: String) {
        let bytes = Array(name.utf8)
        func hex(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count
                && bytes[range].allSatisfy {
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
                }
        }

        if bytes.count == 24, hex(0..<24) {
            self.kind = .segment
        } else if bytes.count == 16, hex(0..<8), name.hasSuffix(".history") {
            self.kind = .history
        } else if bytes.count == 40, hex(0..<24), bytes[24] == UInt8(ascii: "."), hex(25..<33),
            name.hasSuffix(".backup")
        {
            self.kind = .backup
        } else if bytes.count == 32, hex(0..<24), name.hasSuffix(".partial") {
            self.kind = .partial
        } else {
            return nil
        }
        self.name = name
    }

    /// The timeline the file belongs to (its first 8 hex digits).
    public var timeline: UInt32 {
        UInt32(self.name.prefix(8), radix: 16) ?? 0
    }

    public var description: String { self.name }
}
