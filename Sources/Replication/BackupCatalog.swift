import Foundation

/// The finished base backups in an archive's `backups/` folder, oldest first.
///
/// A backup is listed only once its folder carries its final name, which happens after
/// every file and the manifest are on disk; folders still being written have names starting
/// with a dot and are never listed.
public struct BackupCatalog: Sendable {
    /// One finished backup: its folder and its manifest.
    public struct Entry: Sendable {
        public let folder: String
        public let manifest: BackupManifest
    }

    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// The finished backups, by the time they finished, oldest first. A folder with a final
    /// name but no readable manifest is an error: the archive was damaged.
    public func backups() throws(BackupError) -> [Entry] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.folder, isDirectory: &isFolder) else {
            return []
        }
        guard isFolder.boolValue else {
            throw BackupError(.storage, "\(self.folder) is not a folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: self.folder)
        } catch {
            throw BackupError(.storage, "cannot list \(self.folder): \(error)")
        }
        var entries: [Entry] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = self.folder + "/" + name
            entries.append(Entry(folder: path, manifest: try BackupManifest.load(folder: path)))
        }
        return entries.sorted {
            ($0.manifest.stopTime, $0.manifest.label) < ($1.manifest.stopTime, $1.manifest.label)
        }
    }

    /// The newest backup that had finished strictly before `time`.
    public func newest(finishedBefore time: Date) throws(BackupError) -> Entry {
        let all = try self.backups()
        guard let oldest = all.first else {
            throw BackupError(.noBackup, "the archive holds no base backup (\(self.folder))")
        }
        guard let chosen = all.last(where: { $0.manifest.stopTime < time }) else {
            throw BackupError(
                .noBackup,
                "\(Timestamp.format(time)) is before every backup finished; the oldest, "
                    + "\(oldest.manifest.label), finished at "
                    + "\(Timestamp.format(oldest.manifest.stopTime))")
        }
        return chosen
    }
}
