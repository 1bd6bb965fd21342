import Foundation

/// Applies the retention rule (see `RetentionPlan`) to an archive: removes the backups it
/// no longer keeps, then the archived WAL before the oldest kept backup.
///
/// Backups are removed by first renaming them to a hidden name, so a removal cut short
/// never leaves a listed backup with files missing. WAL goes file first, checksum second,
/// matching how the archive writes them the other way round.
public struct Retention: Sendable {
    public let configuration: BackupConfiguration

    public init(configuration: BackupConfiguration) {
        self.configuration = configuration
    }

    /// Works out the plan for `now` and carries it out; returns what it removed.
    @discardableResult
    public func apply(now: Date = Date()) throws(BackupError) -> RetentionPlan {
        guard self.configuration.keepBackups != nil || self.configuration.maxAgeDays != nil
        else {
            throw BackupError(
                .configuration,
                "no retention is configured: set backup.keepBackups or backup.maxAgeDays")
        }
        let catalog = BackupCatalog(folder: self.configuration.backupsFolder)
        let entries = try catalog.backups()
        let plan = RetentionPlan(
            backups: entries.map(\.manifest), walFiles: try self.archivedWAL(),
            keepBackups: self.configuration.keepBackups ?? 1,
            maxAgeDays: self.configuration.maxAgeDays ?? 0, now: now)

        for label in plan.backupsToRemove {
            let folder = catalog.folder + "/" + label
            let doomed = catalog.folder + "/." + label + ".removing"
            do {
                try FileManager.default.moveItem(atPath: folder, toPath: doomed)
                try FileManager.default.removeItem(atPath: doomed)
            } catch {
                throw BackupError(.storage, "cannot remove the backup \(folder): \(error)")
            }
        }
        for name in plan.walToRemove {
            for file in [name, name + ".sha256"] {
                let path = self.configuration.walFolder + "/" + file
                guard FileManager.default.fileExists(atPath: path) else { continue }
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    throw BackupError(.storage, "cannot remove \(path): \(error)")
                }
            }
        }
        return plan
    }

    private func archivedWAL() throws(BackupError) -> [String] {
        let folder = self.configuration.walFolder
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { WALFileName($0) != nil }
        } catch {
            throw BackupError(.storage, "cannot list \(folder): \(error)")
        }
    }
}
