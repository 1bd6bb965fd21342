import Foundation
import PortalTesting
import Postgres
import Reactor
import Tenancy
import Testing

/// `withTenant` as the API uses it: through a pool of portal_app connections.
@Suite("withTenant")
struct WithTenantTests {
    /// Runs `body` with a pool of at most `connections` portal_app connections.
    @discardableResult
    func withPool<Result>(
        _ database: MigratedDatabase, connections: Int = 1,
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        let loop = try EventLoop(name: "tenancy-pool")
        defer { loop.shutdown() }

        var configuration = PostgresPoolConfiguration(
            connection: PostgresConfiguration(
                connectionString: database.cluster.connectionString(
                    database: database.name, user: "portal_app", password: nil)))
        configuration.maximumConnections = connections
        let pool = try PostgresPool(
            configuration: configuration, on: loop, logger: MigratedDatabase.logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    @Test("each transaction sees its own tenant only, and the setting ends with it")
    func scoping() async throws {
        let database = try await MigratedDatabase.migrated()
        let first = TenantFixtures(slug: "first")
        let second = TenantFixtures(slug: "second")
        try await database.psql(first.script + second.script)

        try await self.withPool(database) { pool in
            for fixtures in [first, second] {
                let tenant = TenantID(fixtures.tenant)
                let seen = try await pool.withTenant(tenant) { transaction in
                    let rows = try await transaction.query("SELECT id FROM portal.users")
                    return try rows.map { try $0.decode(UUID.self, at: 0) }
                }
                #expect(Set(seen) == [fixtures.user, fixtures.delegate])
            }

            // The one connection went back to the pool without a tenant.
            let after = try await pool.query(
                """
                SELECT coalesce(current_setting('portal.tenant_id', true), ''), count(*)
                FROM portal.users
                """)
            #expect(try after[0].decode(String.self, at: 0) == "")
            #expect(try after[0].decode(Int64.self, at: 1) == 0)
        }
    }

    @Test("a failing body rolls back what it wrote")
    func rollback() async throws {
        let database = try await MigratedDatabase.migrated()
        let fixtures = TenantFixtures(slug: "rollback")
        try await database.psql(fixtures.script)
        struct Abandon: Error {}

        try await self.withPool(database) { pool in
            await #expect(throws: Abandon.self) {
                try await pool.withTenant(TenantID(fixtures.tenant)) { transaction in
                    _ = try await transaction.query(
                        "UPDATE portal.users SET job_title = 'Changed' WHERE id = \(fixtures.user)")
                    throw Abandon()
                }
            }
        }
        let title = try await database.psql(
            "SELECT job_title FROM portal.users WHERE id = '\(fixtures.user)';")
        #expect(title == "Consultant")
    }

    @Test("a slug resolves to its tenant before any tenant is set")
    func slugs() async throws {
        let database = try await MigratedDatabase.migrated()
        let fixtures = TenantFixtures(slug: "alliance")
        try await database.psql(fixtures.script)

        try await self.withPool(database) { pool throws in
            let resolved = try await pool.tenant(forSlug: "alliance")
            #expect(resolved == TenantID(fixtures.tenant))
            let refusals = [
                ("nobody", TenancyError.Code.unknownTenant), ("Bad Slug", .invalidSlug),
            ]
            for (slug, code) in refusals {
                do throws(TenancyError) {
                    _ = try await pool.tenant(forSlug: slug)
                    Issue.record("\(slug) resolved")
                } catch {
                    #expect(error.code == code)
                }
            }
        }
    }
}
