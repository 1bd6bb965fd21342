import Postgres
import Telemetry

/// Applies the pending migrations of a `MigrationSet` to one database, in order, each in a
/// transaction of its own, recorded in `public.schema_migrations`.
///
/// A session advisory lock serialises deployers: a second `portalctl migrate` started at the
/// same time waits, then finds nothing left to do. A history that no longer matches the files
/// (a changed, renamed or deleted applied file) is refused before anything runs.
///
/// A migration's file runs inside the migrator's transaction, so a file that issues its own
/// `COMMIT` escapes it, and statements that cannot run in a transaction block
/// (`CREATE INDEX CONCURRENTLY`) fail; neither is supported.
public struct Migrator: Sendable {
    /// The advisory lock every deployer of this product takes: the bytes of "portalmg".
    public static let lockKey: Int64 = 0x706F_7274_616C_6D67

    let connection: PostgresConnection
    let logger: Logger
    /// How long to wait for another deployer's lock before giving up.
    public var lockTimeout: Duration

    public init(
        connection: PostgresConnection, logger: Logger, lockTimeout: Duration = .seconds(600)
    ) {
        self.connection = connection
        self.logger = logger
        self.lockTimeout = lockTimeout
    }

    /// Applies every pending migration and returns those it applied (empty when up to date).
    /// Throws `checksumMismatch` or `missingFile` before applying anything when the recorded
    /// history disagrees with the files, and `migrationFailed` (naming the file, with the
    /// server's message) when a file's SQL fails; that migration is rolled back entirely and
    /// the ones before it stay applied.
    public func migrate(_ set: MigrationSet) async throws -> [Migration] {
        try await self.lock()
        do {
            try await self.ensureHistoryTable()
            let plan = MigrationPlan(disk: set, applied: try await self.appliedMigrations())
            try plan.requireConsistent()

            for migration in plan.pending {
                try await self.apply(migration)
            }
            try await self.unlock()
            return plan.pending
        } catch {
            try? await self.unlock()
            throw error
        }
    }

    /// Compares the database's history with the files without changing anything.
    public func status(_ set: MigrationSet) async throws -> MigrationPlan {
        MigrationPlan(disk: set, applied: try await self.appliedMigrations())
    }

    /// Runs one file and records it, all in one transaction.
    private func apply(_ migration: Migration) async throws {
        let logger = self.logger.with("migration.file", .string(migration.fileName))
        logger.debug("applying migration")

        try await self.run("BEGIN")
        do {
            try await self.connection.execute(script: migration.sql)
            try await self.connection.execute(script: "RESET ROLE")
            _ = try await self.connection.query(
                """
                INSERT INTO public.schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """)
            try await self.connection.execute(script: "COMMIT; RESET ALL")
        } catch {
            try? await self.connection.execute(script: "ROLLBACK; RESET ALL")
            throw MigrationError(
                .migrationFailed,
                "\(migration.fileName) failed and was rolled back: \(Self.describe(error))",
                file: migration.fileName)
        }
        logger.debug("applied migration", [("migration.version", .int(Int64(migration.version)))])
    }

    /// Runs a statement outside any migration, reporting a failure as a database error.
    func run(_ script: String) async throws {
        do {
            try await self.connection.execute(script: script)
        } catch {
            throw MigrationError(.database, "\(script) failed: \(Self.describe(error))")
        }
    }

    /// The server's message with its SQLSTATE, detail and hint when present.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PostgresError else {
            return "\(error)"
        }
        var text = error.message
        if let state = error.sqlState {
            text += " (SQLSTATE \(state))"
        }
        if let detail = error.detail {
            text += "; detail: \(detail)"
        }
        if let hint = error.hint {
            text += "; hint: \(hint)"
        }
        return text
    }
}
