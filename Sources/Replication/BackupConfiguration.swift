import Foundation

/// What backup, retention and restore read from the receiving site's configuration file
/// (`site-b.json`): the archive folder and the `backup` section.
///
/// The whole file is checked for unknown keys, so that a misspelt setting is an error
/// rather than silently ignored; the receiver's own keys (listen, tls, ...) are accepted
/// here and checked by the receiver.
public struct BackupConfiguration: Sendable, Equatable {
    /// The keys a receiving site's configuration may hold.
    static let siteKeys: Set<String> = [
        "listen", "archiveDirectory", "tls", "prefetch", "prefetchDirectory", "metrics",
        "backup",
    ]
    static let backupKeys: Set<String> = ["connection", "keepBackups", "maxAgeDays"]

    /// The archive's root folder (`wal/` and `backups/` inside).
    public let archiveDirectory: String
    /// libpq conninfo of the primary for `pg_basebackup`; nil when the file has no `backup`.
    public let connection: String?
    /// How many of the newest backups retention keeps, at least one.
    public let keepBackups: Int
    /// Backups younger than this many days are kept whatever their number.
    public let maxAgeDays: Double

    public init(
        archiveDirectory: String, connection: String?, keepBackups: Int = 2,
        maxAgeDays: Double = 7
    ) {
        self.archiveDirectory = archiveDirectory
        self.connection = connection
        self.keepBackups = keepBackups
        self.maxAgeDays = maxAgeDays
    }

    /// Reads and checks the configuration file at `path`.
    public static func load(path: String) throws(BackupError) -> BackupConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupError(.configuration, "cannot read the configuration file \(path)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw BackupError(.configuration, "\(path) is not JSON: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else {
            throw BackupError(.configuration, "\(path) must hold one JSON object")
        }
        return try Self.parse(object, file: path)
    }

    static func parse(_ object: [String: Any], file: String) throws(BackupError) -> Self {
        try Self.refuseUnknown(object, known: Self.siteKeys, in: file)
        guard let archive = object["archiveDirectory"] as? String, !archive.isEmpty else {
            throw BackupError(.configuration, "\(file): the key archiveDirectory is missing")
        }
        guard let backup = object["backup"] else {
            return Self(archiveDirectory: archive, connection: nil)
        }
        guard let section = backup as? [String: Any] else {
            throw BackupError(.configuration, "\(file): backup must be an object")
        }
        try Self.refuseUnknown(section, known: Self.backupKeys, in: file + " backup")
        guard let connection = section["connection"] as? String, !connection.isEmpty else {
            throw BackupError(.configuration, "\(file): the key backup.connection is missing")
        }
        let keep = try Self.number(section, "keepBackups", file: file, default: 2)
        guard keep >= 1, keep == keep.rounded(), keep <= 10_000 else {
            throw BackupError(
                .configuration, "\(file): backup.keepBackups must be a whole number from 1")
        }
        let days = try Self.number(section, "maxAgeDays", file: file, default: 7)
        guard days >= 0, days <= 36_500 else {
            throw BackupError(.configuration, "\(file): backup.maxAgeDays must be 0 or more")
        }
        return Self(
            archiveDirectory: archive, connection: connection, keepBackups: Int(keep),
            maxAgeDays: days)
    }

    private static func number(
        _ section: [String: Any], _ key: String, file: String, default value: Double
    ) throws(BackupError) -> Double {
        guard let raw = section[key] else { return value }
        guard let number = raw as? NSNumber else {
            throw BackupError(.configuration, "\(file): backup.\(key) must be a number")
        }
        return number.doubleValue
    }

    private static func refuseUnknown(
        _ object: [String: Any], known: Set<String>, in place: String
    ) throws(BackupError) {
        let unknown = Set(object.keys).subtracting(known).sorted()
        guard unknown.isEmpty else {
            throw BackupError(
                .configuration,
                "\(place): unknown key \(unknown.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "known: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// Where base backups live.
    public var backupsFolder: String { self.archiveDirectory + "/backups" }
    /// Where archived WAL lives.
    public var walFolder: String { self.archiveDirectory + "/wal" }
}
