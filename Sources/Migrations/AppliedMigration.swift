/// A migration recorded in `schema_migrations` as applied.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String
    /// When it was applied: UTC, ISO 8601.
    public let appliedAt: String
    /// The database role that applied it.
    public let appliedBy: String

    public init(
        version: Int, name: String, checksum: String, appliedAt: String, appliedBy: String
    ) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
        self.appliedBy = appliedBy
    }

    /// The name of the file it was applied from.
    public var fileName: String {
        Migration.fileName(version: self.version, name: self.name)
    }
}
