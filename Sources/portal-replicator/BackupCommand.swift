import Foundation
import Replication
import Telemetry

/// `portal-replicator backup --config site-b.json`: a base backup of the primary, reached
/// through `backup.connection`, into the archive's `backups/` folder.
enum BackupCommand {
    static let usage = "usage: portal-replicator backup --config FILE"

    static func run(_ arguments: [String]) async -> Int32 {
        let logger = Logger(label: "portal-replicator.backup")
        guard arguments.count == 2, arguments[0] == "--config" else {
            FileHandle.standardError.write(Data((Self.usage + "\n").utf8))
            return 2
        }
        do {
            let configuration = try BackupConfiguration.load(path: arguments[1])
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
            FileHandle.standardError.write(Data("portal-replicator backup: \(error)\n".utf8))
            return 1
        }
    }
}
