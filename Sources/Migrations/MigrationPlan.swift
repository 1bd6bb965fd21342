/// What the database has applied compared with the files on disk: which files are pending,
/// and which applied migrations no longer match their file. Pure logic, no I/O.
public struct MigrationPlan: Sendable {
    /// Applied migrations, in version order.
    public let applied: [AppliedMigration]
    /// Files not yet applied, in version order.
    public let pending: [Migration]
    /// Applied migrations whose file changed, was renamed or is gone.
    public let problems: [MigrationError]

    public init(disk: MigrationSet, applied: [AppliedMigration]) {
        let onDisk = Dictionary(
            disk.migrations.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let appliedVersions = Set(applied.map(\.version))

        var problems: [MigrationError] = []
        for record in applied.sorted(by: { $0.version < $1.version }) {
            if let problem = Self.check(record, against: onDisk[record.version]) {
                problems.append(problem)
            }
        }

        self.applied = applied.sorted { $0.version < $1.version }
        self.pending = disk.migrations.filter { !appliedVersions.contains($0.version) }
        self.problems = problems
    }

    /// Throws the first problem, if any: migrating over a changed history is refused.
    public func requireConsistent() throws {
        if let problem = self.problems.first {
            throw problem
        }
    }

    private static func check(
        _ record: AppliedMigration, against file: Migration?
    ) -> MigrationError? {
        guard let file else {
            return MigrationError(
                .missingFile,
                "\(record.fileName) was applied at \(record.appliedAt) but no file on disk has "
                    + "version \(record.version); restore it",
                file: record.fileName)
        }
        guard file.name == record.name else {
            return MigrationError(
                .missingFile,
                "version \(record.version) was applied as \(record.fileName) but the file is now "
                    + "\(file.fileName); restore the original name",
                file: file.fileName)
        }
        guard file.checksum == record.checksum else {
            return MigrationError(
                .checksumMismatch,
                "\(file.fileName) has changed since it was applied at \(record.appliedAt): "
                    + "applied sha256 \(record.checksum), file now sha256 \(file.checksum); "
                    + "put the change in a new migration instead",
                file: file.fileName)
        }
        return nil
    }
}
