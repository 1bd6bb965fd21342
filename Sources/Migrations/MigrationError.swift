/// Why migrations were refused or failed: a stable code, a message naming the file, and the
/// server's own words when PostgreSQL rejected something.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. Opaque so that kinds can be added; compare with the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// The migrations folder is missing or unreadable.
        public static let directoryUnreadable = Code(name: "directory-unreadable")
        /// A `.sql` file's name is not `NNNN_name.sql`.
        public static let malformedFileName = Code(name: "malformed-file-name")
        /// Two files carry the same version number.
        public static let duplicateVersion = Code(name: "duplicate-version")
        /// Version numbers do not run 1, 2, 3, ... without a hole.
        public static let versionGap = Code(name: "version-gap")
        /// A file is not UTF-8 text.
        public static let unreadableFile = Code(name: "unreadable-file")
        /// An applied migration's file has changed since it was applied.
        public static let checksumMismatch = Code(name: "checksum-mismatch")
        /// An applied migration has no file on disk (or one under another name).
        public static let missingFile = Code(name: "missing-file")
        /// A migration's SQL failed; it was rolled back.
        public static let migrationFailed = Code(name: "migration-failed")
        /// Talking to the database failed outside any migration's SQL.
        public static let database = Code(name: "database")
        /// The configuration (database URL, folder) is missing or invalid.
        public static let configuration = Code(name: "configuration")

        public var description: String { self.name }
    }

    public let code: Code
    public let message: String
    /// The migration file concerned, when there is one.
    public let file: String?

    public init(_ code: Code, _ message: String, file: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}
