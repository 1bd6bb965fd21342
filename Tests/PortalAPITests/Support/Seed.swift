import Foundation
import Tenancy

/// The rows every portal test starts from, written as the superuser.
enum Seed {
    static func sql(
        tenant: TenantID, other: TenantID, admin: PortalHarness.Person,
        referrer: PortalHarness.Person, otherAdmin: PortalHarness.Person, hash: String
    ) -> String {
        let organisation = UUID().uuidString.lowercased()
        let otherOrganisation = UUID().uuidString.lowercased()
        return """
            INSERT INTO portal.tenants (id, name, slug) VALUES
                ('\(tenant)', 'Alliance Imaging', 'alliance'), ('\(other)', 'Other Imaging', 'other');
            INSERT INTO portal.organisations
                (id, tenant_id, kind, ods_code, name, address_lines, town, postcode) VALUES
                ('\(organisation)', '\(tenant)', 'referring_organisation', 'RJ1',
                 'Guy''s and St Thomas''', ARRAY['Westminster Bridge Road'], 'London', 'SE1 7EH'),
                ('\(otherOrganisation)', '\(other)', 'referring_organisation', 'RJ1',
                 'Guy''s and St Thomas''', ARRAY['Westminster Bridge Road'], 'London', 'SE1 7EH');
            INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title, email, state)
            VALUES
                ('\(admin.id.uuidString.lowercased())', '\(tenant)', '\(organisation)',
                 'Ada Admin', 'Portal administrator', '\(admin.email)', 'active'),
                ('\(referrer.id.uuidString.lowercased())', '\(tenant)', '\(organisation)',
                 'Rhys Referrer', 'Consultant oncologist', '\(referrer.email)', 'active'),
                ('\(otherAdmin.id.uuidString.lowercased())', '\(other)', '\(otherOrganisation)',
                 'Otto Other', 'Portal administrator', '\(otherAdmin.email)', 'active');
            INSERT INTO portal.user_roles (tenant_id, user_id, role) VALUES
                ('\(tenant)', '\(admin.id.uuidString.lowercased())', 'tenant_administrator'),
                ('\(tenant)', '\(referrer.id.uuidString.lowercased())', 'referrer'),
                ('\(other)', '\(otherAdmin.id.uuidString.lowercased())', 'tenant_administrator');
            INSERT INTO portal.password_credentials (tenant_id, user_id, password_hash) VALUES
                ('\(tenant)', '\(admin.id.uuidString.lowercased())', '\(hash)'),
                ('\(tenant)', '\(referrer.id.uuidString.lowercased())', '\(hash)'),
                ('\(other)', '\(otherAdmin.id.uuidString.lowercased())', '\(hash)');
            """
    }
}
