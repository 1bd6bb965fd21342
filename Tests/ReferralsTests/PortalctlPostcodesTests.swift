import Foundation
import PortalTesting
import Testing

/// `portalctl import postcodes` as an operator runs it.
@Suite("portalctl import postcodes")
struct PortalctlPostcodesTests {
    func run(_ arguments: [String]) async throws -> CommandOutput {
        try await ProcessRunner.run(
            PortalctlImportTests.portalctl, arguments, environment: ["PORTAL_DB_URL": ""],
            timeout: .seconds(60))
    }

    @Test("the sample loads; a bad file is refused naming its line; options are checked")
    func postcodes() async throws {
        let database = try await CatalogueDatabase.migrated()
        let good = try await self.run([
            "import", "postcodes", "--format", "codepoint", "--data-year", "2025",
            "--database-url", database.url, SitesFiles.codePointSample,
        ])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.contains("postcodes: 68 written from 1 file(s)"))

        let bad = try SitesFiles.temporary("LS1 4AP,10,429363,433330\nLS1 4AQ,10,x,1\n")
        let refused = try await self.run([
            "import", "postcodes", "--database-url", database.url, SitesFiles.codePointSample, bad,
        ])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("postcodes.csv:2: eastings \"x\""))
        #expect(refused.standardError.contains("nothing was changed"))
        #expect(try await database.psql("SELECT count(*) FROM reference.postcodes") == "68")

        let format = try await self.run([
            "import", "postcodes", "--format", "csv", "--database-url", database.url, bad,
        ])
        #expect(format.status == 2 && format.standardError.contains("codepoint or onspd"))
        let tenant = try await self.run([
            "import", "postcodes", "--tenant", "alliance", "--database-url", database.url, bad,
        ])
        #expect(tenant.status == 2 && tenant.standardError.contains("leave out --tenant"))
        let stray = try await self.run([
            "import", "procedures", "--format", "onspd", "--tenant", "a", "--database-url",
            database.url, bad,
        ])
        #expect(stray.status == 2 && stray.standardError.contains("not an option"))
    }
}
