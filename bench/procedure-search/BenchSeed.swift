import Foundation
import Security
import Tenancy

/// The benchmark's tenant: one organisation, one user, and an API token for the client.
struct BenchSeed {
    let tenant: TenantID
    let token: String
    let sql: String

    static func make() throws -> BenchSeed {
        let tenant = UUID()
        let organisation = UUID()
        let user = UUID()
        let token = try SessionToken.generate()
        let digest = try SessionToken.storageDigest(of: token)
            .map { String(format: "%02x", $0) }.joined()
        let sql = """
            INSERT INTO portal.tenants (id, name, slug)
            VALUES ('\(tenant)', 'Alliance Imaging', 'alliance');
            INSERT INTO portal.organisations (id, tenant_id, kind, ods_code, name,
                address_lines, town, postcode)
            VALUES ('\(organisation)', '\(tenant)', 'referring_organisation', 'RR8',
                    'Leeds Teaching Hospitals', '{"Great George Street"}', 'Leeds', 'LS1 3EX');
            INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title, email,
                state)
            VALUES ('\(user)', '\(tenant)', '\(organisation)', 'Dr Ada Smith', 'Consultant',
                    'ada.smith@nhs.test', 'active');
            INSERT INTO portal.api_tokens (tenant_id, name, token_hash, scopes, created_by)
            VALUES ('\(tenant)', 'Benchmark', decode('\(digest)', 'hex'), '{referrals:read}',
                    '\(user)');
            """
        return BenchSeed(tenant: TenantID(tenant), token: token, sql: sql)
    }
}
