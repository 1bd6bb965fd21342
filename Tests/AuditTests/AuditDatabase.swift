import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Telemetry

/// A fresh database on the shared test cluster with the repository's migrations applied,
/// reached as the superuser (through psql) or as any role over loopback TCP (trust).
struct AuditDatabase {
    static let logger = Logger(label: "audit-tests", level: .error)

    let cluster: TestCluster
    let name: String

    /// Creates the database and applies every migration in the repository.
    static func migrated() async throws -> AuditDatabase {
        let cluster = try await TestCluster.shared()
        let name = try await cluster.createDatabase()
        let set = try MigrationSet.load(directory: Self.migrationsFolder)
        _ = try await Migrator.withConnection(
            databaseURL: cluster.connectionString(database: name), logger: Self.logger
        ) { try await $0.migrate(set) }
        return AuditDatabase(cluster: cluster, name: name)
    }

    /// The repository's `migrations/` folder.
    static var migrationsFolder: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }

    /// Runs SQL as the superuser (row-level security does not apply to it).
    @discardableResult
    func psql(_ sql: String) async throws -> String {
        try await self.cluster.psql(sql, database: self.name)
    }

    /// Runs `body` with a connection as `user` (no password: loopback trusts), on a loop of
    /// its own.
    func withConnection<Result>(
        as user: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let loop = try EventLoop(name: "audit-test")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: self.cluster.connectionString(
                database: self.name, user: user, password: nil),
            applicationName: "audit-tests")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: Self.logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

extension AuditDatabase {
    /// A tenant with one organisation and one user, inserted by the superuser.
    struct Tenant {
        let id = UUID()
        let user = UUID()
    }

    func addTenant(slug: String) async throws -> Tenant {
        let tenant = Tenant()
        let organisation = UUID()
        try await self.psql(
            """
            INSERT INTO portal.tenants (id, name, slug) VALUES ('\(tenant.id)', 'P', '\(slug)');
            INSERT INTO portal.organisations (id, tenant_id, kind, ods_code, name, address_lines,
                town, postcode)
            VALUES ('\(organisation)', '\(tenant.id)', 'gp_practice', 'A81001', 'Practice',
                    '{"1 High St"}', 'Leeds', 'LS1 4AP');
            INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title, email)
            VALUES ('\(tenant.user)', '\(tenant.id)', '\(organisation)', 'Dr Ada Smith',
                    'Consultant', 'ada@nhs.net');
            """)
        return tenant
    }
}
