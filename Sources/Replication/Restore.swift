import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Rebuilds a cluster's data directory from the archive: the newest base backup that fits
/// the target, each file checked against its SHA-256 as it is copied, then the settings
/// that make PostgreSQL replay archived WAL through `restore_command`.
///
/// The target folder must be empty or absent; if anything fails the folder is left as it
/// was found (emptied again, or removed if this made it).
public struct Restore: Sendable {
    /// Where recovery stops.
    public enum Target: Sendable, Equatable {
        /// Replay to `time` (an instant; `text` is the operator's own spelling of it, handed
        /// to PostgreSQL unchanged so no precision is lost), then promote.
        case time(Date, text: String)
        /// Stay a standby that replays the archive as it grows, with no streaming
        /// connection, from the newest backup.
        case standby
    }

    /// What was restored.
    public struct Result: Sendable {
        public let backup: BackupManifest
        public let directory: String
        /// The signal file written: `recovery.signal` or `standby.signal`.
        public let signalFile: String
    }

    public let backupsFolder: String
    public let directory: String
    public let target: Target
    /// The `restore_command` PostgreSQL will run, `%f` and `%p` included.
    public let restoreCommand: String
    /// A port for the restored server, so it can run beside the one it came from.
    public let port: Int?

    public init(
        backupsFolder: String, directory: String, target: Target, restoreCommand: String,
        port: Int? = nil
    ) {
        self.backupsFolder = backupsFolder
        self.directory = directory
        self.target = target
        self.restoreCommand = restoreCommand
        self.port = port
    }

    /// Checks the target folder, picks the backup, copies and verifies it, and writes the
    /// recovery settings. Does not start the server.
    public func run(now: Date = Date()) throws(BackupError) -> Result {
        let createdFolder = try RestoreFolder.prepare(self.directory)
        do {
            let entry = try self.chooseBackup(now: now)
            try RestoreFolder.copy(entry, into: self.directory)
            let signal = try self.writeRecoverySettings()
            return Result(backup: entry.manifest, directory: self.directory, signalFile: signal)
        } catch {
            RestoreFolder.undo(self.directory, removeFolder: createdFolder)
            throw error
        }
    }

    private func chooseBackup(now: Date) throws(BackupError) -> BackupCatalog.Entry {
        let catalog = BackupCatalog(folder: self.backupsFolder)
        switch self.target {
        case .time(let time, let text):
            guard time <= now else {
                throw BackupError(
                    .invalidArgument,
                    "\(text) is in the future; the archive can only hold what has happened")
            }
            return try catalog.newest(finishedBefore: time)
        case .standby:
            guard let newest = try catalog.backups().last else {
                throw BackupError(
                    .noBackup, "the archive holds no base backup (\(self.backupsFolder))")
            }
            return newest
        }
    }

    /// Appends the recovery settings to `postgresql.auto.conf` (read last, so they win) and
    /// writes the signal file; returns its name.
    private func writeRecoverySettings() throws(BackupError) -> String {
        var lines = [
            "",
            "# Written by portalctl restore: recover from the WAL archive.",
            "restore_command = '\(Self.quoted(self.restoreCommand))'",
            "# A restored cluster must not write into the archive it came from until an",
            "# operator says so; set archive_mode and archive_command again to make it a primary.",
            "archive_mode = 'off'",
        ]
        let signal: String
        switch self.target {
        case .time(_, let text):
            lines += [
                "recovery_target_time = '\(Self.quoted(Self.postgresTime(text)))'",
                "recovery_target_inclusive = on",
                "recovery_target_action = 'promote'",
            ]
            signal = "recovery.signal"
        case .standby:
            lines += ["recovery_target_timeline = 'latest'"]
            signal = "standby.signal"
        }
        if let port = self.port {
            lines.append("port = \(port)")
        }

        let settings = self.directory + "/postgresql.auto.conf"
        guard let handle = FileHandle(forWritingAtPath: settings) else {
            throw BackupError(.storage, "cannot open \(settings) to add the recovery settings")
        }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            throw BackupError(.storage, "cannot write \(settings): \(error)")
        }
        let signalPath = self.directory + "/" + signal
        guard FileManager.default.createFile(atPath: signalPath, contents: Data()) else {
            throw BackupError(.storage, "cannot create \(signalPath)")
        }
        return signal
    }

    /// An ISO 8601 time as `recovery_target_time` accepts it: a space for the `T` and `+00`
    /// for `Z`, every fractional digit kept.
    static func postgresTime(_ text: String) -> String {
        var time = text.trimmingCharacters(in: .whitespaces)
        if let separator = time.firstIndex(where: { $0 == "T" || $0 == "t" }) {
            time.replaceSubrange(separator...separator, with: " ")
        }
        if time.hasSuffix("Z") || time.hasSuffix("z") {
            time = String(time.dropLast()) + "+00"
        }
        return time
    }

    /// `text` inside a single-quoted `postgresql.conf` value.
    static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "''")
    }

    /// `word` as one shell word, for `restore_command`.
    public static func shellWord(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
