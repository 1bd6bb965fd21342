import Foundation
import Replication
import Telemetry

/// `portal-replicator retain --config site-b.json`: applies the retention rule (keep the
/// newest `backup.keepBackups` backups and those younger than `backup.maxAgeDays`, never
/// the newest) and removes archived WAL older than the oldest kept backup; prints what it
/// removed.
enum RetainCommand {
    static let usage = "usage: portal-replicator retain --config FILE"

    static func run(_ arguments: [String]) async -> Int32 {
        let logger = Logger(label: "portal-replicator.retain")
        guard arguments.count == 2, arguments[0] == "--config" else {
            FileHandle.standardError.write(Data((Self.usage + "\n").utf8))
            return 2
        }
        do {
            let configuration = try BackupConfiguration.load(path: arguments[1])
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
            FileHandle.standardError.write(Data("portal-replicator retain: \(error)\n".utf8))
            return 1
        }
    }
}
