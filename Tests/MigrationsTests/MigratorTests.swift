import Foundation
import Migrations
import PortalTesting
import Telemetry
import Testing

/// Applying migrations to real PostgreSQL, each test in a fresh database of the shared
/// cluster.
@Suite("Migrator")
struct MigratorTests {
    let logger = Logger(label: "migrations-test", level: .warning)

    func migrate(
        _ directory: String, _ cluster: TestCluster, _ database: String
    ) async throws
        -> [Migration]
    {
        let set = try MigrationSet.load(directory: directory)
        return try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: database), logger: self.logger
        ) { try await $0.migrate(set) }
    }

    func status(
        _ directory: String, _ cluster: TestCluster, _ database: String
    ) async throws
        -> MigrationPlan
    {
        let set = try MigrationSet.load(directory: directory)
        return try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: database), logger: self.logger
        ) { try await $0.status(set) }
    }

    @Test("the repository's migrations apply once, and the application role owns nothing")
    func repositoryMigrations() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()

        let applied = try await self.migrate(MigrationFolder.repository, cluster, database)
        #expect(applied.first?.fileName == "0001_roles.sql")
        #expect(try await self.migrate(MigrationFolder.repository, cluster, database).isEmpty)

        let owned = try await cluster.psql(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                    WHERE r.rolname = 'portal_app')
                 + (SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                    WHERE r.rolname = 'portal_app')
                 + (SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                    WHERE r.rolname = 'portal_app');
            """, database: database)
        #expect(owned == "0")

        let roles = try await cluster.psql(
            """
            SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles
            WHERE rolname IN ('portal_owner', 'portal_app') ORDER BY rolname;
            """, database: database)
        #expect(roles == "portal_app|t|f|f\nportal_owner|f|f|f")

        let schemaOwner = try await cluster.psql(
            "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'portal';",
            database: database)
        #expect(schemaOwner == "portal_owner")

        let history = try await cluster.psql(
            "SELECT has_table_privilege('portal_app', 'public.schema_migrations', 'SELECT');",
            database: database)
        #expect(history == "f")
    }

    @Test("a migration with a bad statement leaves nothing of itself behind")
    func badStatementRolledBack() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder([
            "0001_good.sql": "CREATE TABLE good (n int);",
            "0002_bad.sql": """
            CREATE TABLE half_done (n int);
            INSERT INTO no_such_table VALUES (1);
            """,
            "0003_after.sql": "CREATE TABLE after_bad (n int);",
        ])

        let error = await #expect(throws: MigrationError.self) {
            try await self.migrate(folder.path, cluster, database)
        }
        #expect(error?.code == .migrationFailed)
        #expect(error?.file == "0002_bad.sql")
        #expect(error?.message.contains("0002_bad.sql") == true)
        #expect(error?.message.contains("no_such_table") == true)

        let tables = try await cluster.psql(
            """
            SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
            WHERE relname IN ('good', 'half_done', 'after_bad');
            """, database: database)
        #expect(tables == "good")
        let versions = try await cluster.psql(
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations;",
            database: database)
        #expect(versions == "1")
    }

    @Test("an applied file that changed is refused, naming it, and nothing runs")
    func changedFileRefused() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder(["0001_first.sql": "CREATE TABLE first (n int);"])
        _ = try await self.migrate(folder.path, cluster, database)

        try folder.write("0001_first.sql", "CREATE TABLE first (n bigint);")
        try folder.write("0002_second.sql", "CREATE TABLE second (n int);")
        let error = await #expect(throws: MigrationError.self) {
            try await self.migrate(folder.path, cluster, database)
        }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("0001_first.sql") == true)
        let second = try await cluster.psql(
            "SELECT to_regclass('second') IS NULL;", database: database)
        #expect(second == "t")
    }

    @Test("an applied version missing from disk is refused")
    func missingFileRefused() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder([
            "0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;",
        ])
        _ = try await self.migrate(folder.path, cluster, database)

        try FileManager.default.removeItem(atPath: "\(folder.path)/0002_b.sql")
        let error = await #expect(throws: MigrationError.self) {
            try await self.migrate(folder.path, cluster, database)
        }
        #expect(error?.code == .missingFile)
        #expect(error?.message.contains("0002_b.sql") == true)
    }

    @Test("status lists applied migrations with time and author, then pending ones")
    func statusListsAppliedAndPending() async throws {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;"])

        let before = try await self.status(folder.path, cluster, database)
        #expect(before.applied.isEmpty)
        #expect(before.pending.map(\.fileName) == ["0001_a.sql"])

        _ = try await self.migrate(folder.path, cluster, database)
        try folder.write("0002_b.sql", "SELECT 2;")
        let after = try await self.status(folder.path, cluster, database)
        #expect(after.applied.map(\.fileName) == ["0001_a.sql"])
        #expect(after.applied.first?.appliedBy == "postgres")
        #expect(after.applied.first?.appliedAt.hasSuffix("Z") == true)
        #expect(after.pending.map(\.fileName) == ["0002_b.sql"])
        #expect(after.problems.isEmpty)
    }
}
