import Foundation
import Postgres
import Tenancy
import Testing

@testable import Referrals

/// The importer against real PostgreSQL: adding, updating, withdrawing, one tenant at a time.
@Suite("Procedure import")
struct ProcedureImporterTests {
    static let header = ProcedureCatalogueFileTests.header

    func load(
        _ csv: String, _ tenant: TenantID, _ database: CatalogueDatabase
    ) async throws
        -> ProcedureImportSummary
    {
        let file = try ProcedureCatalogueFile(csv: csv)
        return try await database.withConnection { connection in
            try await ProcedureImporter.load(file, tenant: tenant, connection: connection)
        }
    }

    @Test(
        "the real catalogue loads; a changed file updates, adds and withdraws",
        .timeLimit(.minutes(2)))
    func reload() async throws {
        let database = try await CatalogueDatabase.migrated()
        let tenant = try await database.addTenant(slug: "alliance")
        let other = try await database.addTenant(slug: "other")

        let real = try String(contentsOfFile: CatalogueDatabase.realCatalogue, encoding: .utf8)
        #expect(try await self.load(real, tenant, database) == .init(51, 0, 0))
        #expect(try await self.load(real, other, database) == .init(51, 0, 0))

        let smaller = """
            \(Self.header)
            MKNEB,241641004,Knee MRI,MRI,knee,,a,b,c
            NEWCODE,241639000,Hip MRI,MRI,hip,with contrast,a,b,c
            """
        #expect(try await self.load(smaller, tenant, database) == .init(0, 2, 49))
        let rows = try await database.psql(
            """
            SELECT snomed_ct_id, name, contrast, array_to_string(safety_questions, ','),
                   array_to_string(nicip_codes, ',')
            FROM portal.procedures WHERE tenant_id = '\(tenant)' AND active ORDER BY snomed_ct_id;
            """)
        #expect(
            rows == "241639000|Hip MRI|gadolinium|mri,contrast|NEWCODE\n"
                + "241641004|Knee MRI|none|mri|MKNEB")
        let otherCount = try await database.psql(
            "SELECT count(*) FROM portal.procedures WHERE tenant_id = '\(other)' AND active;")
        #expect(otherCount == "51")

        #expect(try await self.load(real, tenant, database) == .init(0, 51, 0))
    }

    @Test(
        "portal_app reads the catalogue of its tenant only and cannot change it",
        .timeLimit(.minutes(2)))
    func apiRoleReadsOnly() async throws {
        let database = try await CatalogueDatabase.migrated()
        let tenant = try await database.addTenant(slug: "alliance")
        let other = try await database.addTenant(slug: "other")
        let real = try String(contentsOfFile: CatalogueDatabase.realCatalogue, encoding: .utf8)
        _ = try await self.load(real, other, database)

        try await database.withConnection(as: "portal_app") { connection in
            let seen = try await connection.withTenant(tenant) { transaction in
                try await transaction.query("SELECT count(*) FROM portal.procedures")
                    .first!.decode(Int64.self, at: 0)
            }
            #expect(seen == 0)
            await #expect(throws: PostgresError.self) {
                try await connection.withTenant(other) { transaction in
                    _ = try await transaction.query(
                        "UPDATE portal.procedures SET name = 'x' WHERE snomed_ct_id = '241641004'")
                }
            }
        }
    }
}

extension ProcedureImportSummary {
    init(_ added: Int, _ updated: Int, _ withdrawn: Int) {
        self.init(added: added, updated: updated, withdrawn: withdrawn)
    }
}
