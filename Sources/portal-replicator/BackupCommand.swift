import Foundation
import Replication

/// `portal-replicator backup --config site-b.json`: a base backup of the primary, reached
/// through `backup.connection`, into the archive's `backups/` folder.
enum BackupCommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard let (config, _) = Usage.parse("backup", arguments, positionals: 0...0) else {
            return 2
        }
        let logger = Logging.logger("backup")
        do {
            let configuration = try BackupConfiguration.load(path: config)
            logger.info(
                "base backup started",
                [("archive.folder", .string(configuration.archiveDirectory))])
            let manifest = try await BaseBackup(configuration: configuration).run()
            logger.info(
                "base backup finished",
                [
                    ("backup.label", .string(manifest.label)),
                    ("wal.segment", .string(manifest.startWALFile)),
                    ("backup.files", .int(Int64(manifest.files.count))),
                ])
            print(
                "backup \(manifest.label): start \(manifest.startWALFile) "
                    + "(\(manifest.startLSN)), stop \(manifest.stopLSN), timeline "
                    + "\(manifest.timeline), \(manifest.files.count) files, finished "
                    + Timestamp.format(manifest.stopTime))
            return 0
        } catch {
            Usage.report("backup", "\(error)")
            return error.code == .configuration ? 2 : 1
        }
    }
}
