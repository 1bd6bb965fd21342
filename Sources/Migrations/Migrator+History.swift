import Postgres

extension Migrator {
    /// Takes the deployers' advisory lock, waiting at most `lockTimeout` for another holder.
    func lock() async throws {
        let milliseconds = self.lockTimeout.components.seconds * 1000
        do {
            try await self.connection.execute(script: "SET lock_timeout = \(milliseconds)")
            _ = try await self.connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            try await self.connection.execute(script: "RESET lock_timeout")
        } catch {
            throw MigrationError(
                .database,
                "could not take the migration lock (another deployer may be running): "
                    + Self.describe(error))
        }
    }

    func unlock() async throws {
        do {
            _ = try await self.connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
        } catch {
            throw MigrationError(
                .database, "could not release the migration lock: \(Self.describe(error))")
        }
    }

    /// Creates the history table on first use. Only its owner (the deployer) may touch it.
    func ensureHistoryTable() async throws {
        try await self.run(
            """
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                version    integer PRIMARY KEY CHECK (version > 0),
                name       text NOT NULL,
                checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT session_user
            );
            REVOKE ALL ON public.schema_migrations FROM PUBLIC;
            """)
    }

    /// The recorded history, or none when the table does not exist yet.
    func appliedMigrations() async throws -> [AppliedMigration] {
        do {
            let exists = try await self.connection.query(
                "SELECT to_regclass('public.schema_migrations') IS NOT NULL")
            guard let row = exists.first, try row.decode(Bool.self, at: 0) else {
                return []
            }

            let rows = try await self.connection.query(
                """
                SELECT version::bigint, name, checksum,
                       to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       applied_by
                FROM public.schema_migrations ORDER BY version
                """)
            return try rows.map { row in
                let (version, name, checksum, appliedAt, appliedBy) = try row.decode(
                    (Int64, String, String, String, String).self)
                return AppliedMigration(
                    version: Int(version), name: name, checksum: checksum,
                    appliedAt: appliedAt, appliedBy: appliedBy)
            }
        } catch {
            throw MigrationError(
                .database, "cannot read schema_migrations: \(Self.describe(error))")
        }
    }
}
