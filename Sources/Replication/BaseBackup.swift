import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Takes a base backup of the primary into the archive with `pg_basebackup`, in plain format,
/// into `backups/<label>/data/`, and records it in `backups/<label>/backup.json`.
///
/// WAL is not copied (`-X none`): recovery takes it from the archive, where the primary's
/// `archive_command` puts it, and `pg_basebackup` returns only once the backup's last WAL
/// segment has been archived. The backup is made under a hidden name and renamed when it is
/// whole, so a backup that failed half-way is never listed; a failure removes it.
public struct BaseBackup: Sendable {
    public let configuration: BackupConfiguration
    /// How long `pg_basebackup` may run.
    public let timeout: Duration

    public init(configuration: BackupConfiguration, timeout: Duration = .seconds(6 * 3600)) {
        self.configuration = configuration
        self.timeout = timeout
    }

    /// Takes the backup and returns its manifest; `now` gives the start and stop times.
    public func run(
        now: @Sendable () -> Date = { Date() }
    ) async throws(BackupError) -> BackupManifest {
        guard let connection = self.configuration.connection else {
            throw BackupError(
                .configuration, "the configuration has no backup.connection to reach the primary")
        }
        let catalog = self.configuration.backupsFolder
        try Self.makeFolder(catalog)

        let startTime = now()
        let label = try self.freshLabel(startTime)
        let working = catalog + "/." + label + ".partial"
        let data = working + "/" + BackupManifest.dataFolder
        try Self.makeFolder(working)
        do {
            try await self.copyCluster(connection: connection, label: label, into: data)
            let manifest = try BackupRecord.describe(
                label: label, data: data, startTime: startTime, stopTime: now())
            try BackupRecord.store(manifest, into: working)
            try Self.publish(working, as: catalog + "/" + label, in: catalog)
            return manifest
        } catch {
            try? FileManager.default.removeItem(atPath: working)
            throw error
        }
    }

    private func copyCluster(
        connection: String, label: String, into data: String
    ) async throws(BackupError) {
        let program = try PostgresTools.path("pg_basebackup")
        let arguments = [
            "--pgdata", data, "--format", "plain", "--wal-method", "none",
            "--checkpoint", "fast", "--label", label, "--no-password", "--dbname", connection,
        ]
        let output = try await PostgresTools.run(
            program, arguments, environment: ["PGCONNECT_TIMEOUT": "10"], timeout: self.timeout)
        guard output.status == 0 else {
            let reason = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw BackupError(
                .commandFailed, "pg_basebackup failed (status \(output.status)): \(reason)")
        }
    }

    /// `base-YYYYMMDDTHHMMSSZ`, with `-2`, `-3`, ... when a backup of that second exists.
    private func freshLabel(_ time: Date) throws(BackupError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = "base-" + formatter.string(from: time)
        for attempt in 1...100 {
            let label = attempt == 1 ? base : "\(base)-\(attempt)"
            let taken = [label, "." + label + ".partial"].contains {
                FileManager.default.fileExists(
                    atPath: self.configuration.backupsFolder + "/" + $0)
            }
            if !taken { return label }
        }
        throw BackupError(.storage, "a hundred backups started in the second \(base)")
    }

    static func makeFolder(_ path: String) throws(BackupError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError(.storage, "cannot create \(path): \(error)")
        }
    }

    /// Renames the finished backup into place and flushes the folder, so that after a
    /// crash the backup is either listed whole or not at all.
    private static func publish(
        _ working: String, as final: String, in folder: String
    ) throws(BackupError) {
        guard rename(working, final) == 0 else { throw FileDigest.failure("rename", working) }
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileDigest.failure("open", folder) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileDigest.failure("flush", folder) }
    }
}
