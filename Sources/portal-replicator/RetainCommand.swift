import Foundation
import Replication

/// `portal-replicator retain --config site-b.json`: applies the retention rule (keep the
/// newest `backup.keepBackups` backups and those younger than `backup.maxAgeDays`, and
/// always the newest) and removes archived WAL before the oldest kept backup's start;
/// prints what it removed.
enum RetainCommand {
    static func run(_ arguments: [String]) async -> Int32 {
        guard let (config, _) = Usage.parse("retain", arguments, positionals: 0...0) else {
            return 2
        }
        let logger = Logging.logger("retain")
        do {
            let configuration = try BackupConfiguration.load(path: config)
            let plan = try Retention(configuration: configuration).apply()
            for label in plan.backupsToRemove {
                print("removed backup \(label)")
            }
            for name in plan.walToRemove {
                print("removed wal \(name)")
            }
            print(
                "kept \(plan.backupsKept.count) backups "
                    + "(\(plan.backupsKept.joined(separator: ", "))); "
                    + "removed \(plan.backupsToRemove.count) backups and "
                    + "\(plan.walToRemove.count) WAL files")
            logger.info(
                "retention applied",
                [
                    ("backup.kept", .int(Int64(plan.backupsKept.count))),
                    ("backup.removed", .int(Int64(plan.backupsToRemove.count))),
                    ("wal.removed", .int(Int64(plan.walToRemove.count))),
                ])
            return 0
        } catch {
            Usage.report("retain", "\(error)")
            return error.code == .configuration ? 2 : 1
        }
    }
}
