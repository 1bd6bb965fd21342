import Foundation
import PortalTesting
import Postgres
import Tenancy
import Testing

@testable import Referrals

/// A database with the Code-Point Open sample, the real procedure catalogue for two
/// tenants, and sites loaded with `SiteImporter`.
struct SitesWorld {
    static let header =
        "ods_code,name,address,town,postcode,modalities,unit,unit_manager_name,"
        + "unit_manager_phone,unit_manager_email,procedures,active\n"
    static var demoSites: String { SitesFiles.repository + "/data/demo-sites.csv" }

    let database: CatalogueDatabase
    let alliance: TenantID
    let other: TenantID

    static func make() async throws -> SitesWorld {
        let database = try await CatalogueDatabase.migrated()
        let alliance = try await database.addTenant(slug: "alliance")
        let other = try await database.addTenant(slug: "other")
        let catalogue = try ProcedureCatalogueFile.load(path: CatalogueDatabase.realCatalogue)
        try await database.withConnection { connection in
            _ = try await PostcodeImport(source: .codePoint, dataYear: 2025).run(
                [SitesFiles.codePointSample], on: connection)
            for tenant in [alliance, other] {
                _ = try await ProcedureImporter.load(
                    catalogue, tenant: tenant, connection: connection)
            }
        }
        return SitesWorld(database: database, alliance: alliance, other: other)
    }

    func load(_ path: String, into tenant: TenantID) async throws -> SiteImportSummary {
        let file = try SiteFile.load(path: path)
        return try await self.database.withConnection { connection in
            try await SiteImporter.load(file, tenant: tenant, connection: connection)
        }
    }

    func load(text: String, into tenant: TenantID) async throws -> SiteImportSummary {
        try await self.load(try SitesFiles.temporary(text, name: "sites.csv"), into: tenant)
    }

    /// The id of `tenant`'s procedure with this SNOMED CT id.
    func procedure(_ snomed: String, of tenant: TenantID) async throws -> UUID {
        let text = try await self.database.psql(
            "SELECT id FROM portal.procedures WHERE tenant_id = '\(tenant)' "
                + "AND snomed_ct_id = '\(snomed)'")
        return try #require(UUID(uuidString: text))
    }

    /// Nearest sites as the API role sees them, under row-level security.
    func nearest(
        _ postcode: String, _ procedure: UUID, for tenant: TenantID
    ) async throws -> NearestSites {
        try await self.database.withConnection(as: "portal_app") { connection in
            try await connection.withTenant(tenant, readOnly: true) { transaction in
                try await SiteDirectory.nearest(to: postcode, procedure: procedure, in: transaction)
            }
        }
    }

    func searchError(
        _ postcode: String, _ procedure: UUID, for tenant: TenantID
    ) async -> SiteSearchError.Code? {
        do {
            _ = try await self.nearest(postcode, procedure, for: tenant)
            return nil
        } catch let error as SiteSearchError {
            return error.code
        } catch {
            return nil
        }
    }
}

@Suite("Sites: import and nearest", .serialized)
struct SiteImportTests {
    @Test("the demo file loads with positions from the postcode table; again, it updates")
    func demo() async throws {
        let world = try await SitesWorld.make()
        let first = try await world.load(SitesWorld.demoSites, into: world.alliance)
        #expect(first.added == 16 && first.updated == 0 && first.offers > 100)
        let again = try await world.load(SitesWorld.demoSites, into: world.alliance)
        #expect(again.added == 0 && again.updated == 16 && again.deactivated == 0)

        let placed = try await world.database.psql(
            """
            SELECT count(*) FROM portal.scanning_sites s
            JOIN reference.postcodes p ON p.postcode = s.postcode
            WHERE s.latitude = p.latitude AND s.longitude = p.longitude
            """)
        #expect(placed == "16")
        let glanClwyd = try await world.database.psql(
            """
            SELECT s.active, s.unit_kind, o.kind FROM portal.scanning_sites s
            JOIN portal.organisations o ON o.id = s.organisation_id WHERE o.ods_code = 'DMO14'
            """)
        #expect(glanClwyd == "f|mobile|scanning_site")
        // Edinburgh offers exactly the four MRI procedures it lists.
        #expect(
            try await world.database.psql(
                """
                SELECT count(*) FROM portal.site_procedures sp
                JOIN portal.organisations o ON o.id = sp.site_id WHERE o.ods_code = 'DMO04'
                """) == "4")

