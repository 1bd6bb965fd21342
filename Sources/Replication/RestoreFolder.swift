import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The target data directory of a restore: checked empty before anything is written,
/// filled with a backup's files checked against their SHA-256, emptied again on failure.
enum RestoreFolder {
    /// Refuses a folder with anything in it; creates a missing one (mode 0700, as PostgreSQL
    /// requires). Returns whether it created it.
    static func prepare(_ directory: String) throws(BackupError) -> Bool {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw BackupError(.invalidArgument, "\(directory) exists and is not a folder")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            guard entries.isEmpty else {
                throw BackupError(
                    .invalidArgument,
                    "\(directory) is not empty (\(entries.count) entries); a restore only "
                        + "writes into an empty or new folder")
            }
            guard chmod(directory, 0o700) == 0 else { throw FileDigest.failure("chmod", directory) }
            return false
        }
        try BaseBackup.makeFolder(directory)
        return true
    }

    /// Copies the backup's folders and files into `directory`, each file checked against
    /// the manifest's SHA-256 and size.
    static func copy(_ entry: BackupCatalog.Entry, into directory: String) throws(BackupError) {
        let source = entry.folder + "/" + BackupManifest.dataFolder
        guard let walker = FileManager.default.enumerator(atPath: source) else {
            throw BackupError(.storage, "cannot list \(source)")
        }
        while let relative = walker.nextObject() as? String {
            var status = stat()
            if lstat(source + "/" + relative, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                try BaseBackup.makeFolder(directory + "/" + relative)
            }
        }

        for file in entry.manifest.files {
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..")
            else {
                throw BackupError(.corrupt, "the manifest names \(file.path), outside the backup")
            }
            let copied = try FileDigest.copy(
                source + "/" + file.path, to: directory + "/" + file.path, mode: 0o600)
            guard copied.hex == file.sha256, copied.size == file.size else {
                throw BackupError(
                    .corrupt,
                    "\(file.path) in backup \(entry.manifest.label) has SHA-256 \(copied.hex) "
                        + "(\(copied.size) bytes), not the \(file.sha256) (\(file.size) bytes) "
                        + "recorded when it was taken")
            }
        }
    }

    /// Removes what a failed restore wrote: everything inside `directory`, and the folder
    /// itself when the restore made it.
    static func undo(_ directory: String, removeFolder: Bool) {
        if removeFolder {
            try? FileManager.default.removeItem(atPath: directory)
            return
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + entry)
        }
    }
}
