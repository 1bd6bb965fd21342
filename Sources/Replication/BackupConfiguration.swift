import Foundation

/// What backup, retention and restore take from the receiving site's configuration
/// (`site-b.json`, read and checked by `ReceiverConfiguration`): the archive folder and the
/// `backup` section.
///
/// Retention keeps a backup when either rule keeps it (see `RetentionPlan`). A rule left
/// out of the file keeps nothing on its own: without `keepBackups` only the newest backup
/// is kept by count, without `maxAgeDays` none is kept by age. Leaving both out means no
/// retention is configured, and `retain` refuses rather than guess.
public struct BackupConfiguration: Sendable, Equatable {
    /// The archive's root folder (`wal/` and `backups/` inside).
    public let archiveDirectory: String
    /// libpq conninfo of the primary for `pg_basebackup`; nil when the file has no `backup`.
    public let connection: String?
    /// How many of the newest backups retention keeps; nil when not configured.
    public let keepBackups: Int?
    /// Backups younger than this many days are kept; nil when not configured.
    public let maxAgeDays: Double?

    public init(
        archiveDirectory: String, connection: String?, keepBackups: Int? = nil,
        maxAgeDays: Double? = nil
    ) {
        self.archiveDirectory = archiveDirectory
        self.connection = connection
        self.keepBackups = keepBackups
        self.maxAgeDays = maxAgeDays
    }

    /// Reads and checks the configuration file at `path`.
    public static func load(path: String) throws(BackupError) -> BackupConfiguration {
        let site: ReceiverConfiguration
        do {
            site = try ReceiverConfiguration.load(file: path)
        } catch {
            throw BackupError(.configuration, "\(path): \(error.message)")
        }
        return BackupConfiguration(
            archiveDirectory: site.archiveDirectory, connection: site.backup?.connection,
            keepBackups: site.backup?.keepBackups,
            maxAgeDays: site.backup?.maxAgeDays.map(Double.init))
    }

    /// Where base backups live.
    public var backupsFolder: String { self.archiveDirectory + "/backups" }
    /// Where archived WAL lives.
    public var walFolder: String { self.archiveDirectory + "/wal" }
}