        // A file that leaves sites out makes them inactive.
        let lines = try String(contentsOfFile: SitesWorld.demoSites, encoding: .utf8)
            .split(separator: "\n").prefix(3).joined(separator: "\n")
        let fewer = try await world.load(text: lines + "\n", into: world.alliance)
        #expect(fewer.updated == 2 && fewer.deactivated == 13)
    }

    @Test("a bad sites file is refused with every problem on its line, and nothing changes")
    func refusals() async throws {
        let world = try await SitesWorld.make()
        _ = try await world.load(SitesWorld.demoSites, into: world.alliance)
        let before = try await world.database.psql(
            "SELECT md5(string_agg(s::text, ',' ORDER BY organisation_id)) "
                + "FROM portal.scanning_sites s")

        let text =
            SitesWorld.header
            + "DMO01,Leeds,1 Road,Leeds,LS9 7TF,MRI,static,A B,0113 496 0000,a@b.example,all,\n"
            + "DMO20,Nowhere,1 Road,Lerwick,ZE2 9ZZ,MRI,static,A B,0113 496 0000,a@b.example,"
            + "all,\n"
            + "DMO21,Wrong,1 Road,Leeds,LS2 9JT,MRI,static,A B,0113 496 0000,a@b.example,"
            + "169069000|123456789012|241641004,\n"
            + "DMO22,Bad,1 Road,Leeds,LS2 9JT,MRI|MRX,lorry,A B,12,ab.example,all,maybe\n"
            + "DMO01,Twice,1 Road,Leeds,LS9 7TF,MRI,static,A B,0113 496 0000,a@b.example,all,\n"
        await #expect {
            _ = try await world.load(text: text, into: world.alliance)
        } throws: { error in
            let issues = (error as? SiteImportError)?.issues.map(\.description) ?? []
            return issues.contains("line 6: ods_code DMO01 is already on line 2")
                && issues.contains { $0.hasPrefix("line 5: modalities: \"MRX\" is not one of") }
                && issues.contains("line 5: unit: must be static or mobile")
                && issues.contains("line 5: unit_manager_phone: \"12\" is not a phone number")
                && issues.contains { $0.hasPrefix("line 5: unit_manager_email") }
                && issues.contains("line 5: active: must be yes or no")
        }

        // The file's checks pass once those are gone; the database's then fail.
        let checked =
            SitesWorld.header
            + "DMO20,Nowhere,1 Road,Lerwick,ZE2 9ZZ,MRI,static,A B,0113 496 0000,a@b.example,"
            + "all,\n"
            + "DMO21,Wrong,1 Road,Leeds,LS2 9JT,MRI,static,A B,0113 496 0000,a@b.example,"
            + "169069000|123456789012|241641004,\n"
        await #expect {
            _ = try await world.load(text: checked, into: world.alliance)
        } throws: { error in
            let issues = (error as? SiteImportError)?.issues.map(\.description) ?? []
            return issues == [
                "line 2: postcode ZE2 9ZZ is not in the postcode table (or has no position); "
                    + "import postcodes first",
                "line 3: procedures: 169069000 needs CT, which the site's modalities leave out",
                "line 3: procedures: 123456789012 is not in the tenant's catalogue",
            ]
        }

        // An ODS code another kind of organisation holds is not taken over.
        try await world.database.psql(
            """
            INSERT INTO portal.organisations (tenant_id, kind, ods_code, name, address_lines,
                town, postcode)
            VALUES ('\(world.alliance)', 'gp_practice', 'B82005', 'Practice', '{"1 St"}',
                    'Leeds', 'LS1 4AP'),
                   ('\(world.alliance)', 'referring_organisation', 'RR8', 'Trust', '{"1 St"}',
                    'Leeds', 'LS1 4AP');
            """)
        await #expect {
            _ = try await world.load(
                text: SitesWorld.header
                    + "RR8,Trust,1 Road,Leeds,LS9 7TF,MRI,static,A B,0113 496 0000,a@b.example,"
                    + "all,\n",
                into: world.alliance)
        } throws: { error in
            (error as? SiteImportError)?.issues.map(\.description) == [
                "line 2: ods_code belongs to an organisation of the tenant that is not a "
                    + "scanning site"
            ]
        }

        let after = try await world.database.psql(
            "SELECT md5(string_agg(s::text, ',' ORDER BY organisation_id)) "
                + "FROM portal.scanning_sites s")
        #expect(after == before)
    }
}
