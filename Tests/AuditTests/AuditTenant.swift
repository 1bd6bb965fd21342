import Foundation
import PortalTesting

extension MigratedDatabase {
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
