import Referrals

/// `portalctl import sites --tenant SLUG FILE`: a tenant's scanning sites from CSV.
enum SitesImport {
    static let kind = ImportCommand.Kind(
        name: "sites",
        summary: "a tenant's scanning sites (CSV, positions from the postcode table; sites it "
            + "no longer lists are made inactive)",
        perTenant: true,
        load: { request, connection in
            guard let tenant = request.tenant else { throw UsageError("sites belong to a tenant") }
            let file = try SiteFile.load(path: request.files[0])
            let summary = try await SiteImporter.load(file, tenant: tenant, connection: connection)
            return "sites: \(summary)"
        }
    )
}
