import Foundation
import Migrations
import PortalTesting
import Postgres
import Reactor
import Referrals
import Telemetry
import Tenancy

/// The tests' migrated database (PortalTesting's), with what the catalogue tests add to it.
typealias CatalogueDatabase = MigratedDatabase

extension MigratedDatabase {
    static var repository: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The 51 real procedures in `data/`.
    static var realCatalogue: String {
        Self.repository.appendingPathComponent("data/procedure-catalogue.csv").path
    }

    /// The superuser's URL, as an operator passes it to `portalctl`.
    var url: String { self.cluster.connectionString(database: self.name) }

    /// Adds a tenant with `slug` and returns its id.
    func addTenant(slug: String) async throws -> TenantID {
        let id = UUID()
        try await self.psql(
            "INSERT INTO portal.tenants (id, name, slug) VALUES ('\(id)', 'P', '\(slug)');")
        return TenantID(id)
    }

    /// Runs `body` with a superuser connection (the importer's) on a loop of its own.
    func withConnection<Result>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.withConnection(as: "postgres", body)
    }
}

extension CatalogueDatabase {
    /// Runs `body` with a catalogue over a pool of portal_app connections, as an API node has.
    func withCatalogue<Result>(
        _ body: (ProcedureCatalogue) async throws -> Result
    ) async throws -> Result {
        let loop = try EventLoop(name: "referrals-pool")
        defer { loop.shutdown() }
        let connection = PostgresConfiguration(
            connectionString: self.cluster.connectionString(
                database: self.name, user: "portal_app", password: nil),
            applicationName: "referrals-tests")
        let pool = try PostgresPool(
            configuration: PostgresPoolConfiguration(connection: connection), on: loop,
            logger: Self.logger)
        do {
            let result = try await body(ProcedureCatalogue(pool: { pool }))
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A database whose tenant `alliance` holds the 51 real procedures; `other` has none.
    static func withRealCatalogue() async throws -> (CatalogueDatabase, TenantID, TenantID) {
        let database = try await CatalogueDatabase.migrated()
        let tenant = try await database.addTenant(slug: "alliance")
        let other = try await database.addTenant(slug: "other")
        let file = try ProcedureCatalogueFile.load(path: Self.realCatalogue)
        _ = try await database.withConnection { connection in
            try await ProcedureImporter.load(file, tenant: tenant, connection: connection)
        }
        return (database, tenant, other)
    }
}
