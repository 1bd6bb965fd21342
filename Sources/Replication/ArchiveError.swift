/// Why the WAL archive refused a file or could not hand one over.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The name is not one PostgreSQL archives.
        case invalidName = "invalid-name"
        /// A setting is out of its range (a compression level, say).
        case invalidArgument = "invalid-argument"
        /// A file of that name is stored with other bytes; it is never overwritten.
        case conflict
        /// The stored bytes no longer match the checksum stored with them.
        case corrupt
        /// The file system failed (full, read-only, permissions).
        case storage
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "archive \(self.code.rawValue): \(self.message)" }
}
