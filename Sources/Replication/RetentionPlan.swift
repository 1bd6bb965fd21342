import Foundation

/// Which backups and archived WAL files retention keeps, decided from names and times
/// alone, so the rule can be checked without a disk.
///
/// A backup is kept when it is one of the newest `keepBackups`, or when it finished less
/// than `maxAgeDays` ago: either rule is enough to keep it, and the newest backup is always
/// kept. WAL is kept from the oldest kept backup's start segment on: every segment, backup
/// history file and `.partial` file whose position (log and segment number) lies before it
/// is removed, on every timeline. That single cut is safe on every timeline because
/// recovery from a backup only reads forward from its start, and a timeline a recovery
/// switches to branched off at a position after that start. `.history` files are always
/// kept: they are tiny and a recovery that follows timelines needs all of them.
public struct RetentionPlan: Sendable, Equatable {
    /// Labels of the backups to remove, oldest first.
    public let backupsToRemove: [String]
    /// Labels of the backups kept, oldest first.
    public let backupsKept: [String]
    /// Archived WAL file names to remove (each with its `.sha256`), in name order.
    public let walToRemove: [String]

    /// The plan for `backups` (any order) and the archived `walFiles` at `now`.
    public init(
        backups: [BackupManifest], walFiles: [String], keepBackups: Int, maxAgeDays: Double,
        now: Date
    ) {
        let newestFirst = backups.sorted {
            ($0.stopTime, $0.label) > ($1.stopTime, $1.label)
        }
        let youngest = now.addingTimeInterval(-maxAgeDays * 86_400)
        var kept: [BackupManifest] = []
        var removed: [BackupManifest] = []
        for (index, backup) in newestFirst.enumerated() {
            if index < max(keepBackups, 1) || backup.stopTime > youngest {
                kept.append(backup)
            } else {
                removed.append(backup)
            }
        }
        self.backupsKept = kept.reversed().map(\.label)
        self.backupsToRemove = removed.reversed().map(\.label)

        guard let cut = kept.map({ Self.position($0.startWALFile) }).min() else {
            self.walToRemove = []
            return
        }
        self.walToRemove = walFiles.filter { file in
            guard let name = WALFileName(file), name.kind != .history else { return false }
            return Self.position(name.name) < cut
        }.sorted()
    }

    /// A WAL file's place in the log whatever its timeline: the log and segment numbers
    /// (characters 9 to 24 of its name).
    static func position(_ name: String) -> String {
        String(name.dropFirst(8).prefix(16))
    }
}
