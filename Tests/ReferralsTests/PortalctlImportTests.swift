import Foundation
import PortalTesting
import Testing

/// `portalctl import procedures` as an operator runs it.
@Suite("portalctl import procedures")
struct PortalctlImportTests {
    /// The `portalctl` built next to the running test bundle.
    static var portalctl: String { BuiltProduct.path("portalctl") }

    func run(_ arguments: [String]) async throws -> CommandOutput {
        try await ProcessRunner.run(
            Self.portalctl, arguments, environment: ["PORTAL_DB_URL": ""], timeout: .seconds(60))
    }

    func activeCount(_ database: CatalogueDatabase) async throws -> String {
        try await database.psql("SELECT count(*) FROM portal.procedures WHERE active;")
    }

    @Test("the real file loads, and loading it again updates in place", .timeLimit(.minutes(2)))
    func good() async throws {
        let database = try await CatalogueDatabase.migrated()
        _ = try await database.addTenant(slug: "alliance")
        let arguments = [
            "import", "procedures", "--tenant", "alliance", "--database-url", database.url,
            CatalogueDatabase.realCatalogue,
        ]

        let first = try await self.run(arguments)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("procedures: 51 added, 0 updated, 0 withdrawn"))
        let second = try await self.run(arguments)
        #expect(second.standardOutput.contains("procedures: 0 added, 51 updated, 0 withdrawn"))
        #expect(try await self.activeCount(database) == "51")
    }

    @Test("a bad file is refused with its lines and changes nothing", .timeLimit(.minutes(2)))
    func bad() async throws {
        let database = try await CatalogueDatabase.migrated()
        _ = try await database.addTenant(slug: "alliance")
        let good = try await self.run([
            "import", "procedures", "--tenant", "alliance", "--database-url", database.url,
            CatalogueDatabase.realCatalogue,
        ])
        #expect(good.status == 0, "\(good.standardError)")

        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("catalogue-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = """
            \(ProcedureCatalogueFileTests.header)
            MKNEB,241641004,Knee MRI,MRI,knee,,a,b,c
            MHIPB,12345,Hip MRI,MRI,hip,,a,b,c
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let refused = try await self.run([
            "import", "procedures", "--tenant", "alliance", "--database-url", database.url, path,
        ])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("nothing was changed"))
        #expect(refused.standardError.contains("line 3: snomed_ct_id: \"12345\""))
        #expect(try await self.activeCount(database) == "51")
    }

    @Test("usage errors: no tenant, unknown tenant, unknown kind, missing file")
    func usage() async throws {
        let database = try await CatalogueDatabase.migrated()
        let file = CatalogueDatabase.realCatalogue
        let noTenant = try await self.run([
            "import", "procedures", "--database-url", database.url, file,
        ])
        #expect(noTenant.status == 2)
        #expect(noTenant.standardError.contains("pass --tenant SLUG"))
        let unknownKind = try await self.run(["import", "patients", file])
        #expect(unknownKind.status == 2)
        let unknownTenant = try await self.run([
            "import", "procedures", "--tenant", "nobody", "--database-url", database.url, file,
        ])
        #expect(unknownTenant.status == 1)
        #expect(unknownTenant.standardError.contains("no tenant has the slug"))
        let missing = try await self.run([
            "import", "procedures", "--tenant", "nobody", "--database-url", database.url,
            "/nonexistent/catalogue.csv",
        ])
        #expect(missing.status != 0)
    }
}
